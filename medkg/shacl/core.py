"""SHACL Core constraints, compiled to SPARQL and run on pyoxigraph.

pySHACL walks the data graph node by node in Python on rdflib: at ~1 M triples that took ~110
of the 160 seconds of a full validation (and rdflib needs another ~20 s just to hold the graph).
Here each (shape, constraint) becomes one SPARQL query over the whole pyoxigraph store, which
returns the focus nodes (and values) that may fail it. Where SPARQL's and pySHACL's notions
could differ (datatypes, ordering, string length), the query only narrows the
candidates and the final word is a Python check written to pySHACL's rules (its code is cited
beside each one), so the findings are pySHACL's; tests/test_sparql_engine.py checks that on the
shipped data, every fixture and a synthetic graph with violations of every kind. Patterns are
Oxigraph's alone, read as pySHACL reads them (_regex).

Only what the shapes use is compiled; a shape using anything else raises Unsupported, and the
validator then leaves all Core constraints to pySHACL (the reference engine).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef

from medkg.errors import ShapesRefused
from medkg.io.parse import to_rdflib
from medkg.rdf.as_written import PRIVATE
from medkg.rdf.namespaces import RDFS, XSD
from medkg.shacl import syntax_rules
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.property_paths import may_be_empty, sparql_path
from medkg.shacl.targets import SH, TYPE_OF, deactivated, sparql_term, target_group

# Shape terms that say nothing to check by themselves. (sh:sparql is not among them: the
# validator hands this module the shapes without the SPARQL constraints it runs itself.)
QUIET = {SH[n] for n in ("path", "property", "severity", "message", "name", "description", "order", "group",
                          "deactivated", "targetClass", "targetSubjectsOf", "targetObjectsOf",
                          "targetNode", "qualifiedMinCount", "qualifiedMaxCount", "flags", "ignoredProperties")}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})", SH.IRIOrLiteral: "!isBlank({v})",
}
# Lexical forms rdflib certainly reads as the datatype's Python type (so pySHACL passes them);
# anything else goes to the Python check.
_SURE_LEXICAL = {XSD.integer: r"^[+-]?[0-9]+$", XSD.decimal: r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$"}


class Unsupported(Exception):
    """The shapes use a SHACL feature this module does not compile (a blank node as a constraint
    parameter among them)."""


@dataclass(frozen=True)
class Check:
    """One query for one constraint of one shape, and how to read its rows."""

    shape: URIRef
    component: URIRef
    query: object  # only (a set of IRIs, or None for all focus nodes) -> SPARQL text
    keep: object  # rdflib value term -> bool: does it really fail? (None: every row fails)
    reports_value: bool
    path_in_row: bool = False  # the result's path is the row's ?p (sh:closed), not the shape's sh:path


class CoreShapes:
    """The Core constraints of a shapes graph, compiled once, run on one store after another."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.checks: list[Check] = []
        # SHACL's syntax rules for the registry's parameters, on every shape, before anything is
        # compiled, so a shapes graph sent on to pySHACL is checked the same (ShapesRefused).
        syntax_rules.check(shapes, {p: (c.value, c.single, c.property_only, c.section) for p, c in COMPONENTS.items()})
        # Parameters of SPARQL-based constraint components the shapes graph declares (SHACL 6).
        kinds_of_component = set(shapes.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
        self.custom_parameters = {shapes.value(parameter, SH.path)
                                  for kind in kinds_of_component
                                  for component in shapes.subjects(RDF.type, kind)
                                  for parameter in shapes.objects(component, SH.parameter)}
        kinds = {s for k in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, k)}
        # A subject of a target predicate is a shape, typed or not (SHACL 2.1).
        kinds |= {s for p in _TARGETS for s in shapes.subjects(p, None)}
        for shape in sorted(kinds | set(shapes.objects(None, SH.property)), key=str):
            self._vet(shape)
            if not deactivated(shapes, shape):
                try:
                    self.checks += self._compile(shape)
                except ValueError as e:  # a parameter SPARQL cannot name (targets.sparql_term)
                    raise Unsupported(f"{e} in {shape}") from None

    def run(self, store: ox.Store, only: set[str] | None = None) -> list[ConstraintResult]:
        """Every failure; with `only`, for those focus nodes (IRIs) alone."""
        return [r for check in self.checks for r in self.run_check(check, store, only)]

    def run_check(self, check: "Check", store: ox.Store, only: set[str] | None = None) -> list[ConstraintResult]:
        severity = self.shapes.value(check.shape, SH.severity) or SH.Violation
        messages = tuple(sorted(str(m) for m in self.shapes.objects(check.shape, SH.message)))
        path = self.shapes.value(check.shape, SH.path)
        results = []
        for row in store.query(check.query(only)):
            value = to_rdflib(row["v"]) if check.reports_value else None
            if check.keep is not None and not check.keep(value, row):
                continue
            results.append(ConstraintResult(check.shape, check.component, severity, to_rdflib(row["this"]),
                                            to_rdflib(row["p"]) if check.path_in_row else path, value, messages))
        return results

    # -- compiling ------------------------------------------------------------------------------

    def _vet(self, shape) -> None:
        """Unsupported for anything on the shape the compiler does not understand: nothing is skipped."""
        for p in self.shapes.predicates(shape, None):
            if str(p).startswith(str(SH)) and p not in QUIET and p not in COMPONENTS:
                raise Unsupported(f"{p} on {shape}")
            if p in self.custom_parameters:
                raise Unsupported(f"the constraint component parameter {p} on {shape}")
        if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
            raise Unsupported(f"sh:qualifiedValueShapesDisjoint on {shape}")

    def _compile(self, shape) -> list[Check]:
        if not target_group(self.shapes, shape):
            return []  # reached only through sh:node or sh:qualifiedValueShape: see _conforms
        path = self.shapes.value(shape, SH.path)
        if path is not None:
            if may_be_empty(self.shapes, path):
                raise Unsupported(f"a path that may be empty on {shape}")
            path = sparql_path(self.shapes, path)  # "<p>", "^<p>", "(<p> / <q>)" ...
        value = f"?this {path} ?v ." if path is not None else "BIND(?this AS ?v)"
        checks = []

        def check(component, where, keep=None, reports_value=True, select="?this ?v", tail="", path_in_row=False):
            def query(only, where=where, select=select, tail=tail):
                return f"SELECT DISTINCT {select} WHERE {{ {target_group(self.shapes, shape, only)} {where} }} {tail}"

            checks.append(Check(shape, SH[component], query, keep, reports_value, path_in_row))

        for param, component in COMPONENTS.items():
            for argument in self.shapes.objects(shape, param):
                component.compile(self, shape, path, value, argument, check)
        return checks

    def _conforms(self, shape, var: str) -> str:
        """A SPARQL expression: does the node in `var` conform to `shape` (no results at all)?"""
        self._vet(shape)
        if deactivated(self.shapes, shape):
            return "true"
        if (shape, SH.sparql, None) in self.shapes:
            raise Unsupported(f"sh:sparql inside nested shape {shape}")
        parts = []
        for p, o in self.shapes.predicate_objects(shape):
            if p in QUIET or not str(p).startswith(str(SH)):
                continue
            nested = COMPONENTS[p].nested if p in COMPONENTS else None
            expression = nested(self, shape, var, o) if nested else None
            if expression is None:
                raise Unsupported(f"{p} in nested shape {shape}")
            parts.append(expression)
        for prop in self.shapes.objects(shape, SH.property):
            self._vet(prop)
            path = self.shapes.value(prop, SH.path)
            if may_be_empty(self.shapes, path):
                raise Unsupported(f"a path that may be empty on {prop}")
            path = sparql_path(self.shapes, path)
            for p, o in self.shapes.predicate_objects(prop):
                if p in QUIET or not str(p).startswith(str(SH)):
                    continue
                nested = COMPONENTS[p].nested_property if p in COMPONENTS else None
                expression = nested(var, path, o) if nested else None
                if expression is None:
                    raise Unsupported(f"{p} in nested property shape {prop}")
                parts.append(expression)
        return " && ".join(parts) or "true"


