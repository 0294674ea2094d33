"""The example catalogue: every query has an expected answer, and rdflib and pyoxigraph both give it.

Expected answers (queries/examples/<name>.csv, SPARQL 1.1 CSV) were made with `medkg query NAME
--format csv` and read line by line against the article when they were written; a change to
the data or a query that changes an answer shows up here as a diff to review.
"""

import re

import pyoxigraph as ox
import pytest
import rdflib

from medkg.cli import main
from medkg.io.parse import to_rdflib
from medkg.query import catalogue, render
from medkg.query.catalogue import EXAMPLES_DIR, bind
from medkg.query.results import Results, Term, from_oxigraph_solutions, literal
from medkg.query.run import graph_triples, local_store, run_local
from medkg.rdf.prefixes import prefixes

QUERIES = catalogue.catalogue()
REQUIRED = [
    "drug-overview", "uses", "off-label-uses", "risks", "interactions", "dosage", "forms-and-routes",
    "is-opioid", "evidence-sources", "study-findings", "weak-evidence", "corrections", "claims-in-order",
]


@pytest.fixture(scope="module")
def store():
    return local_store()


@pytest.fixture(scope="module")
def rdflib_graph():
    graph = rdflib.Graph()
    for t in graph_triples():
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def run_rdflib(graph: rdflib.Graph, query, params) -> Results:
    result = graph.query(bind(query, params))
    if result.type == "ASK":
        return Results([], [], bool(result.askAnswer))
    variables = [str(v) for v in result.vars]
    return Results(variables, [tuple(_term(row[v]) for v in variables) for row in result])


