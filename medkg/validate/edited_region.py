"""The triples of a Turtle file after a save, parsing only the statements the save changed.

A curator's save changes a few lines of a file that may hold 10,000 triples: parsing it whole
costs 30 to 90 ms (a 100-drug file of the synthetic graphs), more than everything else
`validate --watch` does for a one-drug edit. The lines before and after the edit are the same
as last time, so the triples they state are too: the changed lines, widened to whole statements,
are parsed alone (with the file's prefixes) before and after, and the file's triples (a multiset:
one file may state a triple twice) are patched with the difference, without reading the rest.

Only where that is certainly the same as parsing the file whole; anything else returns None and
the caller parses the file whole (which also says where a syntax error is): a long string (which
may hold a blank line and what looks like a statement), a prefix or base declaration in the
edit, a blank node, or changed lines that do not parse alone.
"""

import re
from collections import Counter

import pyoxigraph as ox

_DECLARATION = ("@prefix", "@base", "PREFIX", "BASE", "prefix", "base")


def reparse(old_text: str, old_triples: Counter, raw: bytes) -> tuple[str, dict] | None:
    """(the file's text, {triple: how many times the file now states it} for the triples whose count
    the save changed) after the save, or None when only a whole parse will do."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if '"""' in text or "'''" in text or '"""' in old_text or "'''" in old_text:
        return None
    old, new = old_text.split("\n"), text.split("\n")
    # The lines before the first character that differs, and those after the last: found by comparing
    # blocks of characters, not 10,000 lines one by one in Python.
    first = _same_start(old_text, text)
    start = old_text.count("\n", 0, first)
    offset = old_text.rfind("\n", 0, first) + 1  # where line `start` begins, in both texts
    tail = min(_same_end(old_text, text).count("\n"), min(len(old), len(new)) - start)
    while start > 0 and not (_starts_statement(new, start) and _starts_statement(old, start)):
        start -= 1
        offset -= len(new[start]) + 1
    while tail > 0 and not (_starts_statement(new, len(new) - tail) and _starts_statement(old, len(old) - tail)):
        tail -= 1
    before, after = old[start:len(old) - tail], new[start:len(new) - tail]
    if any(line.lstrip().startswith(_DECLARATION) for line in before + after):
        return None
    prefixes = "\n".join(_DECLARATIONS.findall(text, 0, offset))
    removed, added = _parse(prefixes, before), _parse(prefixes, after)
    if removed is None or added is None:
        return None
    counts = {t: old_triples.get(t, 0) - removed[t] + added[t] for t in removed.keys() | added.keys()}
    if any(n < 0 for n in counts.values()):  # the lines did not state what was recorded: parse whole
        return None
    return text, {t: n for t, n in counts.items() if n != old_triples.get(t, 0)}


def _starts_statement(lines: list[str], i: int) -> bool:
    """Whether line i starts a statement: at the left margin, after a line that ends one."""
    if i >= len(lines):
        return True
    line = lines[i]
    if not line or line[0].isspace() or line.startswith("#"):
        return False
    previous = next((lines[j].rstrip() for j in range(i - 1, -1, -1)
                     if lines[j].strip() and not lines[j].lstrip().startswith("#")), ".")
    return previous.endswith(".")


_BLOCK = 4096
_DECLARATIONS = re.compile(r"^(?:@prefix|@base|PREFIX|BASE|prefix|base)\b.*$", re.MULTILINE)


def _same_start(a: str, b: str) -> int:
    """How many characters `a` and `b` share from the start."""
    i, end = 0, min(len(a), len(b))
    for block in (_BLOCK, 64):
        while i + block <= end and a[i:i + block] == b[i:i + block]:
            i += block
    while i < end and a[i] == b[i]:
        i += 1
    return min(i, end)


def _same_end(a: str, b: str) -> str:
    """The text `a` and `b` end with."""
    i, end = 0, min(len(a), len(b))
    la, lb = len(a), len(b)
    for block in (_BLOCK, 64):
        while i + block <= end and a[la - i - block:la - i] == b[lb - i - block:lb - i]:
            i += block
    while i < end and a[la - i - 1] == b[lb - i - 1]:
        i += 1
    return a[la - i:]


def _parse(prefixes: str, lines: list[str]) -> Counter | None:
    try:
        found = Counter(ox.Triple(q.subject, q.predicate, q.object)
                        for q in ox.parse((prefixes + "\n" + "\n".join(lines)).encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        return None
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in found):
        return None
    return found
