"""A query's size is bounded before rdflib parses it (medkg/rdf/sparql_bounds.py), and the parse
runs inside `medkg query --timeout`: a 20,000-character chain of `+` parsed for 18 s, outside any
time limit, and one lock let four such parses hold every other query."""

import pytest

from medkg.cli import main
from medkg.rdf.sparql_bounds import MAX_DEPTH, MAX_TOKENS, OPERATOR_WEIGHT, measure
from medkg.rdf.sparql_parse import SparqlRefused, read


def plus_chain(terms: int) -> str:
    return "SELECT (" + "+".join(["1"] * terms) + " AS ?x) {}"


def concat_nest(depth: int) -> str:
    return "SELECT (" + 'CONCAT("a",' * depth + '"a"' + ")" * depth + " AS ?x) {}"


def test_the_catalogue_and_the_shapes_are_well_within_the_bounds():
    from medkg.query.catalogue import catalogue, with_registry_prefixes

    sizes = [measure(with_registry_prefixes(q.text)) for q in catalogue().values()]
    assert max(tokens for tokens, _ in sizes) * 2 < MAX_TOKENS
    assert max(depth for _, depth in sizes) * 2 < MAX_DEPTH


@pytest.mark.parametrize(("text", "said"), [
    (plus_chain(9_000), f"at most {MAX_TOKENS} are parsed"),  # 18,000 characters: some 16 s of parsing
    (concat_nest(MAX_DEPTH + 1), "nested too deeply"),
    # A chain between < and > that a mask would read as one IRI is counted all the same.
    ("ASK { FILTER(1<2" + "+1" * MAX_TOKENS + ">0) }", f"at most {MAX_TOKENS} are parsed"),
    # Brackets hidden in a comment do not count; those in an IRI do.
    ("ASK { FILTER(1<2" + "+(1" * MAX_DEPTH + ")" * MAX_DEPTH + ">0) }", "nested too deeply"),
], ids=["plus-chain", "concat-nest", "chain-as-iri", "nest-as-iri"])
def test_a_query_past_the_bounds_is_refused_before_it_is_parsed(text, said):
    with pytest.raises(SparqlRefused, match=said):
        read(text)


def test_strings_and_comments_do_not_count_as_tokens():
    text = 'ASK { FILTER("' + "+1" * MAX_TOKENS + '" != "") } # ' + "( + " * MAX_TOKENS
    assert measure(text)[0] < 20
    assert read(text).form == "ASK"


def test_medkg_query_refuses_a_long_chain_in_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "chain.rq"
    path.write_text(plus_chain(9_000), encoding="utf-8")
    assert main(["query", str(path), "--timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert f"at most {MAX_TOKENS} are parsed" in err and err.count("\n") == 1


def test_the_parse_runs_inside_medkg_query_s_time_limit(tmp_path, capsys):
    # Allowed, and still seconds of parsing (the slowest kind of text near the bound): the time
    # limit covers it. Before, the parse ran first, outside the limit, and the query then answered.
    path = tmp_path / "chain.rq"
    path.write_text(plus_chain(MAX_TOKENS // (OPERATOR_WEIGHT + 1) - 10), encoding="utf-8")
    assert main(["query", str(path), "--timeout", "0.1"]) == 3
    assert "did not finish within 0.1 s" in capsys.readouterr().err


def test_a_fault_inside_the_parser_is_a_one_line_refusal_not_a_thread_traceback(monkeypatch, capfd):
    # rdflib's grammar has raised a TypeError from inside pyparsing (seen with a SHACL query); the
    # parse thread printed a traceback and the caller then failed on the missing answer.
    from medkg.rdf import sparql_parse

    def broken(*args, **kwargs):
        raise TypeError("unsupported operand type(s)")

    monkeypatch.setattr(sparql_parse.Query, "parse_string", broken)
    with pytest.raises(SparqlRefused, match="TypeError: unsupported operand"):
        read("SELECT * WHERE { ?s ?p ?o }")
    assert "Traceback" not in capfd.readouterr().err
