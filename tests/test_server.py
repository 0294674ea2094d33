"""A real SPARQL server: load the graph through the Graph Store Protocol, run the whole catalogue
through --endpoint and get the local answers; endpoint failures exit 3 with one line.

Every server here listens on 127.0.0.1 on a free port and is stopped by the test that started it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from medkg.cli import main
from medkg.endpoint.load import put_graph
from medkg.errors import EndpointError
from medkg.project_files import ROOT
from medkg.query import catalogue
from medkg.query.run import graph_triples, local_store, run_local, run_remote
from medkg.rdf.namespaces import GRAPH as GRAPH_IRI

QUERIES = catalogue.catalogue()


def count_triples(base: str, graph: str | None) -> int:
    """Triples in one named graph, or (None) in the store's default graph."""
    pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    request = urllib.request.Request(
        base + "/query", data=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                      "Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def loaded(oxigraph_server):
    assert main(["load", "--endpoint", oxigraph_server + "/store", "--graph", GRAPH_IRI]) == 0
    return oxigraph_server


def test_load_puts_the_whole_graph_in_the_named_graph(loaded):
    assert count_triples(loaded, GRAPH_IRI) == len({str(t) for t in graph_triples()})


def test_load_replaces_rather_than_adds(loaded):
    before = count_triples(loaded, GRAPH_IRI)
    assert main(["load", "--endpoint", loaded + "/store", "--graph", GRAPH_IRI]) == 0
    assert count_triples(loaded, GRAPH_IRI) == before


@pytest.mark.parametrize("graph", ["", "relative/name"])
def test_load_refuses_an_empty_or_relative_graph_name(loaded, graph, capsys):
    # An unset shell variable (--graph "$G") once replaced the store's default graph.
    before = count_triples(loaded, None)
    assert main(["load", "--endpoint", loaded + "/store", "--graph", graph]) == 2
    assert "not an absolute IRI" in capsys.readouterr().err
    assert count_triples(loaded, None) == before


def test_replacing_the_default_graph_is_explicit_and_said(oxigraph_server, capsys):
    assert main(["load", "--endpoint", oxigraph_server + "/store", "--default-graph-replace"]) == 0
    captured = capsys.readouterr()
    assert "everything it held is lost" in captured.err and "replaced the default graph" in captured.out
    assert count_triples(oxigraph_server, None) == len({str(t) for t in graph_triples()})


def test_a_failed_load_leaves_the_old_graph_intact(loaded):
    before = count_triples(loaded, GRAPH_IRI)
    broken = b"<https://w3id.org/medkg/id/x> <https://w3id.org/medkg/vocab#p> \"unterminated .\n"
    with pytest.raises(EndpointError, match="HTTP 400"):
        put_graph(loaded + "/store", GRAPH_IRI, broken)
    assert count_triples(loaded, GRAPH_IRI) == before


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_catalogue_on_the_server_matches_the_local_answers(loaded, name):
    q = QUERIES[name]
    local = run_local(q, q.example, local_store())
    remote = run_remote(q, q.example, loaded + "/query", timeout=30, default_graph=GRAPH_IRI)
    assert remote.variables == local.variables
    assert remote.rows == local.rows
    assert remote.boolean == local.boolean


def test_query_command_through_endpoint(loaded, capsys):
    args = ["query", "is-opioid", "--endpoint", loaded + "/query", "--default-graph", GRAPH_IRI, "--format", "csv"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "drug,drugLabel,answer,quote,claim" and ",no," in out


def test_unreachable_endpoint_exits_3_with_one_line(capsys):
    from medkg.serve.oxigraph_server import free_port

    assert main(["query", "uses", "--endpoint", f"http://127.0.0.1:{free_port()}/query"]) == 3
    err = capsys.readouterr().err.strip()
    assert "connection refused" in err and "\n" not in err and "Traceback" not in err


class _Failing(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"the store is on fire\n")

    def log_message(self, *args):
        pass


def test_http_error_exits_3_with_the_server_s_words(capsys):
    server = HTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        assert main(["query", "uses", "--endpoint", f"http://127.0.0.1:{server.server_port}/sparql", "--timeout", "5"]) == 3
    finally:
        thread.join(timeout=10)
        server.server_close()
    err = capsys.readouterr().err.strip()
    assert "HTTP 500 Internal Server Error: the store is on fire" in err and "\n" not in err


def test_silent_endpoint_times_out_with_exit_3(capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        start = time.monotonic()
        assert main(["query", "uses", "--endpoint", f"http://127.0.0.1:{listener.getsockname()[1]}/query", "--timeout", "1"]) == 3
        assert time.monotonic() - start < 20
    finally:
        listener.close()
    assert "no answer within 1 s" in capsys.readouterr().err


def _first_line(process: subprocess.Popen, within: float) -> str:
    """The process's first line of output (medkg serve prints it once the server answers), waited
    for up to `within` seconds: a bounded wait for readiness, not a fixed sleep nor a read that a
    silent process would hold for ever."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(within)
    if not line:
        pytest.fail(f"no line from medkg serve within {within:g} s (exit {process.poll()})")
    return line[0]


def test_serve_starts_answers_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "medkg.cli", "serve", "--port", "0"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = _first_line(process, within=120)
        # stderr is read only once the process has ended: a read of a running one would wait for it.
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), \
            line + (process.stderr.read() if process.poll() is not None else "")
        url = line.split(": ", 1)[1].strip()
        q = QUERIES["uses"]
        assert run_remote(q, {}, url, timeout=30).rows == run_local(q, {}, local_store()).rows
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0  # a bound: it returns as soon as the process has exited
        with pytest.raises(OSError):
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_refuses_writes():
    """Read-only: the Graph Store and update endpoints refuse changes."""
    from medkg.query.run import ntriples
    from medkg.serve.oxigraph_server import ReadOnlyServer

    with ReadOnlyServer(ntriples()) as server:
        base = server.url.rsplit("/", 1)[0]
        with pytest.raises(EndpointError):
            put_graph(base + "/store", GRAPH_IRI, b"")


# --- medkg serve under faults: SERVICE, a busy port, a chatty stderr, kill -9, endless queries ---

def _get(url: str, timeout: float = 10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_served_endpoint_refuses_service_by_get_and_post():
    from medkg.query.run import ntriples
    from medkg.serve.gateway import Gateway
    from medkg.serve.query_engine import Engine

    service = urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    with Engine(ntriples()) as engine, Gateway(0, engine) as gateway:
        base = f"http://127.0.0.1:{gateway.port}"
        status, body = _get(f"{base}/query?query={service}")
        assert status == 403 and b"SERVICE is refused" in body
        form = urllib.request.Request(base + "/query", data=f"query={service}".encode(),
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError, match="403"):
            urllib.request.urlopen(form, timeout=10)
        assert _get(f"{base}/query?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))[1] == b'{"head":{},"boolean":true}'
        assert _get(base + "/")[0] == 200  # the query editor still loads
        q = QUERIES["uses"]
        assert run_remote(q, {}, base + "/query", timeout=30).rows == run_local(q, {}, local_store()).rows


def test_serve_on_a_busy_port_says_so():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        run = subprocess.run([sys.executable, "-m", "medkg.cli", "serve", "--port", str(taken.getsockname()[1])],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert run.returncode == 2
    assert "is in use by another program" in run.stderr and "SPARQL endpoint" not in run.stdout


def test_a_chatty_server_stderr_never_stalls_requests():
    # Each failing SERVICE call makes Oxigraph write a line to stderr; unread, the pipe filled at
    # ~64 KB and every request after that hung. 800 lines are some 90 KB.
    from medkg.query.run import ntriples
    from medkg.serve.oxigraph_server import ReadOnlyServer

    failing = urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }")
    with ReadOnlyServer(ntriples()) as server:
        for _ in range(800):
            _get(f"{server.url}?query={failing}", timeout=10)
        assert _get(server.url + "?query=" + urllib.parse.quote("ASK {}"), timeout=5)[0] == 200
        assert any("Internal server error" in line for line in server.errors)


def test_the_server_stops_a_query_at_its_timeout():
    from medkg.query.run import ntriples
    from medkg.serve.oxigraph_server import ReadOnlyServer

    endless = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    with ReadOnlyServer(ntriples(), timeout_s=1) as server:
        start = time.monotonic()
        _, body = _get(f"{server.url}?query={endless}", timeout=30)
        assert time.monotonic() - start < 10 and b"cancelled" in body


def _parent_pid(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])  # field 4, after the command in parentheses
    except (OSError, IndexError, ValueError):
        return None


def test_kill_9_of_serve_stops_oxigraph_and_the_next_server_removes_its_folder(tmp_path):
    from medkg.cli import SITE_PREFIX
    from medkg.io.folders import OWNER, remove_stale
    from medkg.serve.oxigraph_server import FOLDER_PREFIX, remove_orphaned_folders

    # A temporary folder of its own: another medkg serve on the machine would otherwise be right to
    # remove the orphan first.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "serve", "--port", "0"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout.readline().startswith("SPARQL endpoint:")
        children = [stat.parent.name for stat in Path("/proc").glob("[0-9]*/stat")
                    if _parent_pid(stat) == process.pid]
        assert len(children) == 1  # the one query worker started at once (medkg/serve/query_engine.py)
        folders = [p for p in tmp_path.glob(FOLDER_PREFIX + "*")
                   if (p / OWNER).read_text().strip() == str(process.pid)]
        assert len(folders) == 1
        sites = [p for p in tmp_path.glob(SITE_PREFIX + "*") if (p / OWNER).read_text().strip() == str(process.pid)]
        assert len(sites) == 1  # the pages it built, which it removes only when it stops cleanly
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{children[0]}").exists(), "the query worker outlived medkg serve"
        assert folders[0].exists()
        assert folders[0] in remove_orphaned_folders(tmp_path) and not folders[0].exists()
        assert sites[0] in remove_stale(tmp_path, SITE_PREFIX) and not sites[0].exists()
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()


@pytest.fixture
def only_named(tmp_path):
    """A store of its own whose default graph is empty and whose data is in the named graph
    `medkg load` fills (the session's server may have data in its default graph)."""
    from medkg.serve.oxigraph_server import free_port, oxigraph_binary, wait_until_ready

    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "store"),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + "/query", process)
        assert main(["load", "--endpoint", base + "/store", "--graph", GRAPH_IRI]) == 0
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_no_rows_from_a_store_whose_data_is_in_a_named_graph_points_at_default_graph(only_named, capsys):
    # The data sits in the named graph `medkg load` fills: without --default-graph only a header
    # came back, with nothing to say why.
    loaded = only_named
    capsys.readouterr()
    assert main(["query", "uses", "--endpoint", loaded + "/query", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1  # the header alone
    assert "named graphs" in captured.err and GRAPH_IRI in captured.err and "--default-graph" in captured.err
    assert main(["query", "uses", "--endpoint", loaded + "/query", "--default-graph", GRAPH_IRI, "--format", "csv"]) == 0
    assert capsys.readouterr().err == ""
