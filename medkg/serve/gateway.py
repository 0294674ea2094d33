"""The front door of `medkg serve`: an ASGI application (Starlette) served by uvicorn on 127.0.0.1,
passing reads to the query engine (medkg/serve/query_engine.py: worker processes on pipes, no port).

Any web page the user opens can send a GET or a form POST to a server on localhost: so every
request is checked here (one query parameter, no update, one Content-Type, nothing in the URL of a
POST), and every query is bounded and parsed by the engine's worker before it runs (400 if it does
not parse or is too large, 403 for an update or a SERVICE), inside the time limit. What runs is
the text that was checked. Routes, and nothing else:

- /query and /sparql (Oxigraph's editor posted to the second): GET with ?query=, POST of
  application/sparql-query or of a form; default-graph-uri and named-graph-uri pass too, other
  parameters are not passed on;
- / : the query editor (Yasgui, its endpoint fixed to /query: medkg/serve/editor.js), under a
  Content-Security-Policy that lets it run this server's scripts and reach this server only, and
  the editor's own files;
- the site's pages at the paths of the graph's IRIs (/id/baclofen, /claim/..., /index.html): a
  node's path without a suffix is negotiated on Accept (medkg/serve/negotiate.py), with `Vary: Accept`.
Methods: GET and POST on the query routes, GET and HEAD elsewhere; OPTIONS says so (204, Allow),
and any other method is 405 with the same Allow.

Limits (README "Limits of medkg serve"): a request body of at most MAX_BODY bytes, read no further
than that (413); the engine's workers at once, the rest waiting their turn for at most the time
limit (then 503); each answer held whole, at most 16 MiB (507), before anything is sent, so that
one cut by the time limit is a 504 with a message and never a 200 with half a JSON document that a
client would take for a whole one. (A chunked answer with a trailer saying "cut" would stream
instead, but no client the project knows reads trailers: SPARQLWrapper, urllib and browsers ignore
them.) uvicorn holds a backlog of BACKLOG connections and reuses the address, so 200 clients at
once are all answered and a restart does not wait out the last connections.
"""

import logging
import re
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, request_response

from medkg.errors import InputError
from medkg.serve import http_limits, negotiate
from medkg.serve.query_engine import Engine, Refused

QUERY_ROUTES = ("/query", "/sparql")
EDITOR = (Path(__file__).parent / "editor.html").read_bytes()
_YASGUI = Path(__file__).parent / "yasgui"
EDITOR_FILES = {"/editor.js": (Path(__file__).parent / "editor.js", "text/javascript; charset=utf-8"),
                "/yasgui.min.js": (_YASGUI / "yasgui.min.js", "text/javascript; charset=utf-8"),
                "/yasgui.min.css": (_YASGUI / "yasgui.min.css", "text/css; charset=utf-8")}
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 1 << 20  # a query is at most 20,000 characters (sparql_parse.MAX_CHARS): a form of it fits
BACKLOG = 1024  # connections the kernel holds before they are accepted (was 5: resets at 40 clients)
MAX_CONNECTIONS = 1000  # open connections and requests; past it uvicorn answers 503 (but see http_limits: idle ones make room)
TIME_LIMIT = 60  # seconds, medkg serve's --timeout default
QUERY_METHODS = ("GET", "POST")  # a HEAD would run the query for nothing
PAGE_METHODS = ("GET", "HEAD")
# The editor's page may run scripts from this server alone and send requests to it alone: were its
# endpoint ever taken from a link again, the browser would still refuse to post elsewhere, and a
# foreign answer rendered unescaped could not run a script. (Yasgui sets inline styles: allowed.)
EDITOR_POLICY = ("default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
                 "form-action 'self'; frame-ancestors 'none'")

# uvicorn says at WARNING what a client got wrong ("Invalid HTTP request received."): the client
# was answered 400; the terminal of `medkg serve` need not hear it. Errors of the gateway still show.
logging.getLogger("uvicorn.error").setLevel(logging.ERROR)


class Gateway:
    """Listen on 127.0.0.1:`port` (0: a free one) and pass reads to `engine` (None: every query is
    502); `time_limit` seconds for each query's whole answer, waiting and parsing included;
    `send_time` seconds for a client to send its request's head, and again its body (408)."""

    def __init__(self, port: int, engine: Engine | None, site: Path | None = None, time_limit: float = TIME_LIMIT,
                 send_time: float = http_limits.HEAD_TIME, max_connections: int = MAX_CONNECTIONS):
        self.socket = _listen(port)
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            application(engine, site, time_limit, send_time), http=http_limits.protocol(send_time), lifespan="off",
            log_config=None, access_log=False, server_header=False, backlog=BACKLOG, limit_concurrency=max_connections,
            h11_max_incomplete_event_size=http_limits.MAX_HEAD, timeout_keep_alive=http_limits.KEEP_ALIVE,
            timeout_graceful_shutdown=2,
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

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

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


def application(engine: Engine | None, site: Path | None = None, time_limit: float = TIME_LIMIT,
                send_time: float = http_limits.HEAD_TIME) -> Starlette:
    """The gateway as an ASGI application: every path and method to one handler, which routes on
    the path as sent (raw: /%71uery is not /query)."""
    handler = _Handler(engine, site, time_limit, send_time)
    return Starlette(routes=[Route("/{path:path}", _EveryMethod(handler.dispatch))])


class _EveryMethod:
    """The handler as an ASGI application, so that Starlette passes it every method: given a
    function and a list of methods, Starlette answered any other method 405 with that list as Allow
    (it said PUT, DELETE and PATCH were allowed). The handler says what each path allows."""

    def __init__(self, dispatch):
        self.app = request_response(dispatch)

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


