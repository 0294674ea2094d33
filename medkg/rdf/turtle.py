"""Writing Turtle: by hand where a person reads the layout (`medkg anchor`, the article's copy in
data/, a term in a report's text) and where every parser must read each term back as it was
(SHACL reports: `document`), through pyoxigraph's serializer elsewhere. Never through rdflib's,
which writes a literal's lexical form bare whenever its datatype is a number or boolean (an
ill-typed "none"^^xsd:boolean came out as `none`). Prefixes from the registry, or as given."""

import re

import pyoxigraph as ox

from medkg.rdf.namespaces import RDF, XSD
from medkg.rdf.prefixes import prefixes

_XSD = str(XSD)
_XSD_STRING = _XSD + "string"
_RDF = str(RDF)
_RDF_TYPE = _RDF + "type"
_FIRST, _REST, _NIL = (ox.NamedNode(_RDF + name) for name in ("first", "rest", "nil"))
# Written bare: the forms every Turtle parser reads back unchanged (rdflib reads +5 as "5").
_BARE = {_XSD + "boolean": re.compile(r"true|false"), _XSD + "integer": re.compile(r"0|-?[1-9][0-9]*")}
# A local name written after a prefix: a plain subset of Turtle's PN_LOCAL (the rest as <iri>).
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters no reader sees, written as \uXXXX (Turtle's UCHAR, read back as the same character): the
# other control characters (Cc), and the bidirectional controls, which would reorder the text around
# them on a terminal or a page (queries/qc/control-character-violation.rq finds them in the data).
_ESCAPES |= {chr(c): f"\\u{c:04X}" for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                                              *range(0x2066, 0x206A)] if chr(c) not in _ESCAPES}


def string(value: str, lang: str | None = None) -> str:
    """A Turtle string literal on one line, with an optional language tag.

    >>> print(string('say "hi"\\n', "en"))
    "say \\"hi\\"\\n"@en
    >>> print(string("\\u202Eevil\\x00"))
    "\\u202Eevil\\u0000"
    """
    body = "".join(_ESCAPES.get(ch, ch) for ch in value)
    return f'"{body}"' + (f"@{lang}" if lang else "")


def literal(lexical: str, language: str | None = None, datatype: str | None = None, name=None) -> str:
    """Any literal in Turtle's full form: the lexical form quoted, then its language tag or datatype
    (`name` writes the datatype IRI, <iri> by default). Never the bare shorthand (5, true, 1e0):
    that is only Turtle for a lexical form in Turtle's own number and boolean grammar, and an
    ill-typed "none"^^xsd:boolean or an odd "5."^^xsd:decimal written bare is not Turtle at all.

    >>> print(literal("none", datatype="http://www.w3.org/2001/XMLSchema#boolean"))
    "none"^^<http://www.w3.org/2001/XMLSchema#boolean>
    >>> print(literal("5", datatype="http://www.w3.org/2001/XMLSchema#string"), literal("hi", "en"))
    "5" "hi"@en
    """
    if language:
        return string(lexical, language)
    if datatype is None or datatype == _XSD_STRING:
        return string(lexical)
    return f"{string(lexical)}^^{(name or _iri)(datatype)}"


def _iri(iri: str) -> str:
    return f"<{iri}>"


