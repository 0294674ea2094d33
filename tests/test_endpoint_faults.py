"""Endpoints that misbehave: a small fault-injecting HTTP server on 127.0.0.1, each fault bounded in time.

Every fault ends in exit 3 and one line, within the --timeout the user gave (a whole-request
limit, not a per-read one) and without reading more than --max-bytes.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medkg.cli import main

SPARQL_JSON = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


class _Faulty(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        name = self.path.partition("?")[0].strip("/").replace("-", "_")
        getattr(self, "fault_" + name)()

    do_PUT = do_POST  # noqa: N815

    def _head(self, status=200, length=None, content_type="application/sparql-results+json", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def _trickle(self, data: bytes, every: float = 0.3, most: int = 40):
        for byte in data[:most]:  # bounded: the server gives up by itself
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(every)

    def fault_ok(self):
        self._head(length=len(SPARQL_JSON))
        self.wfile.write(SPARQL_JSON)

    def fault_trickle_headers(self):
        self._trickle(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n" * 3)

    def fault_trickle_body(self):
        self._head(length=len(SPARQL_JSON))
        self._trickle(SPARQL_JSON)

    def fault_huge(self):
        self._head()  # no length: read until the connection closes
        for _ in range(64):  # 4 MiB at most
            self.wfile.write(b" " * 65536)
        self.close_connection = True

    def fault_short(self):
        self._head(length=1000)
        self.wfile.write(SPARQL_JSON[:10])
        self.close_connection = True

    def fault_array(self):
        self._head(length=2)
        self.wfile.write(b"[]")

    def fault_html(self):
        page = b"<html><body>Welcome to nginx</body></html>"
        self._head(length=len(page), content_type="text/html")
        self.wfile.write(page)

    def fault_redirect_loop(self):
        self._head(status=307, length=0, extra=[("Location", self.path)])

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the client hanging up on a trickle is the point, not an error worth printing


@pytest.fixture(scope="module")
def faulty():
    server = _Server(("127.0.0.1", 0), _Faulty)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def run(url, *options):
    start = time.monotonic()
    code = main(["query", "is-opioid", "--endpoint", url, "--format", "csv", *options])
    return code, time.monotonic() - start


@pytest.mark.parametrize("form", ["SELECT", "ASK"])
def test_sparqlwrapper_builds_the_protocol_request_medkg_sends(form):
    """What medkg relies on in SPARQLWrapper's private _createRequest (medkg/endpoint/client.py,
    protocol_request): a SPARQL 1.1 Protocol query by POST of the URL-encoded form, with the query
    as written, the default graph, SPARQL JSON results asked for, and medkg's User-Agent. A
    SPARQLWrapper release that changes any of these fails here."""
    import urllib.parse
    import urllib.request

    from medkg.endpoint.client import protocol_request
    from medkg.rdf.namespaces import BASE

    # A comment SPARQLWrapper's own guess reads as an update (ADD): medkg sends the form it parsed.
    text = f"PREFIX ex: <https://example.org/>  # added for the test\n{form} {{ ?x ex:p \"café & co\" }}"
    graph = "https://example.org/graph?x=1&y=2"
    request = protocol_request("http://127.0.0.1:9/sparql", text, form, default_graph=graph)
    assert isinstance(request, urllib.request.Request)
    assert (request.get_method(), request.full_url) == ("POST", "http://127.0.0.1:9/sparql")
    assert request.get_header("Content-type") == "application/x-www-form-urlencoded"
    assert "application/sparql-results+json" in request.get_header("Accept").split(",")
    assert request.get_header("User-agent") == f"medkg ({BASE})"
    fields = urllib.parse.parse_qs(request.data.decode("ascii"), strict_parsing=True)
    assert fields["query"] == [text] and fields["default-graph-uri"] == [graph]
    assert "update" not in fields and "named-graph-uri" not in fields


def test_the_fault_server_answers_a_good_request(faulty, capsys):
    assert run(faulty + "/ok")[0] == 0
    assert capsys.readouterr().out.strip() == "x"


@pytest.mark.parametrize("fault", ["trickle-headers", "trickle-body"])
def test_a_trickling_server_is_cut_off_at_the_timeout(faulty, fault, capsys):
    code, took = run(f"{faulty}/{fault}", "--timeout", "1")
    assert code == 3 and took < 4  # the server would trickle for 12 s or more
    err = capsys.readouterr().err
    assert "no answer within 1 s" in err and err.count("\n") == 1


def test_an_answer_past_max_bytes_is_refused_without_reading_it_all(faulty, capsys):
    assert run(faulty + "/huge", "--max-bytes", "100000")[0] == 3
    err = capsys.readouterr().err
    assert "larger than 100,000 bytes" in err and "--max-bytes" in err


def test_an_answer_shorter_than_its_content_length_exits_3(faulty, capsys):
    assert run(faulty + "/short")[0] == 3
    assert "stopped short of its Content-Length" in capsys.readouterr().err


@pytest.mark.parametrize("fault, words", [("array", "a JSON list, not an object"), ("html", "not SPARQL JSON results")])
def test_an_answer_that_is_not_sparql_json_exits_3(faulty, fault, words, capsys):
    assert run(f"{faulty}/{fault}")[0] == 3
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_redirect_loop_exits_3(faulty, capsys):
    code, took = run(faulty + "/redirect-loop", "--timeout", "5")
    assert code == 3 and took < 5
    assert "redirect" in capsys.readouterr().err.lower()


def test_load_to_a_trickling_store_is_cut_off_at_the_timeout(faulty, capsys):
    start = time.monotonic()
    assert main(["load", "--endpoint", faulty + "/trickle-headers", "--timeout", "1"]) == 3
    assert time.monotonic() - start < 4
    assert "no answer within 1 s" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--timeout", "1e300"], ["--timeout", "-1"], ["--timeout", "nan"],
                                    ["--endpoint", "not a url"], ["--endpoint", "ftp://x/q"], ["--max-bytes", "0"]])
def test_impossible_options_are_usage_errors(option, capsys):
    args = ["query", "uses", *option]
    if option[0] != "--endpoint":
        args += ["--endpoint", "http://127.0.0.1:9/query"]
    assert main(args) == 2
    assert "Traceback" not in capsys.readouterr().err
