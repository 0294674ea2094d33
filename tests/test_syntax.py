"""Strict syntax: curator-style broken files and the W3C RDF 1.1 Turtle test suite.

rdflib's Turtle parser accepts some invalid Turtle; medkg parses with pyoxigraph first, which
follows the grammar. The W3C suite is read from ../shared/w3c/ when it is there (it is test data
for development and CI, not shipped with the project).
"""

import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.cli import main
from medkg.project_files import ROOT
from tests.material import FIXTURES, shared

SYNTAX = sorted((FIXTURES / "syntax").glob("*.ttl"))
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
SUITE_BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _tracked(folder: Path) -> list[str]:
    """The names of the files git tracks in `folder`: the project's own list of its files."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", str(folder.relative_to(ROOT))], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"git cannot list the project's files here ({e}): a copy outside a clone")
    return sorted(Path(name).name for name in listed.split("\0") if name)


def test_the_broken_files_are_exactly_those_the_project_tracks_and_the_readme_counts():
    """A file lost from the folder, or one added but never committed, fails here; so does a README
    that counts them wrong."""
    assert [p.name for p in SYNTAX] == _tracked(FIXTURES / "syntax")
    counted = re.search(r"`tests/fixtures/syntax/` holds (\d+)\s+broken files", README)
    assert counted and int(counted.group(1)) == len(SYNTAX), "README: the number of broken files"


@pytest.mark.parametrize("path", SYNTAX, ids=lambda p: p.stem)
def test_medkg_shacl_refuses_each_broken_file_at_its_line_as_data_and_as_shapes(path: Path, capsys):
    """The other reader of Turtle (`medkg shacl`, medkg/shacl/rdf_files.py) is as strict as
    `validate`: rdflib, which builds the graphs pySHACL validates, would accept some of these files
    (a space in an IRI, a literal as subject), so each one must be stopped before it gets there."""
    line = re.search(r"^# expect-line: (\d+)$", path.read_text(encoding="utf-8"), re.M).group(1)
    good = FIXTURES / "shacl" / "in.ttl"
    for args in (["--shapes", good, path], ["--shapes", path, good]):
        assert main(["shacl", *map(str, args)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and re.match(rf"^tests/fixtures/syntax/{path.name}:{line}:\d+: Turtle syntax error: ", err), err


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
    counted = re.search(r"W3C RDF 1\.1 Turtle suite\s+\((\d+) cases\)", README)
    assert counted and len(tests) == int(counted.group(1)), "README: the number of W3C Turtle cases"
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


TRIPLE_TERMS = {  # RDF 1.2's three ways to write a triple term, each on line 3
    "triple term": 'kg:a rdfs:seeAlso <<( _:r rdfs:label "x" )>> .',
    "reified triple": "<< kg:a rdfs:seeAlso kg:b >> rdfs:label \"a claim\" .",
    "annotation": 'kg:a rdfs:seeAlso kg:b {| rdfs:label "a claim" |} .',
}


@pytest.mark.parametrize("form", TRIPLE_TERMS)
def test_an_rdf_1_2_triple_term_is_refused_at_its_line_not_a_traceback(form, tmp_path, capsys):
    """pyoxigraph reads RDF 1.2, rdflib and pySHACL do not: a triple term under any checked
    property stopped validate with a TypeError from to_rdflib (an independent reviewer's finding)."""
    path = tmp_path / "data" / "terms.ttl"
    path.parent.mkdir()
    path.write_text("@prefix kg: <https://w3id.org/medkg/id/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    + TRIPLE_TERMS[form] + "\n", encoding="utf-8")
    for args in (["validate", str(path.parent)], ["validate", "--syntax-only", str(path)],
                 ["shacl", "--shapes", str(FIXTURES / "shacl" / "in.ttl"), str(path)]):
        assert main(args) == 2, args
        out, err = capsys.readouterr()
        assert re.search(r"terms\.ttl:3: a triple term \(RDF 1\.2 .*state the triple itself", err), (args, err)
        assert "Traceback" not in out + err
