"""Property constraints (issue 24): every property the data uses is declared in
ontology/property-constraints.ttl, the shapes compiled from the declarations are the ones shipped,
and each constraint type, compiled, catches what it says and passes what it allows."""

import pyoxigraph as ox
import pytest
from rdflib import Graph

from medkg.io.parse import load
from medkg.project_files import DATA_DIR, PREFIXES_FILE
from medkg.rdf.prefixes import compact
from medkg.shacl.engine import check
from medkg.validate import property_constraints as pc

PREFIXES = """
@prefix kg: <https://w3id.org/medkg/id/> .
@prefix claim: <https://w3id.org/medkg/claim/> .
@prefix medkg: <https://w3id.org/medkg/vocab#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# One made-up property per constraint type (in the medkg namespace, so that the shapes get names).
DECLARATIONS = PREFIXES + """
medkg:Thing a owl:Class . medkg:SubThing rdfs:subClassOf medkg:Thing . medkg:Other a owl:Class .
medkg:tSubject a medkg:ConstrainedProperty ; medkg:subjectTypeConstraint medkg:Thing .
medkg:tValue a medkg:ConstrainedProperty ; medkg:valueTypeConstraint medkg:Thing, medkg:Other .
medkg:tDatatype a medkg:ConstrainedProperty ; medkg:datatypeConstraint xsd:integer .
medkg:tFormat a medkg:ConstrainedProperty ; medkg:formatConstraint "^[A-Z][0-9]+$" .
medkg:tSingle a medkg:ConstrainedProperty ; medkg:singleValueConstraint true .
medkg:tDistinct a medkg:ConstrainedProperty ; medkg:distinctValuesConstraint true .
medkg:tOneOf a medkg:ConstrainedProperty ; medkg:oneOfConstraint ( "a" "b" ) .
medkg:tRange a medkg:ConstrainedProperty ; medkg:minimumValueConstraint 1 ; medkg:maximumValueConstraint 24 .
medkg:tAmount a medkg:ConstrainedProperty ; medkg:unitProperty medkg:tUnit ; medkg:allowedUnitsConstraint ( "mg" "ug" ) .
medkg:tSymmetric a medkg:ConstrainedProperty ; medkg:symmetricConstraint true .
medkg:tForward a medkg:ConstrainedProperty ; medkg:inverseConstraint medkg:tBackward .
medkg:tConflicts a medkg:ConstrainedProperty ; medkg:conflictsWithConstraint medkg:tOneOf .
medkg:tRequires a medkg:ConstrainedProperty ; medkg:itemRequiresStatementConstraint medkg:tSingle .
medkg:tCited a medkg:ConstrainedProperty ; medkg:citationNeededConstraint medkg:tSource .
medkg:tPredicate a medkg:ConstrainedProperty ; medkg:allowedQualifiersConstraint ( medkg:qA ) ;
    medkg:constraintAdvice "only qA"@en .
