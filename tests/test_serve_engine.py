"""The engine behind `medkg serve` (medkg/serve/query_engine.py): reachable through the gateway alone,
stopped at the time limit, and never held up by another client's slow query (issue 23).

Oxigraph's own server listened on a second port on 127.0.0.1 that answered SERVICE and /store to
any local process; a query past the time limit went on computing there; one lock over every parse
let four slow ones hold a plain ASK {} for 81 s.

Every server here listens on 127.0.0.1 on a free port and is stopped by the test or module that
started it; every wait is bounded (a socket timeout, a join with a timeout).
"""

import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from medkg.project_files import ROOT
from medkg.rdf.sparql_bounds import MAX_TOKENS, OPERATOR_WEIGHT
from medkg.serve.gateway import Gateway

JSON = {"Accept": "application/sparql-results+json"}
ASK = "ASK { ?s ?p ?o }"


def plus_chain(terms: int) -> str:
    return "SELECT (" + "+".join(["1"] * terms) + " AS ?x) {}"


HEAVY = plus_chain(MAX_TOKENS // (OPERATOR_WEIGHT + 1) - 10)  # allowed, and seconds of parsing: the slowest text the bounds let in
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # minutes of work


def get(port: int, query: str, timeout: float = 120) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/query?" + urllib.parse.urlencode({"query": query}), headers=JSON)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def engine():
    from medkg.query.run import ntriples
    from medkg.serve.query_engine import Engine

    with Engine(ntriples()) as engine:
        yield engine


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_query_past_the_time_limit_is_504_and_its_worker_is_stopped(engine):
    with Gateway(0, engine, time_limit=2) as gateway:
        before = set(engine.workers)
        status, body = get(gateway.port, ENDLESS)
        assert status == 504 and b"time limit" in body and body.count(b"\n") == 1
        stopped = before - set(engine.workers)
        assert len(stopped) == 1  # the worker that ran it, killed (Oxigraph's server computed on)
        assert not any(_alive(pid) for pid in stopped)
        assert get(gateway.port, ASK) == (200, b'{"head":{},"boolean":true}')  # a fresh worker answers


def test_a_query_past_the_bounds_is_400_through_the_gateway(engine):
    with Gateway(0, engine) as gateway:
        status, body = get(gateway.port, plus_chain(9_000))  # 18,000 characters: some 16 s of parsing
        assert status == 400 and f"at most {MAX_TOKENS} are parsed".encode() in body and body.count(b"\n") == 1


def test_slow_parses_do_not_hold_an_ask(engine):
    # Workers for every slot first, so that none is started in the middle of the race.
    with Gateway(0, engine, time_limit=120) as gateway:
        warm = [threading.Thread(target=get, args=(gateway.port, ASK), daemon=True) for _ in range(engine.parallel)]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join(timeout=120)
        heavy_done: list[int] = []

        def heavy():
            heavy_done.append(get(gateway.port, HEAVY)[0])

        slow = [threading.Thread(target=heavy, daemon=True) for _ in range(engine.parallel - 1)]
        for thread in slow:
            thread.start()
        time.sleep(0.2)  # not a bound on anything: lets the slow queries reach their workers first
        status, body = get(gateway.port, ASK)
        finished_before_the_ask = len(heavy_done)
        for thread in slow:
            thread.join(timeout=180)
        assert (status, body) == (200, b'{"head":{},"boolean":true}')
        # Under one lock, the ASK's parse waited for every slow parse before it.
        assert finished_before_the_ask < len(slow)
        assert heavy_done == [200] * len(slow)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _listening_ports(pids: list[int]) -> set[int]:
    """The TCP ports on which these processes listen (from /proc: their sockets' inodes)."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs /proc to see which ports a process holds")
def test_medkg_serve_listens_on_the_gateway_s_port_alone():
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "serve", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(120)
        assert line and line[0].startswith("SPARQL endpoint: http://127.0.0.1:"), line
        port = int(line[0].rsplit(":", 1)[1].split("/")[0])
        workers = _children(process.pid)
        assert workers  # the engine runs, in processes of its own
        assert _listening_ports([process.pid, *workers]) == {port}  # Oxigraph's server had a second
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()


def test_a_worker_that_died_while_idle_is_replaced(engine):
    with Gateway(0, engine) as gateway:
        assert get(gateway.port, ASK)[0] == 200
        for pid in engine.workers:
            os.kill(pid, 9)
        deadline = time.monotonic() + 30
        while engine.workers and time.monotonic() < deadline:
            time.sleep(0.05)
        assert get(gateway.port, ASK) == (200, b'{"head":{},"boolean":true}')  # not a 502


def test_a_query_past_the_memory_bound_is_507_and_its_worker_is_replaced():
    """The whole graph joined with itself and sorted grew one worker past 3 GB (four at once, 14 GB).
    With a small bound it is refused at once; the next query gets a fresh worker."""
    from medkg.query.run import ntriples
    from medkg.serve.query_engine import Engine

    with Engine(ntriples(), memory_mib=256) as small, Gateway(0, small) as gateway:
        before = small.workers
        status, body = get(gateway.port, "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1")
        assert status == 507
        assert b"more than the 256 MiB" in body
        assert get(gateway.port, ASK) == (200, b'{"head":{},"boolean":true}')
        assert small.workers and not set(small.workers) & set(before)


@pytest.mark.parametrize("iri", ["x", "", "_:b", "http://[::1"])
@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_name_that_is_no_iri_is_400(engine, parameter, iri):
    with Gateway(0, engine) as gateway:
        connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=120)
        try:
            connection.request("GET", "/query?" + urllib.parse.urlencode({"query": ASK, parameter: iri}), headers=JSON)
            answer = connection.getresponse()
            status, body = answer.status, answer.read()
        finally:
            connection.close()
    assert status == 400 and parameter.encode() in body and b"absolute IRI" in body


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment", "PREFIX ex: <http://example.org/>",
                                  "BASE <http://example.org/> # and a comment"])
def test_a_text_with_no_query_is_400_not_an_update(engine, text):
    with Gateway(0, engine) as gateway:
        status, body = get(gateway.port, text)
    assert status == 400 and body.startswith(b"no query")
