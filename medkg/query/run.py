"""Run a catalogue query on the local graph (pyoxigraph) or on a remote SPARQL endpoint.

The local graph is the data plus the ontology, in the default graph: queries need the
ontology's labels and subclass links (a medkg:RiskClaim is a medkg:Claim). `medkg serve` and
`medkg load` publish the same triples, so a query gives the same answer everywhere.
"""

import pyoxigraph as ox

from medkg.query import endpoint
from medkg.query.catalogue import Query, bind, refuse_updates, without_header
from medkg.errors import InputError
from medkg.io.load import load_data, load_ontology
from medkg.query.results import Results, from_oxigraph_solutions


def graph_triples() -> list[ox.Triple]:
    return load_data().triples + load_ontology().triples


def local_store() -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph_triples())
    return store


def prepare(query: Query, params: dict[str, str]) -> str:
    refuse_updates(query)
    if query.form not in ("SELECT", "ASK"):
        raise InputError(f"{query.name}: only SELECT and ASK queries have tabular answers; this is a {query.form}")
    return bind(query, params)


def run_local(query: Query, params: dict[str, str], store: ox.Store | None = None) -> Results:
    text = prepare(query, params)
    try:
        solutions = (store or local_store()).query(text)
    except SyntaxError as e:
        raise InputError(f"{query.path}: SPARQL syntax error: {e}") from None
    return from_oxigraph_solutions(solutions)


def run_remote(query: Query, params: dict[str, str], url: str, *, timeout: float, default_graph: str | None = None,
               max_bytes: int = endpoint.DEFAULT_MAX_BYTES) -> Results:
    # Only the query goes over the wire, not the catalogue's `#+` header.
    text = without_header(prepare(query, params))
    return endpoint.query(url, text, query.form, timeout=timeout, default_graph=default_graph, max_bytes=max_bytes)


def ntriples() -> bytes:
    """The whole graph (data and ontology) as sorted N-Triples, for uploads."""
    lines = sorted({f"{t} ." for t in graph_triples()})
    return ("\n".join(lines) + "\n").encode("utf-8")
