"""Every text a command reads is decoded strictly (medkg/text_input.py): a file that is not UTF-8,
an argument the shell passed as bytes that are not UTF-8 (a lone surrogate in Python), a query
whose \\u escape makes a lone surrogate: one line, exit 2, never a traceback. And a parameter's
value is taken literally: `\\u0041` stays six characters."""

import csv
import io
import json

import pytest

from medkg import errors
from medkg.article.sync import read_text
from medkg.cli import main

BAD = "\udcff"  # the byte 0xff as os.fsdecode gives it from the command line


def _one_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_query_file_that_is_not_utf8_is_one_line_at_its_line_and_column(tmp_path, capsys):
    path = tmp_path / "bad.rq"
    path.write_bytes(b'SELECT * WHERE {\n  ?s ?p "caf\xe9" }\n')
    assert main(["query", str(path)]) == errors.INPUT
    line = _one_line(capsys)
    assert line.startswith(f"{path}:2:13: not UTF-8 text (byte 0xe9") and "save the file as UTF-8" in line


@pytest.mark.parametrize("escape", ["\\uD800", "\\uDFFF", "\\uD83D\\uDE00"])
def test_a_lone_surrogate_escape_in_the_query_text_is_refused(tmp_path, capsys, escape):
    path = tmp_path / "surrogate.rq"
    path.write_text(f'SELECT ?x WHERE {{\n  BIND("{escape}" AS ?x) }}\n', encoding="utf-8")
    assert main(["query", str(path), "--format", "csv"]) == errors.INPUT
    line = _one_line(capsys)
    assert "a lone surrogate" in line and "(line 2)" in line and line.startswith(str(path))


PARAM_QUERY = "#+ param: v literal required\nSELECT ?v WHERE { BIND(1 AS ?one) }\n"


@pytest.mark.parametrize("value", ["\\u0041", "\\U0001F600", "a\\", "\\\\u0041", "\\n", 'x" } ; DROP ALL ; #', "é \\t"])
def test_a_parameter_value_is_taken_literally(tmp_path, capsys, value):
    path = tmp_path / "param.rq"
    path.write_text(PARAM_QUERY, encoding="utf-8")
    assert main(["query", str(path), "--format", "csv", "--param", f"v={value}"]) == errors.OK
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["v"], [value]]


@pytest.mark.parametrize("args", [
    ["anchor", f"baclofen{BAD}"],
    ["query", f"uses{BAD}"],
    ["query", "uses", "--param", f"drug=https://w3id.org/medkg/id/baclofen{BAD}"],
    ["query", "uses", "--endpoint", f"http://127.0.0.1:9/query{BAD}"],
    ["query", "uses", "--default-graph", f"https://w3id.org/medkg/graph{BAD}"],
    ["catalog", "--target", f"http://127.0.0.1:7878/query{BAD}"],
    ["validate", "--syntax-only", "--base", f"http://example.org/{BAD}"],
], ids=["anchor-quote", "query-name", "query-param", "query-endpoint", "query-default-graph", "catalog-target", "validate-base"])
def test_an_argument_that_is_not_utf8_is_refused_in_one_line(args, capsys):
    assert main(args) == errors.INPUT
    line = _one_line(capsys)
    assert "not valid UTF-8 text" in line or "not an absolute IRI" in line


def test_catalog_refuses_a_target_that_would_break_its_turtle(capsys):
    # schema:target <...> was written as given: `http://x/>` made the catalogue invalid Turtle.
    assert main(["catalog", "--target", "http://127.0.0.1:7878/query>"]) == errors.INPUT
    assert "is not an absolute IRI" in _one_line(capsys)


def test_the_article_text_is_decoded_strictly(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(b"Baclofen is a muscle relaxant.\nIt is \xc3 taken")
    with pytest.raises(errors.InputError, match=r":2:7: not UTF-8 text \(byte 0xc3"):
        read_text(path)
    path.write_bytes("line one\r\nline two é\r\n".encode())
    assert read_text(path) == "line one\r\nline two é\r\n"  # as received: no newline translation


def test_json_output_of_a_literal_parameter_round_trips(tmp_path, capsys):
    path = tmp_path / "param.rq"
    path.write_text(PARAM_QUERY, encoding="utf-8")
    assert main(["query", str(path), "--format", "json", "--param", "v=\\u0041"]) == errors.OK
    answer = json.loads(capsys.readouterr().out)
    assert [b["v"]["value"] for b in answer["results"]["bindings"]] == ["\\u0041"]
