"""`medkg validate --endpoint`: the shapes and QC checks as queries on a real Oxigraph server and a
real Virtuoso, with the local run's findings (file:line aside) on the shipped graph and on a
synthetic graph with injected violations; a dead, silent or non-SPARQL endpoint exits 3.

Every server here listens on 127.0.0.1 on a free port and is stopped by the fixture that started
it. The Virtuoso tests skip, saying why, where virtuoso-opensource is not installed.
"""

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rdflib import Literal

from medkg.cli import main
from medkg.endpoint.load import put_graph
from medkg.errors import EndpointError
from medkg.io.parse import load, load_ontology
from medkg.project_files import DATA_DIR, ROOT
from medkg.query.results import canonical_number
from medkg.rdf.namespaces import GRAPH, RDF
from medkg.serve.oxigraph_server import free_port
from medkg.shacl.targets import TYPE_OF
from medkg.validate.on_endpoint import EndpointStore, portable, validate_endpoint
from medkg.validate.pipeline import Validator, validate
from tests import virtuoso_instance
from tests.material import FIXTURES

# The checks that read the files (file:line, the article's text file, the triples as written):
# a local run only (medkg/validate/on_endpoint.py says why).
FILE_CHECKS = ("medkg:ClosedVocabulary", "medkg:MintedName", "medkg:NoBlankNodes", "medkg:ArticleCopy")


@pytest.fixture(scope="module")
def validator():
    return Validator()


@pytest.fixture(scope="module")
def virtuoso():
    why = virtuoso_instance.missing()
    if why:
        pytest.skip(why)
    with virtuoso_instance.VirtuosoInstance() as instance:
        yield instance


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request):
    """(query endpoint, Graph Store endpoint) of a running server."""
    if request.param == "oxigraph":
        base = request.getfixturevalue("oxigraph_server")
        return base + "/query", base + "/store"
    instance = request.getfixturevalue("virtuoso")
    return instance.sparql, instance.graph_store


def comparable(findings) -> list[tuple]:
    """What both runs must agree on: everything but file and line, with a number as a server holds
    it. Servers keep numbers by value ("50.0"^^xsd:decimal comes back "50"), so a finding that
    quotes one shows its canonical form; the local run shows it as written."""
    return sorted((f.severity, f.focus, f.path, *_canonical(f), f.shape, f.component)
                  for f in findings if f.shape not in FILE_CHECKS)


def _canonical(f) -> tuple[str, str]:
    value = f.terms.value if f.terms else None
    if not isinstance(value, Literal) or value.datatype is None:
        return f.value, f.message
    written, canonical = str(value), canonical_number(str(value), str(value.datatype))
    if written == canonical:
        return f.value, f.message
    return (f.value.replace(f'"{written}"', f'"{canonical}"'),
            re.sub(rf"(?<![\w.]){re.escape(written)}(?![\w.])", canonical, f.message))


def upload(graph_store: str, graph: str, triples) -> None:
    put_graph(graph_store, graph, "".join(f"{t} .\n" for t in sorted(set(triples), key=str)).encode("utf-8"), timeout=120)


