"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, and the bounded exchange every request goes through.

Every failure becomes an EndpointError with one line saying what happened (exit code 3).

Bounded: `timeout` is a wall-clock limit on the whole exchange (connect, headers, body), not on
each socket read, so a server that trickles a byte every few seconds cannot stretch it; and an
answer is read up to `max_bytes`, no further. SPARQLWrapper builds the request (its protocol
handling: method, headers, default graphs); medkg opens it with its own bounded opener, since
SPARQLWrapper's own call gives urllib a per-read timeout and reads the body whole.
"""

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

from medkg.errors import EndpointError
from medkg.query.results import Results, from_json
from medkg.rdf.namespaces import BASE

DEFAULT_TIMEOUT = 30  # seconds
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # an answer larger than this is refused, not read into memory


def query(
    url: str, text: str, form: str = "SELECT", *, timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Results:
    """Run a SELECT or ASK query (`form`, as medkg parsed it) by HTTP POST, asking for SPARQL JSON results."""
    body = exchange(url, protocol_request(url, text, form, default_graph), timeout, max_bytes)
    try:
        answer = json.loads(body)
        if not isinstance(answer, dict):
            raise ValueError(f"a JSON {type(answer).__name__}, not an object")
        return from_json(answer)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results ({e}); is this a SPARQL query endpoint?") from None


def protocol_request(url: str, text: str, form: str, default_graph: str | None = None) -> urllib.request.Request:
    """The SPARQL 1.1 Protocol request for a query, as SPARQLWrapper builds it: a POST of the
    URL-encoded form (query=, default-graph-uri=), Accept: SPARQL JSON results, medkg's User-Agent.

    The one use of a private name of SPARQLWrapper, on purpose. Its public call, query(), opens the
    request itself: urlopen with a per-read socket timeout (a server trickling a byte at a time
    stretches it without end), and on an HTTP error it reads the error body whole; medkg needs a
    deadline on the whole exchange and a size cap on what it reads (exchange). SPARQLWrapper 2.0
    offers no public way to get the request without sending it, so medkg asks _createRequest(), the
    method query() itself calls, and sends the request with its own opener. pyproject.toml pins
    SPARQLWrapper to 2.0.x, and tests/test_endpoint_faults.py checks that the request has the method,
    headers and body the protocol needs, so a release that changes them fails there, not at a user's.
    """
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(url, agent=f"medkg ({BASE})")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(text)
    # SPARQLWrapper guesses the form with a regex that can match words in comments ("added"
    # reads as ADD, an update, which it would send as one); medkg has parsed the form already.
    client.queryType = form
    if default_graph:
        client.addDefaultGraph(default_graph)
    return client._createRequest()


class _Deadline:
    """A wall-clock end for one exchange: each connection gets the time left as its socket timeout,
    and a timer shuts every socket down at the deadline, which ends any read blocked on it."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return max(0.001, self.end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    def bounded(base):
        class Connection(base):
            def connect(self):
                self.timeout = deadline.left()
                super().connect()
                deadline.watch(self.sock)
        return Connection

    plain, secure = bounded(http.client.HTTPConnection), bounded(http.client.HTTPSConnection)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(plain, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(secure, req, context=self._context)

    return urllib.request.build_opener(Handler, SecureHandler)


def exchange(url: str, request: urllib.request.Request, timeout: float, max_bytes: int, status: list | None = None,
             server: list | None = None) -> bytes:
    """Send the request and read the answer, all of it within `timeout` and `max_bytes`. `status`
    and `server`, where given, get the HTTP status and the Server header ("" if none) appended.
    An answer the server marks as partial is an EndpointError (see partial_answer)."""
    deadline = _Deadline(timeout)
    try:
        with _network_errors(url, timeout, deadline), _opener(deadline).open(request, timeout=deadline.left()) as response:
            if status is not None:
                status.append(response.status)
            if server is not None:
                server.append(response.headers.get("Server", ""))
            if why := partial_answer(response.status, response.headers):
                raise EndpointError(f"{url}: {why}")
            chunks, size = [], 0
            while chunk := response.read(min(1 << 16, max_bytes + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise EndpointError(f"{url}: the answer is larger than {max_bytes:,} bytes; "
                                        "raise --max-bytes, or ask for less (LIMIT, a parameter)")
            if deadline.expired:
                raise TimeoutError
            if response.length:  # bytes its Content-Length promised that never came
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            return b"".join(chunks)
    finally:
        deadline.cancel()


def partial_answer(status: int, headers) -> str | None:
    """Why an answer is not the whole of it, or None. Virtuoso's "anytime" queries: past its
    MaxQueryExecutionTime or ResultSetMaxRows it answers with the rows it has so far, marked by
    HTTP 206 (newer releases) or an X-SQL-State header (S1TAT), and a check taking them for the whole
    answer would report wrong findings (an anti-join's cut inner side leaves every row unmatched)."""
    state = headers.get("X-SQL-State")
    if status != 206 and not state:
        return None
    said = f" ({state}: {headers.get('X-SQL-Message', '')})" if state else ""
    return (f"the server sent a partial answer{said}, cut by its own time or row limit; raise them (Virtuoso: "
            "MaxQueryExecutionTime and ResultSetMaxRows under [SPARQL] in virtuoso.ini)")


@contextmanager
def _network_errors(url: str, timeout: float, deadline: _Deadline):
    """Turn what HTTP and the network can throw into one EndpointError line. Past the deadline,
    whatever broke (the timer shut the socket) is the time limit."""
    try:
        yield
    except EndpointError:
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
        if deadline.expired or isinstance(e, TimeoutError):
            raise EndpointError(f"{url}: no answer within {timeout:g} s (raise --timeout, or check the endpoint)") from None
        raise EndpointError(f"{url}: {_describe(e, timeout)}") from None


def _describe(e: Exception, timeout: float) -> str:
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code} {e.reason}: {_first_line(_body(e))}"
    if isinstance(e, http.client.IncompleteRead):
        return f"the answer stopped short of its Content-Length ({len(e.partial):,} bytes, {e.expected:,} more expected)"
    if isinstance(e, (http.client.HTTPException, ValueError)):  # a malformed status line or header, a bad URL
        return f"not an HTTP answer a SPARQL endpoint gives ({type(e).__name__}: {e})"
    return _reason(e.reason if isinstance(e, urllib.error.URLError) else e, timeout)


def _reason(reason, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "cannot connect (connection refused): is the server running, and on this port?"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve the host name ({reason.strerror})"
    return f"cannot reach the endpoint ({reason})"


def _body(error: urllib.error.HTTPError) -> str:
    try:
        return error.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else "(no details)"