def _term(node):
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return Term("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return Term("bnode", str(node))
    return literal(str(node), str(node.datatype) if node.datatype else None, node.language)


def test_the_issue_s_questions_are_all_in_the_catalogue():
    assert set(REQUIRED) <= set(QUERIES)


def test_every_query_has_an_expected_result_and_every_result_a_query():
    results = {p.stem for p in EXAMPLES_DIR.glob("*.csv")}
    assert set(QUERIES) == results, f"no expected result: {set(QUERIES) - results}; no query: {results - set(QUERIES)}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_header_and_order(name):
    q = QUERIES[name]
    assert q.summary and q.description and "example" in q.tags
    assert re.search(r"\bORDER BY\b", q.text), "answers need a stable order"
    for prefix, namespace in re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", q.text):
        assert prefixes().get(prefix) == namespace, f"{prefix}: differs from ontology/prefixes.ttl"
    for p in q.params.values():
        assert re.search(rf"\?{p.name}\b", q.text), f"parameter {p.name} is not a variable of the query"
        if p.required:
            assert p.name in q.example, "a required parameter needs an `#+ example:` for the expected result"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_pyoxigraph_gives_the_expected_result(name, store):
    q = QUERIES[name]
    results = run_local(q, q.example, store)
    with open(EXAMPLES_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        expected = f.read()
    assert render.render(results, "csv") == expected
    assert results.rows or results.boolean is not None, "an example query that answers nothing is probably broken"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_rdflib_and_pyoxigraph_agree_term_for_term(name, store, rdflib_graph):
    q = QUERIES[name]
    fast = run_local(q, q.example, store)
    reference = run_rdflib(rdflib_graph, q, q.example)
    assert fast.variables == reference.variables
    assert fast.rows == reference.rows  # same terms, same order
    assert fast.boolean == reference.boolean


def test_parameter_restricts_the_answer(store):
    q = QUERIES["uses"]
    everything = run_local(q, {}, store)
    other = run_local(q, {"drug": "https://w3id.org/medkg/id/no-such-drug"}, store)
    baclofen = run_local(q, {"drug": "https://w3id.org/medkg/id/baclofen"}, store)
    assert other.rows == [] and baclofen.rows == everything.rows and everything.rows


SHIPPED = {"drug": "https://w3id.org/medkg/id/baclofen", "article": "https://w3id.org/medkg/id/article",
           "entity": "https://w3id.org/medkg/id/epilepsy"}
NOWHERE = "https://w3id.org/medkg/id/no-such-thing"


@pytest.mark.parametrize("name", sorted(n for n in QUERIES if QUERIES[n].params))
def test_every_parameter_binds_on_the_shipped_graph(name, store):
    # The VALUES clause also opens each UNION branch using the parameter (catalogue.bind):
    # the answer must be the one the top-level clause alone gives.
    q = QUERIES[name]
    params = {n: SHIPPED[n] for n in q.params}
    pushed = run_local(q, params, store)
    top_only = from_oxigraph_solutions(store.query(_top_level_values_only(q, params)))
    assert pushed.rows and pushed.variables == top_only.variables and pushed.rows == top_only.rows


def _top_level_values_only(q, params):
    text = bind(q, params)
    inner = [m for m in re.finditer(r"\{ VALUES \?\w+ \{ <[^>]*> \}(?: VALUES \?\w+ \{ <[^>]*> \})*", text)]
    for m in reversed(inner):
        text = text[: m.start()] + "{" + text[m.end():]
    return text


@pytest.mark.parametrize("name", sorted(n for n in QUERIES if "article" in QUERIES[n].params))
def test_the_article_parameter_keeps_that_article_s_claims(name, store):
    q = QUERIES[name]
    everything = run_local(q, {}, store)
    assert run_local(q, {"article": SHIPPED["article"]}, store).rows == everything.rows  # one article
    assert run_local(q, {"article": NOWHERE}, store).rows == []


INJECTION = "x> } ; DROP ALL ; #"


def test_an_injected_iri_parameter_is_rejected(capsys):
    assert main(["query", "claims-about", "--param", f"entity={INJECTION}"]) == 2
    assert "is not an IRI" in capsys.readouterr().err


def test_an_injected_literal_parameter_is_a_plain_value(tmp_path, store, capsys):
    query = tmp_path / "by-label.rq"
    query.write_text(
        "#+ param: label literal required\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?thing WHERE { ?thing rdfs:label ?l FILTER (STR(?l) = ?label) } ORDER BY ?thing\n",
        encoding="utf-8",
    )
    before = len(store)
    assert main(["query", str(query), "--param", f"label={INJECTION}", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "thing\r\n"  # no row: nothing is labelled that
    assert main(["query", str(query), "--param", "label=baclofen", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "thing\r\nhttps://w3id.org/medkg/id/baclofen\r\n"
    assert len(store) == before


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX kg: <https://w3id.org/medkg/id/> DELETE WHERE { kg:baclofen ?p ?o }",
    "DROP ALL",
    "LOAD <http://example.org/x.ttl>",
])
def test_updates_are_refused_before_any_request(tmp_path, update, capsys):
    path = tmp_path / "update.rq"
    path.write_text(update, encoding="utf-8")
    # An unreachable endpoint: refusing must happen before a request is made (exit 2, not 3).
    assert main(["query", str(path), "--endpoint", "http://127.0.0.1:9/query"]) == 2
    assert "only reads" in capsys.readouterr().err


def test_keywords_inside_names_and_strings_are_not_updates(tmp_path, capsys):
    path = tmp_path / "load.rq"
    path.write_text('SELECT ?load WHERE { BIND ("DROP ALL" AS ?load) } ORDER BY ?load', encoding="utf-8")
    assert main(["query", str(path), "--format", "csv"]) == 0
    assert capsys.readouterr().out == "load\r\nDROP ALL\r\n"


def test_missing_required_parameter_and_unknown_parameter_exit_2(capsys):
    assert main(["query", "claims-about"]) == 2
    assert main(["query", "uses", "--param", "colour=blue"]) == 2
    err = capsys.readouterr().err
    assert "--param entity=VALUE" in err and "no parameter named colour" in err


def test_unknown_query_name_exits_2(capsys):
    assert main(["query", "no-such-query"]) == 2
    assert "no such query in the catalogue" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md", "text/csv", "application/sparql-results+json"])
def test_every_format_renders(fmt, capsys):
    assert main(["query", "is-opioid", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "baclofen" in out and "no" in out


def test_tsv_and_json_keep_term_types(capsys):
    import io
    import json

    main(["query", "dosage", "--format", "tsv"])
    tsv = ox.parse_query_results(io.BytesIO(capsys.readouterr().out.encode()), ox.QueryResultsFormat.TSV)
    values = {row["value"] for row in tsv if row["value"] is not None}
    assert ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")) in values
    main(["query", "uses", "--format", "json"])
    answer = json.loads(capsys.readouterr().out)
    assert {b["conditionLabel"].get("xml:lang") for b in answer["results"]["bindings"]} == {"en"}


def test_catalog_is_sib_shaped_rdf(tmp_path):
    out = tmp_path / "catalog.ttl"
    assert main(["catalog", "-o", str(out), "--target", "http://127.0.0.1:7878/query"]) == 0
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    sh, schema = "http://www.w3.org/ns/shacl#", "https://schema.org/"
    rows = list(store.query(f"""
        SELECT ?q ?select ?comment ?target WHERE {{
            ?q a <{sh}SPARQLExecutable>, <{sh}SPARQLSelectExecutable> ; <{sh}select> ?select ;
               <http://www.w3.org/2000/01/rdf-schema#comment> ?comment ; <{schema}target> ?target ;
               <{schema}keywords> "example" .
        }}"""))
    assert len(rows) == len(QUERIES)
    for row in rows:
        name = row["q"].value.rsplit("/", 1)[1]
        assert row["select"].value == catalogue.without_header(QUERIES[name].text)
        assert row["comment"].language == "en" and row["target"].value == "http://127.0.0.1:7878/query"


def test_a_prefixed_name_as_a_parameter_is_expanded_from_the_registry(capsys):
    # The tables print kg:epilepsy; given back as a parameter it used to match nothing (exit 0, no rows).
    assert main(["query", "claims-about", "--param", "entity=kg:epilepsy", "--format", "csv"]) == 0
    prefixed = capsys.readouterr().out
    assert main(["query", "claims-about", "--param", "entity=https://w3id.org/medkg/id/epilepsy", "--format", "csv"]) == 0
    assert prefixed == capsys.readouterr().out and prefixed.count("\n") > 3


def test_a_researcher_s_own_query_may_use_the_registry_s_prefixes_undeclared(tmp_path, capsys):
    query = tmp_path / "mine.rq"
    query.write_text("SELECT ?claim WHERE { ?claim a medkg:LabelledUseClaim } ORDER BY ?claim\n", encoding="utf-8")
    assert main(["query", str(query), "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("https://w3id.org/medkg/claim/") == 3  # tablets: MS, spinal cord; intrathecal


def test_the_table_fits_its_width_by_wrapping_and_cuts_nothing(store):
    # The table was 311 to 425 columns wide and still cut quotes at 70 characters.
    results = run_local(QUERIES["risks"], {}, store)
    table = render.render(results, "table", 160)
    assert max(len(line) for line in table.splitlines()) <= 160
    words = " ".join(table.split())
    for row in results.rows:
        for word in render.readable(row[results.variables.index("words")]).split():
            assert word in words  # wrapped, never cut
    wide = render.render(results, "table", None)
    longest_quote = max(len(render.readable(r[results.variables.index("words")])) for r in results.rows)
    assert max(len(line) for line in wide.splitlines()) > 160 and longest_quote > 70
    assert "…" not in table + wide


def test_query_wide_keeps_every_cell_on_one_line(capsys):
    assert main(["query", "risks", "--format", "table", "--wide"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = len(run_local(QUERIES["risks"], {}, local_store()).rows)
    assert rows >= 11  # the boxed warning and the article's ten risks
    assert len(lines) == 2 + rows + 1  # header, rule, one line per row, the count
