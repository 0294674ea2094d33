"""SERVICE is refused by parsing the query, on every route: `medkg serve`'s gateway (GET and POST,
/query and /sparql, forms and raw bodies), local `medkg query`, and `medkg shacl`'s sh:select.

Each SERVICE spelling points at a canary server on 127.0.0.1 that records every request; a test
first checks that Oxigraph itself, sent the query directly, does call it (so the spelling is a
real SERVICE, not a syntax error), then that medkg refuses it and the canary heard nothing.
Queries that only hold the word SERVICE in a string, an IRI, a name or a comment still run.

Every server here listens on 127.0.0.1 on a free port and is stopped by the module that started it.
"""

import contextlib
import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medkg.cli import main
from medkg.errors import INPUT

SPELLINGS = {  # {u}: the canary's SPARQL URL; {base}: the canary's root
    "plain": "SELECT * WHERE { SERVICE <{u}> { ?s ?p ?o } }",
    "lower-case": "select * where { service <{u}> { ?s ?p ?o } }",
    "mixed-case": "SeLeCt * WhErE { SeRvIcE <{u}> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{u}> { ?s ?p ?o } }",
    "after-a-filter-with-less-than": "SELECT * WHERE { ?x ?y ?z FILTER(1<2)SERVICE<{u}>{ ?s ?p ?o } }",
    "comment-ended-by-cr": "SELECT * WHERE { ?x ?y ?z #x\rSERVICE <{u}> { ?s ?p ?o } }",
    "comment-ended-by-crlf": "SELECT * WHERE { ?x ?y ?z #x\r\nSERVICE <{u}> { ?s ?p ?o } }",
    "comment-ended-by-lf": "SELECT * WHERE { ?x ?y ?z # a comment\nSERVICE <{u}> { ?s ?p ?o } }",
    "comment-holding-a-brace": "SELECT * WHERE { # }\nSERVICE <{u}> { ?s ?p ?o } }",
    "comment-holding-an-iri-opener": "SELECT * WHERE { # <\rSERVICE <{u}> { ?s ?p ?o } }",
    "tabs-and-newlines": "SELECT * WHERE {\n\tSERVICE\n\t<{u}>\n{ ?s ?p ?o } }",
    "prefixed-name": "PREFIX remote: <{u}> SELECT * WHERE { SERVICE remote: { ?s ?p ?o } }",
    "prefixed-name-with-a-local-part": "PREFIX r: <{base}> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
    "relative-iri-after-base": "BASE <{base}> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "in-optional": "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <{u}> { ?s ?p ?o } } } LIMIT 1",
    "in-union": "SELECT * WHERE { { ?x ?y ?z } UNION { SERVICE <{u}> { ?s ?p ?o } } }",
    "in-subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{u}> { ?s ?p ?o } } } }",
    "in-filter-exists": "SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE <{u}> { ?s ?p ?o } } } LIMIT 1",
    "in-filter-not-exists": "SELECT * WHERE { ?x ?y ?z FILTER NOT EXISTS { SERVICE <{u}> { ?s ?p ?o } } } LIMIT 1",
    "in-bind-exists": "SELECT * WHERE { BIND(EXISTS { SERVICE <{u}> { ?s ?p ?o } } AS ?e) }",
    "in-minus": "SELECT * WHERE { ?x ?y ?z MINUS { SERVICE <{u}> { ?s ?p ?o } } } LIMIT 1",
    "in-ask": "ASK { SERVICE <{u}> { ?s ?p ?o } }",
    "in-construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{u}> { ?s ?p ?o } }",
    "in-describe": "DESCRIBE ?s WHERE { SERVICE <{u}> { ?s ?p ?o } }",
    "endpoint-in-a-variable": "SELECT * WHERE { VALUES ?e { <{u}> } SERVICE ?e { ?s ?p ?o } }",
    "keyword-as-unicode-escapes": "SELECT * WHERE { \\u0053ERVICE <{u}> { ?s ?p ?o } }",
}
# Refused all the same, though Oxigraph would not call out: it reads \u escapes only in strings and
# IRIs, and a SERVICE endpoint held in a variable is refused by the engine itself.
NOT_CALLED_BY_OXIGRAPH = {"keyword-as-unicode-escapes", "endpoint-in-a-variable"}

