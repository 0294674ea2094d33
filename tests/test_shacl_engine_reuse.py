"""The SHACL engine as both commands use it (medkg/shacl/engine.py, Engine): compiled once and run on
one store after another, on all nodes or a focus set, serially or in a thread pool, with the
caller's by-value jobs (the project's QC queries) beside it: the results check() gives."""

from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from medkg.rdf import as_written
from medkg.shacl import engine
from tests.material import FIXTURES
from tests.w3c_suite import cases

CASES = cases(FIXTURES / "shacl")


@pytest.mark.parametrize("engine_name", ["oxigraph", "pyshacl"])
def test_one_engine_serves_every_case_of_its_shapes_graph_as_check_does(engine_name):
    for case in CASES:
        ready = engine.Engine(case.shapes, engine_name)
        expected = engine.check(case.data, case.shapes, engine_name).results
        assert expected, case.name
        for _ in range(2):  # the same engine again, on a store of its own: nothing kept from the last run
            store, written = as_written.build(case.data)
            assert ready.run(store, written).results == expected, case.name


def test_a_focus_set_gives_the_full_run_s_results_on_those_nodes():
    for case in CASES:
        ready = engine.Engine(case.shapes)
        store, written = as_written.build(case.data)
        full = ready.run(store, written).results
        for node in sorted({str(r.focus) for r in full}):
            assert ready.run(store, written, focus={node}).results == [r for r in full if str(r.focus) == node], \
                (case.name, node)
        assert ready.run(store, written, focus={"http://example.org/nothing-here"}).results == []


def test_a_thread_pool_gives_the_serial_results_and_the_caller_s_jobs_see_values():
    case = next(c for c in CASES if c.name == "datatype")  # ex:c ex:p 05: held as written, read by value
    ready = engine.Engine(case.shapes)
    store, written = as_written.build(case.data)
    assert written, "the case must hold a literal the store would change"
    serial = ready.run(store, written)

    def values():
        return sorted((row["o"] for row in store.query("SELECT ?o { <http://example.org/c> <http://example.org/p> ?o }")), key=str)

    with ThreadPoolExecutor(max_workers=2) as pool:
        pooled = ready.run(store, written, pool=pool, alongside=[values, lambda: "second"])
    assert pooled.results == serial.results
    [by_value, second] = pooled.alongside
    assert second == "second"
    five = ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert five in by_value and pooled.originals[five].value == "05"  # by value in the job, as written after
    assert values() != by_value  # the store holds the literal as written again


SPARQL_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ a sh:SPARQLConstraint ;
    sh:message "no label" ; sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this <http://example.org/label> ?l } }" ] ."""


def test_a_constraint_s_query_text_is_made_once_and_let_go_with_its_shapes_graph():
    """validate --watch prepared every SHACL-SPARQL text again on each save (half a one-drug save at
    ~1 M triples); they are kept per shapes graph, and only while the graph lives (a test run makes
    hundreds of graphs of 286 shapes)."""
    import gc
    import weakref

    from rdflib import Graph

    from medkg.shacl import sparql_constraints

    shapes = Graph().parse(data=SPARQL_SHAPES, format="turtle")
    _, taken = sparql_constraints.split_shapes(shapes)
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("http://example.org/C")))
    first = sparql_constraints.evaluate(shapes, taken, store)
    prepared = sparql_constraints._PREPARED[id(shapes)][1]
    assert len(first) == 1 and len(prepared) == 1
    texts = dict(prepared)
    assert sparql_constraints.evaluate(shapes, taken, store) == first and prepared == texts, "made once"
    assert sparql_constraints.evaluate(shapes, taken, store, only={"http://example.org/a"}) == first
    assert len(prepared) == 2, "the focused form (anti-joins as NOT EXISTS) apart"
    alive, key = weakref.ref(shapes), id(shapes)
    del shapes, taken, prepared, texts
    gc.collect()
    assert alive() is None and key not in sparql_constraints._PREPARED
