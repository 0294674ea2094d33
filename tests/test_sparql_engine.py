"""The fast path gives pySHACL's findings: SHACL Core and SHACL-SPARQL on pyoxigraph
(medkg/shacl/core.py, medkg/shacl/sparql_constraints.py) vs everything on pySHACL.

Run once on the shipped data plus every invalid fixture and the engine fixtures (rules at their
edges) together (each fixture mints its own IRIs), so every SPARQL constraint and every Core
constraint component the shapes use fires at least once. This is the slow test of the suite
(~15 s): pure pySHACL evaluates each SPARQL constraint once per focus node on rdflib.
"""

from decimal import Decimal

import pytest

from medkg.project_files import DATA_DIR
from medkg.validate.pipeline import validate
from tests.material import FIXTURES

pytestmark = pytest.mark.slow  # pySHACL comparisons / the mutation run: `make quick` skips them


def _key(finding):
    """pyoxigraph stores numbers by value, so it prints "10.0"^^xsd:decimal as "10": compare by value."""
    value, message = finding.value, finding.message
    if value.endswith("#decimal>"):
        lexical = value.split('"')[1]
        value = str(Decimal(lexical).normalize())
        message = message.replace(f" {lexical} ", " <number> ").replace(f" {value} ", " <number> ")
    return (finding.severity, finding.file, finding.line, finding.focus, finding.path, value, message,
            finding.shape, finding.component)


@pytest.fixture(scope="module")
def both():
    paths = [DATA_DIR, FIXTURES / "invalid", FIXTURES / "engine"]
    return validate(paths, sparql_engine="oxigraph"), validate(paths, sparql_engine="pyshacl")


def test_the_compiled_engine_finds_exactly_what_pyshacl_finds(both):
    fast, reference = both
    assert sorted(map(_key, fast.findings)) == sorted(map(_key, reference.findings))


def test_every_sparql_constraint_fired(both, shapes):
    fast, _ = both
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    graph = shapes.rdflib_graph()
    with_sparql = {s for s in graph.subjects(sh.sparql, None)}
    fired = {f.shape for f in fast.findings if f.component == "sh:SPARQLConstraintComponent"}
    compact = {"mkgsh:" + str(s).split("#")[1] for s in with_sparql}
    # The shapes compiled from ontology/property-constraints.ttl are held per constraint type by
    # tests/test_property_constraints.py (each type catches exactly what it forbids), not one
    # fixture per generated shape.
    compact = {c for c in compact if not c.startswith("mkgsh:Constraint-")}
    assert compact - fired == set(), "add an invalid fixture that makes these fire"
    assert len(compact) >= 10


def test_every_core_component_fired(both):
    from medkg.validate.pipeline import Validator

    compiled = Validator().compiled
    assert compiled is not None, "the shipped shapes must compile to SPARQL (see the stderr note)"
    used = {str(c.component).split("#")[1] for c in compiled.checks}
    fast, _ = both
    fired = {f.component.removeprefix("sh:") for f in fast.findings}
    assert used - fired == set(), "add a fixture under tests/fixtures/engine/ that makes these fire"
    assert len(used) >= 15
