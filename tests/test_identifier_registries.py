"""Identifier patterns held to the registries that define them (issue 24): each scheme of
ontology/identifier-schemes.ttl names its Bioregistry entry, and ontology/registry-patterns.ttl
(generated from the bioregistry package: medkg/validate/registry_patterns.py) gives that registry's
pattern and example. The project's own pattern may be narrower than the registry's (a MeSH
descriptor is D and 6 or 9 digits), never at odds with it."""

import re

import pytest
from rdflib import RDFS, Graph, Literal

from medkg.errors import InputError
from medkg.io.parse import load
from medkg.project_files import DATA_DIR
from medkg.rdf.namespaces import MEDKG
from medkg.rdf.prefixes import compact
from medkg.validate import registry_patterns as rp

ONTOLOGY = load([rp.SCHEMES, rp.PATTERNS]).rdflib_graph()
SCHEMES = sorted(ONTOLOGY.subjects(MEDKG.iriPrefix, None))


def _own(scheme):
    return str(ONTOLOGY.value(scheme, MEDKG.localIdPattern))


def test_every_scheme_names_its_registry_entry_and_has_its_pattern():
    assert len(SCHEMES) >= 16
    for scheme in SCHEMES:
        assert str(ONTOLOGY.value(scheme, RDFS.seeAlso) or "").startswith(rp.REGISTRY), compact(str(scheme))
        assert ONTOLOGY.value(scheme, rp.REGISTRY_PATTERN) is not None, compact(str(scheme))


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: compact(str(s)))
def test_the_registry_example_is_accepted_by_the_schemes_own_pattern(scheme):
    example = ONTOLOGY.value(scheme, rp.REGISTRY_EXAMPLE)
    assert example is not None
    assert re.search(_own(scheme), str(example)), f"{_own(scheme)} refuses the registry's example {example}"


def test_every_identifier_in_the_data_matches_its_registrys_pattern():
    checked = 0
    for triple in load([DATA_DIR]).triples:
        iri = triple.object.value
        for scheme in SCHEMES:
            prefix = str(ONTOLOGY.value(scheme, MEDKG.iriPrefix))
            if triple.predicate.value.startswith("http://www.w3.org/2004/02/skos/core#") and iri.startswith(prefix):
                local = iri[len(prefix):]
                assert re.search(str(ONTOLOGY.value(scheme, rp.REGISTRY_PATTERN)), local), iri
                assert re.search(_own(scheme), local), iri
                checked += 1
    assert checked >= 30


def test_the_schemes_own_pattern_is_narrower_where_the_registry_is_loose():
    # MeSH: the registry admits any number of digits; a descriptor has 6 or 9.
    mesh = next(s for s in SCHEMES if str(s).endswith("scheme-mesh"))
    assert re.search(str(ONTOLOGY.value(mesh, rp.REGISTRY_PATTERN)), "D0001418")
    assert not re.search(_own(mesh), "D0001418")


def test_the_generator_reads_the_registrys_own_fields_then_miriams():
    entries = {
        "own": {"pattern": "^\\d{7}$", "example": "0000001"},
        "miriam-only": {"miriam": {"pattern": "^CHEBI:\\d+$", "prefix": "chebi", "examples": ["36927"],
                                   "extras": {"namespaceEmbeddedInLui": True}}},
    }
    schemes = Graph().parse(data="""
        @prefix medkg: <https://w3id.org/medkg/vocab#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        medkg:scheme-a rdfs:seeAlso <https://bioregistry.io/registry/own> .
        medkg:scheme-b rdfs:seeAlso <https://bioregistry.io/registry/miriam-only> .
    """, format="turtle")
    text = rp.generate(entries, "0.0", schemes)
    generated = Graph().parse(data=text, format="turtle")
    assert generated.value(MEDKG["scheme-a"], rp.REGISTRY_PATTERN) == Literal("^\\d{7}$")
    assert generated.value(MEDKG["scheme-b"], rp.REGISTRY_PATTERN) == Literal("^\\d+$")
    assert generated.value(MEDKG["scheme-b"], rp.REGISTRY_EXAMPLE) == Literal("36927")


def test_a_scheme_naming_an_entry_the_registry_lacks_is_refused():
    schemes = Graph().parse(data="""
        @prefix medkg: <https://w3id.org/medkg/vocab#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        medkg:scheme-a rdfs:seeAlso <https://bioregistry.io/registry/nonesuch> .
    """, format="turtle")
    with pytest.raises(InputError, match="nonesuch.*correct its rdfs:seeAlso"):
        rp.generate({}, "0.0", schemes)


def test_a_file_that_is_no_registry_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bioregistry.json"
    bad.write_text("not json", encoding="utf-8")
    assert rp.main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip download bioregistry" in err


def test_well_formed_identifiers_fail_only_for_being_unchecked():
    """The registries' rules (patterns, CAS check digits, one relation per pair) accept every identifier
    of this fixture: the one finding on each is that no curator checked it."""
    from medkg.project_files import DATA_DIR
    from medkg.validate.pipeline import validate
    from tests.material import FIXTURES

    report = validate([DATA_DIR, FIXTURES / "invalid" / "identifiers-well-formed-but-unchecked.ttl"])
    assert report.findings
    assert [f.message for f in report.findings if "is not among the identifiers the curators checked" not in f.message] == []
