"""SHACL for any data graph and any shapes graph: the engine behind `medkg shacl`.

`medkg validate` does not call it: medkg/validate/pipeline.py assembles the same parts for the
project's own shapes (sparql_constraints.split_shapes, core.CoreShapes, sparql_constraints.evaluate, pyshacl_reference.py), and adds
what only the project needs: the ontology in the data graph, file:line locations, the closed
vocabulary, the QC checks, --changed, and each query run in parallel.

SHACL Core is compiled to SPARQL (medkg/shacl/core.py) and node shapes' SHACL-SPARQL
constraints run as SPARQL (medkg/shacl/sparql_constraints.py), both on a pyoxigraph store that keeps every
literal as written (medkg/rdf/as_written.py). Whatever the compiler does not understand is
not skipped: the Core shapes then go, with a note saying why, to pySHACL, the reference engine.
"""

from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph

from medkg.io.parse import rdflib_graph
from medkg.rdf import as_written
from medkg.shacl import patterns, pyshacl_reference, sparql_constraints, syntax_rules
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.core import CoreShapes, Unsupported


@dataclass
class Outcome:
    results: list[ConstraintResult]
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.results  # SHACL: any result, whatever its severity, means "does not conform"


def check(data: list[ox.Triple], shapes: Graph, engine: str = "oxigraph") -> Outcome:
    """Validate `data` against `shapes` (both already parsed; the shapes graph as rdflib reads it).
    Input no engine can run is refused here, once for both (ShapesRefused): see syntax_rules.check_graph
    and patterns.prepared, which also writes \\p{L} in a pattern as the class Python's re reads."""
    syntax_rules.check_graph(shapes)
    shapes, originals = patterns.prepared(shapes)
    sparql_constraints.refuse_service(shapes)
    if engine == "pyshacl":
        results = pyshacl_reference.results(rdflib_graph(data), shapes)
        if originals:  # pySHACL's own message quotes the pattern it ran: name the one the shapes hold
            results = [replace(r, messages=tuple(_restore(m, originals) for m in r.messages)) for r in results]
        return Outcome(results)
    notes = []
    core_shapes, taken = sparql_constraints.split_shapes(shapes)
    store, written = as_written.build(data)
    try:
        compiled = CoreShapes(core_shapes)
    except Unsupported as e:
        notes.append(f"SHACL Core left to pySHACL (the shapes use {e})")
        results = pyshacl_reference.results(rdflib_graph(data), core_shapes)
    else:
        results = compiled.run(store)
    # SPARQL compares literals by value: "05" is 5 there, as in any SPARQL engine.
    with as_written.by_value(store, written) as originals:
        results += sparql_constraints.evaluate(shapes, taken, store, originals=originals)
    return Outcome(sorted(set(results), key=_order), notes)


def _restore(message: str, originals: dict[str, str]) -> str:
    for translated, original in originals.items():
        message = message.replace(translated, original)
    return message


def _order(r: ConstraintResult):
    return (str(r.focus), str(r.path), str(r.value), str(r.shape), str(r.component), r.messages)
