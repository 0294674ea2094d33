r"""sh:pattern's regular expressions, read as SHACL says (XPath's `fn:matches`, XML Schema's regex
syntax) by engines that compile them with Python's `re` (medkg/shacl/core.py, pySHACL).

Python's `re` lacks the Unicode category escapes `\p{L}` and `\P{L}`, valid XPath that pySHACL
stops on and the compiler once printed a traceback for; they become the character classes they
stand for, read from Python's Unicode database, before either engine sees the shapes (Oxigraph's
regex reads the class as it read the escape). A pattern that still does not compile, such as
"(unclosed", is refused in one line naming the shape. Block escapes (`\p{IsBasicLatin}`) are
refused too: Python has no table of blocks.

>>> translate(r"^\p{Lu}")[:5]
'^[A-Z'
>>> translate(r"[\p{Nd}_]").startswith("[0-9")
True
"""

import functools
import re
import sys
import unicodedata
import warnings

from rdflib import Graph, Literal

from medkg.errors import ShapesRefused
from medkg.rdf import regex_check
from medkg.rdf.namespaces import SH

# XML Schema's category names (Part 2, F.1.1): one letter for the group, two for a category.
_CATEGORIES = {"L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
               "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp",
               "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn"}
_ESCAPE = re.compile(r"\\([pP])\{([^}]*)\}")
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_SURROGATES = range(0xD800, 0xE000)  # not characters: never in a class


class PatternError(ValueError):
    """A pattern this module cannot make readable by Python's re."""


@functools.cache
def _by_category() -> dict[str, list[tuple[int, int]]]:
    """Each two-letter category's code points as (first, last) ranges; the unassigned are Cn."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for code in range(sys.maxunicode + 1):
        if code in _SURROGATES:
            continue
        category = unicodedata.category(chr(code))
        spans = ranges.setdefault(category, [])
        if spans and spans[-1][1] == code - 1:
            spans[-1] = (spans[-1][0], code)
        else:
            spans.append((code, code))
    return ranges


@functools.cache
def _ranges(name: str, negated: bool) -> str:
    """The inside of a character class ([...] without brackets) matching category `name`, or
    every character outside it."""
    if name not in _CATEGORIES:
        raise PatternError(f"\\p{{{name}}} names no Unicode category XPath knows"
                           + (" (block escapes are not supported: list the characters)" if name.startswith("Is") else ""))
    spans = sorted(s for category, found in _by_category().items() if category.startswith(name) for s in found)
    merged: list[tuple[int, int]] = []
    for first, last in spans:
        if merged and merged[-1][1] >= first - 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    if negated:
        outside, start = [], 0
        for first, last in merged:
            if first > start:
                outside.append((start, first - 1))
            start = last + 1
        if start <= sys.maxunicode:
            outside.append((start, sys.maxunicode))
        merged = [piece for first, last in outside for piece in _without_surrogates(first, last)]
    return "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in merged)


def _without_surrogates(first: int, last: int) -> list[tuple[int, int]]:
    if last < _SURROGATES.start or first >= _SURROGATES.stop:
        return [(first, last)]
    return [(a, b) for a, b in ((first, _SURROGATES.start - 1), (_SURROGATES.stop, last)) if a <= b]


def _char(code: int) -> str:
    """One character as it may stand in a class, for XPath, Python and Oxigraph alike."""
    c = chr(code)
    return {"\n": r"\n", "\r": r"\r", "\t": r"\t"}.get(c) or ("\\" + c if c in "\\]^-[" else c)


def translate(pattern: str) -> str:
    """The pattern with every \\p{..} and \\P{..} written as the characters it stands for."""
    if "\\p" not in pattern and "\\P" not in pattern:
        return pattern
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            m = _ESCAPE.match(pattern, i)
            if m:
                negated = m.group(1) == "P"
                if in_class:
                    out.append(_ranges(m.group(2), negated))
                else:
                    out.append(f"[{_ranges(m.group(2), negated)}]")
                i = m.end()
                continue
            if pattern[i + 1:i + 2] in ("p", "P"):
                raise PatternError("\\p and \\P need a category in braces, e.g. \\p{L}")
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def compile_check(pattern: str, flags: str = "") -> None:
    """PatternError when Python's re cannot compile the (translated) pattern."""
    value = 0
    for flag in flags:
        value |= _FLAGS.get(flag, 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re's FutureWarning ("possible nested set") is a second line on stderr
            re.compile(pattern, value)
    except (re.error, RecursionError, OverflowError) as e:
        raise PatternError(str(e)) from None


def bound_check(pattern: str, translated: str, flags: str = "") -> None:
    """PatternError for a pattern longer than regex_check.MAX_LENGTH, or with a quantifier inside a
    quantifier (`^(a+)+$`): the bound medkg:localIdPattern has, for every engine alike. pySHACL (and
    the Core shapes the compiler leaves to it) runs sh:pattern on Python's re, which backtracked for
    minutes on 45 a's and a b, past --timeout and Ctrl-C (re holds the interpreter); refusing it on
    the linear engine too keeps one shapes graph's verdict the same whichever engine runs it."""
    if len(pattern) > regex_check.MAX_LENGTH:
        raise PatternError(f"it is {len(pattern)} characters long; at most {regex_check.MAX_LENGTH} are read")
    value = 0
    for flag in flags:
        value |= _FLAGS.get(flag, 0)
    if regex_check.nested_quantifiers(translated, value):
        raise PatternError(regex_check.NESTED)


def prepared(shapes: Graph) -> tuple[Graph, dict[str, str]]:
    """The shapes graph with every sh:pattern readable by Python's re (the graph itself when none
    needed a change) and each rewritten pattern's original (to say in messages what the shapes
    say), or ShapesRefused naming the shape whose pattern cannot be read."""
    from medkg.shacl.syntax_rules import shape_name, term

    changes = []
    for shape, pattern in sorted(shapes.subject_objects(SH.pattern), key=str):
        if not isinstance(pattern, Literal):
            continue  # syntax_rules refuses a pattern that is not a literal, naming its rule
        flags = str(shapes.value(shape, SH.flags) or "")
        try:
            if "q" in flags:  # XPath's q flag: the pattern is plain text, \p{L} included
                translated = str(pattern)
                compile_check(re.escape(translated), flags)
            else:
                translated = translate(str(pattern))
                compile_check(translated, flags)
                bound_check(str(pattern), translated, flags)
        except PatternError as e:
            raise ShapesRefused(f"{shape_name(shapes, shape)}: sh:pattern {term(shapes, pattern)} is not a regular "
                                f"expression medkg can run ({e}); fix it (SHACL 4.4.3 reads XPath's regex syntax)") from None
        if translated != str(pattern):
            changes.append((shape, pattern, Literal(translated, lang=pattern.language, datatype=pattern.datatype)))
    if not changes:
        return shapes, {}
    copy = Graph()
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True)
    for triple in shapes:
        copy.add(triple)
    for shape, old, new in changes:
        copy.remove((shape, SH.pattern, old))
        copy.add((shape, SH.pattern, new))
    return copy, {str(new): str(old) for _, old, new in changes}
