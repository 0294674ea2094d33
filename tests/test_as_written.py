"""A term leaves medkg as it came in: literals a pyoxigraph Store would rewrite ("05" as "5",
"5"^^xsd:int as "5"^^xsd:integer, "5.0" as "5") are validated, reported, exported, hashed and
diffed as written. (Query answers may still write numbers canonically: the README says so.)"""

import shutil

import pyoxigraph as ox
import pytest

from medkg.io.parse import load, to_rdflib
from medkg.project_files import DATA_DIR
from medkg.rdf import as_written
from medkg.release import diff, export
from medkg.validate.pipeline import validate

XSD = "http://www.w3.org/2001/XMLSchema#"
WRITTEN = ['"5.0"^^<{x}decimal>', '"05"^^<{x}integer>', '"+5"^^<{x}integer>', '"5"^^<{x}int>',
           '"1e0"^^<{x}double>', '"1"^^<{x}boolean>', '"2020-01-01T00:00:00.0Z"^^<{x}dateTime>']
EXTRA = ("@prefix kg: <https://w3id.org/medkg/id/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
         'kg:dose-starting-5mg-tid <http://example.org/as-written> 05, +5, "5"^^xsd:int, 1e0, "1"^^xsd:boolean,'
         ' "2020-01-01T00:00:00.0Z"^^xsd:dateTime .\n')


def literal(text: str) -> ox.Literal:
    return next(iter(ox.parse(f"<s:s> <p:p> {text.format(x=XSD)} .", format=ox.RdfFormat.N_TRIPLES))).object


def test_the_store_gives_back_every_literal_as_written():
    originals = [literal(t) for t in WRITTEN]
    assert as_written.altered(set(originals)) == set(originals), "each of these is one a plain Store rewrites"
    triples = [ox.Triple(ox.NamedNode(f"s:{i}"), ox.NamedNode("p:p"), o) for i, o in enumerate(originals)]
    store, written = as_written.build(triples)
    held = {q.object for q in store}
    assert {as_written.decode(o) for o in held} == set(originals)
    assert {str(to_rdflib(o)) for o in held} == {o.value for o in originals}  # rdflib too: "05", not "5"
    with as_written.by_value(store, written) as stored_forms:
        decimal = ox.Literal("5", datatype=ox.NamedNode(XSD + "decimal"))
        assert decimal in {q.object for q in store}, "by value: what SPARQL compares"
        assert stored_forms[decimal] == literal(WRITTEN[0]), "reported as written: 5.0"
        integer = ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))
        assert stored_forms[integer] is None, '"05", "+5" and "5"^^xsd:int share one stored form: none is guessed'
    assert {as_written.decode(q.object) for q in store} == set(originals), "the written forms are back"


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    return tmp_path / "data"


def test_a_derived_datatype_is_a_violation_not_a_silent_conforms(copy):
    """The issue's case: sentenceIndex "1"^^xsd:int where the shape says xsd:integer."""
    sentences = copy / "sentences.ttl"
    text = sentences.read_text(encoding="utf-8")
    sentences.write_text(text.replace("medkg:sentenceIndex 1 ;", f'medkg:sentenceIndex "1"^^<{XSD}int> ;', 1), encoding="utf-8")
    report = validate([copy])
    [finding] = [f for f in report.findings if f.focus == "sent:s01"]
    assert "DatatypeConstraintComponent" in finding.component and finding.path == "medkg:sentenceIndex"
    assert finding.value == '"1"^^xsd:int', "the value as the curator wrote it"


def test_a_non_canonical_offset_still_checks_the_quote(copy):
    """SPARQL constraints compare numbers by value: "0190" is 190, so a wrong offset written with a
    leading zero is still caught, and the value is reported as written."""
    uses = copy / "claims" / "uses.ttl"
    text = uses.read_text(encoding="utf-8")
    assert "oa:start 1083 ;" in text
    uses.write_text(text.replace("oa:start 1083 ;", "oa:start 01084 ;"), encoding="utf-8")
    report = validate([copy])
    assert report.findings, "a shifted offset is found whatever its lexical form"
    assert any("01084" in f.value or "01084" in f.message for f in report.findings)