LEGITIMATE = {
    "word-in-a-string": 'SELECT ?x WHERE { BIND("SERVICE <{u}> { ?s ?p ?o }" AS ?x) }',
    "word-in-a-long-string": "SELECT ?x WHERE { BIND('''SERVICE\n<{u}> { ?s ?p ?o }''' AS ?x) }",
    "word-in-an-iri": "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "word-in-a-comment": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <{u}> { ?s ?p ?o }",
    "word-as-a-variable": "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "word-as-a-local-name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?o }",
    "escaped-quote-then-word": 'SELECT ?x WHERE { BIND("a\\" SERVICE <{u}> {}" AS ?x) }',
}


class _Canary(BaseHTTPRequestHandler):
    heard: list = []

    def do_GET(self):  # noqa: N802
        self.heard.append(self.path)
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canary():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def heard(canary):
    _Canary.heard.clear()
    return _Canary.heard


@pytest.fixture(scope="module")
def served():
    """(gateway URL, the engine) for the whole graph; both stopped at the module's end."""
    from medkg.query.run import ntriples
    from medkg.serve.gateway import Gateway
    from medkg.serve.query_engine import Engine

    with Engine(ntriples()) as engine, Gateway(0, engine) as gateway:
        yield f"http://127.0.0.1:{gateway.port}", engine


def spell(template: str, canary: str) -> str:
    return template.replace("{u}", canary + "/sparql").replace("{base}", canary + "/")


