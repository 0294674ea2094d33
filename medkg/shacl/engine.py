"""SHACL for any data graph and any shapes graph: the one engine behind `medkg shacl` and `medkg validate`.

Engine is a shapes graph made ready once (refused if no engine can run it, patterns made readable,
Core compiled) and run on one store after another: all nodes or a set of focus nodes, its queries
spread over a thread pool the caller gives. `check` wraps it for one data graph (`medkg shacl`,
the conformance tests); medkg/validate/pipeline.py runs the project's shapes on it and adds what
only the project needs (the ontology in the data graph, the closed vocabulary, the QC checks, run
in the same pool as the SPARQL constraints, --changed).

SHACL Core is compiled to SPARQL (medkg/shacl/core.py) and node shapes' SHACL-SPARQL
constraints run as SPARQL (medkg/shacl/sparql_constraints.py), both on a pyoxigraph store that keeps every
literal as written (medkg/rdf/as_written.py). Whatever the compiler does not understand is
not skipped: the Core shapes then go, with a note saying why, to pySHACL, the reference engine.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from time import perf_counter

import pyoxigraph as ox
from rdflib import RDF, Graph

from medkg.io.parse import rdflib_graph
from medkg.rdf import as_written
from medkg.rdf.namespaces import SH
from medkg.shacl import patterns, pyshacl_reference, sparql_constraints, syntax_rules
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.core import CoreShapes, Unsupported

ENGINES = ("oxigraph", "pyshacl")


@dataclass
class Outcome:
    results: list[ConstraintResult]
    notes: list[str] = field(default_factory=list)
    # The answers of the caller's by-value jobs (Engine.run's `alongside`), in their order, and
    # {the store's form of a literal: the term as written} to read them with.
    alongside: list = field(default_factory=list)
    originals: dict = field(default_factory=dict)
    shape_count: int = 0  # the shapes graph's node and property shapes
    # With Engine.run's `profile`: (job, seconds) for each job, where job is ("core", shape,
    # component), ("sparql", shape, constraint), ("pyshacl",) or ("alongside", index in `alongside`).
    timings: list[tuple[tuple, float]] | None = None

    @property
    def conforms(self) -> bool:
        return not self.results  # SHACL: any result, whatever its severity, means "does not conform"


class _Serial:
    """A stand-in for a thread pool: each job in turn (one small graph gains nothing from threads)."""

    @staticmethod
    def map(function, items):
        return map(function, items)


class Engine:
    """A shapes graph (as rdflib reads it), checked, prepared and compiled once.
    Input no engine can run is refused here, once for both engines (ShapesRefused): see
    syntax_rules.check_graph and patterns.prepared, which also writes \\p{L} in a pattern as the
    class Python's re reads."""

    def __init__(self, shapes: Graph, engine: str = "oxigraph"):
        syntax_rules.check_graph(shapes)
        self.shapes, self._patterns = patterns.prepared(shapes)
        sparql_constraints.refuse_service(self.shapes)
        self.engine = engine
        self.notes: list[str] = []  # said once per engine, in every outcome it gives
        self.compiled: CoreShapes | None = None  # the Core constraints as SPARQL, when every one compiles
        if engine == "oxigraph":
            self.core, self.taken = sparql_constraints.split_shapes(self.shapes)
            try:
                self.compiled = CoreShapes(self.core)
            except Unsupported as e:
                self.notes.append(f"SHACL Core left to pySHACL (the shapes use {e})")
        else:
            self.core, self.taken = self.shapes, []
        kinds = (SH.NodeShape, SH.PropertyShape)
        self.shape_count = len({s for k in kinds for s in shapes.subjects(RDF.type, k)})

    def run(self, store: ox.Store, written: list[ox.Quad] | None = None, focus: set[str] | None = None,
            pool=None, data_graph: Callable[[], Graph] | None = None,
            alongside: Sequence[Callable[[], object]] = (), profile: bool = False) -> Outcome:
        """The results on `store` (built by as_written.build; `written`: the quads it holds under the
        private datatype); with `focus`, for those nodes (IRIs) alone, the results a full run has
        on them. `pool` (a concurrent.futures executor) runs the queries: pyoxigraph releases the
        GIL while it evaluates, so they share the cores. `data_graph` gives the data as rdflib
        reads it, asked for only when pySHACL runs (by default, the store's default graph). `alongside`: the caller's own jobs on the store
        that compare literals by value (the project's QC queries), run in the same pool as the
        SPARQL constraints; their answers are Outcome.alongside. `profile`: time each job (its wall
        time in the pool, where jobs share the cores) into Outcome.timings; off, no job is wrapped."""
        pool = pool or _Serial
        timings: list | None = [] if profile else None
        # Core reads literals as written; the SPARQL constraints compare them by value.
        if self.compiled is not None:
            core = [partial(self._run_check, store, focus, check) for check in self.compiled.checks]
            labels = [("core", check.shape, check.component) for check in self.compiled.checks]
        else:
            core = [partial(self._pyshacl, data_graph or partial(_graph_of, store), focus)]
            labels = [("pyshacl",)]
        # pySHACL, one job, runs in this thread as it always has (not on a pool thread's smaller stack).
        results = _flat((pool.map if self.compiled is not None else map)(_call, _timed(core, labels, timings)))
        with as_written.by_value(store, written) as originals:
            jobs = [partial(sparql_constraints.evaluate, self.shapes, [taken], store, focus, originals)
                    for taken in self.taken]
            labels = [("sparql", *taken) for taken in self.taken] + [("alongside", i) for i in range(len(alongside))]
            answers = list(pool.map(_call, _timed([*jobs, *alongside], labels, timings)))
        results += _flat(answers[: len(jobs)])
        return Outcome(sorted(set(results), key=_order), list(self.notes), answers[len(jobs):], originals,
                       self.shape_count, timings)

    def _run_check(self, store, focus, check) -> list[ConstraintResult]:
        return self.compiled.run_check(check, store, focus)

    def _pyshacl(self, data_graph: Callable[[], Graph], focus: set[str] | None) -> list[ConstraintResult]:
        """pySHACL's results for the Core shapes (all the shapes with the "pyshacl" engine)."""
        data = data_graph()
        general = {}
        found = []
        for r in pyshacl_reference.results(data, self.core):
            if focus is not None and str(r.focus) not in focus:
                continue
            messages = r.messages
            if r.component == SH.SPARQLConstraintComponent:
                # pySHACL adds the node shape's general message to a SPARQL constraint's own; keep
                # the latter, as the compiled engine reports it.
                if r.shape not in general:
                    general[r.shape] = {str(m) for m in self.shapes.objects(r.shape, SH.message)}
                messages = tuple(m for m in messages if m not in general[r.shape]) or messages
            if self._patterns:  # pySHACL's own message quotes the pattern it ran: name the one the shapes hold
                messages = tuple(_restore(m, self._patterns) for m in messages)
            found.append(replace(r, messages=messages))
        return found


