r"""Regular expressions the data supplies (an identifier scheme's medkg:localIdPattern, a shape's
sh:pattern), checked before anything runs them.

Both engines run them: Oxigraph's REGEX (Rust's regex crate, linear in time) and rdflib's (Python's
`re`, backtracking; the pySHACL engine). A pattern one of them cannot compile makes REGEX an error,
and a FILTER with an error drops the row: the values it should have checked were silently passed.
A pattern with a quantifier inside a quantifier, one of them variable (`(a+)+`, `(a|b{1,3})*`), can
take Python's `re` exponential time on a short string that almost matches (catastrophic
backtracking), and `re` cannot be interrupted. Both are refused, with the reason.

>>> problem("^[0-9]{7}$") is None
True
>>> problem("^(a+)+$")
'a repeated group holds a repeat of its own (nested quantifiers): Python backtracks over it exponentially on a near match; write it with one quantifier'
>>> problem("(unclosed")
'Python cannot compile it (missing ), unterminated subpattern at position 0)'
>>> problem("^(?=x)")
"Oxigraph's REGEX cannot compile it (look-around, back-references and the like are not XPath regex syntax)"
"""

import functools
import re
import warnings

# re's own parser: its parsed form is the only way to see how quantifiers nest.
from re import _constants as sre_constants
from re import _parser as sre_parse

MAX_LENGTH = 1000  # characters: the shipped patterns are under 60
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


def problem(pattern: str, flags: int = 0) -> str | None:
    """What is wrong with `pattern` as a regular expression both engines run safely (None: nothing)."""
    if len(pattern) > MAX_LENGTH:
        return f"it is {len(pattern)} characters long; at most {MAX_LENGTH} are read"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re's FutureWarning ("possible nested set") would be a second line
            re.compile(pattern, flags)
    except (re.error, RecursionError, OverflowError, ValueError) as e:
        return f"Python cannot compile it ({e})"
    if nested_quantifiers(pattern, flags):
        return NESTED
    if not oxigraph_compiles(pattern):
        return OXIGRAPH
    return None


NESTED = ("a repeated group holds a repeat of its own (nested quantifiers): Python backtracks over it "
          "exponentially on a near match; write it with one quantifier")
OXIGRAPH = "Oxigraph's REGEX cannot compile it (look-around, back-references and the like are not XPath regex syntax)"


def nested_quantifiers(pattern: str, flags: int = 0) -> bool:
    """Whether a repeat that can match more than once holds a repeat of variable count (a pattern
    Python's re compiles; False for one it cannot)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    return _nested(parsed.data, False)


def _nested(items, inside: bool) -> bool:
    """Whether a repeat that can match more than once holds a repeat of variable count below it."""
    for op, value in items:
        if op in _REPEATS:
            low, high, body = value
            if inside and low != high:
                return True
            if _nested(body.data, inside or high > 1):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested(value[-1].data, inside):
                return True
        elif op == sre_constants.BRANCH:
            if any(_nested(branch.data, inside) for branch in value[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.ATOMIC_GROUP):
            body = value[-1] if isinstance(value, tuple) else value
            if _nested(body.data, inside):
                return True
        elif op == sre_constants.GROUPREF_EXISTS:
            if any(branch is not None and _nested(branch.data, inside) for branch in value[1:]):
                return True
    return False


@functools.lru_cache(maxsize=1024)
def oxigraph_compiles(pattern: str) -> bool:
    """Whether Oxigraph's REGEX reads the pattern: REGEX of a pattern it cannot compile is an error,
    which leaves the variable it is bound to unbound."""
    import pyoxigraph as ox

    from medkg.rdf.turtle import literal

    query = f"SELECT ?r WHERE {{ BIND(REGEX(\"\", {literal(pattern)}) AS ?r) }}"
    try:
        rows = list(ox.Store().query(query))
    except SyntaxError:
        return False
    return bool(rows) and rows[0]["r"] is not None
