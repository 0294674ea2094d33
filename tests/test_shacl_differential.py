"""The default SHACL engine against pySHACL on random small shapes and data graphs
(tests/shacl_fuzz.py): the same results, case after case. `make test` runs a bounded number of
seeds; `make fuzz` runs many more (FUZZ_CASES). Disagreements found become fixtures in
tests/fixtures/shacl-found/, with the results the standard expects. The same seeds and fixtures go
through the validate pipeline too (the command curators run), which must find what
`medkg shacl`'s entry point finds."""

import os

import pytest

from medkg.errors import ShapesRefused
from medkg.io.parse import rdflib_graph as _graph
from medkg.shacl import engine
from medkg.shacl.finding import report_of
from tests import shacl_fuzz
from tests.material import FIXTURES
from tests.w3c_suite import _path, _structure, cases, findings, mismatch, through_validate

CASES = int(os.environ.get("FUZZ_CASES", "200"))
# Through the validate pipeline each seed costs about as much as on the engine alone (35 ms): make
# fuzz's 20,000 would add minutes to a run whose point is the comparison with pySHACL.
PIPELINE_CASES = min(CASES, 2000)
FOUND = cases(FIXTURES / "shacl-found")


def _keys(outcome, shapes, world) -> set:
    return {(_structure(world, r.focus), _path(shapes, r.path), _structure(world, r.shape), r.component,
             _structure(world, r.value), r.severity) for r in outcome.results}


def test_the_default_engine_agrees_with_pyshacl_on_random_graphs():
    compared, refused, disagreements = 0, 0, []
    for seed in range(CASES):
        data_text, shapes_text = shacl_fuzz.case(seed)
        data, shapes_triples = shacl_fuzz.triples(data_text), shacl_fuzz.triples(shapes_text)
        shapes, world = _graph(shapes_triples), _graph(data + shapes_triples)
        try:
            reference = engine.check(data, shapes, "pyshacl")
        except ShapesRefused:  # pySHACL stops (sh:lessThan on a blank node): see tests/fixtures/shacl-found
            refused += 1
            continue
        ours = engine.check(data, shapes)
        compared += 1
        if _keys(ours, shapes, world) != _keys(reference, shapes, world):
            disagreements.append(seed)
    assert not disagreements, f"seeds where the engines disagree (python -c 'from tests.shacl_fuzz import case; " \
                              f"print(*case(SEED))' shows one): {disagreements[:20]}"
    assert compared >= 0.9 * CASES, (compared, refused)


def test_the_generator_reaches_the_compiled_path_and_finds_results():
    """A differential run is only worth what it exercises: most cases compile, most give results."""
    compiled = with_results = 0
    for seed in range(100):
        data_text, shapes_text = shacl_fuzz.case(seed)
        try:
            outcome = engine.check(shacl_fuzz.triples(data_text), _graph(shacl_fuzz.triples(shapes_text)))
        except ShapesRefused:  # sent to pySHACL, which stopped (sh:lessThan on a blank node)
            continue
        compiled += not outcome.notes
        with_results += bool(outcome.results)
    assert compiled >= 80 and with_results >= 60, (compiled, with_results)


@pytest.mark.parametrize("engine_name", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", FOUND, ids=[c.name for c in FOUND])
def test_found_case(case, engine_name):
    if engine_name == "pyshacl" and "# pySHACL cannot" in case.file.read_text(encoding="utf-8"):
        with pytest.raises(ShapesRefused):
            engine.check(case.data, case.shapes, engine_name)
        return
    assert mismatch(case, engine.check(case.data, case.shapes, engine_name)) == ""


def test_the_validate_pipeline_finds_what_medkg_shacl_finds_on_random_graphs():
    compared = 0
    for seed in range(PIPELINE_CASES):
        data_text, shapes_text = shacl_fuzz.case(seed)
        data, shapes = shacl_fuzz.triples(data_text), _graph(shacl_fuzz.triples(shapes_text))
        try:
            checked = engine.check(data, shapes)
        except ShapesRefused:  # sent to pySHACL, which stopped: the pipeline must stop the same way
            with pytest.raises(ShapesRefused):
                through_validate(data, shapes)
            continue
        _, validated = through_validate(data, shapes)
        assert findings(validated) == findings(report_of(checked, data, shapes)), f"seed {seed}"
        compared += 1
    assert compared >= 0.9 * PIPELINE_CASES


@pytest.mark.parametrize("engine_name", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", FOUND, ids=[c.name for c in FOUND])
def test_found_case_through_the_validate_pipeline(case, engine_name):
    if engine_name == "pyshacl" and "# pySHACL cannot" in case.file.read_text(encoding="utf-8"):
        with pytest.raises(ShapesRefused):
            through_validate(case.data, case.shapes, engine_name)
        return
    outcome, _ = through_validate(case.data, case.shapes, engine_name)
    assert mismatch(case, outcome) == ""