def request(base: str, method: str, target: str, body: bytes | None = None, headers: list | None = None):
    """(status, body) of one raw HTTP request: headers as a list, so one may be given twice."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for key, value in headers or []:
            connection.putheader(key, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def form(**fields) -> bytes:
    return urllib.parse.urlencode(fields).encode()


FORM = ("Content-Type", "application/x-www-form-urlencoded")
RAW = ("Content-Type", "application/sparql-query")
JSON = ("Accept", "application/sparql-results+json")
TRANSPORTS = {
    "get-query": lambda q: ("GET", "/query?" + urllib.parse.urlencode({"query": q}), None, [JSON]),
    "get-sparql": lambda q: ("GET", "/sparql?" + urllib.parse.urlencode({"query": q}), None, [JSON]),
    "post-query-raw": lambda q: ("POST", "/query", q.encode(), [RAW, JSON]),
    "post-query-form": lambda q: ("POST", "/query", form(query=q), [FORM, JSON]),
    "post-sparql-form": lambda q: ("POST", "/sparql", form(query=q), [FORM, JSON]),  # what the editor sends
}


@pytest.mark.parametrize("spelling", sorted(set(SPELLINGS) - NOT_CALLED_BY_OXIGRAPH))
def test_each_spelling_is_a_service_call_to_oxigraph_itself(spelling, canary, heard):
    # pyoxigraph, the engine medkg serve's workers run, sent the text unchecked (one triple: a
    # pattern joined with the SERVICE must match, or the engine never calls it).
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b"), ox.NamedNode("urn:x:c")))
    with contextlib.suppress(OSError, SyntaxError):
        answer = store.query(spell(SPELLINGS[spelling], canary))
        bool(answer) if isinstance(answer, ox.QueryBoolean) else list(answer)
    assert heard, "not a SERVICE call to Oxigraph: the spelling tests nothing"


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_the_gateway_refuses_every_spelling_on_every_route(spelling, transport, served, canary, heard):
    gateway, _ = served
    status, body = request(gateway, *TRANSPORTS[transport](spell(SPELLINGS[spelling], canary)))
    assert status == 403 and b"SERVICE is refused" in body
    assert heard == []


@pytest.mark.parametrize("route", ["/query", "/sparql"])
def test_head_on_a_query_route_runs_nothing(route, served, canary, heard):
    gateway, _ = served
    for text in (spell(SPELLINGS["plain"], canary), "ASK {}"):
        status, _ = request(gateway, "HEAD", route + "?" + urllib.parse.urlencode({"query": text}), None, [JSON])
        assert status == 405
    assert heard == []


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("case", sorted(LEGITIMATE))
def test_the_word_service_elsewhere_still_runs_through_the_gateway(case, transport, served, canary, heard):
    gateway, _ = served
    status, body = request(gateway, *TRANSPORTS[transport](spell(LEGITIMATE[case], canary)))
    assert status == 200, body
    assert heard == []


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_local_query_refuses_every_spelling(spelling, tmp_path, canary, heard, capsys):
    path = tmp_path / "q.rq"
    path.write_bytes(spell(SPELLINGS[spelling], canary).encode())  # bytes: the \r stay as written
    assert main(["query", str(path), "--timeout", "20"]) == INPUT
    err = capsys.readouterr().err
    assert "uses SERVICE" in err and len(err.strip().splitlines()) == 1
    assert heard == []


@pytest.mark.parametrize("case", sorted(LEGITIMATE))
def test_local_query_runs_the_word_service_elsewhere(case, tmp_path, canary, heard, capsys):
    path = tmp_path / "q.rq"
    path.write_text(spell(LEGITIMATE[case], canary), encoding="utf-8")
    assert main(["query", str(path), "--format", "csv"]) == 0, capsys.readouterr().err
    assert heard == []


# --- the request itself: headers, parameters, routes -------------------------------------------

def test_two_content_type_headers_are_refused(served, canary, heard):
    # The gateway read the first (a form, holding no query) and Oxigraph the last (the raw query).
    gateway, _ = served
    query = spell(SPELLINGS["plain"], canary).encode()
    status, body = request(gateway, "POST", "/query", query, [FORM, RAW, JSON])
    assert status == 400 and b"Content-Type" in body and heard == []


@pytest.mark.parametrize("content", ["form", "raw"])
def test_a_query_in_the_url_of_a_post_is_refused(content, served, canary, heard):
    # The gateway checked the body; Oxigraph read the URL. Any web page can send such a POST.
    gateway, _ = served
    target = "/query?" + urllib.parse.urlencode({"query": spell(SPELLINGS["plain"], canary)})
    body, kind = (form(**{"default-graph-uri": "urn:x:g"}), FORM) if content == "form" else (b"ASK {}", RAW)
    status, answer = request(gateway, "POST", target, body, [kind, JSON])
    assert status == 400 and b"URL" in answer and heard == []


def test_two_query_parameters_are_refused(served, canary, heard):
    gateway, _ = served
    target = "/query?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", spell(SPELLINGS["plain"], canary))])
    status, _ = request(gateway, "GET", target, None, [JSON])
    assert status == 400 and heard == []


@pytest.mark.parametrize("target", ["//query?query={q}", "/query/?query={q}", "/%71uery?query={q}", "/QUERY?query={q}",
                                    "/update?update={q}", "/store?query={q}", "/sparql/?query={q}"])
def test_other_spellings_of_the_route_never_reach_oxigraph_with_the_query(target, served, canary, heard):
    gateway, _ = served
    q = urllib.parse.quote(spell(SPELLINGS["plain"], canary))
    for method in ("GET", "POST"):
        status, _ = request(gateway, method, target.format(q=q), b"" if method == "POST" else None, [JSON])
        assert status != 200
    assert heard == []


@pytest.mark.parametrize("update", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL", "LOAD <{u}>"])
def test_updates_are_refused_on_every_route(update, served, canary, heard):
    gateway, _ = served
    text = spell(update, canary)
    for transport in TRANSPORTS.values():
        status, _ = request(gateway, *transport(text))
        assert status in (400, 403)
    status, _ = request(gateway, "POST", "/sparql", form(update=text), [FORM])
    assert status in (400, 403) and heard == []


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o", "SELECT * WHERE { ?s undeclared:p ?o }", "hello"])
def test_what_does_not_parse_is_400_with_one_line(text, served):
    gateway, _ = served
    for transport in ("get-query", "post-query-raw", "post-sparql-form"):
        status, body = request(gateway, *TRANSPORTS[transport](text))
        assert status == 400 and b"does not parse" in body and body.count(b"\n") == 1


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o", "SELECT * WHERE { ?s ?p ?o } }",
                                  "SELECT * WHERE { ?s ?p ?o } " + "#" * 20_000])
def test_what_does_not_parse_locally_is_exit_2_with_one_line(text, tmp_path, capsys):
    path = tmp_path / "q.rq"
    path.write_bytes(text.encode())
    assert main(["query", str(path)]) == INPUT
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and ("does not parse" in err or "characters long" in err)


def test_the_editor_s_request_runs_on_its_first_click(served):
    # Oxigraph's editor at / posts a form to /sparql; the gateway used to answer "read-only".
    gateway, _ = served
    status, body = request(gateway, "POST", "/sparql", form(query="ASK { ?s ?p ?o }"), [FORM, JSON])
    assert (status, body) == (200, b'{"head":{},"boolean":true}')


SHAPES = {  # where a SPARQL text sits in a shapes graph; {select}: the query
    "node-shape": "ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n    sh:sparql [ sh:message \"no\" ; sh:select {select} ] .",
    # run by pySHACL, on rdflib, which does fetch SERVICE
    "property-shape": ("ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n    sh:property [ sh:path ex:p ; "
                       "sh:sparql [ sh:message \"no\" ; sh:select {select} ] ] ."),
}


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("place", sorted(SHAPES))
def test_sh_select_with_service_is_refused_before_any_call(place, engine, tmp_path, canary, heard, capsys):
    shapes = tmp_path / "shapes.ttl"
    select = spell(SPELLINGS["after-a-filter-with-less-than"], canary).replace("SELECT *", "SELECT $this")
    if place == "property-shape":
        select = select.replace("?x ?y ?z", "$this $PATH ?z")
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
                      + SHAPES[place].format(select=f'"""{select}"""') + "\n", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    assert main(["shacl", "--shapes", str(shapes), str(data), "--engine", engine]) == INPUT
    err = capsys.readouterr().err
    assert "uses SERVICE" in err and len(err.strip().splitlines()) == 1
    assert heard == []


def test_every_catalogue_query_runs_through_the_editor_s_route(served):
    # As the site's "Run it on the live endpoint" link carries it: the file's text, header included.
    from medkg.query.catalogue import catalogue

    gateway, _ = served
    for name, query in catalogue().items():
        status, body = request(gateway, "POST", "/sparql", form(query=query.text), [FORM, JSON])
        assert status == 200, (name, body[:200])


# 7.8 KB of nested parentheses and a FILTER of 10,000 `||` once overflowed Oxigraph's stack and
# killed `medkg serve` (issue 23): refused by the parse-based gate before Oxigraph sees them, on
# every transport, and the server answers the next query.
DEEP_OR_LONG = {
    "nested-parentheses": "SELECT ?s WHERE { ?s ?p ?o FILTER(" + "(" * 3900 + "1" + ")" * 3900 + ") }",
    "ten-thousand-ors": "SELECT ?s WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(10_000)) + ") }",
}


@pytest.mark.parametrize("transport", ["get-query", "post-query-raw", "post-sparql-form"])
@pytest.mark.parametrize("case", sorted(DEEP_OR_LONG))
def test_a_query_too_deep_or_too_long_is_400_and_the_server_stays_up(case, transport, served):
    gateway, _ = served
    method, target, body, headers = TRANSPORTS[transport](DEEP_OR_LONG[case])
    try:
        status, body = request(gateway, method, target, body, headers)
    except ConnectionResetError:  # the HTTP parser refuses a head over its limit (76 KB) and closes
        assert len(target) > 76_000
    else:
        assert status in (400, 413, 414) and body.count(b"\n") <= 1, (status, body[:200])
    status, body = request(gateway, *TRANSPORTS[transport]("ASK { ?s ?p ?o }"))
    assert status == 200 and b"true" in body
