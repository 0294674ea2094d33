"""The front door of `medkg serve`: a small HTTP server on 127.0.0.1 that passes reads to Oxigraph.

Oxigraph's server answers SERVICE clauses by fetching from any URL the query names, and any web
page the user opens can send a GET to a server on localhost: so queries are read here first and
one that uses SERVICE is refused (403) before Oxigraph sees it. Only reads pass: GET and HEAD
anywhere (the query editor and its assets at `/`), POST to /query; anything else gets 405.
Answers are streamed through, not held in memory.

With a site folder (`medkg site`), the gateway also serves its pages at the paths of the graph's
IRIs (/id/baclofen, /claim/..., /article.html): a node's path without a suffix is negotiated on the
Accept header (medkg/site/negotiate.py), and the answer says `Vary: Accept`.
"""

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from medkg.errors import InputError
from medkg.query.catalogue import uses_service
from medkg.site import negotiate

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "host", "content-length"}


class Gateway:
    """Listen on 127.0.0.1:`port` (0: a free one) and pass reads to the Oxigraph server at `upstream_port`."""

    def __init__(self, port: int, upstream_port: int, site: Path | None = None):
        handler = type("Handler", (_Handler,), {"upstream_port": upstream_port, "site": site})
        try:
            self.httpd = _Server(("127.0.0.1", port), handler)
        except OSError as e:
            raise InputError(f"port {port} on 127.0.0.1 is in use by another program ({e.strerror}); "
                             "choose another with --port (0 picks a free one)") from None
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="medkg-gateway", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # a port another program holds must be refused, not shared

    def handle_error(self, request, client_address):
        pass  # a client that hangs up mid-answer is not the server's error


class _Handler(BaseHTTPRequestHandler):
    upstream_port: int
    site: Path | None
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self._path() == "/query":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
            if self._refused(query):
                return
        elif self._page():
            return
        self._forward(None)

    def do_HEAD(self):  # noqa: N802
        if self._path() == "/query" or not self._page():
            self._forward(None)

    def _page(self) -> bool:
        """Answer from the site folder if it has this path; False to pass the request on."""
        if self.site is None:
            return False
        path = urllib.parse.unquote(self._path())
        try:
            found = negotiate.resolve(self.site, path, self.headers.get("Accept"))
        except negotiate.NotAcceptable as e:
            self._answer(406, f"{path} is available as {e}; ask for one of them in Accept, or add .html, .ttl or .jsonld\n")
            return True
        if found is None:
            return False
        file, negotiated = found
        data = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", negotiate.MEDIA_TYPES.get(file.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        if negotiated:
            self.send_header("Vary", "Accept")
            self.send_header("Content-Location", path + file.suffix)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return True

    def do_POST(self):  # noqa: N802
        if self._path() != "/query":
            return self._answer(405, "medkg serve is read-only: POST goes to /query only\n")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            query = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query", [""])[0]
        else:
            query = body.decode("utf-8", "replace")
        if not self._refused(query):
            self._forward(body)

    def _refuse_write(self):
        self._answer(405, "medkg serve is read-only\n")

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815

    def _path(self) -> str:
        return urllib.parse.urlsplit(self.path).path

    def _refused(self, query: str) -> bool:
        if uses_service(query):
            self._answer(403, "SERVICE is refused by medkg serve: it would make this server fetch from other servers\n")
            return True
        return False

    def _forward(self, body: bytes | None) -> None:
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=None)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            length = answer.getheader("Content-Length")
            if length is not None:
                self.send_header("Content-Length", length)
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                while chunk := answer.read(1 << 16):
                    self.wfile.write(chunk)
        except OSError:
            self.close_connection = True  # Oxigraph gone, or the client hung up: nothing to say to either
        finally:
            upstream.close()

    def _answer(self, status: int, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass
