"""Single measured tasks, each run as its own process by benchmarks/run.py (cold, like a user).

    python benchmarks/tasks.py parse-rdflib DIR
    python benchmarks/tasks.py parse-oxigraph DIR
    python benchmarks/tasks.py queries ENGINE DIR [URL]   # ENGINE: rdflib | oxigraph | server; prints JSON
"""

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEATS = 5  # timed runs per query, after one warm-up
# On the synthetic graphs, a researcher's question about one drug (or its article): the terms
# bound to each catalogue parameter for the "one drug" timings.
ONE_DRUG = {"drug": "https://w3id.org/medkg/id/syn-drug-0", "article": "https://w3id.org/medkg/id/syn-article-0",
            "entity": "https://w3id.org/medkg/id/syn-condition-0"}


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ttl"))


def parse_rdflib(folder: Path) -> None:
    import rdflib

    graph = rdflib.Graph()
    for f in files(folder):
        graph.parse(f, format="turtle")
    print(len(graph))


def parse_oxigraph(folder: Path) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    for f in files(folder):
        store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE)
    print(len(store))


def queries(engine: str, folder: Path, url: str | None = None) -> None:
    """Latency of every catalogue query on one engine, in milliseconds: as the example catalogue
    runs it (every parameter left open but the required ones), and, on the synthetic graphs,
    with every parameter bound to one drug ("one drug")."""
    from medkg.io.parse import load, load_ontology, to_rdflib
    from medkg.query import catalogue
    from medkg.query.run import prepare, run_local, run_remote

    triples = load([folder]).triples + load_ontology().triples
    if engine == "rdflib":
        import rdflib

        graph = rdflib.Graph()
        for t in triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        run = lambda q, b: len(list(graph.query(prepare(q, b).text)))  # noqa: E731
    elif engine == "oxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        run = lambda q, b: len(run_local(q, b, store).rows)  # noqa: E731
    elif engine == "stream":  # `medkg query --format csv`: pyoxigraph's own serializer, no Python rows
        import pyoxigraph as ox

        from medkg.query.run import serialize_local

        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        run = lambda q, b: serialize_local(q, b, "csv", store).count(b"\r\n") - 1  # noqa: E731 (rows: lines after the header)
    else:
        run = lambda q, b: len(run_remote(q, b, url, timeout=600).rows)  # noqa: E731
    synthetic = folder.name != "data"
    out = {}
    for name, q in catalogue.catalogue().items():
        whole = {n: ONE_DRUG[n] for n, p in q.params.items() if p.required} if synthetic else q.example
        out[name] = _time(run, q, whole)
        if synthetic and q.params:
            out[name + " (one drug)"] = _time(run, q, {n: ONE_DRUG[n] for n in q.params})
    print(json.dumps(out))


def _time(run, q, bindings) -> dict:
    rows = run(q, bindings)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run(q, bindings)
        times.append((time.perf_counter() - start) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "rows": rows}


if __name__ == "__main__":
    task, *args = sys.argv[1:]
    {"parse-rdflib": lambda: parse_rdflib(Path(args[0])), "parse-oxigraph": lambda: parse_oxigraph(Path(args[0])),
     "queries": lambda: queries(args[0], Path(args[1]), args[2] if len(args) > 2 else None)}[task]()
