"""`medkg load`: replace a graph of a SPARQL server with the project's triples (Graph Store Protocol)."""

import urllib.parse
import urllib.request

from medkg.endpoint.client import DEFAULT_TIMEOUT, exchange


def put_graph(url: str, graph: str | None, ntriples: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> int:
    """Replace one graph of a Graph Store Protocol endpoint with the given N-Triples, in one request.

    A PUT replaces the graph as a whole: if it fails, the store keeps the graph it had.
    `graph` None replaces the default graph (the CLI asks for that explicitly). Returns the HTTP status.
    """
    target = url + ("&" if "?" in url else "?") + (
        "graph=" + urllib.parse.quote(graph, safe="") if graph else "default"
    )
    request = urllib.request.Request(
        target, data=ntriples, method="PUT", headers={"Content-Type": "application/n-triples"}
    )
    status = []
    exchange(url, request, timeout, 1024 * 1024, status)
    return status[0]
