"""Property constraints compiled to SHACL: the declarations of ontology/property-constraints.ttl
(one block per property, the way Wikidata declares its property constraints) become the shapes of
ontology/shapes/property-constraints.ttl, which every SHACL engine runs like any other shapes file.

The shapes file is generated, never edited: `python -m medkg.validate.property_constraints` writes
it, and `--check` says whether it is what the declarations give (a test runs the check). Generated
rather than built at load time so that a release's shapes, pySHACL and Jena see the same shapes as
`medkg validate`.

Each constraint type is one small template: the Core ones become property shapes targeting the
property's subjects (sh:datatype, sh:pattern, sh:maxCount, sh:in, sh:minInclusive ...); subject
and value types, symmetry and inverses become SHACL-SPARQL with the classes' subclasses spelt out
(walking rdfs:subClassOf* inside NOT EXISTS was once evaluated from every node); the allowed
qualifiers of every predicate become one SHACL-SPARQL constraint over a VALUES table.
"""

import sys
from collections import defaultdict
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection

from medkg.io.parse import load
from medkg.project_files import ONTOLOGY_DIR, PREFIXES_FILE, SHAPES_DIR, relative
from medkg.rdf.namespaces import MEDKG, SH
from medkg.rdf.prefixes import compact, prefixes

DECLARATIONS = ONTOLOGY_DIR / "property-constraints.ttl"
SHAPES = SHAPES_DIR / "property-constraints.ttl"

# The prefixes the generated file binds: the registry's, in its order.
_USED = ("biolink", "dcterms", "medkg", "mkgsh", "oa", "obo", "owl", "prov", "rdf", "rdfs", "schema", "sh", "skos", "xsd")


def _c(name: str) -> URIRef:
    return URIRef(MEDKG + name)


SUBJECT_TYPE, VALUE_TYPE = _c("subjectTypeConstraint"), _c("valueTypeConstraint")
DATATYPE, FORMAT = _c("datatypeConstraint"), _c("formatConstraint")
SINGLE, DISTINCT, ONE_OF = _c("singleValueConstraint"), _c("distinctValuesConstraint"), _c("oneOfConstraint")
MINIMUM, MAXIMUM = _c("minimumValueConstraint"), _c("maximumValueConstraint")
UNITS, UNIT_PROPERTY = _c("allowedUnitsConstraint"), _c("unitProperty")
SYMMETRIC, INVERSE = _c("symmetricConstraint"), _c("inverseConstraint")
CONFLICTS, REQUIRES = _c("conflictsWithConstraint"), _c("itemRequiresStatementConstraint")
QUALIFIERS, CITATION = _c("allowedQualifiersConstraint"), _c("citationNeededConstraint")
STATED_IN_TEXT = _c("statedInTextConstraint")
ADVICE, CONSTRAINED, QUALIFIER = _c("constraintAdvice"), _c("ConstrainedProperty"), _c("Qualifier")
# Checked by medkg/validate/vocabulary.py (the closed vocabulary) on the data's triples alone: as a
# shape it would see the ontology's own rdf:type owl:Class, which the data graph holds too.
DECLARED_TERM = _c("declaredTermConstraint")

CONSTRAINT_TYPES = (SUBJECT_TYPE, VALUE_TYPE, DATATYPE, FORMAT, SINGLE, DISTINCT, ONE_OF, MINIMUM, MAXIMUM, UNITS,
                    SYMMETRIC, INVERSE, CONFLICTS, REQUIRES, QUALIFIERS, CITATION, STATED_IN_TEXT, DECLARED_TERM)


def declarations() -> Graph:
    """The declarations with the rest of the ontology (for the class hierarchy)."""
    return load([p for p in sorted(ONTOLOGY_DIR.glob("*.ttl")) if p != PREFIXES_FILE]).rdflib_graph()


def declared_properties(graph: Graph) -> set[URIRef]:
    """Every property with a declaration: typed medkg:ConstrainedProperty and carrying a constraint."""
    return {p for p in graph.subjects(RDF.type, CONSTRAINED)
            if isinstance(p, URIRef) and any(graph.value(p, c) is not None for c in CONSTRAINT_TYPES)}


def _n3(term) -> str:
    if isinstance(term, URIRef):
        short = compact(str(term))
        return short if short != str(term) and ":" in short else f"<{term}>"
    return term.n3()


