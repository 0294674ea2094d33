"""Strict syntax: curator-style broken files and the W3C RDF 1.1 Turtle test suite.

rdflib's Turtle parser accepts some invalid Turtle; medkg parses with pyoxigraph first, which
follows the grammar. The W3C suite is read from ../shared/w3c/ when it is there (it is test data
for development and CI, not shipped with the project).
"""

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from medkg.cli import main
from tests.paths import FIXTURES, shared

SYNTAX = sorted((FIXTURES / "syntax").glob("*.ttl"))
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
SUITE_BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"


def test_at_least_twenty_broken_files():
    assert len(SYNTAX) >= 20


def test_rdflib_alone_would_let_some_through():
    """Why a strict parser is needed: rdflib accepts some of these files without a word."""
    accepted = []
    for path in SYNTAX:
        try:
            rdflib.Graph().parse(path, format="turtle")
            accepted.append(path.name)
        except Exception:  # rdflib raises many kinds of errors; any of them is a rejection here
            pass
    assert len(accepted) >= 2, accepted


def w3c_tests():
    folder = shared("w3c/rdf11-turtle")
    store = ox.Store()
    store.load(path=str(folder / "manifest.ttl"), format=ox.RdfFormat.TURTLE, base_iri=SUITE_BASE + "manifest.ttl")
    rows = store.query(f"""
        SELECT ?type ?action WHERE {{ ?test a ?type ; <{MF}action> ?action .
            FILTER (?type IN (<{RDFT}TestTurtlePositiveSyntax>, <{RDFT}TestTurtleNegativeSyntax>,
                              <{RDFT}TestTurtleEval>, <{RDFT}TestTurtleNegativeEval>)) }}""")
    return [(row["type"].value.rsplit("#", 1)[1], folder / row["action"].value.rsplit("/", 1)[1]) for row in rows]


def test_w3c_turtle_suite(capsys):
    tests = w3c_tests()
    assert len(tests) > 300
    wrong = []
    for kind, path in tests:
        code = main(["validate", "--syntax-only", "--base", SUITE_BASE + path.name, str(path)])
        expect_ok = kind in ("TestTurtlePositiveSyntax", "TestTurtleEval")
        if (code == 0) != expect_ok or code not in (0, 2):
            wrong.append(f"{kind} {path.name}: exit {code}")
    capsys.readouterr()
    assert wrong == []


def test_relative_iris_are_errors_without_a_base(tmp_path, capsys):
    path = tmp_path / "relative.ttl"
    path.write_text("<a> <b> <c> .\n", encoding="utf-8")
    assert main(["validate", "--syntax-only", str(path)]) == 2
    assert ":1:1: Turtle syntax error:" in capsys.readouterr().err
    assert main(["validate", "--syntax-only", "--base", "https://example.org/", str(path)]) == 0


@pytest.mark.parametrize("path", SYNTAX, ids=lambda p: p.stem)
def test_syntax_only_rejects_each_broken_file(path: Path, capsys):
    assert main(["validate", "--syntax-only", str(path)]) == 2
    assert "Turtle syntax error" in capsys.readouterr().err