# -- The registry: one entry per SHACL Core parameter the compiler understands ---------------------
#
# Each entry names its constraint component and its section of the SHACL specification (SHACL_SPEC
# + the anchor), and says how to compile it on a shape (`compile`) and, where the compiler allows it
# inside sh:node or sh:qualifiedValueShape, as a "conforms" expression (`nested` for a node shape,
# `nested_property` for one of its property shapes). The allow-list (_vet) and both compilers read
# this table: a new component is one entry.


@dataclass(frozen=True)
class Component:
    names: tuple[str, ...]  # the sh:...ConstraintComponent(s) it reports
    section: str  # e.g. "4.2.1 sh:minCount", at SHACL_SPEC + "#" + names[0]
    compile: Callable  # (compiler, shape, path, value, argument, check) -> None: adds Checks
    nested: Callable | None = None  # (compiler, shape, var, argument) -> SPARQL expression or None
    nested_property: Callable | None = None  # (var, path, argument) -> SPARQL expression or None
    # SHACL's syntax rules for the parameter (section 4, and the spec's shacl-shacl.ttl): what its
    # value must be (a key of syntax_rules.KINDS), whether a shape may have only one, and whether
    # only property shapes may have it. A shapes graph that breaks one is refused.
    value: str = "any"
    single: bool = False
    property_only: bool = False