class _NotAllowed(Refused):
    """405, with the Allow header listing what the path answers (RFC 9110 15.5.6)."""

    def __init__(self, allowed: tuple[str, ...], text: str):
        super().__init__(405, text)
        self.allowed = allowed


class _Handler:
    def __init__(self, engine: Engine | None, site: Path | None, time_limit: float, send_time: float):
        self.engine, self.site, self.time_limit, self.send_time = engine, site, time_limit, send_time

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
        if "transfer-encoding" in request.headers and "content-length" in request.headers:
            # Two framings of one body: a proxy in front might read the other one (request smuggling).
            raise Refused(400, "the request has both Transfer-Encoding and Content-Length; send one")
        method = request.method
        allowed = QUERY_METHODS if path in QUERY_ROUTES else PAGE_METHODS
        if method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": ", ".join(allowed)})
        if method not in allowed:
            raise _NotAllowed(allowed, "medkg serve is read-only: POST goes to /query only" if method == "POST"
                              else "ask with GET or POST: a HEAD would run the query for nothing" if method == "HEAD"
                              else f"medkg serve is read-only: {method[:20]} is not answered here")
        if path in QUERY_ROUTES:
            return await self._query(request)
        if path == "/":
            return Response(EDITOR, 200, headers={"Content-Security-Policy": EDITOR_POLICY},
                            media_type="text/html; charset=utf-8")
        if path in EDITOR_FILES:
            file, media = EDITOR_FILES[path]
            return Response(file.read_bytes(), 200, media_type=media)
        page = self._page(request, path)
        if page is not None:
            return page
        raise Refused(404, f"{path[:200]} is not here: the pages are at /index.html, "
                      "the endpoint at /query, the editor at /")

    async def _query(self, request: Request) -> Response:
        """Check the request's query (GET ?query=, or a POST's body) and send the checked text on."""
        in_url = _parameters(request.scope.get("query_string", b"").decode("latin-1"), "the URL")
        if request.method == "GET":
            params = in_url
        else:
            if any(name in ("query", "update") for name, _ in in_url):
                raise Refused(400, "a POST carries its query in its body, not in its URL; send one or the other")
            params = in_url + await _body_parameters(request, self.send_time)
        names = [name for name, _ in params]
        if "update" in names:
            raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
        queries = [value for name, value in params if name == "query"]
        if len(queries) != 1:
            raise Refused(400, f"give exactly one query parameter (this request has {len(queries)})")
        if self.engine is None:
            raise Refused(502, "no query engine is behind this gateway; restart medkg serve")
        # The worker bounds and parses the query, refuses an update or a SERVICE, and runs what it
        # parsed; any other parameter (SPARQLWrapper's format=json) is left behind.
        answer = await self.engine.answer({
            "query": queries[0],
            "default_graphs": [v for n, v in params if n == "default-graph-uri"],
            "named_graphs": [v for n, v in params if n == "named-graph-uri"],
            "accept": request.headers.get("accept"),
        }, self.time_limit)
        closing = {} if answer.status == 200 else {"Connection": "close"}
        return Response(answer.body, answer.status, headers=closing, media_type=answer.media_type)

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


async def _body_parameters(request: Request, send_time: float) -> list[tuple[str, str]]:
    kinds = request.headers.getlist("content-type")
    if len(kinds) != 1:
        raise Refused(400, f"give exactly one Content-Type header (this request has {len(kinds)}): "
                      f"application/sparql-query or {FORM}")
    kind = kinds[0].split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        raise Refused(403, "medkg serve is read-only: SPARQL Update is refused")
    if kind not in (FORM, "application/sparql-query"):
        raise Refused(415, f"send the query as application/sparql-query or as a form ({FORM}), not {kind or 'untyped'}")
    body = await _read_body(request, send_time)
    if kind == FORM:
        try:
            return _parameters(body.decode("ascii"), "the body")
        except UnicodeDecodeError:
            raise Refused(400, "a form body is ASCII (percent-encoded)") from None
    try:
        return [("query", body.decode("utf-8"))]
    except UnicodeDecodeError:
        raise Refused(400, "the query is not UTF-8") from None


async def _read_body(request: Request, send_time: float) -> bytes:
    """The body, read no further than MAX_BODY bytes: one that says it is longer is refused before
    a byte of it is read, and one sent in chunks as soon as it passes the cap; one that has not
    arrived whole within `send_time` seconds is 408 (a client that stopped sending held its
    connection for ever). (A malformed Content-Length, such as -1, never gets here: uvicorn
    answers it 400.)"""
    length = request.headers.get("content-length")
    if length is not None and int(length) > MAX_BODY:
        raise Refused(413, f"the body is {length} bytes; at most {MAX_BODY} are read")
    body = bytearray()
    try:
        with anyio.fail_after(send_time):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    raise Refused(413, f"the body is over {MAX_BODY} bytes, the most that is read; send a shorter query")
    except TimeoutError:
        raise Refused(408, f"the request's body did not arrive whole within {send_time:g} s; send it at once") from None
    return bytes(body)


def _refusal(e: Refused) -> Response:
    """A refusal in one line. The connection closes after it: a body left unread must not be
    taken for the next request."""
    headers = {"Connection": "close"}
    if isinstance(e, _NotAllowed):
        headers["Allow"] = ", ".join(e.allowed)
    return Response((e.text + "\n").encode("utf-8"), e.status, headers=headers, media_type="text/plain; charset=utf-8")


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
