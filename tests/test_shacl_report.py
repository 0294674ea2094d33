"""The standard report `medkg shacl --format turtle` and `medkg validate --format turtle` write (one
writer, medkg/shacl/report_writer.py) is Turtle any parser reads back (strict pyoxigraph and
rdflib), and reads back as the results the engine found: on every W3C suite case and on a bounded
number of differential seeds; and `medkg validate --format turtle` on the shipped and invalid data. Ill-typed literals keep their quotes and datatype;
a blank-node path is written as SHACL reads it, nothing more."""

import os

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Namespace

from medkg.errors import ShapesRefused
from medkg.io.parse import rdflib_graph
from medkg.shacl import engine
from medkg.shacl.finding import report_of
from medkg.shacl.report_writer import render
from tests import shacl_fuzz
from tests.material import SHARED
from tests.w3c_suite import _path, _structure, cases

SH_ = "http://www.w3.org/ns/shacl#"
SH = Namespace(SH_)
SUITE = SHARED / "w3c" / "shacl" / "tests"
W3C = cases(SUITE) if SUITE.exists() else []
SEEDS = range(int(os.environ.get("REPORT_FUZZ_CASES", "60")))


def _read_back(text: str) -> dict[str, Graph]:
    by_oxigraph = rdflib_graph([q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)])
    by_rdflib = Graph().parse(data=text, format="turtle")
    return {"pyoxigraph": by_oxigraph, "rdflib": by_rdflib}


def _results(report: Graph) -> set:
    sh = SH
    found = set()
    for result in report.objects(None, sh.result):
        path = report.value(result, sh.resultPath)
        found.add((_structure(report, report.value(result, sh.focusNode)), _path(report, path),
                   _structure(report, report.value(result, sh.sourceShape)), report.value(result, sh.sourceConstraintComponent),
                   _structure(report, report.value(result, sh.value)), report.value(result, sh.resultSeverity)))
    return found


def _engine_results(outcome, shapes: Graph, world: Graph) -> set:
    return {(_structure(world, r.focus), _path(shapes, r.path), _structure(world, r.shape), r.component,
             _structure(world, r.value), r.severity) for r in outcome.results}


def _ill_formed_paths(report: Graph) -> list[str]:
    """Blank-node path nodes holding more than one path form (SHACL 2.3.1: a list, or exactly one
    of sh:inversePath, sh:alternativePath, sh:zeroOrMorePath ...)."""
    sh = SH
    wrong, todo, seen = [], [p for p in report.objects(None, sh.resultPath) if isinstance(p, BNode)], set()
    while todo:
        node = todo.pop()
        if node in seen or not isinstance(node, BNode):
            continue
        seen.add(node)
        predicates = sorted(set(report.predicates(node, None)))
        is_list = RDF.first in predicates
        if (is_list and predicates != sorted([RDF.first, RDF.rest])) or (not is_list and len(predicates) != 1):
            wrong.append(f"{node}: {[str(p) for p in predicates]}")
        todo += list(report.objects(node, None))
    return wrong


def _check(outcome, shapes: Graph, data: list[ox.Triple], world: Graph) -> None:
    text = render(report_of(outcome, data, shapes), "turtle")
    expected = _engine_results(outcome, shapes, world)
    for parser, written in _read_back(text).items():
        [node] = written.subjects(RDF.type, SH.ValidationReport)
        assert written.value(node, SH.conforms).toPython() is outcome.conforms, parser
        assert _results(written) == expected, f"{parser} reads other results back:\n{text}"
        assert not _ill_formed_paths(written), f"{parser}: {_ill_formed_paths(written)}\n{text}"


@pytest.mark.parametrize("engine_name", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", W3C, ids=[c.name for c in W3C])
def test_the_turtle_report_of_every_w3c_case_reads_back(case, engine_name):
    if case.failure:
        pytest.skip("a shapes graph the processor refuses: no report")
    try:
        outcome = engine.check(case.data, case.shapes, engine_name)
    except ShapesRefused:
        assert engine_name == "pyshacl", "the default engine validates every case the suite expects a report of"
        pytest.skip("pySHACL stops on this case")
    _check(outcome, case.shapes, case.data, case.world)


def test_the_suite_is_there():
    if not SUITE.exists():
        pytest.skip(f"{SUITE} is absent: ../shared/ is only beside the project in development and CI")
    assert len(W3C) == 120


def test_the_turtle_report_of_random_graphs_reads_back():
    checked = 0
    for seed in SEEDS:
        data_text, shapes_text = shacl_fuzz.case(seed)
        data, shapes_triples = shacl_fuzz.triples(data_text), shacl_fuzz.triples(shapes_text)
        shapes = rdflib_graph(shapes_triples)
        try:
            outcome = engine.check(data, shapes)
        except ShapesRefused:
            continue
        _check(outcome, shapes, data, rdflib_graph(data + shapes_triples))
        checked += bool(outcome.results)
    assert checked >= len(SEEDS) // 2


@pytest.mark.parametrize("literal", ['"none"^^xsd:boolean', '"5."^^xsd:decimal', '" 5"^^xsd:integer', '"x"^^xsd:integer',
                                     '"INF"^^xsd:double', '"1"^^xsd:boolean', '05', '"a\\nb"@en', '"tab\\there"'])
def test_odd_literals_keep_their_quotes_and_datatype(literal):
    text = (shacl_fuzz.PREFIXES + f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; "
            f"sh:nodeKind sh:IRI ] .\nex:a ex:p {literal} .\n")
    triples = shacl_fuzz.triples(text)
    outcome = engine.check(triples, rdflib_graph(triples))
    [written] = [t.object for t in triples if t.predicate.value == "http://example.org/p"]
    text = render(report_of(outcome, triples, rdflib_graph(triples)), "turtle")
    [value] = [q.object for q in ox.parse(text, format=ox.RdfFormat.TURTLE) if q.predicate.value == SH_ + "value"]
    assert value == written


@pytest.mark.parametrize("folder", ["data", "tests/fixtures/invalid"])
def test_the_turtle_report_of_medkg_validate_reads_back(folder, capsys):
    """`medkg validate --format turtle` is written by the same writer: it re-parses in both parsers
    and reads back as the findings its JSON lists (shape and QC findings, each with its terms)."""
    import json

    from medkg.cli import main
    from tests.material import ROOT

    target = str(ROOT / folder)
    code = main(["validate", "--format", "json", target])
    listed = json.loads(capsys.readouterr().out)["findings"]
    assert main(["validate", "--format", "turtle", target]) == code
    text = capsys.readouterr().out
    for parser, written in _read_back(text).items():
        [node] = written.subjects(RDF.type, SH.ValidationReport)
        assert written.value(node, SH.conforms).toPython() is (not listed), parser
        assert len(list(written.objects(node, SH.result))) == len(listed), parser
        assert not _ill_formed_paths(written), parser
    assert folder == "data" or listed, "the invalid fixtures must give findings"