def _count(component: str, op: str):
    def compile_(c, shape, path, value, n, check):
        # sh:minCount 1 and sh:maxCount 1 (every count the project's shapes set) without grouping
        # every focus node: no value at all, or two values that are not the same term (COUNT(DISTINCT)
        # counts terms). The same focus nodes; at ~1 M triples 11.3 s instead of 17.3 s for the 104 checks.
        if int(n) == 1 and op == "<":
            check(component, f"OPTIONAL {{ ?this {path} ?v }} FILTER(!BOUND(?v))", reports_value=False, select="?this")
        elif int(n) == 1:
            check(component, f"?this {path} ?v . ?this {path} ?w . FILTER(!sameTerm(?v, ?w))",
                  reports_value=False, select="?this")
        else:
            check(component, f"OPTIONAL {{ ?this {path} ?v }}", reports_value=False, select="?this",
                  tail=f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(n)})")
    return compile_


def _datatype(c, shape, path, value, dtype, check):
    check("DatatypeConstraintComponent", f"{value} FILTER(!({_maybe_datatype(dtype)}))",
          lambda v, row, d=dtype: not _datatype_ok(v, d))


def _node_kind(c, shape, path, value, kind, check):
    if kind not in _NODE_KINDS:
        raise Unsupported(f"sh:nodeKind {kind}")
    check("NodeKindConstraintComponent", f"{value} FILTER(!({_NODE_KINDS[kind].format(v='?v')}))")


def _in(c, shape, path, value, members, check):
    allowed = list(c.shapes.items(members))
    # A VALUES block (joined on RDF term equality, as sameTerm) is a flat list: a chain of ||, one
    # per member, made Oxigraph's parser recurse once per member, and 10,000 crashed the process.
    listed = " ".join(sparql_term(m) for m in allowed)
    check("InConstraintComponent", f"{value} FILTER NOT EXISTS {{ VALUES ?v {{ {listed} }} }}",
          lambda v, row, a=set(allowed): v not in a)


def _pattern(c, shape, path, value, pattern, check):
    matches = _regex(c.shapes, shape, pattern, c.shapes.value(shape, SH.flags), "?v")
    check("PatternConstraintComponent", f"{value} FILTER(isBlank(?v) || !{matches})")


