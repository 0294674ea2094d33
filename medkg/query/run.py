"""Run a catalogue query on the local graph (pyoxigraph) or on a remote SPARQL endpoint.

The local graph is the data plus the ontology, in the default graph: queries need the
ontology's labels and subclass links (a medkg:RiskClaim is a medkg:Claim). `medkg serve` and
`medkg load` publish the same triples, so a query gives the same answer everywhere.
"""

import io

import pyoxigraph as ox

from medkg.endpoint import client as endpoint
from medkg.errors import EndpointError, InputError
from medkg.io.parse import load_data, load_ontology
from medkg.query.catalogue import Query, bind, parse, with_registry_prefixes, without_header
from medkg.query.results import Results, from_oxigraph_solutions
from medkg.rdf.namespaces import GRAPH
from medkg.rdf.sparql_parse import Parsed
from medkg.worker import bounded


def graph_triples() -> list[ox.Triple]:
    return load_data().triples + load_ontology().triples


def local_store(triples: list[ox.Triple] | None = None) -> ox.Store:
    """`triples` (default: the embedded graph, data and ontology) in a store."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in (graph_triples() if triples is None else triples))
    return store


def prepare(query: Query, params: dict[str, str], *, allow_service: bool = False) -> Parsed:
    """The text to run, as the parser read it (medkg/rdf/sparql_parse.py): a read, with a tabular
    answer, and no SERVICE unless allowed."""
    parsed = parse(query, with_registry_prefixes(bind(query, params)), allow_service=allow_service)
    if parsed.form not in ("SELECT", "ASK"):
        raise InputError(f"{query.name}: only SELECT and ASK queries have tabular answers; this is a {parsed.form}")
    return parsed


class QueryTimeout(EndpointError):
    """The local engine did not finish within --timeout (exit 3, like an endpoint that does not answer)."""


def run_local(query: Query, params: dict[str, str], store: ox.Store | None = None, *,
              timeout: float | None = None, allow_service: bool = False) -> Results:
    """Run on the local graph. With `timeout`, the query runs in a worker thread (pyoxigraph lets go of
    the GIL) while this thread waits, so that the time limit and Ctrl-C both stop the wait at once."""
    return _evaluate(query, params, store, from_oxigraph_solutions, timeout=timeout, allow_service=allow_service)


# The SPARQL 1.1 results formats pyoxigraph writes itself (same bytes as medkg's own writer for
# CSV, the same terms for TSV and JSON: tests/test_query_streaming.py holds them to it).
STREAMED = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}


def serialize_local(query: Query, params: dict[str, str], fmt: str, store: ox.Store | None = None, *,
                    timeout: float | None = None, allow_service: bool = False) -> bytes:
    """The answer in a SPARQL results format (a key of STREAMED), written by the engine's own
    serializer: no Python object per row, which cost a whole-graph answer more than the query
    did (benchmarks: µs per row). The bytes are collected before any is printed, so a query that
    fails or runs out of time prints nothing, not half an answer."""

    def write(solutions) -> bytes:
        out = io.BytesIO()
        solutions.serialize(out, STREAMED[fmt])
        return out.getvalue()

    return _evaluate(query, params, store, write, timeout=timeout, allow_service=allow_service)


def _evaluate(query: Query, params: dict[str, str], store: ox.Store | None, read, *,
              timeout: float | None, allow_service: bool):
    store = store or local_store()

    def evaluate():
        # Parsed here, inside the time limit: rdflib's parse of a long query once took 18 s of a
        # --timeout 1 (medkg/rdf/sparql_bounds.py now bounds it first).
        text = prepare(query, params, allow_service=allow_service).text
        try:
            return read(store.query(text))
        except SyntaxError as e:
            failure = InputError(f"{query.path}: SPARQL syntax error: {e}")
        except OSError as e:  # a SERVICE call (allowed, then failed) comes as OSError: exit 3
            failure = EndpointError(f"{query.path}: the query failed: {e}")
        # Raised outside the handler: the engine's exception, whose frames hold pyoxigraph's
        # solutions, dies in this thread (pyoxigraph refuses to drop them in another).
        raise failure

    if timeout is None:
        return evaluate()
    return bounded(evaluate, timeout, name="medkg-query", on_timeout=lambda: QueryTimeout(
        f"{query.name}: the query did not finish within {timeout:g} s (raise --timeout, or bind a parameter to ask for less)"))


def run_remote(query: Query, params: dict[str, str], url: str, *, timeout: float, default_graph: str | None = None,
               max_bytes: int = endpoint.DEFAULT_MAX_BYTES) -> Results:
    # Only the query goes over the wire, not the catalogue's `#+` header. The endpoint decides
    # whether it answers SERVICE.
    parsed = prepare(query, params, allow_service=True)
    return endpoint.query(url, without_header(parsed.text), parsed.form, timeout=timeout, default_graph=default_graph,
                          max_bytes=max_bytes)


def ntriples() -> bytes:
    """The whole graph (data and ontology) as sorted N-Triples, for uploads."""
    lines = sorted({f"{t} ." for t in graph_triples()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def named_graphs_hint(url: str, *, timeout: float) -> str | None:
    """Why a query on an endpoint may have found nothing: the data is in named graphs and the
    default graph is (nearly) empty. A sentence pointing at --default-graph, or None."""
    probe = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3"
    try:
        graphs = endpoint.query(url, probe, "SELECT", timeout=timeout).rows
    except EndpointError:
        return None  # the hint is a courtesy: never a second failure
    if not graphs:
        return None
    names = ", ".join(sorted({str(row[0].value) for row in graphs}))
    return (f"no rows; the store keeps its data in named graphs ({names}, ...): query one with "
            f"--default-graph IRI (medkg load fills {GRAPH})")
