"""SHACL-SPARQL pre-binding (SHACL 5.2.1 and Appendix A), on the query text.

SHACL binds $this (and $shapesGraph, $currentShape) by substitution: every occurrence of the
variable in the query becomes the value, in every nested group, and bound($this) is true.
pyoxigraph's `substitutions` binds the variable at the top only, so a FILTER in a nested group saw
it unbound (the W3C suite's pre-binding-003 and -005). Here the value is written into the text.
SHACL also says which queries a processor must refuse, since pre-binding cannot be defined for
them: those with MINUS, VALUES or SERVICE, with `AS ?this` (any pre-bound variable), or with a
subquery that does not return the pre-bound variables.
"""

import re

from medkg.errors import ShapesRefused
from medkg.rdf.sparql_parse import SparqlRefused, normalise, read
from medkg.rdf.sparql_text import mask

PRE_BOUND = ("this", "shapesGraph", "currentShape")
# The syntax tree's name for each forbidden form, with the keyword that must be in the text for it.
_FORBIDDEN = {"ServiceGraphPattern": ("service", "SERVICE (a federated query)"), "MinusGraphPattern": ("minus", "MINUS"),
              "InlineData": ("values", "VALUES"), "ValuesClause": ("values", "VALUES")}


def refuse_unsupported(query: str, where: str, prologue: str = "") -> None:
    """ShapesRefused where SHACL 5.2.1 forbids the query; `where` names the constraint, `prologue`
    holds its PREFIX lines (sh:prefixes). SERVICE, MINUS and VALUES are found by parsing (a pattern
    over the text missed `FILTER(1<2)SERVICE<...>`); a query whose text, as the parser reads it,
    holds none of the three words cannot hold the forms, and is not parsed (some 40 ms a query)."""
    words = normalise(query).lower()
    if any(word in words for word, _ in _FORBIDDEN.values()):
        try:
            names = read(prologue + query).names
        except SparqlRefused as e:
            raise ShapesRefused(f"{where}: {e}; check its prefixes (sh:prefixes) and syntax") from None
        for node, (_, name) in _FORBIDDEN.items():
            if node in names:
                raise ShapesRefused(f"{where}: a SHACL-SPARQL query may not use {name} (SHACL 5.2.1), since "
                                    f"$this could not be pre-bound in it; rewrite it without")
    code = mask(query)
    for name in PRE_BOUND:
        if re.search(rf"\bAS\s+[?$]{name}\b", code, re.IGNORECASE):
            raise ShapesRefused(f"{where}: a SHACL-SPARQL query may not assign the pre-bound ${name} "
                                "(AS ?{name}; SHACL 5.2.1)")
    used = [name for name in PRE_BOUND if _mentions(code, name)]
    for start in [m.start() for m in re.finditer(r"\bSELECT\b", code, re.IGNORECASE)][1:]:
        projection = code[start + 6:_where(code, start)]
        body = _group(code, _where(code, start))
        for name in used:
            if name != "this":
                continue  # $shapesGraph and $currentShape are optional (SHACL 5.2.1)
            if "*" in projection:
                returned = _mentions(re.sub(r"\bFILTER\s*\([^{}]*\)", " ", body, flags=re.IGNORECASE), name)
            else:
                returned = _mentions(projection, name)
            if not returned:
                raise ShapesRefused(f"{where}: a subquery must return ${name} (SHACL 5.2.1); "
                                    f"add ?{name} to its SELECT")


def substitute(query: str, values: dict[str, str]) -> str:
    """The query with each variable named in `values` replaced by that SPARQL term text,
    bound(?var) by (true), and the variable left out of every SELECT's projection (SELECT * where
    nothing is left: the outer query's and each subquery's)."""
    return Template(query, tuple(values)).fill(values)


class Template:
    """A query cut where pre-bound variables stand, read once and filled per focus node (a
    constraint with nested groups runs once per focus node: thousands of times at 100k triples)."""

    def __init__(self, query: str, names: tuple[str, ...]):
        code = mask(query)
        edits = []  # (start, end, name or a fixed text)
        projections = [(m.end(), _where(code, m.start())) for m in re.finditer(r"\bSELECT\b", code, re.IGNORECASE)]
        for name in names:
            for m in re.finditer(rf"\bbound\s*\(\s*[?$]{name}\s*\)", code, re.IGNORECASE):
                edits.append((m.start(), m.end(), ("text", "(true)")))  # FILTER bound($this) stays valid
            for m in re.finditer(rf"[?$]{name}\b", code):
                if any(s <= m.start() < e for s, e, _ in edits):
                    continue
                projected = any(s <= m.start() < e for s, e in projections)
                edits.append((m.start(), m.end(), ("text", "") if projected else ("value", name)))
        for start, end in projections:
            words = [w for w in code[start:end].split() if w.upper() not in ("DISTINCT", "REDUCED")]
            if names and words and all(re.fullmatch(rf"[?$]({'|'.join(names)})", w) for w in words):
                edits.append((end, end, ("text", " * ")))
        self.pieces: list = []  # literal text and ("value", name) slots, in order
        at = 0
        for start, end, slot in sorted(edits, key=lambda e: (e[0], e[1])):
            self.pieces.append(query[at:start])
            self.pieces.append(slot[1] if slot[0] == "text" else slot)
            at = end
        self.pieces.append(query[at:])

    def fill(self, values: dict[str, str]) -> str:
        return "".join(values[piece[1]] if isinstance(piece, tuple) else piece for piece in self.pieces)


def _mentions(code: str, name: str) -> bool:
    return re.search(rf"[?$]{name}\b", code) is not None


def _where(code: str, select_at: int) -> int:
    """Where a SELECT's projection ends: at its WHERE, or its group's opening brace."""
    m = re.compile(r"\bWHERE\b|\{", re.IGNORECASE).search(code, select_at)
    return m.start() if m else len(code)


def _group(code: str, at: int) -> str:
    """The text of the brace group opening at or after `at`."""
    start = code.find("{", at)
    depth = 0
    for i in range(start, len(code)):
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        if depth == 0:
            return code[start:i + 1]
    return code[start:]