def _minimum(component: str, strict: bool):
    def compile_(c, shape, path, value, limit, check):
        op = ">" if strict else ">="
        # A number kept as written ("5.0") is compared through its written digits (medkg/rdf/as_written.py).
        written = " || ".join(f"DATATYPE(?v) = <{PRIVATE}{d}>" for d in _SURE_LEXICAL)
        sure = (f"(isNumeric(?v) && ?v {op} {sparql_term(limit)}) || (isLiteral(?v) && ({written}) "
                f"&& REGEX(STR(?v), \"^[+-]?[0-9]+(\\\\.[0-9]*)?$\") && <{XSD.decimal}>(STR(?v)) {op} {sparql_term(limit)})") \
            if _numeric(limit) else "false"
        check(component, f"{value} FILTER(!({sure}))", lambda v, row, m=limit, s=strict: not _at_least(v, m, s))
    return compile_


def _min_length(c, shape, path, value, n, check):
    check("MinLengthConstraintComponent", f"{value} FILTER(isBlank(?v) || STRLEN(STR(?v)) < {int(n)})",
          lambda v, row, n=int(n): not (n == 0 or (not isinstance(v, BNode) and len(_string(v)) >= n)))


def _max_length(c, shape, path, value, n, check):
    check("MaxLengthConstraintComponent", f"{value} FILTER(isBlank(?v) || STRLEN(STR(?v)) > {int(n)})",
          lambda v, row, n=int(n): isinstance(v, BNode) or len(_string(v)) > n)


def _equals(c, shape, path, value, other, check):
    # Each value node the other property lacks, and each value of it that is not a value node. RDF
    # terms compared as written ("05" is not 5), as the store keeps them (medkg/rdf/as_written.py).
    check("EqualsConstraintComponent", f"{value} FILTER NOT EXISTS {{ ?this <{other}> ?v }}")
    mine = f"NOT EXISTS {{ ?this {path} ?v }}" if path is not None else "!sameTerm(?v, ?this)"
    check("EqualsConstraintComponent", f"?this <{other}> ?v FILTER({mine})")


def _disjoint(c, shape, path, value, other, check):
    check("DisjointConstraintComponent", f"{value} ?this <{other}> ?v .")


def _class(c, shape, path, value, cls, check):
    check("ClassConstraintComponent",
          f"{value} OPTIONAL {{ ?v {TYPE_OF} <{cls}> . BIND(true AS ?typed) }} FILTER(!BOUND(?typed))")


def _node(c, shape, path, value, other, check):
    check("NodeConstraintComponent", f"{value} FILTER(!({c._conforms(other, '?v')}))")


def _qualified(c, shape, path, value, other, check):
    low = c.shapes.value(shape, SH.qualifiedMinCount)
    high = c.shapes.value(shape, SH.qualifiedMaxCount)
    for limit, op, component in ((low, "<", "QualifiedMinCountConstraintComponent"),
                                 (high, ">", "QualifiedMaxCountConstraintComponent")):
        if limit is None:
            continue
        conforms = c._conforms(other, "?v")
        if int(limit) == 1 and op == "<":  # as sh:minCount 1 in _count: no conforming value
            check(component, f"OPTIONAL {{ ?this {path} ?v FILTER({conforms}) }} FILTER(!BOUND(?v))",
                  reports_value=False, select="?this")
        else:
            # Above a maximum needs a value: no OPTIONAL, and no group of its own either (evaluated
            # apart, a group reads every quote even where --changed asks about one). A pair join as in
            # _count took longer here: each value's conformance tested once per pair.
            values = f"OPTIONAL {{ ?this {path} ?v FILTER({conforms}) }}" if op == "<" else f"?this {path} ?v FILTER({conforms})"
            check(component, values, reports_value=False, select="?this",
                  tail=f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {int(limit)})")


