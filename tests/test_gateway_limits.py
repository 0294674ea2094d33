"""`medkg serve`'s gateway under load and at its limits (issue 23): many clients at once, a restart
on the same port, bodies over the cap, a malformed Content-Length, q-values that are not numbers,
and answers cut by the time limit or too large to hold.

Every server here listens on 127.0.0.1 on a free port and is stopped by the test or module that
started it; every wait is bounded (a socket timeout or a join with a timeout).
"""

import http.client
import socket
import threading
import urllib.parse

import pytest

from medkg.serve import negotiate
from medkg.serve.gateway import MAX_BODY, Gateway

ASK = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def engine():
    from medkg.query.run import ntriples
    from medkg.serve.query_engine import Engine

    with Engine(ntriples()) as engine:
        yield engine


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site folder of one node in its three representations: all negotiation needs."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "id").mkdir()
    for suffix in (".html", ".ttl", ".jsonld"):
        (folder / "id" / ("x" + suffix)).write_text("x\n")
    return folder


@pytest.fixture(scope="module")
def gateway(engine, site):
    with Gateway(0, engine, site) as gateway:
        yield gateway


def get(port: int, target: str, headers: dict | None = None, timeout: float = 30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", target, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def raw(port: int, head: bytes, timeout: float = 10) -> socket.socket:
    """A connection that has sent `head` as written (malformed requests http.client will not send)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(head)
    return sock


def status_of(sock: socket.socket) -> int:
    """The status of the answer on `sock` (its first line), read within the socket's timeout."""
    line = sock.makefile("rb").readline()
    return int(line.split()[1])


def test_200_parallel_queries_are_all_answered(gateway):
    # http.server listened with a backlog of 5: of 40 clients at once 12 were reset, of 100, 58.
    clients = 200
    start = threading.Barrier(clients)
    statuses, failures = [], []

    def client():
        try:
            start.wait(timeout=60)
            statuses.append(get(gateway.port, ASK, JSON, timeout=120)[0])
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as e:
            failures.append(repr(e))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert failures == []
    assert statuses == [200] * clients


def test_a_restart_on_the_same_port_right_after_a_connection(engine):
    with Gateway(0, engine) as first:
        port = first.port
        sock = raw(port, b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(sock) == 404
        sock.settimeout(10)
        while sock.recv(4096):  # to the end: the gateway closed first, so its side waits in TIME_WAIT
            pass
        sock.close()
    with Gateway(port, engine) as second:  # refused for up to 60 s without address reuse
        assert second.port == port
        assert get(port, ASK, JSON)[0] == 200


def test_a_port_another_program_listens_on_is_still_refused(engine):
    from medkg.errors import InputError

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        with pytest.raises(InputError, match="in use by another program"):
            Gateway(taken.getsockname()[1], engine)
    finally:
        taken.close()


def test_a_body_declared_over_the_cap_is_413_before_it_is_sent(gateway):
    sock = raw(gateway.port, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Content-Length: 200000000\r\n\r\n")
    try:
        assert status_of(sock) == 413  # not a byte of the body was sent
    finally:
        sock.close()


def test_a_chunked_body_over_the_cap_is_413_without_being_read_whole(gateway):
    total = 200 << 20
    sock = raw(gateway.port, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n", timeout=60)
    sent = [0]
    chunk = b"10000\r\n" + b"#" * 0x10000 + b"\r\n"

    def send():
        try:
            while sent[0] < total:
                sock.sendall(chunk)
                sent[0] += 0x10000
        except OSError:
            pass  # the gateway answered and closed: what it did not read, it did not hold

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        assert status_of(sock) == 413
        sender.join(timeout=60)
        assert MAX_BODY < sent[0] < total // 4, sent[0]
    finally:
        sock.close()


@pytest.mark.parametrize("length", [b"-1", b"abc", b"6, 7", b"6\r\nContent-Length: 7"])
def test_a_malformed_content_length_is_400_at_once(gateway, length):
    # http.server held a connection whose Content-Length was -1.
    sock = raw(gateway.port, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                             b"Content-Length: " + length + b"\r\n\r\nASK {}")
    try:
        assert status_of(sock) == 400  # within the socket's 10 s, and the connection is not held
    finally:
        sock.close()


@pytest.mark.parametrize("q", ["nan", "NaN", "inf", "2", "1.5", "0.0001", "1e0", "-1", ""])
def test_a_q_that_is_not_a_qvalue_is_not_acceptable(q):
    with pytest.raises(negotiate.NotAcceptable):
        negotiate.choose(f"text/turtle;q={q}")


@pytest.mark.parametrize(("q", "value"), [("1", 1.0), ("1.000", 1.0), ("0.5", 0.5), ("0.125", 0.125), (" 0.9 ", 0.9)])
def test_qvalues_of_the_rfc_9110_grammar_are_read(q, value):
    assert negotiate.accepted(f"text/turtle;q={q}") == [("text/turtle", value)]


def test_q_nan_through_the_gateway_is_406(gateway):
    status, body = get(gateway.port, "/id/x", {"Accept": "text/turtle;q=nan"})
    assert status == 406 and body.count(b"\n") == 1
    assert get(gateway.port, "/id/x", {"Accept": "text/turtle;q=0.5"})[0] == 200


def test_a_query_as_long_as_the_parser_reads_passes_in_a_get(gateway):
    # uvicorn refuses a request head over 16 KB by default, Oxigraph over 8 KB; a GET carries the query in its URL.
    query = "ASK { ?s ?p ?o } #" + "x" * 19_000
    status, body = get(gateway.port, "/query?" + urllib.parse.urlencode({"query": query}), JSON)
    assert (status, body) == (200, b'{"head":{},"boolean":true}')


def test_an_answer_too_large_to_hold_is_507_not_a_cut_200(gateway):
    everything_twice = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # millions of rows: gigabytes of JSON
    status, body = get(gateway.port, "/query?" + urllib.parse.urlencode({"query": everything_twice}), JSON, timeout=120)
    assert status == 507 and b"MiB" in body and body.count(b"\n") == 1


def test_an_answer_cut_by_the_time_limit_is_504_not_a_cut_200(site):
    # Rows of the first branch come at once; the second finds none in 10^10 combinations, and
    # Oxigraph's own --timeout-s does not stop it. The old gateway sent 200 and the first rows.
    from medkg.query.run import ntriples
    from medkg.serve.query_engine import Engine

    query = ("SELECT * WHERE { { ?s ?p ?o } UNION { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
             "FILTER(STRLEN(STR(?c)) + STRLEN(STR(?f)) + STRLEN(STR(?i)) = 2) } }")
    with Engine(ntriples()) as engine, Gateway(0, engine, site, time_limit=2) as gateway:
        status, body = get(gateway.port, "/query?" + urllib.parse.urlencode({"query": query}), JSON, timeout=60)
    assert status == 504 and b"time limit" in body and body.count(b"\n") == 1
