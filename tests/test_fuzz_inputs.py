"""Fuzz targets for what medkg reads from outside: the query gate (the gateway's ASGI application
in process, its parameter reading, medkg/rdf/sparql_parse.read, and medkg serve's query worker
on a small store), the Turtle loader (medkg/io/parse.load of a file) and the shapes
loader (medkg/shacl/rdf_files.read, then syntax_rules.check_graph, patterns.prepared and the SERVICE
check), on random input and on the shipped queries, data and shapes mutated.

The one property: each either succeeds or raises one of the project's own errors (MedkgError, or
the gateway's Refused) with a one-line message; anything else (a traceback for the user) fails.
The normal run tries FUZZ_EXAMPLES (default 25) examples a target, the same ones each run
(derandomized); `make fuzz` tries many more, drawn afresh.
"""

import os
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.errors import MedkgError
from medkg.io.parse import load, rdflib_graph
from medkg.project_files import DATA_DIR, PREFIXES_FILE, QUERIES_DIR, SHAPES_DIR
from medkg.rdf.sparql_parse import read
from medkg.serve.gateway import Refused, _parameters
from medkg.shacl import patterns, rdf_files, sparql_constraints, syntax_rules

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize="FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

QUERIES = sorted(p.read_text(encoding="utf-8") for p in QUERIES_DIR.rglob("*.rq"))
DATA = sorted(p.read_text(encoding="utf-8") for p in DATA_DIR.glob("*.ttl"))
SHAPES = sorted(p.read_text(encoding="utf-8") for p in SHAPES_DIR.glob("*.ttl"))
PROLOGUE = PREFIXES_FILE.read_text(encoding="utf-8")
# What breaks parsers: quotes, brackets, escapes, comments, line ends, prefixes, SERVICE, deep nesting.
TOKENS = ['"', "'", '"""', "<", ">", "{", "}", "(", ")", "[", "]", ".", ";", ",", "#", "\\", "\\u0053", "\\U0001F600",
          "\\u00", "\r", "\n", "\x00", "\ufeff", "\ud800", "@prefix", "PREFIX x: <urn:x>", "BASE <rel>", "_:b", "a",
          "SERVICE <http://127.0.0.1:9/>", "INSERT DATA", "FILTER(", "^^", "@en", "1e999", "\u202e", "é",
          "{ " * 60, "( " * 60, "[ " * 60, "sh:pattern \"(a+)+$\"", "sh:flags \"z\"", "rdf:rest", "rdf:nil"]


def _mutate(text: str, edits: list[tuple[int, int, int, str]]) -> str:
    """`text` with each edit applied: (kind, where, length, new text)."""
    for kind, where, length, new in edits:
        at = where % (len(text) + 1)
        if kind == 0:
            text = text[:at] + text[at + length:]  # delete
        elif kind == 1:
            text = text[:at] + new + text[at:]  # insert
        elif kind == 2:
            text = text[:at] + text[at:at + length] * 3 + text[at + length:]  # repeat a piece
        elif kind == 3:
            text = text[:at] + new + text[at + length:]  # replace
        else:
            text = text[:at]  # cut short
    return text


def mutated(corpus: list[str]) -> st.SearchStrategy[str]:
    edit = st.tuples(st.integers(0, 4), st.integers(0, 1 << 20), st.integers(0, 80),
                     st.one_of(st.sampled_from(TOKENS), st.text(max_size=12)))
    return st.builds(_mutate, st.sampled_from(corpus), st.lists(edit, min_size=1, max_size=6))


def texts(corpus: list[str]) -> st.SearchStrategy[str]:
    """Random text, and (more often) the shipped files mutated."""
    return st.one_of(st.text(max_size=300), mutated(corpus), mutated(corpus))


def _one_line(error: Exception) -> None:
    message = str(error)
    assert message.strip(), f"{type(error).__name__} with no message"
    assert "\n" not in message.strip() and "Traceback" not in message, message[:2000]


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="medkg-fuzz-") as name:
        yield Path(name)


@FUZZ
@given(texts(QUERIES))
def test_the_query_gate_reads_any_text_or_refuses_it_in_one_line(text):
    try:
        parsed = read(text)
    except MedkgError as e:
        _one_line(e)
        return
    assert isinstance(parsed.text, str) and isinstance(parsed.update, bool)  # "" is an empty update


@FUZZ
@given(st.one_of(st.text(max_size=200), st.builds("&".join, st.lists(texts(["query=ASK%20%7B%7D", "a=b"]), max_size=4))))
def test_the_gateway_reads_any_parameters_or_refuses_them_in_one_line(raw):
    try:
        pairs = _parameters(raw, "the URL")
    except Refused as e:
        assert e.status == 400
        _one_line(e)
        return
    assert all(isinstance(name, str) and isinstance(value, str) for name, value in pairs)


