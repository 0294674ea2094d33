"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, graph uploads through the Graph Store Protocol.

Every failure becomes an EndpointError with one line saying what happened (exit code 3).
"""

import ast
import json
from contextlib import contextmanager
import socket
import urllib.error
import urllib.parse
import urllib.request

from medkg.errors import ENDPOINT
from medkg.query.results import Results, from_json

DEFAULT_TIMEOUT = 30  # seconds; Oxigraph has no query timeout of its own


class EndpointError(Exception):
    exit_code = ENDPOINT


def query(
    url: str, text: str, form: str = "SELECT", *, timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None
) -> Results:
    """Run a SELECT or ASK query (`form`, as medkg parsed it) by HTTP POST, asking for SPARQL JSON results."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(url, agent="medkg (https://w3id.org/medkg)")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(max(1, timeout)))
    client.setQuery(text)
    # SPARQLWrapper guesses the form with a regex that can match words in comments ("added"
    # reads as ADD, an update, which it would send as one); medkg has parsed the form already.
    client.queryType = form
    if default_graph:
        client.addDefaultGraph(default_graph)
    try:
        with _network_errors(url, timeout):
            body = client.query().response.read()
    except SPARQLWrapperException as e:
        # SPARQLWrapper turns HTTP 400/401/404/414/500 into its own exceptions, with the
        # server's answer appended as a bytes repr; keep the server's words.
        summary, _, response = str(e).partition("\n\nResponse:\n")
        try:
            detail = ast.literal_eval(response).decode("utf-8", "replace") if response else ""
        except (ValueError, SyntaxError, AttributeError):
            detail = response
        detail = f": {_first_line(detail)}" if detail else ""
        raise EndpointError(f"{url}: {_first_line(summary).rstrip('. ')}{detail}") from None
    try:
        return from_json(json.loads(body))
    except (ValueError, KeyError) as e:
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results ({e}); is this a SPARQL query endpoint?") from None


def put_graph(url: str, graph: str | None, ntriples: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Replace one graph of a Graph Store Protocol endpoint with the given N-Triples, in one request.

    A PUT replaces the graph as a whole: if it fails, the store keeps the graph it had.
    Returns the HTTP status.
    """
    target = url + ("&" if "?" in url else "?") + (
        "graph=" + urllib.parse.quote(graph, safe="") if graph else "default"
    )
    request = urllib.request.Request(
        target, data=ntriples, method="PUT", headers={"Content-Type": "application/n-triples"}
    )
    with _network_errors(url, timeout), urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


@contextmanager
def _network_errors(url: str, timeout: float):
    """Turn what HTTP and the network can throw into one EndpointError line."""
    try:
        yield
    except urllib.error.HTTPError as e:
        raise EndpointError(f"{url}: HTTP {e.code} {e.reason}: {_first_line(_body(e))}") from None
    except (TimeoutError, socket.timeout):
        raise EndpointError(f"{url}: no answer within {timeout:g} s (raise --timeout, or check the endpoint)") from None
    except urllib.error.URLError as e:
        raise EndpointError(f"{url}: {_reason(e.reason, timeout)}") from None
    except OSError as e:
        raise EndpointError(f"{url}: {_reason(e, timeout)}") from None


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