def _has_value(c, shape, path, value, wanted, check):
    if path is None:  # a node shape: the focus node itself must be the value
        check("HasValueConstraintComponent", f"FILTER(!sameTerm(?this, {sparql_term(wanted)}))",
              reports_value=False, select="?this")
        return
    check("HasValueConstraintComponent",
          f"OPTIONAL {{ ?this {path} ?h FILTER(sameTerm(?h, {sparql_term(wanted)})) }} FILTER(!BOUND(?h))",
          reports_value=False, select="?this")


def _unique_lang(c, shape, path, value, unique, check):
    # SHACL says "true": "1"^^xsd:boolean, the same value written otherwise, does not switch it on
    # (the W3C suite's uniqueLang-002; pySHACL reads the value and does).
    if isinstance(unique, Literal) and str(unique) == "true" and unique.datatype == XSD.boolean:
        # pySHACL: one result per focus node and duplicated language, without a value.
        check("UniqueLangConstraintComponent",
              f"?this {path} ?a, ?b FILTER(!sameTerm(?a, ?b) && LANG(?a) != \"\" "
              f"&& LCASE(LANG(?a)) = LCASE(LANG(?b)))", reports_value=False,
              select="?this (LCASE(LANG(?a)) AS ?lang)")


def _less_than(c, shape, path, value, other, check):
    check("LessThanConstraintComponent",
          f"{value} ?this <{other}> ?w FILTER(!COALESCE(?v < ?w, false))",
          lambda v, row: not _is_less(v, to_rdflib(row["w"])), select="?this ?v ?w")


def _closed(c, shape, path, value, closed, check):
    # As sh:uniqueLang: only "true" switches it on.
    if not (isinstance(closed, Literal) and str(closed) == "true" and closed.datatype == XSD.boolean):
        return
    if path is not None:
        raise Unsupported(f"sh:closed on the property shape {shape}")
    # Allowed: the IRI paths of the shape's own property shapes, and sh:ignoredProperties.
    allowed = {p for prop in c.shapes.objects(shape, SH.property)
               if isinstance(p := c.shapes.value(prop, SH.path), URIRef)}
    for ignored in c.shapes.objects(shape, SH.ignoredProperties):
        if ignored != RDF.nil and c.shapes.value(ignored, RDF.first) is None:
            raise Unsupported(f"sh:ignoredProperties that is not a list on {shape}")
        allowed |= {p for p in c.shapes.items(ignored) if isinstance(p, URIRef)}
    listed = ", ".join(f"<{p}>" for p in sorted(allowed))
    # LATERAL: each focus node's own triples, looked up one node at a time. Joined plainly with the
    # target, Oxigraph scans every triple of the store once per closed shape (0.8 s against 0.3 s
    # for 8,850 focus nodes in a graph of 1 M triples).
    check("ClosedConstraintComponent", f"LATERAL {{ ?this ?p ?v {f'FILTER(?p NOT IN ({listed}))' if listed else ''} }}",
          select="?this ?p ?v", path_in_row=True)


def _nested_pattern(c, shape, var, pattern):
    if c.shapes.value(shape, SH.flags) is not None:
        raise Unsupported(f"sh:flags in nested shape {shape}")
    return f"(!isBlank({var}) && {_regex(c.shapes, shape, pattern, None, var)})"


