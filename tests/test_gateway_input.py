"""What the gateway of `medkg serve` makes of requests it cannot read (issue 23): a path the file
system cannot hold is not found (404), a path or query string that does not decode is 400; never a
500 with a traceback. Raw sockets: http.client would not send these as written.

Every server here listens on 127.0.0.1 on a free port and is stopped by the module that started it.
"""

import socket

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