medkg:qA a medkg:Qualifier . medkg:qB a medkg:Qualifier .
"""

DATA = """
kg:typed a medkg:SubThing ; medkg:tSubject 1 .
kg:untyped medkg:tSubject 1 .
kg:v1 medkg:tValue kg:typed . kg:other a medkg:Other . kg:v2 medkg:tValue kg:other . kg:v3 medkg:tValue kg:untyped .
kg:d1 medkg:tDatatype 5 . kg:d2 medkg:tDatatype "5" .
kg:f1 medkg:tFormat "D123" . kg:f2 medkg:tFormat "D12a" .
kg:s1 medkg:tSingle 1 . kg:s2 medkg:tSingle 1, 2 .
kg:u1 medkg:tDistinct kg:shared . kg:u2 medkg:tDistinct kg:shared . kg:u3 medkg:tDistinct kg:own .
kg:o1 medkg:tOneOf "a" . kg:o2 medkg:tOneOf "c" .
kg:r1 medkg:tRange 3 . kg:r2 medkg:tRange 0 . kg:r3 medkg:tRange 30 .
kg:a1 medkg:tAmount 5.0 ; medkg:tUnit "mg" . kg:a2 medkg:tAmount 5.0 ; medkg:tUnit "mcg" . kg:a3 medkg:tAmount 5.0 .
kg:y1 medkg:tSymmetric kg:y2 . kg:y2 medkg:tSymmetric kg:y1 . kg:y3 medkg:tSymmetric kg:y4 .
kg:i1 medkg:tForward kg:i2 . kg:i2 medkg:tBackward kg:i1 . kg:i3 medkg:tForward kg:i4 .
kg:c1 medkg:tConflicts 1 . kg:c2 medkg:tConflicts 1 ; medkg:tOneOf "a" .
kg:q1 medkg:tRequires 1 ; medkg:tSingle 1 . kg:q2 medkg:tRequires 1 .
kg:n1 medkg:tCited 1 ; medkg:tSource kg:somewhere . kg:n2 medkg:tCited 1 .
claim:k1 rdf:predicate medkg:tPredicate ; medkg:qA 1 . claim:k2 rdf:predicate medkg:tPredicate ; medkg:qB 1 .
"""

EXPECTED = {
    ("medkg-tSubject-subjectType", "kg:untyped"),
    ("medkg-tValue-valueType", "kg:v3"),
    ("medkg-tDatatype-datatype", "kg:d2"),
    ("medkg-tFormat-format", "kg:f2"),
    ("medkg-tSingle-singleValue", "kg:s2"),
    ("medkg-tDistinct-distinctValues", "kg:shared"),
    ("medkg-tOneOf-oneOf", "kg:o2"),
    ("medkg-tRange-minimum", "kg:r2"),
    ("medkg-tRange-maximum", "kg:r3"),
    ("medkg-tAmount-allowedUnits", "kg:a2"),
    ("medkg-tAmount-allowedUnits", "kg:a3"),
    ("medkg-tSymmetric-symmetric", "kg:y3"),
    ("medkg-tForward-inverse", "kg:i3"),
    ("medkg-tConflicts-conflictsWith", "kg:c2"),
    ("medkg-tRequires-requires", "kg:q2"),
    ("medkg-tCited-citationNeeded", "kg:n2"),
    ("allowedQualifiers", "claim:k2"),
}


def test_every_property_the_data_uses_is_declared():
    used = {t.predicate.value for t in load([DATA_DIR]).triples}
    declared = {str(p) for p in pc.declared_properties(pc.declarations())}
    assert len(used) > 50
    assert sorted(compact(p) for p in used - declared) == [], "declare them in ontology/property-constraints.ttl"


def test_the_shipped_shapes_are_what_the_declarations_give():
    assert pc.main(["--check"]) == 0, "run `python -m medkg.validate.property_constraints`"


def test_a_stale_shapes_file_is_said(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "property-constraints.ttl"
    stale.write_text("# an old version\n", encoding="utf-8")
    monkeypatch.setattr(pc, "SHAPES", stale)
    assert pc.main(["--check"]) == 1
    assert "python -m medkg.validate.property_constraints" in capsys.readouterr().err


@pytest.fixture(scope="module")
def outcome():
    declarations = Graph().parse(data=DECLARATIONS, format="turtle")
    text = pc.generate(declarations, pc.HandWritten(Graph()))
    shapes = load([PREFIXES_FILE]).rdflib_graph()
    shapes.parse(data=text, format="turtle")
    data = list(ox.parse(PREFIXES + DECLARATIONS + DATA, format=ox.RdfFormat.TURTLE))
    return check(data, shapes)


def test_each_constraint_type_catches_what_it_forbids_and_nothing_else(outcome):
    found = {(str(r.shape).rsplit("#Constraint-", 1)[-1], compact(str(r.focus))) for r in outcome.results}
    assert found == EXPECTED


def test_every_constraint_type_is_exercised():
    kinds = {k.split("-")[-1] for k, _ in EXPECTED}
    assert {"subjectType", "valueType", "datatype", "format", "singleValue", "distinctValues", "oneOf", "minimum",
            "maximum", "allowedUnits", "symmetric", "inverse", "conflictsWith", "requires", "citationNeeded",
            "allowedQualifiers"} <= kinds


def test_a_constraint_a_hand_written_shape_already_checks_is_not_compiled_twice():
    declarations = Graph().parse(data=DECLARATIONS, format="turtle")
    hand = Graph().parse(data=PREFIXES + """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix mkgsh: <https://w3id.org/medkg/shapes#> .
        mkgsh:S a sh:NodeShape ; sh:targetClass medkg:Thing ; sh:property mkgsh:S-single .
        mkgsh:S-single sh:path medkg:tSingle ; sh:maxCount 1 .
    """, format="turtle")
    text = pc.generate(declarations, pc.HandWritten(hand))
    assert "Constraint-medkg-tSingle-singleValue" not in text
    assert "Constraint-medkg-tDatatype-datatype" in text


def test_messages_say_what_to_do(outcome):
    qualifier = next(r for r in outcome.results if str(r.shape).endswith("allowedQualifiers"))
    assert any("only qA" in m and "qB" in m and "tPredicate" in m for m in qualifier.messages)