COMPONENTS: dict = {
    SH.minCount: Component(("MinCountConstraintComponent",), "4.2.1 sh:minCount", _count("MinCountConstraintComponent", "<"),
                           value="integer", single=True, property_only=True,
                           nested_property=lambda var, path, n: f"EXISTS {{ {var} {path} [] }}" if int(n) == 1 else None),
    SH.maxCount: Component(("MaxCountConstraintComponent",), "4.2.2 sh:maxCount", _count("MaxCountConstraintComponent", ">"),
                           value="integer", single=True, property_only=True),
    SH.datatype: Component(("DatatypeConstraintComponent",), "4.1.2 sh:datatype", _datatype, value="iri", single=True),
    SH.nodeKind: Component(("NodeKindConstraintComponent",), "4.1.3 sh:nodeKind", _node_kind, value="nodeKind", single=True,
                           nested=lambda c, shape, var, kind: _NODE_KINDS[kind].format(v=var) if kind in _NODE_KINDS else None),
    SH["in"]: Component(("InConstraintComponent",), "4.8.3 sh:in", _in, value="list", single=True),
    SH.pattern: Component(("PatternConstraintComponent",), "4.4.3 sh:pattern", _pattern, nested=_nested_pattern,
                          value="string", single=True),
    SH.minInclusive: Component(("MinInclusiveConstraintComponent",), "4.3.2 sh:minInclusive",
                               _minimum("MinInclusiveConstraintComponent", strict=False), value="literal", single=True),
    SH.minExclusive: Component(("MinExclusiveConstraintComponent",), "4.3.1 sh:minExclusive",
                               _minimum("MinExclusiveConstraintComponent", strict=True), value="literal", single=True),
    SH.minLength: Component(("MinLengthConstraintComponent",), "4.4.1 sh:minLength", _min_length, value="integer", single=True),
    SH.maxLength: Component(("MaxLengthConstraintComponent",), "4.4.2 sh:maxLength", _max_length, value="integer", single=True),
    SH["class"]: Component(("ClassConstraintComponent",), "4.1.1 sh:class", _class, value="iri",
                           nested=lambda c, shape, var, cls: f"EXISTS {{ {var} {TYPE_OF} <{cls}> }}"),
    SH.node: Component(("NodeConstraintComponent",), "4.7.1 sh:node", _node),
    SH.qualifiedValueShape: Component(("QualifiedMinCountConstraintComponent", "QualifiedMaxCountConstraintComponent"),
                                      "4.7.3 sh:qualifiedValueShape", _qualified, single=True, property_only=True),
    SH.hasValue: Component(("HasValueConstraintComponent",), "4.8.2 sh:hasValue", _has_value,
                           nested=lambda c, shape, var, wanted: f"sameTerm({var}, {sparql_term(wanted)})",
                           nested_property=lambda var, path, wanted: f"EXISTS {{ {var} {path} {sparql_term(wanted)} }}"),
    SH.uniqueLang: Component(("UniqueLangConstraintComponent",), "4.4.5 sh:uniqueLang", _unique_lang, value="boolean",
                             single=True, property_only=True),
    SH.lessThan: Component(("LessThanConstraintComponent",), "4.5.3 sh:lessThan", _less_than, value="iri", property_only=True),
    SH.closed: Component(("ClosedConstraintComponent",), "4.8.1 sh:closed", _closed, value="boolean", single=True),
    SH.equals: Component(("EqualsConstraintComponent",), "4.5.1 sh:equals", _equals, value="iri"),
    SH.disjoint: Component(("DisjointConstraintComponent",), "4.5.2 sh:disjoint", _disjoint, value="iri"),
}


# -- SPARQL pieces --------------------------------------------------------------------------------


def _maybe_datatype(dtype) -> str:
    """Values certainly of the datatype in pySHACL's eyes (the rest is checked in Python)."""
    if dtype == RDF.langString:
        return 'isLiteral(?v) && LANG(?v) != ""'
    if dtype == XSD.string:
        return f"isLiteral(?v) && DATATYPE(?v) = <{XSD.string}>"
    if dtype in _SURE_LEXICAL:
        # Also as the store keeps a non-canonical form ("5.0", "05"): under the private datatype.
        return (f'isLiteral(?v) && (DATATYPE(?v) = <{dtype}> || DATATYPE(?v) = <{PRIVATE}{dtype}>) '
                f'&& REGEX(STR(?v), "{_SURE_LEXICAL[dtype]}")')
    return "false"


_PROBE = ox.Store()  # empty: where a pattern is compiled once, to know Oxigraph can
_LOOKAROUND = re.compile(r"\(\?<?[=!]")


