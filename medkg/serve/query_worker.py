"""One query worker of `medkg serve` (medkg/serve/query_engine.py starts them): a process that opens the
graph's store read-only and answers, one at a time, the requests its parent writes to its stdin.

It listens on no port: its stdin and stdout are pipes to the gateway, so nothing but the gateway
can ask it anything. Each request is checked here, as `medkg query` checks a query (bounded, then
parsed: medkg/rdf/sparql_parse.py), and only the text that was checked is run. The gateway kills
the process at the time limit: the parse and the query both stop there, which a thread could not.

The exchange, in both directions: one line of JSON, then (answers only) that many bytes of body.
A request: {"query", "default_graphs", "named_graphs", "accept"}; an answer: {"status", "type",
"length"}, where a refusal's body is one line of text saying why.

Its memory is bounded (RLIMIT_DATA, set before the store is opened): a join of the whole graph
with itself, sorted, grew one worker past 3 GB. Past the bound an allocation fails: the engine
(Rust) then aborts the process, which the gateway answers 507 and replaces; Python's MemoryError
is the same 507 from here.
"""

import io
import json
import os
import resource
import sys
import threading
import time

import pyoxigraph as ox

from medkg.rdf.sparql_parse import PARSE_STACK, SparqlRefused, read
from medkg.serve import negotiate

MAX_ANSWER = 16 << 20  # the whole graph as N-Triples is under 1 MB; see the README's limits
TEXT = "text/plain; charset=utf-8"


_NO_OPERATION = frozenset({"Update", "PrefixDecl", "Base"})  # what an update with no operation is made of


class _TooLarge(Exception):
    pass


class _Capped(io.RawIOBase):
    """Where the engine writes an answer: refuses to hold more than MAX_ANSWER bytes."""

    def __init__(self):
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        self.data += chunk
        if len(self.data) > MAX_ANSWER:
            raise _TooLarge
        return len(chunk)


class Refusal(Exception):
    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status, self.text = status, text


def answer(store: ox.Store, request: dict) -> tuple[int, str, bytes]:
    """(status, media type, body) for one request."""
    try:
        parsed = read(request["query"])
    except SparqlRefused as e:
        raise Refusal(400, str(e)) from None
    if parsed.update and parsed.names <= _NO_OPERATION:  # "", a comment, a PREFIX alone: an empty update
        raise Refusal(400, "no query: the text holds no SELECT, ASK, CONSTRUCT or DESCRIBE (only blanks, comments "
                      "or PREFIX/BASE lines); send a query")
    if parsed.update:
        raise Refusal(403, "medkg serve is read-only: SPARQL Update is refused")
    if parsed.service:
        raise Refusal(403, "SERVICE is refused by medkg serve: it would make this server fetch from other servers")
    graphs = {}
    if request.get("default_graphs"):
        graphs["default_graph"] = [_graph(g, "default-graph-uri") for g in request["default_graphs"]]
    if request.get("named_graphs"):
        graphs["named_graphs"] = [_graph(g, "named-graph-uri") for g in request["named_graphs"]]
    try:
        results = store.query(parsed.text, **graphs)
    except (SyntaxError, ValueError) as e:
        raise Refusal(400, f"the query does not run: {_one_line(e)}") from None
    media, fmt = negotiate.result_format(request.get("accept"), isinstance(results, ox.QueryTriples))
    out = _Capped()
    try:
        results.serialize(out, fmt)
    except _TooLarge:
        raise Refusal(507, f"the answer is over {MAX_ANSWER >> 20} MiB, more than medkg serve holds for one "
                      "query; ask for less (a LIMIT, fewer variables, or COUNT)") from None
    except OSError as e:
        raise Refusal(500, f"the query failed: {_one_line(e)}") from None
    return 200, media, bytes(out.data)


def _graph(iri: str, parameter: str) -> ox.NamedNode:
    """A graph's name from the request: an absolute IRI, else 400 (it was a 500 from the engine)."""
    try:
        return ox.NamedNode(iri)
    except ValueError as e:
        raise Refusal(400, f"{parameter} {iri[:200]!r} is not an absolute IRI ({_one_line(e)}); "
                      "name a graph as <http://...> names it, without the brackets") from None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__


def _orphaned(parent: int) -> None:
    """Exit when the gateway's process is gone (killed with -9, say), even in the middle of a query."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def over_memory(memory_mib: int) -> str:
    return (f"the query needed more than the {memory_mib} MiB of memory a query worker has; nothing of its answer "
            "is sent. Narrow it (a LIMIT does not bound an ORDER BY or a join), or raise medkg serve --memory")


def main(location: str, memory_mib: int) -> None:
    threading.Thread(target=_orphaned, args=(os.getppid(),), daemon=True).start()
    # Heap and private mappings, what a query grows; the parse's thread stack is reserved on top
    # (it is mapped, so counted, though a parse touches little of it, and unmapped before the query runs).
    limit = (memory_mib << 20) + PARSE_STACK
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    store = ox.Store.read_only(location)
    # The answers get a descriptor of their own, and anything else written to stdout (a library's
    # print) goes to stderr: a stray line in the pipe would be read as an answer's head.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    answers.write(b'{"ready": true}\n')
    answers.flush()
    for line in requests:
        try:
            status, media, body = answer(store, json.loads(line))
        except MemoryError:
            status, media, body = 507, TEXT, (over_memory(memory_mib) + "\n").encode()
        except negotiate.NotAcceptable as e:
            status, media, body = 406, TEXT, f"the answer is available as {e}; ask for one of them in Accept\n".encode()
        except Refusal as e:
            status, media, body = e.status, TEXT, (e.text + "\n").encode("utf-8")
        except Exception as e:  # noqa: BLE001 (the engine's own failure: said in one line, and the worker lives on)
            status, media, body = 500, TEXT, f"the query failed in the engine: {_one_line(e)}\n".encode()
        answers.write(json.dumps({"status": status, "type": media, "length": len(body)}).encode() + b"\n")
        answers.write(body)
        answers.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
