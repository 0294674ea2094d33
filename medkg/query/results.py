"""Query results as plain data, the same whichever engine produced them.

A term is (kind, value, datatype, language) as in the SPARQL 1.1 JSON results format. Numbers
are written in their canonical form (xsd:decimal "5.0" becomes "5"): pyoxigraph stores numbers
by value and answers canonically, rdflib keeps the lexical form, and answers must not depend on
the engine.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from medkg.rdf.namespaces import XSD

_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger")}


@dataclass(frozen=True)
class Term:
    kind: str  # uri | literal | bnode
    value: str
    datatype: str | None = None
    lang: str | None = None


@dataclass
class Results:
    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    boolean: bool | None = None  # set for ASK


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> Term:
    if lang:
        return Term("literal", value, None, lang)
    if datatype == XSD + "string":
        datatype = None
    return Term("literal", canonical_number(value, datatype), datatype, None)


def canonical_number(value: str, datatype: str | None) -> str:
    """XSD 1.1 canonical form of an integer or decimal; other values unchanged.

    >>> canonical_number("5.0", XSD + "decimal"), canonical_number("0.50", XSD + "decimal"), canonical_number("+07", XSD + "integer")
    ('5', '0.5', '7')
    """
    try:
        if datatype in _INTEGERS:
            return str(int(value))
        if datatype == XSD + "decimal":
            text = format(Decimal(value).normalize(), "f")
            return "0" if text in ("-0", "0") else text
    except (ValueError, InvalidOperation):
        pass
    return value


def from_oxigraph(term) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    return literal(term.value, term.datatype.value, term.language)


def from_json_term(term: dict | None) -> Term | None:
    """A term of the SPARQL 1.1 JSON results format."""
    if term is None:
        return None
    if term["type"] == "uri":
        return Term("uri", term["value"])
    if term["type"] == "bnode":
        return Term("bnode", term["value"])
    return literal(term["value"], term.get("datatype"), term.get("xml:lang"))


def from_json(document: dict) -> Results:
    if "boolean" in document:
        return Results([], [], bool(document["boolean"]))
    variables = document["head"]["vars"]
    rows = [tuple(from_json_term(b.get(v)) for v in variables) for b in document["results"]["bindings"]]
    return Results(variables, rows)


def from_oxigraph_solutions(solutions) -> Results:
    if isinstance(solutions, ox.QueryBoolean):
        return Results([], [], bool(solutions))
    variables = [v.value for v in solutions.variables]
    return Results(variables, [tuple(from_oxigraph(row[v]) for v in variables) for row in solutions])