def test_release_hash_and_diff_keep_terms_as_written(copy, tmp_path):
    (copy / "as-written.ttl").write_text(EXTRA, encoding="utf-8")
    release = tmp_path / "dist"
    export.export(release, formats=("ttl", "nt", "jsonld", "trig"), date="2026-11-30", data_paths=[copy])
    expected = set(load([copy]).triples)
    for name, fmt in (("medkg-data.ttl", ox.RdfFormat.TURTLE), ("medkg-data.nt", ox.RdfFormat.N_TRIPLES),
                      ("medkg-data.jsonld", ox.RdfFormat.JSON_LD)):
        assert {q.triple for q in ox.parse(path=str(release / name), format=fmt)} == expected, name
    trig = {q.triple for q in ox.parse(path=str(release / "medkg.trig"), format=ox.RdfFormat.TRIG)
            if q.graph_name.value == export.GRAPHS["data"]}
    assert trig == expected
    # The canonical hash is of the terms as written: rewriting "05" as "5" changes it.
    quads = list(ox.parse(path=str(release / "medkg.trig"), format=ox.RdfFormat.TRIG))
    recorded = (release / export.CHECKSUM).read_text().split()[0]
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert export.canonical_hash(list(dataset)) == recorded
    assert '"05"^^<http://www.w3.org/2001/XMLSchema#integer>' in (release / "medkg-data.nt").read_text(encoding="utf-8")
    # diff: "05" and "5" are different terms, as a curator wrote them.
    edited = tmp_path / "edited"
    shutil.copytree(copy, edited)
    (edited / "as-written.ttl").write_text(EXTRA.replace(" 05,", " 5,"), encoding="utf-8")
    changes = diff.render(diff.compare(diff.version(str(copy)), diff.version(str(edited))))
    added, removed = changes.split("Other triples removed")
    assert added.rstrip().endswith('<http://example.org/as-written> "5"') and removed.rstrip().endswith('"05"')


def test_literals_of_blank_nodes_are_swapped_and_back():
    """SPARQL's DELETE DATA refuses blank nodes: those quads go one by one (the W3C suite's data has them)."""
    blank = ox.BlankNode()
    triples = [ox.Triple(blank, ox.NamedNode("p:p"), literal(WRITTEN[1])),
               ox.Triple(ox.NamedNode("s:s"), ox.NamedNode("p:p"), literal(WRITTEN[0]))]
    store, written = as_written.build(triples)
    with as_written.by_value(store) as stored_forms:
        assert len(stored_forms) == 2 and not any(as_written.is_private(q.object) for q in store)
    assert {as_written.decode(q.object) for q in store} == {literal(WRITTEN[0]), literal(WRITTEN[1])}
    assert len(written) == 2


def loaded_and_built(tmp_path, text: str, others: list[ox.Triple] = ()) -> tuple:
    """The store and written quads of as_written.Loader fed the file, and of build() on its triples."""
    (tmp_path / "data.ttl").write_text(text, encoding="utf-8")
    loader = as_written.Loader()
    data = load([tmp_path], feed=loader.feed)
    store, written = loader.finish(data.triples, list(others), bool(data.blank_node_files))
    built, built_written = as_written.build(data.triples + list(others))
    return (set(store), set(written)), (set(built), set(built_written))


def test_the_store_loaded_beside_the_parse_is_the_one_build_makes(tmp_path):
    """validate fills its store while parsing (the Loader); a literal the store changes goes under
    the private datatype, and a twin written beside it ("5" beside "05" and "5"^^xsd:int, one
    value to the store) is still there: it would go with a plain removal of "05"."""
    twins = EXTRA + 'kg:dose-starting-5mg-tid <http://example.org/as-written> 5, "5.0"^^xsd:decimal, "a"^^xsd:integer .\n'
    ontology = [ox.Triple(ox.NamedNode("s:o"), ox.NamedNode("p:p"), literal(WRITTEN[0])),
                ox.Triple(ox.NamedNode("s:o"), ox.NamedNode("p:p"), literal('"5"^^<{x}integer>'))]
    loaded, built = loaded_and_built(tmp_path, twins, ontology)
    assert loaded == built
    five = ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))
    assert five in {q.object for q in loaded[0] if q.subject.value.endswith("dose-starting-5mg-tid")}, "the twin kept"
    assert len(loaded[1]) == 8, "05, +5, 5^^int, 1e0, 1^^boolean, the dateTime, 5.0 and the ontology's 5.0 as written"


def test_a_blank_node_or_a_file_the_store_refuses_falls_back_to_build(tmp_path):
    """The parser names blank nodes afresh on each parse: the Loader's store would not hold the
    triples' own, so build() makes it (the same result; the data is in error anyway)."""
    blank = "@prefix kg: <https://w3id.org/medkg/id/> .\nkg:a <http://example.org/p> [ <http://example.org/q> 05 ] .\n"
    loaded, built = loaded_and_built(tmp_path, blank)
    assert loaded == built and any(isinstance(q.subject, ox.BlankNode) for q in loaded[0])
    loader = as_written.Loader()
    loader.feed(b"<s:s> <p:p> .")  # what the store cannot load: the parse of the same bytes names the error
    loader.feed(b"<s:s> <p:p> <o:o> .")
    store, written = loader.finish([ox.Triple(ox.NamedNode("s:s"), ox.NamedNode("p:p"), ox.NamedNode("o:o"))], [], False)
    assert list(store) == [ox.Quad(ox.NamedNode("s:s"), ox.NamedNode("p:p"), ox.NamedNode("o:o"))] and not written