def _ask_gateway(method: str, raw_path: str, query_string: bytes, headers: list[tuple[bytes, bytes]],
                 body: bytes) -> tuple[int, bytes]:
    """(status, body) of one request to the gateway's ASGI application, in process; Oxigraph is a
    no engine, so a request that passes every check the gateway makes itself gets 502."""
    import anyio

    from medkg.serve.gateway import application

    app = application(None)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": urllib.parse.unquote(raw_path), "raw_path": raw_path.encode("latin-1"), "query_string": query_string,
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    anyio.run(app, scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


REQUEST_KINDS = [b"application/sparql-query", b"application/x-www-form-urlencoded", b"application/sparql-update",
                 b"text/plain", b"application/x-www-form-urlencoded; charset=utf-8"]


@FUZZ
@given(st.sampled_from(["GET", "POST"]), st.sampled_from(["/query", "/sparql"]), texts(QUERIES),
       st.sampled_from(["query", "update", "q"]), st.lists(st.sampled_from(REQUEST_KINDS), max_size=2), st.booleans())
def test_the_gateway_answers_any_query_request_without_a_server_error(method, route, text, name, kinds, in_form):
    """Every request is parsed and answered by the gateway itself (4xx, one line) or passed on (502
    here): never a 500, which would be a traceback inside the gateway."""
    encoded = urllib.parse.urlencode({name: text}, errors="surrogatepass").encode("ascii")  # lone surrogates: bad UTF-8
    if method == "GET":
        status, body = _ask_gateway("GET", route, encoded, [], b"")
    else:
        payload = encoded if in_form else text.encode("utf-8", "surrogatepass")
        headers = [(b"content-type", kind) for kind in kinds] + [(b"content-length", str(len(payload)).encode())]
        status, body = _ask_gateway("POST", route, b"", headers, payload)
    assert status in (400, 403, 413, 415, 502), (status, body[:300])
    assert body.endswith(b"\n") and body.count(b"\n") == 1, body[:300]


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return path


@FUZZ
@given(st.one_of(texts(DATA), st.binary(max_size=200)))
def test_the_turtle_loader_reads_any_file_or_refuses_it_in_one_line_per_file(folder, text):
    path = _write(folder, "data.ttl", text)
    try:
        source = load([path])
    except MedkgError as e:
        _one_line(e)
        return
    assert source.files == [path]


def _shapes_checks(path: Path) -> None:
    shapes = rdflib_graph(rdf_files.read([path]))
    syntax_rules.check_graph(shapes)
    shapes, _ = patterns.prepared(shapes)
    sparql_constraints.refuse_service(shapes)


@FUZZ
@given(texts([PROLOGUE + s for s in SHAPES]))
def test_the_shapes_loader_reads_any_file_or_refuses_it_in_one_line(folder, text):
    path = _write(folder, "shapes.ttl", text)
    try:
        _shapes_checks(path)
    except MedkgError as e:
        _one_line(e)


PATTERN_SHAPE = ('@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n'
                 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern {pattern} {flags}] .\n')
PATTERNS = ["^[0-9]{7}$", "^\\p{L}+$", "[\\P{Nd}_]", "^10\\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$", "(a|b)*c", "\\p{IsBasicLatin}"]


@FUZZ
@given(st.one_of(st.text(max_size=40), mutated(PATTERNS)), st.sampled_from(["", "i", "q", "smix", "z"]))
def test_any_sh_pattern_is_prepared_or_refused_in_one_line(folder, pattern, flags):
    from medkg.rdf.turtle import literal

    flag = f'; sh:flags "{flags}" ' if flags else ""
    path = _write(folder, "pattern.ttl", PATTERN_SHAPE.format(pattern=literal(pattern), flags=flag))
    try:
        _shapes_checks(path)
    except MedkgError as e:
        _one_line(e)


# --- what the fuzzing found, each kept as a plain test -----------------------------------------------

def test_a_turtle_error_quoting_a_long_literal_is_one_line(folder):
    # A """-literal where a subject belongs: the parser quotes the literal, line ends and all, and
    # the error printed over several lines.
    path = _write(folder, "literal-subject.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n'
                  '"""\n  SELECT ?x WHERE {\n  }""" ex:b ex:c .\n' + "x" * 1000)
    with pytest.raises(MedkgError) as caught:
        load([path])
    _one_line(caught.value)
    assert "literal-subject.ttl:3:" in str(caught.value) and len(str(caught.value)) < 600


def test_a_pattern_python_warns_about_is_still_one_line(tmp_path, capsys):
    # "[[a]" compiles with a FutureWarning ("possible nested set"), printed as a second line.
    import sys
    import warnings

    from medkg.cli import main

    (tmp_path / "shapes.ttl").write_text(PATTERN_SHAPE.format(pattern='"[[a]"', flags="; sh:flags \"z\" "), encoding="utf-8")
    (tmp_path / "data.ttl").write_text('<http://example.org/a> <http://example.org/p> "a" .\n', encoding="utf-8")
    with warnings.catch_warnings():  # as a user's Python shows warnings: on stderr (pytest records them)
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: sys.stderr.write(
            warnings.formatwarning(message, category, filename, lineno, line))
        main(["shacl", "--shapes", str(tmp_path / "shapes.ttl"), str(tmp_path / "data.ttl")])
    err = capsys.readouterr().err
    assert "FutureWarning" not in err and len(err.strip().splitlines()) <= 1, err


@pytest.fixture(scope="module")
def small_store():
    """A few triples: the query worker's code paths without the cost of a large answer."""
    import pyoxigraph as ox

    store = ox.Store()
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:p"), ox.Literal(str(i))))
    return store


@FUZZ
@given(texts(QUERIES), st.sampled_from([None, "*/*", "text/csv", "text/html", "application/sparql-results+xml",
                                        "text/turtle", "text/*;q=nan"]))
def test_the_query_worker_answers_any_text_or_refuses_it_in_one_line(small_store, text, accept):
    """What `medkg serve`'s worker (medkg/serve/query_worker.py) makes of a query: an answer, or a
    refusal with an HTTP status and one line; never an exception that would end the worker."""
    from medkg.serve import negotiate
    from medkg.serve.query_worker import Refusal, answer

    try:
        status, media, body = answer(small_store, {"query": text, "accept": accept})
    except Refusal as e:
        assert 400 <= e.status < 600
        _one_line(e)
        return
    except negotiate.NotAcceptable as e:
        assert str(e)
        return
    assert status == 200 and media and isinstance(body, bytes)
