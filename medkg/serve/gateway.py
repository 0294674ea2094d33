"""The front door of `medkg serve`: an ASGI application (Starlette) served by uvicorn on 127.0.0.1,
passing reads to Oxigraph.

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

Limits (README "Limits of medkg serve"): a request body of at most MAX_BODY bytes, read no further
than that (413); PARALLEL queries at Oxigraph at once, the rest waiting their turn for at most the
time limit (then 503); each answer held whole, at most MAX_ANSWER bytes (507), before anything is
sent, so that one cut by the time limit is a 504 with a message and never a 200 with half a JSON
document that a client would take for a whole one. (A chunked answer with a trailer saying "cut"
would stream instead, but no client the project knows reads trailers: SPARQLWrapper, urllib and
browsers ignore them.) uvicorn holds a backlog of BACKLOG connections and reuses the address, so
200 clients at once are all answered and a restart does not wait out the last connections.
"""

import http.client
import logging
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

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
MAX_BODY = 1 << 20  # a query is at most 20,000 characters (sparql_parse.MAX_CHARS): a form of it fits
MAX_ANSWER = 16 << 20  # the whole graph as N-Triples is under 1 MB; PARALLEL answers held at once
PARALLEL = 8  # queries at Oxigraph at once (2 cores here); more only queue inside Oxigraph
BACKLOG = 1024  # connections the kernel holds before they are accepted (was 5: resets at 40 clients)
MAX_CONNECTIONS = 1000  # open connections and requests; past it uvicorn answers 503 at once
# A GET carries its query in the URL, percent-encoded: up to three bytes a character.
MAX_HEAD = 3 * 20_000 + (16 << 10)
TIME_LIMIT = 60  # seconds, medkg serve's --timeout default
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]

# uvicorn says at WARNING what a client got wrong ("Invalid HTTP request received."): the client
# was answered 400; the terminal of `medkg serve` need not hear it. Errors of the gateway still show.
logging.getLogger("uvicorn.error").setLevel(logging.ERROR)


class Refused(Exception):
    """An answer the gateway gives itself: an HTTP status and one line saying why."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status, self.text = status, text


class Gateway:
    """Listen on 127.0.0.1:`port` (0: a free one) and pass reads to the Oxigraph server at
    `upstream_port`; `time_limit` seconds for each query's whole answer."""

    def __init__(self, port: int, upstream_port: int, site: Path | None = None, time_limit: float = TIME_LIMIT):
        self.socket = _listen(port)
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            application(upstream_port, site, time_limit), http="h11", lifespan="off", log_config=None,
            access_log=False, server_header=False, backlog=BACKLOG, limit_concurrency=MAX_CONNECTIONS,
            h11_max_incomplete_event_size=MAX_HEAD, timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                        name="medkg-gateway", daemon=True)

    def __enter__(self):
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self.server.started:
            self.__exit__()
            raise InputError(f"the gateway on 127.0.0.1:{self.port} did not start; run medkg serve again")
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self._thread.join(timeout=30)
        self.socket.close()
        return False


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # SO_REUSEADDR: a restart binds at once rather than waiting out the last connections' TIME_WAIT
    # (up to 60 s). On Linux it never lets a second listener share a port: one held is still refused.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(BACKLOG)
    except OSError as e:
        sock.close()
        raise InputError(f"port {port} on 127.0.0.1 is in use by another program ({e.strerror}); "
                         "choose another with --port (0 picks a free one)") from None
    return sock


