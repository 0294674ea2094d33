"""A shapes graph's RDF lists (sh:in, sh:languageIn, sh:or, ...) hold at most rdf_files.MAX_LIST
members: a 200,000-member sh:in took 29 s and 1.4 GB before any check ran. Past the bound, one line
naming the file, the parameter and the shape, exit 2, before the shapes become an rdflib graph;
at the bound, validated as before. (The bound lowered here, so that the tests stay small.)"""

import pytest

from medkg import errors
from medkg.cli import main
from medkg.shacl import rdf_files

PROLOGUE = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
LIMIT = 50


def _files(tmp_path, members: int, parameter: str = "sh:in"):
    values = " ".join(f'"v{i}"' for i in range(members)) if parameter != "sh:or" else \
        " ".join(f"[ sh:hasValue \"v{i}\" ]" for i in range(members))
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(PROLOGUE + f"ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n"
                      f"  sh:property [ sh:path ex:p ; {parameter} ( {values} ) ] .\n", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(PROLOGUE + 'ex:a ex:p "v3", "outside" .\n', encoding="utf-8")
    return shapes, data


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(rdf_files, "MAX_LIST", LIMIT)


@pytest.mark.parametrize("command", [["shacl"], ["shacl", "--engine", "pyshacl"], ["validate"]])
@pytest.mark.parametrize("parameter", ["sh:in", "sh:or"])
def test_a_list_past_the_bound_is_refused_in_one_line(tmp_path, capsys, command, parameter):
    shapes, data = _files(tmp_path, LIMIT + 1, parameter)
    assert main([*command, "--shapes", str(shapes), str(data)]) == errors.INPUT
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith(f"{shapes}: {parameter} of the shape [sh:path <http://example.org/p>] has {LIMIT + 1} members; "
                          f"at most {LIMIT} are read")


def test_a_list_at_the_bound_is_validated(tmp_path, capsys):
    shapes, data = _files(tmp_path, LIMIT)
    assert main(["shacl", "--shapes", str(shapes), str(data)]) == errors.FINDINGS
    out = capsys.readouterr().out
    assert '"outside"' in out and '"v3"' not in out and "1 violation" in out