def test_the_shipped_graph_as_medkg_load_puts_it(server, validator, report, capsys):
    query, graph_store = server
    assert main(["load", "--endpoint", graph_store, "--graph", GRAPH]) == 0
    remote = validate_endpoint(query, GRAPH, validator=validator)
    assert comparable(remote.findings) == comparable(report.findings)
    assert remote.triples == report.triples
    # Virtuoso is told from its Server header: it alone gets the anti-join rewrite.
    store = EndpointStore(query, GRAPH)
    assert store.scalar("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 0
    assert store.virtuoso == query.endswith("/sparql")
    if store.virtuoso:  # its default graph is every graph, its system graphs too: the run says to give --graph
        assert any("give --graph" in note for note in validate_endpoint(query, validator=validator).notes)
    # And through the command: the same verdict line, no file:line.
    capsys.readouterr()
    assert main(["validate", "--endpoint", query, "--graph", GRAPH, "--format", "json"]) == 0
    assert '"conforms": true' in capsys.readouterr().out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """About 10k triples, two violations of each kind generate.py injects, and their local findings."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    folder = tmp_path_factory.mktemp("synthetic") / "g"
    expected = generator.generate(90, folder, seed=7, violations=2)
    pairs = [(generator.VIOLATIONS[kind][1], node) for kind, nodes in expected.items() for node in nodes]
    return folder, pairs, validate([folder])


def test_a_synthetic_graph_with_violations(server, validator, synthetic):
    query, graph_store = server
    folder, expected, local = synthetic
    graph = "urn:medkg:test:synthetic"
    upload(graph_store, graph, load([folder]).triples + load_ontology().triples)
    remote = validate_endpoint(query, graph, validator=validator)
    assert comparable(remote.findings) == comparable(local.findings)
    reported = {(f.shape, f.focus) for f in remote.findings}
    assert len(expected) == 10 and all(pair in reported for pair in expected)
    assert all(f.file == "" and f.line == 0 for f in remote.findings)
    # One query a constraint, however many focus nodes: as many as for the shipped graph (some 90
    # drugs here against one; EvidenceShape-trial and DirectLayerShape-claimed once went once per node).
    upload(graph_store, "urn:medkg:test:shipped", load([DATA_DIR]).triples + load_ontology().triples)
    assert queries_sent(remote) == queries_sent(validate_endpoint(query, "urn:medkg:test:shipped", validator=validator))


def queries_sent(report) -> int:
    return next(int(m.group(1)) for m in (re.match(r"(\d+) queries on ", note) for note in report.notes) if m)


@pytest.fixture(scope="module")
def every_mistake():
    """The shipped data with every invalid fixture beside it (140 findings of 80-odd shapes and
    QC checks), and their local findings. Not the one with blank nodes: a server names them its
    own way (Virtuoso: nodeID://...), so a finding on one cannot be compared with a local run's."""
    files = [p for p in sorted((FIXTURES / "invalid").glob("*.ttl")) if p.name != "blank-node.ttl"]
    return files, validate([DATA_DIR, *files])


def test_every_curator_mistake_of_the_fixtures(server, validator, every_mistake):
    query, graph_store = server
    files, local = every_mistake
    upload(graph_store, "urn:medkg:test:mistakes", load([DATA_DIR, *files]).triples + load_ontology().triples)
    remote = validate_endpoint(query, "urn:medkg:test:mistakes", validator=validator)
    assert len(comparable(local.findings)) > 100
    assert comparable(remote.findings) == comparable(local.findings)


def test_a_graph_without_the_ontology_is_refused_saying_how_to_load_it(server, capsys):
    query, graph_store = server
    from medkg.io.parse import load_data

    upload(graph_store, "urn:medkg:test:data-only", load_data().triples)
    assert main(["validate", "--endpoint", query, "--graph", "urn:medkg:test:data-only"]) == 2
    err = capsys.readouterr().err.strip()
    assert "medkg load" in err and "ontology" in err and "\n" not in err


def test_every_query_sent_is_sparql_1_1_without_what_virtuoso_gets_wrong(validator):
    """What medkg/validate/on_endpoint.py rewrites is gone from every compiled query: Oxigraph's
    LATERAL, sh:in's VALUES inside FILTER NOT EXISTS, the rdf:type/rdfs:subClassOf* path, and
    OPTIONAL anti-joins. (That the rewritten queries answer the same is what the comparisons above
    test, on Oxigraph as on Virtuoso.)"""
    def below(cls):
        return [cls, cls + "-sub"]

    for check in validator.compiled.checks:
        text = portable(check.query(None), below, virtuoso=True)
        assert "LATERAL" not in text and "VALUES ?v" not in text and TYPE_OF not in text and "!BOUND" not in text
    text = portable('SELECT ?this ?v WHERE { ?this <p> ?v . FILTER NOT EXISTS { VALUES ?v { <a> "b <c> d"@en <e> } } }')
    assert text == 'SELECT ?this ?v WHERE { ?this <p> ?v . FILTER(isLiteral(?v) || ?v NOT IN (<a>, <e>)) }'
    text = portable(f"SELECT ?x WHERE {{ ?x {TYPE_OF} <urn:C> . FILTER EXISTS {{ ?x <p> ?y . ?y {TYPE_OF} <urn:D> }} }}", below)
    assert text == (f"SELECT ?x WHERE {{ ?x <{RDF.type}> ?medkg_class1 . FILTER(?medkg_class1 IN (<urn:C>, <urn:C-sub>)) . "
                    f"FILTER EXISTS {{ ?x <p> ?y . ?y <{RDF.type}> ?medkg_class2 . FILTER(?medkg_class2 IN (<urn:D>, <urn:D-sub>)) }} }}")


def test_a_regex_alternation_matches_on_every_server(server):
    """Virtuoso 7.2 reads a pattern whose one special character is `|` as plain text; the store
    groups each pattern, so an alternation matches there as on Oxigraph."""
    store = EndpointStore(server[0])
    store.scalar("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # the first answer names the server
    rows = store.query('SELECT ?text WHERE { VALUES ?text { "a times b" "twice" "never" "times|twice" } '
                       'FILTER (REGEX(?text, "times|twice")) }')
    assert sorted(row["text"].value for row in rows) == ["a times b", "times|twice", "twice"]


# -- failures: exit 3, one line naming the server --------------------------------------------------


def test_a_dead_endpoint_exits_3_with_one_line(capsys):
    url = f"http://127.0.0.1:{free_port()}/query"
    assert main(["validate", "--endpoint", url]) == 3
    err = capsys.readouterr().err.strip()
    assert url in err and "connection refused" in err and "\n" not in err and "Traceback" not in err


def test_a_silent_endpoint_exits_3_after_the_timeout(capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        assert main(["validate", "--endpoint", f"http://127.0.0.1:{listener.getsockname()[1]}/query", "--timeout", "1"]) == 3
    finally:
        listener.close()
    err = capsys.readouterr().err.strip()
    assert "no answer within 1 s" in err and "\n" not in err


class _WebPage(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>Welcome</body></html>")

    def log_message(self, *args):
        pass


def test_a_web_page_instead_of_sparql_results_exits_3(capsys):
    server = HTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        assert main(["validate", "--endpoint", f"http://127.0.0.1:{server.server_port}/", "--timeout", "5"]) == 3
    finally:
        thread.join(timeout=10)
        server.server_close()
    err = capsys.readouterr().err.strip()
    assert "not SPARQL JSON results" in err and "/sparql" in err and "\n" not in err


class _PartialAnswer(BaseHTTPRequestHandler):
    """Valid SPARQL JSON results, marked partial as Virtuoso marks an "anytime" answer."""
    status, headers_to_send = 200, {}

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.send_response(self.status)
        self.send_header("Content-Type", "application/sparql-results+json")
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}')

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("status, headers", [
    (200, {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout"}),
    (206, {})])
def test_a_partial_answer_is_an_endpoint_failure_not_the_whole_answer(status, headers):
    """Rows a server cut short would be taken for every row: an anti-join's would report findings
    that are not there. Exit 3 (EndpointError), naming the server's limits."""
    handler = type("Handler", (_PartialAnswer,), {"status": status, "headers_to_send": headers})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        with pytest.raises(EndpointError) as failure:
            EndpointStore(f"http://127.0.0.1:{server.server_port}/sparql", timeout=5).query("SELECT ?n WHERE { ?n ?p ?o }")
    finally:
        thread.join(timeout=10)
        server.server_close()
    assert "partial answer" in str(failure.value) and "MaxQueryExecutionTime" in str(failure.value)
    assert "\n" not in str(failure.value)


def test_endpoint_and_files_do_not_mix(capsys):
    assert main(["validate", "data", "--endpoint", "http://127.0.0.1:1/query"]) == 2
    assert main(["validate", "--graph", GRAPH]) == 2
    assert "--endpoint" in capsys.readouterr().err