def document(triples, namespaces: dict[str, str]) -> str:
    """Turtle for pyoxigraph triples, written by hand so that every parser reads back each term
    as it is: a literal in full form (see `literal`) except true, false and canonical integers;
    statements grouped by subject; a blank node that is the object of one triple written inside
    it as [ ... ]; @prefix lines for the namespaces used (a name only where the local part is
    plainly a Turtle local name).

    >>> s, p, o = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.BlankNode()
    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> print(document([ox.Triple(s, p, o), ox.Triple(o, p, ox.Literal("none", datatype=ox.NamedNode(xsd + "boolean")))],
    ...                {"ex": "http://example.org/", "xsd": xsd}), end="")
    @prefix ex: <http://example.org/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <BLANKLINE>
    ex:s ex:p [ ex:p "none"^^xsd:boolean ] .
    """
    triples = list(dict.fromkeys(triples))
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    references: dict = {}
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            references[t.object] = references.get(t.object, 0) + 1
    inline = {node for node, n in references.items() if n == 1 and node in by_subject}
    labels: dict = {}
    depth: list = []  # the blank nodes being written inline around the current one
    written: set = set()
    used: set = set()
    spaces = sorted(namespaces.items(), key=lambda kv: -len(kv[1]))

    def name(term, indent: str = "    ") -> str:
        if isinstance(term, ox.NamedNode):
            for prefix, ns in spaces:
                if term.value.startswith(ns) and _LOCAL.fullmatch(term.value[len(ns):]):
                    used.add(prefix)
                    return f"{prefix}:{term.value[len(ns):]}"
            return f"<{term.value}>"
        if isinstance(term, ox.BlankNode):
            if term in inline and term not in written and len(depth) < _MAX_NESTING:
                depth.append(term)
                try:
                    items = members(term)
                    if items is not None:
                        return "( " + " ".join(name(item, indent) for item in items) + " )"
                    written.add(term)
                    return f"[ {properties(term, indent + '    ')} ]"
                finally:
                    depth.pop()
            return "_:" + labels.setdefault(term, f"b{len(labels)}")
        if term.language or term.datatype.value not in _BARE or not _BARE[term.datatype.value].fullmatch(term.value):
            return literal(term.value, term.language, term.datatype.value, name=lambda iri: name(ox.NamedNode(iri)))
        return term.value

    def members(cell) -> list | None:
        """The items of a list written as ( ... ): each cell an rdf:first and an rdf:rest alone,
        each referenced once, ending in rdf:nil; else None."""
        items, cells = [], []
        while cell != _NIL:
            shape = by_subject.get(cell, {})
            if cell not in inline or cell in written or cell in cells or set(shape) != {_FIRST, _REST} \
                    or len(shape[_FIRST]) != 1 or len(shape[_REST]) != 1:
                return None
            cells.append(cell)
            items.append(shape[_FIRST][0])
            cell = shape[_REST][0]
        written.update(cells)
        return items

    def properties(subject, indent: str) -> str:
        return f" ;\n{indent}".join(
            f"{'a' if p.value == _RDF_TYPE else name(p)} {_join([name(o, indent) for o in objects], indent)}"
            for p, objects in by_subject[subject].items())

    statements = []
    for roots in ([s for s in by_subject if s not in inline], list(by_subject)):
        for subject in roots:
            if subject in written:
                continue
            written.add(subject)
            head = "[]" if isinstance(subject, ox.BlankNode) and subject not in references else name(subject)
            statements.append(f"{head} {properties(subject, '    ')} .\n")
    head = "".join(f"@prefix {prefix}: <{namespaces[prefix]}> .\n" for prefix in sorted(used))
    return head + ("\n" if head else "") + "".join(statements)


# Deeper than this, a blank node is written apart under a label (_:b1) rather than inline: a value
# nested thousands deep once ended a --format turtle report in RecursionError.
_MAX_NESTING = 64


def _join(objects: list[str], indent: str) -> str:
    """Objects after their predicate: on one line, or one a line where any is a [ ... ] block."""
    return (f",\n{indent}" if any(o.startswith("[") for o in objects) and len(objects) > 1 else ", ").join(objects)


def prefix_lines(*names: str) -> str:
    """`@prefix` lines for registered prefixes, in the order given.

    >>> print(prefix_lines("kg"), end="")
    @prefix kg: <https://w3id.org/medkg/id/> .
    """
    registry = prefixes()
    return "".join(f"@prefix {name}: <{registry[name]}> .\n" for name in names)


def serialize(statements, fmt: ox.RdfFormat, namespaces: dict[str, str], only_used: bool = False) -> bytes:
    """pyoxigraph's Turtle/TriG of the statements, with its @prefix lines sorted (it writes them in
    hash-map order); with `only_used`, only the prefixes the statements use."""
    statements = list(statements)
    if only_used:
        iris = {t.value for s in statements for t in (s.subject, s.predicate, s.object, getattr(s, "graph_name", None))
                if isinstance(t, ox.NamedNode)}
        iris |= {s.object.datatype.value for s in statements if isinstance(s.object, ox.Literal)}
        namespaces = {p: ns for p, ns in namespaces.items() if any(iri.startswith(ns) for iri in iris)}
    text = ox.serialize(statements, format=fmt, prefixes=namespaces).decode("utf-8")
    lines = text.splitlines(keepends=True)
    head = [line for line in lines if line.startswith("@prefix ")]
    return ("".join(sorted(head)) + "".join(lines[len(head):])).encode("utf-8")