def _regex(shapes, shape, pattern, flags, var: str) -> str:
    """A SPARQL expression true where the value matches the pattern as pySHACL reads it
    (Python's re.search, flags i and m only), run by Oxigraph, whose regular expressions (Rust's
    regex crate) take linear time: Python's backtracking took minutes on "^(a+)+$" and ignored Ctrl-C.

    Python's $ also matches before a final newline (without m): so does the value without it. A
    pattern Oxigraph cannot compile made REGEX an error, the filter false and the value silently
    dropped ("conforms"): it is refused (ShapesRefused), naming the shape and the pattern."""
    text = str(pattern)
    letters = "".join(f for f in "im" if flags is not None and f in str(flags).lower())
    args = f"{sparql_term(Literal(text))}, \"{letters}\""
    if next(iter(_PROBE.query(f'SELECT (REGEX("", {args}) AS ?r) {{}}')))["r"] is None:
        why = ("uses a lookaround, which the regular expressions of SHACL (XPath's) do not have"
               if _LOOKAROUND.search(text) else
               "cannot be compiled by Oxigraph's regular expressions (too large, a back-reference, a "
               "block name such as \\p{IsBasicLatin}, or not a regular expression)")
        raise ShapesRefused(f"{syntax_rules.shape_name(shapes, shape)}: sh:pattern {json.dumps(text)} {why}; "
                            "rewrite the pattern")
    s = f"STR({var})"
    matches = f"REGEX({s}, {args})"
    if "m" not in letters:
        matches += f' || (STRENDS({s}, "\\n") && REGEX(SUBSTR({s}, 1, STRLEN({s}) - 1), {args}))'
    return f"({matches})"


def _numeric(term) -> bool:
    return isinstance(term, Literal) and isinstance(term.value, (int, float, Decimal)) and not isinstance(term.value, bool)



# -- pySHACL's rules, for the candidates the queries return --------------------------------------

def _datatype_ok(v, dtype) -> bool:
    # pyshacl/constraints/core/value_constraints.py, DatatypeConstraintComponent.evaluate
    if not isinstance(v, Literal):
        return False
    if v.datatype == dtype:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v.value, dtype)
    if dtype == RDFS.Literal:
        return True
    if dtype == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and dtype == XSD.string:
        return isinstance(v.value, (str, bytes))
    if dtype == RDF.langString and v.language:
        return isinstance(v.value, (str, bytes))
    return False


def _actual_datatype(value, dtype) -> bool:
    import datetime

    expected = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: datetime.date, XSD.time: datetime.time,
                XSD.dateTime: datetime.datetime}
    return isinstance(value, expected[dtype]) if dtype in expected else True


def _string(v) -> str:
    # pyshacl StringBasedConstraintBase.value_node_to_string
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _at_least(v, limit, strict: bool) -> bool:
    # pyshacl/constraints/core/value_range_constraints.py, _evaluate_min_rule
    if not isinstance(v, Literal):
        return False
    if isinstance(limit.value, str) != isinstance(v.value, str):
        return False
    from pyshacl.rdfutil.compare import compare_literal

    try:
        order = compare_literal(v, limit)
    except (TypeError, NotImplementedError):
        return False
    return order > 0 if strict else order >= 0


def _is_less(v, w) -> bool:
    # pyshacl/constraints/core/property_pair_constraints.py, _compare_lt
    def plain(term):
        if isinstance(term, URIRef):
            return str(term), True
        if isinstance(term, Literal) and isinstance(term.value, str):
            return term.value, True
        return term, False

    if isinstance(v, BNode) or isinstance(w, BNode):
        return False  # not comparable, so a result (SHACL 4.5.3); pySHACL 0.40 stops with an error here
    (a, a_string), (b, b_string) = plain(v), plain(w)
    if a_string != b_string:
        return False
    try:
        return bool(a < b)
    except TypeError:
        return False