def application(upstream_port: int, site: Path | None = None, time_limit: float = TIME_LIMIT) -> Starlette:
    """The gateway as an ASGI application: every path and method to one handler, which routes on
    the path as sent (raw: /%71uery is not /query)."""
    handler = _Handler(upstream_port, site, time_limit)
    return Starlette(routes=[Route("/{path:path}", handler.dispatch, methods=METHODS)])


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class _Handler:
    def __init__(self, upstream_port: int, site: Path | None, time_limit: float):
        self.upstream_port, self.site, self.time_limit = upstream_port, site, time_limit
        self._slots: anyio.CapacityLimiter | None = None  # made in the event loop's thread

    async def dispatch(self, request: Request) -> Response:
        try:
            return await self._route(request)
        except Refused as e:
            return _refusal(e)
        except ClientDisconnect:
            return Response(status_code=400)  # the client is gone: no one reads this

    async def _route(self, request: Request) -> Response:
        path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        _decoded(path, "path")
        _decoded(request.scope.get("query_string", b"").decode("latin-1"), "query string")
        method = request.method
        if method in ("PUT", "DELETE", "PATCH"):
            raise Refused(405, "medkg serve is read-only")
        if method == "POST" and path not in QUERY_ROUTES:
            raise Refused(405, "medkg serve is read-only: POST goes to /query only")
        if path in QUERY_ROUTES:
            return await self._query(request)
        if path == "/":
            return Response(EDITOR, 200, media_type="text/html; charset=utf-8")
        if path in EDITOR_FILES:
            return await self._forward(request, method, path, None, None)
        page = self._page(request, path)
        if page is not None:
            return page
        raise Refused(404, f"{path[:200]} is not here: the pages are at /index.html, "
                      "the endpoint at /query, the editor at /")

    async def _query(self, request: Request) -> Response:
        """Check the request's query (GET ?query=, or a POST's body) and send the checked text on."""
        if request.method == "HEAD":
            raise Refused(405, "ask with GET or POST: a HEAD would run the query for nothing")
        in_url = _parameters(request.scope.get("query_string", b"").decode("latin-1"), "the URL")
        if request.method == "GET":
            params = in_url
        else:
            if any(name in ("query", "update") for name, _ in in_url):
                raise Refused(400, "a POST carries its query in its body, not in its URL; send one or the other")
            params = in_url + await _body_parameters(request)
        names = [name for name, _ in params]
        if "update" in names:
            raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
        queries = [value for name, value in params if name == "query"]
        if len(queries) != 1:
            raise Refused(400, f"give exactly one query parameter (this request has {len(queries)})")
        try:
            # rdflib's parser is pure Python and slow on long queries: off the event loop.
            parsed = await anyio.to_thread.run_sync(read, queries[0])
        except SparqlRefused as e:
            raise Refused(400, str(e)) from None
        if parsed.update:
            raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
        if parsed.service:
            raise Refused(403, "SERVICE is refused by medkg serve: it would make this server fetch from other servers")
        # Only these go on; any other parameter (SPARQLWrapper's format=json) is left behind.
        checked = urllib.parse.urlencode([("query", parsed.text)] + [(n, v) for n, v in params if n in GRAPH_PARAMETERS])
        # Always as a form POST: Oxigraph refuses a request head over 8 KB, which a GET of a long query is.
        return await self._forward(request, "POST", "/query", checked.encode("ascii"), FORM)

    def _page(self, request: Request, raw_path: str) -> Response | None:
        """The site folder's file at this path; None when it has nothing there."""
        if self.site is None:
            return None
        path = _decoded(raw_path, "path")
        try:
            found = negotiate.resolve(self.site, path, request.headers.get("accept"))
        except negotiate.NotAcceptable as e:
            raise Refused(406, f"{path} is available as {e}; ask for one of them in Accept, "
                          "or add .html, .ttl or .jsonld") from None
        if found is None:
            return None
        file, negotiated = found
        extra = {"Vary": "Accept", "Content-Location": path + file.suffix} if negotiated else {}
        return Response(file.read_bytes(), 200, headers=extra,
                        media_type=negotiate.MEDIA_TYPES.get(file.suffix, "application/octet-stream"))

    async def _forward(self, request: Request, method: str, target: str, body: bytes | None,
                       content_type: str | None) -> Response:
        """Oxigraph's whole answer to the checked request, once it has a free slot."""
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        if content_type:
            headers["Content-Type"] = content_type
        if self._slots is None:
            self._slots = anyio.CapacityLimiter(PARALLEL)
        deadline = time.monotonic() + self.time_limit
        try:
            with anyio.fail_after(self.time_limit):
                await self._slots.acquire()
        except TimeoutError:
            raise Refused(503, f"the server is busy ({PARALLEL} queries running) and this one waited "
                          f"{self.time_limit:g} s; try again") from None
        try:
            answer = await anyio.to_thread.run_sync(
                partial(_fetch, self.upstream_port, method, target, body, headers, deadline, self.time_limit))
        finally:
            self._slots.release()
        return Response(answer.body, answer.status, headers=answer.headers)


