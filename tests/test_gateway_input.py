"""What the gateway of `medkg serve` makes of requests it cannot read (issue 23): a path the file
system cannot hold is not found (404), a path or query string that does not decode is 400; never a
500 with a traceback. Raw sockets: http.client would not send these as written.

Every server here listens on 127.0.0.1 on a free port and is stopped by the module that started it.
"""

import socket
import threading

import pytest

from medkg.serve.gateway import Gateway


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    (site / "id").mkdir()
    for suffix in (".html", ".ttl", ".jsonld"):
        (site / "id" / ("x" + suffix)).write_text("x\n")
    with Gateway(0, None, site) as gateway:  # no engine: nothing here reaches one
        yield gateway


def answer(port: int, target: bytes) -> tuple[int, bytes]:
    """(status, body) of a GET of `target`, sent byte for byte."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("target", [b"/" + b"a" * 300, b"/id/" + b"a" * 300, b"/id/" + b"%C3%A9" * 200,
                                    b"/id/x%00", b"/" + b"a/" * 3000],
                         ids=["long-name", "long-name-in-a-folder", "long-encoded-name", "nul", "deep"])
def test_a_path_the_file_system_cannot_hold_is_not_found(gateway, target):
    status, body = answer(gateway.port, target)
    assert status == 404 and body.count(b"\n") == 1 and b"Traceback" not in body


@pytest.mark.parametrize("target", [b"/%zz", b"/id/x%", b"/id/x%4", b"/%ff", b"/id/%ED%A0%80", b"/id/x?a=%ED%A0%80",
                                    b"/id/x?a=%zz", b"/query?query=%ED%A0%80", b"/index.html?%ff"],
                         ids=["bad-escape", "lone-percent", "short-escape", "not-utf-8", "lone-surrogate",
                              "lone-surrogate-in-query", "bad-escape-in-query", "surrogate-query", "not-utf-8-query"])
def test_a_path_or_query_string_that_does_not_decode_is_400(gateway, target):
    status, body = answer(gateway.port, target)
    assert status == 400 and body.count(b"\n") == 1 and b"Traceback" not in body


def test_a_node_is_still_found(gateway):
    assert answer(gateway.port, b"/id/x")[0] == 200
    assert answer(gateway.port, b"/id/%78")[0] == 200  # an escape that decodes is read


# --- the size of a request's head, and the time it may take (medkg/serve/http_limits.py) --------

SEND_TIME = 2  # seconds for a head, and for a body, in these tests


@pytest.fixture(scope="module")
def impatient():
    with Gateway(0, None, send_time=SEND_TIME) as gateway:
        yield gateway


def first_line_then_close(sock: socket.socket) -> bytes:
    """What the server sends before it closes the connection (b"" if it closes without a word),
    within the socket's timeout: a server that holds the connection fails the test."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data.split(b"\r\n")[0]


@pytest.mark.parametrize(("fields", "status"), [(b"X-A: " + b"a" * (20 << 10) + b"\r\n", b"431"),
                                                (b"X-A: a\r\n" * 12_000, b"431")], ids=["one-20-KiB-field", "100-KB-of-fields"])
def test_header_fields_over_16_kib_are_431(gateway, fields, status):
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
        sock.sendall(b"GET /id/x HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")
        assert first_line_then_close(sock).split()[1] == status