def _text(text: str) -> str:
    """An English Turtle literal."""
    return Literal(text).n3() + "@en"


def _sparql_text(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def _subclasses(graph: Graph, classes: list[URIRef]) -> list[URIRef]:
    """The classes and every subclass of theirs in the ontology."""
    found, todo = set(classes), list(classes)
    while todo:
        for sub in graph.subjects(RDFS.subClassOf, todo.pop()):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(found)


def _either(terms) -> str:
    names = [_n3(t) for t in terms]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _name(prop: URIRef) -> str:
    short = compact(str(prop))
    return "mkgsh:Constraint-" + short.replace(":", "-")


class HandWritten:
    """What the hand-written shapes (every other file of ontology/shapes/) already check, so that a
    declared constraint they enforce is not compiled a second time (one mistake, one finding): the
    (path, parameter, value) of their property shapes with the classes they target, and the kinds
    their closed shapes cover (a property that is not on a closed kind's list is that shape's
    finding, whatever its subject type)."""

    def __init__(self, shapes: Graph | None = None):
        if shapes is None:
            shapes = load([PREFIXES_FILE] + [p for p in sorted(SHAPES_DIR.glob("*.ttl")) if p != SHAPES]).rdflib_graph()
        self.checks: dict[tuple, set] = defaultdict(set)
        for shape, path in shapes.subject_objects(SH.path):
            if not isinstance(path, URIRef):
                continue
            owners = [shape, *shapes.subjects(SH.property, shape)]
            targets = {cls for owner in owners for cls in shapes.objects(owner, SH.targetClass)}
            for parameter, value in shapes.predicate_objects(shape):
                if parameter == SH["in"]:
                    value = frozenset(Collection(shapes, value))
                self.checks[(path, parameter, value)] |= targets
        closed = list(shapes.subjects(SH.closed, Literal(True)))
        self.closed = {cls for shape in closed for cls in shapes.objects(shape, SH.targetClass)}
        self.closed_objects_of = {p for shape in closed for p in shapes.objects(shape, SH.targetObjectsOf)}

    def targets(self, path, parameter, values) -> set | None:
        """The classes whose nodes a hand-written shape checks so (None: no shape does)."""
        found = [self.checks[(path, parameter, v)] for v in values if (path, parameter, v) in self.checks]
        return set().union(*found) if found else None


class _Writer:
    def __init__(self, graph: Graph, hand: HandWritten):
        self.graph = graph
        self.hand = hand
        self.closed = _subclasses(graph, sorted(hand.closed))
        self.blocks: list[str] = []

    def checked(self, prop, parameter, *values) -> bool:
        """A hand-written shape checks this of every node the declaration's subject types cover
        (of every node, where no subject type is declared and a shape checks it at all)."""
        targets = self.hand.targets(prop, parameter, values)
        if targets is None:
            return False
        subjects = self.values(prop, SUBJECT_TYPE)
        return not subjects or set(_subclasses(self.graph, subjects)) <= set(_subclasses(self.graph, sorted(targets)))

    def checked_somewhere(self, prop, parameter, *values) -> bool:
        """A hand-written shape checks this of some of the kinds the declaration covers: a Core
        shape cannot leave those kinds out, so the constraint is left to it (one finding, not two)."""
        return self.hand.targets(prop, parameter, values) is not None

    def values(self, prop, constraint) -> list:
        return sorted(self.graph.objects(prop, constraint), key=str)

    def advice(self, prop) -> str:
        words = self.graph.value(prop, ADVICE)
        return str(words) if words else f"see the declaration of {_n3(prop)} in {relative(DECLARATIONS)}"

    def property_shape(self, prop, kind: str, label: str, body: str, message: str, target: str = "sh:targetSubjectsOf"):
        self.blocks.append(
            f"{_name(prop)}-{kind} a sh:PropertyShape ;\n"
            f"    rdfs:label {_text(f'{compact(str(prop))}: {label}')} ;\n"
            f"    {target} {_n3(prop)} ;\n"
            f"    {body} ;\n"
            f"    sh:severity sh:Violation ;\n"
            f"    sh:message {_text(message)} .\n")

    def sparql_shape(self, prop, kind: str, label: str, select: str, message: str, target: str = "sh:targetSubjectsOf"):
        name = f"{_name(prop)}-{kind}"
        self.blocks.append(
            f"{name} a sh:NodeShape ;\n"
            f"    rdfs:label {_text(f'{compact(str(prop))}: {label}')} ;\n"
            f"    {target} {_n3(prop)} ;\n"
            f"    sh:severity sh:Violation ;\n"
            f"    sh:message {_text(message)} ;\n"
            f"    sh:sparql {name}-query .\n\n"
            f"{name}-query a sh:SPARQLConstraint ;\n"
            f"    rdfs:label {_text(label)} ;\n"
            f"    sh:message {_text(message)} ;\n"
            f"    sh:prefixes mkgsh:prefixes ;\n"
            f"    sh:select {_sparql_text(select)} .\n")

    def compile(self, prop: URIRef) -> None:
        p, advice, graph = _n3(prop), self.advice(prop), self.graph
        if classes := self.values(prop, SUBJECT_TYPE):
            kinds = ", ".join(_n3(c) for c in _subclasses(graph, classes))
            # A node of a closed kind that may not carry the property is its closed shape's finding;
            # a node outside the minted namespaces is the closed vocabulary's (and the ontology's
            # own nodes are in the data graph too).
            closed = ", ".join(_n3(c) for c in self.closed)
            objects = "".join(f"\n            FILTER NOT EXISTS {{ ?holder {_n3(q)} $this }}" for q in sorted(self.hand.closed_objects_of))
            self.sparql_shape(prop, "subjectType", "subject type", f"""
        SELECT $this ?path ?value WHERE {{
            $this {p} ?value .
            BIND ({p} AS ?path)
            FILTER (REGEX(STR($this), "^https://w3id\\\\.org/medkg/(id|claim|quote|note|sentence)/"))
            FILTER NOT EXISTS {{ $this a ?kind . FILTER (?kind IN ({kinds})) }}
            FILTER NOT EXISTS {{ $this a ?closed . FILTER (?closed IN ({closed})) }}{objects}
        }}""", f"{p} is said of {_either(classes)} only, and this node is none: {advice}.")
        if (classes := self.values(prop, VALUE_TYPE)) and not self.checked(prop, SH["class"], *classes):
            kinds = ", ".join(_n3(c) for c in _subclasses(graph, classes))
            # The kinds of subject a hand-written shape checks the value of already are left to it.
            covered = self.hand.targets(prop, SH["class"], classes) or set()
            skip = ("\n            FILTER NOT EXISTS {{ $this a ?checked . FILTER (?checked IN ({})) }}".format(
                ", ".join(_n3(c) for c in _subclasses(graph, sorted(covered)))) if covered else "")
            self.sparql_shape(prop, "valueType", "value type", f"""
        SELECT $this ?path ?value WHERE {{
            $this {p} ?value .
            BIND ({p} AS ?path)
            FILTER NOT EXISTS {{ ?value a ?kind . FILTER (?kind IN ({kinds})) }}{skip}
        }}""", f"The value {{?value}} of {p} is not {_either(classes)}: {advice}.")
        if (datatype := graph.value(prop, DATATYPE)) and not self.checked_somewhere(prop, SH.datatype, datatype):
            self.property_shape(prop, "datatype", "datatype", f"sh:path {p} ; sh:datatype {_n3(datatype)}",
                                f"{p} takes {_n3(datatype)} values: {advice}.")
        if (pattern := graph.value(prop, FORMAT)) and not self.checked_somewhere(prop, SH.pattern, pattern):
            self.property_shape(prop, "format", "format", f"sh:path {p} ; sh:pattern {Literal(str(pattern)).n3()}",
                                f"A value of {p} does not have its format ({pattern}): {advice}.")
        if graph.value(prop, SINGLE) == Literal(True) and not self.checked_somewhere(prop, SH.maxCount, Literal(1)):
            self.property_shape(prop, "singleValue", "single value", f"sh:path {p} ; sh:maxCount 1",
                                f"{p} has one value on a node, and this node has more: {advice}.")
        if graph.value(prop, DISTINCT) == Literal(True):
            self.property_shape(prop, "distinctValues", "distinct values", f"sh:path [ sh:inversePath {p} ] ; sh:maxCount 1",
                                f"Two nodes share this value of {p}, whose values are distinct: {advice}.",
                                target="sh:targetObjectsOf")
        if (members := graph.value(prop, ONE_OF)) and not self.checked_somewhere(prop, SH["in"], frozenset(Collection(graph, members))):
            listed = [_n3(m) for m in Collection(graph, members)]
            self.property_shape(prop, "oneOf", "one of", f"sh:path {p} ; sh:in ( {' '.join(listed)} )",
                                f"{p} takes one of {', '.join(listed)}: {advice}.")
        if (low := graph.value(prop, MINIMUM)) is not None and not self.checked_somewhere(prop, SH.minInclusive, low):
            self.property_shape(prop, "minimum", "range (minimum)", f"sh:path {p} ; sh:minInclusive {low.n3()}",
                                f"{p} is at least {low}: {advice}.")
        if (high := graph.value(prop, MAXIMUM)) is not None:
            # As SPARQL: the engine compiles sh:minInclusive but not sh:maxInclusive.
            self.sparql_shape(prop, "maximum", "range (maximum)", f"""
        SELECT $this ?path ?value WHERE {{
            $this {p} ?value .
            BIND ({p} AS ?path)
            FILTER (isNumeric(?value) && ?value > {high.n3()})
        }}""", f"{p} is at most {high}, and {{?value}} is more: {advice}.")
        if (units := graph.value(prop, UNITS)) is not None:
            unit = _n3(graph.value(prop, UNIT_PROPERTY))
            listed = [_n3(m) for m in Collection(graph, units)]
            self.property_shape(prop, "allowedUnits", "allowed units",
                                f"sh:path {unit} ; sh:minCount 1 ; sh:in ( {' '.join(listed)} )",
                                f"A quantity in {p} has its unit in {unit}, one of the UCUM codes {', '.join(listed)}: {advice}.")
        if graph.value(prop, SYMMETRIC) == Literal(True):
            self.sparql_shape(prop, "symmetric", "symmetric", f"""
        SELECT $this ?path ?value WHERE {{
            $this {p} ?value .
            BIND ({p} AS ?path)
            FILTER NOT EXISTS {{ ?value {p} $this . }}
        }}""", f"{p} holds both ways, and {{?value}} does not state it back: {advice}.")
        for inverse in self.values(prop, INVERSE):
            self.sparql_shape(prop, "inverse", "inverse", f"""
        SELECT $this ?path ?value WHERE {{
            $this {p} ?value .
            BIND ({p} AS ?path)
            FILTER NOT EXISTS {{ ?value {_n3(inverse)} $this . }}
        }}""", f"{{?value}} does not state {_n3(inverse)}, the inverse of {p}, back to this node: {advice}.")
        for other in self.values(prop, CONFLICTS):
            self.property_shape(prop, "conflictsWith", "conflicts with", f"sh:path {_n3(other)} ; sh:maxCount 0",
                                f"{p} and {_n3(other)} do not go together on one node: {advice}.")
        # Always compiled: a hand-written sh:minCount on the same property targets some kind of node,
        # not every node that carries this one.
        for other in self.values(prop, REQUIRES):
            self.property_shape(prop, "requires", "item requires statement", f"sh:path {_n3(other)} ; sh:minCount 1",
                                f"A node with {p} also needs {_n3(other)}: {advice}.")
        for other in self.values(prop, CITATION):
            self.property_shape(prop, "citationNeeded", "citation needed", f"sh:path {_n3(other)} ; sh:minCount 1",
                                f"A node with {p} names where it comes from with {_n3(other)}: {advice}.")

        if texts := self.values(prop, STATED_IN_TEXT):
            # The number as a whole word: 40 is not in "140" or "40.5"; a decimal's ".0" may be left
            # out (40.0 is "40"). Amounts with a unit are taken out of the text first: a study's 40
            # participants are not in "60 mg a day" or "12 weeks".
            where = "|".join(_n3(t) for t in texts)
            self.sparql_shape(prop, "statedInText", "stated in the node's own text", f"""
        SELECT $this ?path ?value WHERE {{
            $this {p} ?value .
            BIND ({p} AS ?path)
            FILTER (isNumeric(?value))
            BIND (REPLACE(REPLACE(STR(?value), "^([0-9]+)[.]0*$", "$1"), "[.]", "[.]") AS ?number)
            FILTER NOT EXISTS {{
                $this {where} ?text .
                BIND (REPLACE(STR(?text), "[0-9][0-9.,]* ?(mg|ug|µg|g|mL|kg|milligrams?|micrograms?|grams?|%|percent|seconds?|minutes?|hours?|days?|weeks?|months?|years?)([^a-z]|$)", " ") AS ?counts)
                FILTER (REGEX(?counts, CONCAT("(^|[^0-9.])", ?number, "([.]0+)?([^0-9.]|[.][^0-9]|[.]?$)")))
            }}
        }}""", f"The node says {{?value}} in {p}, and its own words ({_either(texts)}) do not: one of them was "
               f"edited alone or copied from another field. Make both say the same number: {advice}.")

    def qualifiers(self, props: list[URIRef]) -> None:
        """One constraint for every predicate's allowed qualifiers, reading the declarations, which are
        in the data graph with the rest of the ontology (SHACL-SPARQL admits no VALUES table)."""
        graph = self.graph
        qualifiers = sorted(q for q in graph.subjects(RDF.type, QUALIFIER) if isinstance(q, URIRef))
        if not qualifiers or not any(graph.value(p, QUALIFIERS) is not None for p in props):
            return
        name = "mkgsh:Constraint-allowedQualifiers"
        message = ("The claim states {?predicate}, which does not take the qualifier {?path} "
                   "(its allowed-qualifiers constraint, ontology/property-constraints.ttl): {?advice}.")
        select = """
        SELECT $this ?path ?value ?predicate ?advice WHERE {
            $this rdf:predicate ?predicate ; ?path ?value .
            ?path a medkg:Qualifier .
            ?predicate medkg:allowedQualifiersConstraint ?allowed ; medkg:constraintAdvice ?advice .
            FILTER NOT EXISTS { ?allowed rdf:rest*/rdf:first ?path }
        }"""
        self.blocks.append(
            f"{name} a sh:NodeShape ;\n"
            f"    rdfs:label {_text('allowed qualifiers of each claim predicate')} ;\n"
            f"    sh:targetSubjectsOf {', '.join(_n3(q) for q in qualifiers)} ;\n"
            f"    sh:severity sh:Violation ;\n"
            f"    sh:message {_text('A claim carries a qualifier its predicate does not take.')} ;\n"
            f"    sh:sparql {name}-query .\n\n"
            f"{name}-query a sh:SPARQLConstraint ;\n"
            f"    rdfs:label {_text('allowed qualifiers')} ;\n"
            f"    sh:message {_text(message)} ;\n"
            f"    sh:prefixes mkgsh:prefixes ;\n"
            f"    sh:select {_sparql_text(select)} .\n")


def generate(graph: Graph | None = None, hand: HandWritten | None = None) -> str:
    """The shapes file the declarations give, as Turtle text."""
    graph = graph if graph is not None else declarations()
    props = sorted(declared_properties(graph), key=lambda p: compact(str(p)))
    writer = _Writer(graph, hand if hand is not None else HandWritten())
    for prop in props:
        writer.compile(prop)
    writer.qualifiers(props)
    registry = prefixes()
    head = ("# Property constraints compiled to SHACL: GENERATED from ontology/property-constraints.ttl by\n"
            "# `python -m medkg.validate.property_constraints`; do not edit (a test checks it is up to date).\n"
            "# Each shape is one declared constraint of one property, named mkgsh:Constraint-<property>-<type>.\n"
            + "".join(f"@prefix {p}: <{registry[p]}> .\n" for p in _USED) + "\n")
    return head + "\n".join(writer.blocks)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv not in ([], ["--check"]):
        print("usage: python -m medkg.validate.property_constraints [--check]", file=sys.stderr)
        return 2
    text = generate()
    if argv == ["--check"]:
        if Path(SHAPES).read_text(encoding="utf-8") != text:
            print(f"{relative(SHAPES)} is not what {relative(DECLARATIONS)} gives: run "
                  "`python -m medkg.validate.property_constraints`", file=sys.stderr)
            return 1
        return 0
    SHAPES.write_text(text, encoding="utf-8")
    print(f"wrote {relative(SHAPES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
