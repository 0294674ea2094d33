"""Random small shapes graphs and data graphs, for comparing the default SHACL engine with pySHACL
(tests/test_shacl_differential.py; `make fuzz` runs many more). Seeded: a seed names a case."""

import random

import pyoxigraph as ox

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"@prefix ex: <{EX}> . @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <{XSD}> . " \
           "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
NODES = [f"ex:n{i}" for i in range(6)]
PROPERTIES = ["ex:p", "ex:q", "ex:r"]
CLASSES = ["ex:C", "ex:D", "ex:E"]
# Literals as curators and other tools write them: derived and non-canonical numbers, ill-typed
# values, language tags differing in case, booleans written as 1.
LITERALS = ['5', '05', '+5', '"5"^^xsd:int', '5.0', '4', '-1', '0', '1e0', '"1e0"^^xsd:double', '"abc"', '"abc"@en',
            '"hi"@EN', '"hi"@en-GB', '"x"^^xsd:integer', 'true', '"1"^^xsd:boolean', '"2020-01-01"^^xsd:date',
            '"2020-01-01T00:00:00Z"^^xsd:dateTime', '"a b"', '""', '"5"']


def data_graph(rng: random.Random) -> str:
    lines = ["ex:D rdfs:subClassOf ex:C ."]
    for node in NODES:
        if rng.random() < 0.6:
            lines.append(f"{node} rdf:type {rng.choice(CLASSES)} .")
        for _ in range(rng.randint(0, 4)):
            kind = rng.random()
            if kind < 0.45:
                value = rng.choice(LITERALS)
            elif kind < 0.85:
                value = rng.choice(NODES)
            elif kind < 0.93:
                value = f"[ {rng.choice(PROPERTIES)} {rng.choice(LITERALS)} ]"
            else:
                value = f"( {rng.choice(LITERALS)} {rng.choice(NODES)} )"
            lines.append(f"{node} {rng.choice(PROPERTIES)} {value} .")
    return PREFIXES + "\n".join(lines) + "\n"


def _path(rng: random.Random) -> str:
    p = rng.choice(PROPERTIES)
    kind = rng.random()
    if kind < 0.6:
        return p
    if kind < 0.75:
        return f"[ sh:inversePath {p} ]"
    if kind < 0.85:
        return f"( {p} {rng.choice(PROPERTIES)} )"
    if kind < 0.95:
        return f"[ sh:alternativePath ( {p} {rng.choice(PROPERTIES)} ) ]"
    return f"[ sh:zeroOrMorePath {p} ]"


def _constraint(rng: random.Random, on_property: bool) -> str:
    choices = [
        lambda: f"sh:datatype {rng.choice(['xsd:integer', 'xsd:int', 'xsd:string', 'xsd:decimal', 'rdf:langString', 'xsd:boolean', 'xsd:date'])}",
        lambda: f"sh:nodeKind {rng.choice(['sh:IRI', 'sh:Literal', 'sh:BlankNode', 'sh:BlankNodeOrIRI', 'sh:IRIOrLiteral', 'sh:BlankNodeOrLiteral'])}",
        lambda: f"sh:class {rng.choice(CLASSES)}",
        lambda: f"sh:in ( {' '.join(rng.sample(LITERALS + NODES, 3))} )",
        lambda: f"sh:hasValue {rng.choice(LITERALS + NODES)}",
        lambda: f"sh:pattern \"{rng.choice(['^a', '5$', '^0', 'b', '^[0-9]+$'])}\"",
        lambda: "sh:minInclusive " + rng.choice(['0', '5', '4.5', '"b"']),
        lambda: f"sh:minExclusive {rng.choice(['0', '5', '4.5'])}",
        lambda: f"sh:minLength {rng.randint(0, 3)}",
        lambda: f"sh:maxLength {rng.randint(0, 3)}",
        lambda: f"sh:equals {rng.choice(PROPERTIES)}",
        lambda: f"sh:disjoint {rng.choice(PROPERTIES)}",
        lambda: f"sh:node [ sh:property [ sh:path {rng.choice(PROPERTIES)} ; sh:minCount 1 ] ]",
    ]
    if on_property:
        choices += [
            lambda: f"sh:minCount {rng.randint(0, 2)}",
            lambda: f"sh:maxCount {rng.randint(0, 2)}",
            lambda: "sh:uniqueLang true",
            lambda: f"sh:lessThan {rng.choice(PROPERTIES)}",
            lambda: f"sh:qualifiedValueShape [ sh:class {rng.choice(CLASSES)} ] ; sh:qualifiedMinCount 1",
        ]
    return rng.choice(choices)()


def _target(rng: random.Random) -> str:
    kind = rng.randint(0, 3)
    if kind == 0:
        return f"sh:targetClass {rng.choice(CLASSES)}"
    if kind == 1:
        return f"sh:targetNode {', '.join(rng.sample(NODES + LITERALS[:3], 2))}"
    if kind == 2:
        return f"sh:targetSubjectsOf {rng.choice(PROPERTIES)}"
    return f"sh:targetObjectsOf {rng.choice(PROPERTIES)}"


def shapes_graph(rng: random.Random) -> str:
    lines, node_shapes = [], []
    for i in range(rng.randint(1, 3)):
        name = f"ex:S{i}"
        if rng.random() < 0.5:  # a property shape of its own, with a target
            lines.append(f"{name} a sh:PropertyShape ; {_target(rng)} ; sh:path {_path(rng)} ; "
                         f"{_constraint(rng, True)} .")
            continue
        properties = []
        for j in range(rng.randint(0, 2)):
            shape = f"[ sh:path {_path(rng)} ; {_constraint(rng, True)} ]" if rng.random() < 0.5 \
                else f"ex:S{i}p{j}"
            if shape.startswith("ex:"):
                lines.append(f"{shape} sh:path {_path(rng)} ; {_constraint(rng, True)} .")
            properties.append(shape)
        own = f" ; {_constraint(rng, False)}" if rng.random() < 0.5 or not properties else ""
        held = f" ; sh:property {', '.join(properties)}" if properties else ""
        typed = "a sh:NodeShape ; " if rng.random() < 0.8 else ""  # a shape may go untyped
        extra = rng.choice(["", "", "", " ; sh:deactivated true", " ; sh:severity sh:Warning", " ; sh:severity ex:Mine"]
                           + [f" ; sh:node {shape}" for shape in node_shapes[-1:]])  # never itself: no recursion
        node_shapes.append(name)
        lines.append(f"{name} {typed}{_target(rng)}{own}{held}{extra} .")
        if properties and rng.random() < 0.3 and properties[0].startswith("ex:"):
            # a property shape inside a property shape: its focus nodes are the holder's values
            lines.append(f"{properties[0]} sh:property [ sh:path {rng.choice(PROPERTIES)} ; {_constraint(rng, True)} ] .")
    return PREFIXES + "\n".join(lines) + "\n"


def case(seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    return data_graph(rng), shapes_graph(rng)


def triples(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