def test_a_request_line_longer_than_a_query_needs_is_414(gateway):
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=30) as sock:
        sock.sendall(b"GET /query?query=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert first_line_then_close(sock).split()[1] == b"414"


def test_a_connection_that_sends_nothing_is_closed(impatient):
    socks = [socket.create_connection(("127.0.0.1", impatient.port), timeout=60) for _ in range(50)]
    try:
        assert [first_line_then_close(s) for s in socks] == [b""] * 50  # held for ever before
        assert answer(impatient.port, b"/id/x")[0] == 404  # no site here; the gateway answers
    finally:
        for s in socks:
            s.close()


def test_a_head_trickled_byte_by_byte_is_408(impatient):
    head = b"GET /id/x HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=60) as sock:
        try:
            for byte in head:  # one byte each 0.05 s: 10 s for the whole, past the 2 s allowed
                sock.send(bytes([byte]))
                threading.Event().wait(0.05)
        except OSError:
            pass  # closed by the server part-way: what the test wants
        assert first_line_then_close(sock).split()[1] == b"408"


def test_a_kept_alive_connection_trickling_its_next_head_is_408(impatient):
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=60) as sock:
        sock.sendall(b"GET /yasgui.min.css HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(65536)
        length = int(next(line.split(b":")[1] for line in received.split(b"\r\n") if line.lower().startswith(b"content-length")))
        body = received.split(b"\r\n\r\n", 1)[1]
        while len(body) < length:
            body += sock.recv(65536)
        try:
            for byte in b"GET /id/x HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":
                sock.send(bytes([byte]))  # each byte cancelled uvicorn's idle timer
                threading.Event().wait(0.1)
        except OSError:
            pass
        assert first_line_then_close(sock).split()[1] == b"408"


def test_a_body_that_stops_coming_is_408(impatient):
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=60) as sock:
        sock.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nASK {")
        assert first_line_then_close(sock).split()[1] == b"408"


def test_idle_connections_make_room_for_a_request_when_every_slot_is_taken():
    # 1,000 sockets that sent nothing made every request 503 (the connection limit), for ever
    # before the head timeout, then for its 10 s. Here 20 slots and a patient head timeout.
    with Gateway(0, None, send_time=60, max_connections=20) as gateway:
        idle = [socket.create_connection(("127.0.0.1", gateway.port), timeout=60) for _ in range(20)]
        try:
            partial = idle[-1]
            partial.sendall(b"GET /id/x HTTP/1.1\r\n")  # part of a head: it is told why it is closed
            assert answer(gateway.port, b"/id/x")[0] == 404  # no site here: the gateway itself answers, not 503
            assert first_line_then_close(idle[0]) == b""  # the oldest waiting connection made the room
        finally:
            for sock in idle:
                sock.close()


def test_the_editor_page_may_run_this_server_s_scripts_and_reach_it_only(gateway):
    """Its endpoint once came from the link (/?endpoint=http://elsewhere/sparql): the policy stops a
    request to another origin, and a script in a foreign answer, even were the config bypassed."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=30)
    try:
        connection.request("GET", "/?endpoint=http%3A%2F%2Fevil%2Fsparql")
        page = connection.getresponse()
        html = page.read().decode()
        policy = {d.split()[0]: d.split()[1:] for d in page.getheader("Content-Security-Policy").split(";")}
    finally:
        connection.close()
    assert page.status == 200
    assert policy["connect-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert "<script>" not in html  # an inline script would not run under it


def exchange(port: int, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, header fields by lower-case name, body) for a request sent byte for byte."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict((k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:]))
    return int(lines[0].split()[1]), fields, body


@pytest.mark.parametrize("path, allowed", [("/query", {"GET", "POST"}), ("/sparql", {"GET", "POST"}),
                                           ("/", {"GET", "HEAD"}), ("/id/x", {"GET", "HEAD"})])
def test_options_and_405_say_only_what_the_path_answers(gateway, path, allowed):
    """OPTIONS said PUT, DELETE and PATCH were allowed, and a HEAD of /query was 405 without Allow."""
    def allow(fields):
        return {m.strip() for m in fields["allow"].split(",")}

    status, fields, _ = exchange(gateway.port, f"OPTIONS {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status == 204 and allow(fields) == allowed
    for method in ("PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "HEAD", "POST"):
        if method in allowed:
            continue
        status, fields, _ = exchange(gateway.port, f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                                     "Connection: close\r\n\r\n".encode())
        assert (status, allow(fields)) == (405, allowed), method


def test_a_request_framed_twice_is_400(gateway):
    """Transfer-Encoding and Content-Length both: a proxy in front could read the body the other way."""
    body = b"5\r\nquery\r\n0\r\n\r\n"
    status, _, text = exchange(gateway.port, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                               b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\nConnection: close\r\n\r\n" + body)
    assert status == 400 and b"Transfer-Encoding and Content-Length" in text
