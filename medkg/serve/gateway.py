"""The front door of `medkg serve`: a small HTTP server on 127.0.0.1 that passes reads to Oxigraph.

Oxigraph's server answers SERVICE clauses by fetching from any URL the query names, and any web
page the user opens can send a GET or a form POST to a server on localhost: so every query is
parsed here first (medkg/rdf/sparql_parse.py), and one that does not parse (400), is an update or
uses SERVICE (403) never reaches Oxigraph. What is forwarded is what was checked: the gateway
writes the request to Oxigraph itself (the parsed text, re-encoded, to /query), never passing on
the client's URL, body or Content-Type, which Oxigraph might read differently (a second
Content-Type header, a query in the URL of a form POST). Routes, and nothing else:

- /query and /sparql (Oxigraph's editor posts to the second): GET with ?query=, POST of
  application/sparql-query or of a form; default-graph-uri and named-graph-uri pass too, other
  parameters are not passed on;
- / : the query editor (Oxigraph's Yasgui, pointed at /query), and the editor's own files;
- the site's pages at the paths of the graph's IRIs (/id/baclofen, /claim/..., /index.html): a
  node's path without a suffix is negotiated on Accept (medkg/serve/negotiate.py), with `Vary: Accept`.

Answers are streamed through, not held in memory.
"""

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from medkg.errors import InputError
from medkg.rdf.sparql_parse import SparqlRefused, read
from medkg.serve import negotiate

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "host", "content-length", "content-type"}
QUERY_ROUTES = ("/query", "/sparql")
EDITOR = (Path(__file__).parent / "editor.html").read_bytes()
EDITOR_FILES = ("/yasgui.min.js", "/yasgui.min.css", "/logo.svg")  # what the editor page loads from Oxigraph
GRAPH_PARAMETERS = ("default-graph-uri", "named-graph-uri")
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 1 << 20


class Refused(Exception):
    """An answer the gateway gives itself: an HTTP status and one line saying why."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status, self.text = status, text


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
        path, _, _ = self.path.partition("?")
        try:
            if path in QUERY_ROUTES:
                return self._query()
            if path == "/":
                return self._send(200, EDITOR, "text/html; charset=utf-8")
            if path in EDITOR_FILES:
                return self._forward(self.command, path, None, None)
            if self._page():
                return None
            raise Refused(404, f"{path[:200]} is not here: the pages are at /index.html, "
                          "the endpoint at /query, the editor at /")
        except Refused as e:
            self._answer(e.status, e.text)

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self):  # noqa: N802
        path, _, _ = self.path.partition("?")
        try:
            if path not in QUERY_ROUTES:
                raise Refused(405, "medkg serve is read-only: POST goes to /query only")
            self._query()
        except Refused as e:
            self._answer(e.status, e.text)

    def _refuse_write(self):
        self._answer(405, "medkg serve is read-only")

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815

    def _query(self) -> None:
        """Check the request's query (GET ?query=, or a POST's body) and send the checked text on."""
        if self.command == "HEAD":
            raise Refused(405, "ask with GET or POST: a HEAD would run the query for nothing")
        _, _, raw = self.path.partition("?")
        in_url = _parameters(raw, "the URL")
        if self.command == "GET":
            params = in_url
        else:
            if any(name in ("query", "update") for name, _ in in_url):
                raise Refused(400, "a POST carries its query in its body, not in its URL; send one or the other")
            params = in_url + self._body_parameters()
        names = [name for name, _ in params]
        if "update" in names:
            raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
        queries = [value for name, value in params if name == "query"]
        if len(queries) != 1:
            raise Refused(400, f"give exactly one query parameter (this request has {len(queries)})")
        try:
            parsed = read(queries[0])
        except SparqlRefused as e:
            raise Refused(400, str(e)) from None
        if parsed.update:
            raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
        if parsed.service:
            raise Refused(403, "SERVICE is refused by medkg serve: it would make this server fetch from other servers")
        # Only these go on; any other parameter (SPARQLWrapper's format=json) is left behind.
        checked = urllib.parse.urlencode([("query", parsed.text)] + [(n, v) for n, v in params if n in GRAPH_PARAMETERS])
        if self.command == "GET":
            self._forward("GET", "/query?" + checked, None, None)
        else:
            self._forward("POST", "/query", checked.encode("ascii"), FORM)

    def _body_parameters(self) -> list[tuple[str, str]]:
        kinds = self.headers.get_all("Content-Type") or []
        if len(kinds) != 1:
            raise Refused(400, f"give exactly one Content-Type header (this request has {len(kinds)}): "
                          f"application/sparql-query or {FORM}")
        if self.headers.get("Transfer-Encoding") is not None:
            raise Refused(411, "send the query with a Content-Length, not in chunks")
        lengths = self.headers.get_all("Content-Length") or []
        if len(lengths) != 1 or not lengths[0].strip().isdigit():
            raise Refused(411, "give exactly one Content-Length header")
        length = int(lengths[0])
        if length > MAX_BODY:
            raise Refused(413, f"the body is {length} bytes; at most {MAX_BODY} are read")
        body = self.rfile.read(length)
        kind = kinds[0].split(";")[0].strip().lower()
        if kind == FORM:
            try:
                return _parameters(body.decode("ascii"), "the body")
            except UnicodeDecodeError:
                raise Refused(400, "a form body is ASCII (percent-encoded)") from None
        if kind == "application/sparql-query":
            try:
                return [("query", body.decode("utf-8"))]
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8") from None
        if kind == "application/sparql-update":
            raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
        raise Refused(415, f"send the query as application/sparql-query or as a form ({FORM}), not {kind or 'untyped'}")

    def _page(self) -> bool:
        """Answer from the site folder if it has this path; False when it has nothing there."""
        if self.site is None:
            return False
        path = urllib.parse.unquote(self.path.partition("?")[0])
        try:
            found = negotiate.resolve(self.site, path, self.headers.get("Accept"))
        except negotiate.NotAcceptable as e:
            self._answer(406, f"{path} is available as {e}; ask for one of them in Accept, or add .html, .ttl or .jsonld")
            return True
        if found is None:
            return False
        file, negotiated = found
        extra = {"Vary": "Accept", "Content-Location": path + file.suffix} if negotiated else {}
        self._send(200, file.read_bytes(), negotiate.MEDIA_TYPES.get(file.suffix, "application/octet-stream"), extra)
        return True

    def _forward(self, method: str, target: str, body: bytes | None, content_type: str | None) -> None:
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=None)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            upstream.request(method, target, body=body, headers=headers)
            answer = upstream.getresponse()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in _HOP_BY_HOP or key.lower() == "content-type":
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

    def _send(self, status: int, data: bytes, media_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _answer(self, status: int, text: str) -> None:
        """A refusal in one line. The connection closes after it: a body left unread must not be
        taken for the next request."""
        self.close_connection = True
        self._send(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8", {"Connection": "close"})

    def log_message(self, *args):
        pass


def _parameters(raw: str, where: str) -> list[tuple[str, str]]:
    """Name-value pairs of a URL's query or a form body, read strictly (400 if malformed)."""
    try:
        return urllib.parse.parse_qsl(raw, keep_blank_values=True, strict_parsing=True, encoding="utf-8",
                                      errors="strict", max_num_fields=100)
    except (ValueError, UnicodeDecodeError) as e:
        raise Refused(400, f"the parameters in {where} are malformed ({e})") from None