def check(data: list[ox.Triple], shapes: Graph, engine: str = "oxigraph") -> Outcome:
    """Validate `data` against `shapes` (both already parsed; the shapes graph as rdflib reads it)."""
    ready = Engine(shapes, engine)
    store, written = as_written.build(data)
    return ready.run(store, written, data_graph=lambda: rdflib_graph(data))


def _graph_of(store: ox.Store) -> Graph:
    """The store's default graph as rdflib reads it, every literal as written."""
    return rdflib_graph([ox.Triple(q.subject, q.predicate, as_written.decode(q.object))
                         for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())])


def _call(job):
    return job()


def _timed(jobs: list, labels: list, timings: list | None) -> list:
    """The jobs as they are where `timings` is None; else each wrapped to append (label, seconds)
    to it (list.append is atomic under the GIL: the pool's threads share the list)."""
    if timings is None:
        return jobs

    def timed(job, label):
        start = perf_counter()
        try:
            return job()
        finally:
            timings.append((label, perf_counter() - start))

    return [partial(timed, job, label) for job, label in zip(jobs, labels, strict=True)]


def _flat(lists) -> list:
    return [item for items in lists for item in items]


def _restore(message: str, originals: dict[str, str]) -> str:
    for translated, original in originals.items():
        message = message.replace(translated, original)
    return message


def _order(r: ConstraintResult):
    return (str(r.focus), str(r.path), str(r.value), str(r.shape), str(r.component), r.messages)