def _fetch(port: int, method: str, target: str, body: bytes | None, headers: dict[str, str],
           deadline: float, limit: float) -> _Answer:
    """Oxigraph's answer, read whole by `deadline` (504 past it) and up to MAX_ANSWER bytes (507)."""
    upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=max(0.01, deadline - time.monotonic()))
    try:
        upstream.request(method, target, body=body, headers=headers)
        answer = upstream.getresponse()
        data = bytearray()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            upstream.sock.settimeout(remaining)  # each read waits no longer than the time left
            chunk = answer.read1(1 << 16)
            if not chunk:
                break
            data += chunk
            if len(data) > MAX_ANSWER:
                raise Refused(507, f"the answer is over {MAX_ANSWER >> 20} MiB, more than medkg serve holds "
                              "for one query; ask for less (a LIMIT, fewer variables, or COUNT)")
        passed = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP or k.lower() == "content-type"}
        if method == "HEAD" and answer.getheader("Content-Length"):
            passed["Content-Length"] = answer.getheader("Content-Length")
        return _Answer(answer.status, passed, bytes(data))
    except TimeoutError:
        raise Refused(504, f"the query ran past the {limit:g} s time limit and was stopped; nothing of its "
                      "answer is sent (a part would look whole). Ask for less, or raise medkg serve --timeout") from None
    except http.client.IncompleteRead:
        raise Refused(502, "the SPARQL server behind the gateway ended its answer part-way (it stopped the query, "
                      "or it stopped); nothing of it is sent. Try again, or ask for less") from None
    except (OSError, http.client.HTTPException) as e:
        raise Refused(502, f"the SPARQL server behind the gateway did not answer ({e.__class__.__name__}); "
                      "restart medkg serve") from None
    finally:
        upstream.close()


async def _body_parameters(request: Request) -> list[tuple[str, str]]:
    kinds = request.headers.getlist("content-type")
    if len(kinds) != 1:
        raise Refused(400, f"give exactly one Content-Type header (this request has {len(kinds)}): "
                      f"application/sparql-query or {FORM}")
    kind = kinds[0].split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
    if kind not in (FORM, "application/sparql-query"):
        raise Refused(415, f"send the query as application/sparql-query or as a form ({FORM}), not {kind or 'untyped'}")
    body = await _read_body(request)
    if kind == FORM:
        try:
            return _parameters(body.decode("ascii"), "the body")
        except UnicodeDecodeError:
            raise Refused(400, "a form body is ASCII (percent-encoded)") from None
    try:
        return [("query", body.decode("utf-8"))]
    except UnicodeDecodeError:
        raise Refused(400, "the query is not UTF-8") from None


async def _read_body(request: Request) -> bytes:
    """The body, read no further than MAX_BODY bytes: one that says it is longer is refused before
    a byte of it is read, and one sent in chunks as soon as it passes the cap. (A malformed
    Content-Length, such as -1, never gets here: uvicorn answers it 400.)"""
    length = request.headers.get("content-length")
    if length is not None and int(length) > MAX_BODY:
        raise Refused(413, f"the body is {length} bytes; at most {MAX_BODY} are read")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise Refused(413, f"the body is over {MAX_BODY} bytes, the most that is read; send a shorter query")
    return bytes(body)


def _refusal(e: Refused) -> Response:
    """A refusal in one line. The connection closes after it: a body left unread must not be
    taken for the next request."""
    return Response((e.text + "\n").encode("utf-8"), e.status, headers={"Connection": "close"},
                    media_type="text/plain; charset=utf-8")


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _decoded(raw: str, what: str) -> str:
    """A URL's path or query string with its percent-escapes decoded as UTF-8; 400 for a `%` that is
    no escape (%zz) and for bytes that are no UTF-8 (%ff, or %ED%A0%80, a lone surrogate), which
    once came out as replacement characters or a 500."""
    if _BAD_ESCAPE.search(raw):
        raise Refused(400, f"the {what} holds a % that is not a percent-escape (write a % as %25)")
    try:
        return urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, f"the {what} is not UTF-8 once its percent-escapes are decoded") from None


def _parameters(raw: str, where: str) -> list[tuple[str, str]]:
    """Name-value pairs of a URL's query or a form body, read strictly (400 if malformed)."""
    try:
        return urllib.parse.parse_qsl(raw, keep_blank_values=True, strict_parsing=True, encoding="utf-8",
                                      errors="strict", max_num_fields=100)
    except (ValueError, UnicodeDecodeError) as e:
        raise Refused(400, f"the parameters in {where} are malformed ({e})") from None
