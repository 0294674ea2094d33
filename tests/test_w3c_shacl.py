"""The W3C SHACL test suite (core and sparql, 120 tests), run on the default engine: each report
compared with the expected one as the suite's README says, and each sht:Failure refused; by
`medkg shacl`'s entry point (engine.check) and by what curators run (the validate pipeline, its
project checks off), which must give the same findings."""

import pytest

from medkg.errors import ShapesRefused
from medkg.shacl import engine
from medkg.shacl.finding import report_of
from tests.material import SHARED
from tests.w3c_suite import cases, findings, mismatch, through_validate

SUITE = SHARED / "w3c" / "shacl" / "tests"
CASES = cases(SUITE) if SUITE.exists() else []


def test_the_suite_is_all_there():
    if not SUITE.exists():
        pytest.skip(f"{SUITE} is absent: ../shared/ is only beside the project in development and CI")
    assert len(CASES) == 120
    assert sum(c.failure for c in CASES) == 7


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_case(case):
    if case.failure:
        with pytest.raises(ShapesRefused):
            engine.check(case.data, case.shapes)
        return
    outcome = engine.check(case.data, case.shapes)
    assert mismatch(case, outcome) == ""


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_case_through_the_validate_pipeline(case):
    if case.failure:
        with pytest.raises(ShapesRefused):
            through_validate(case.data, case.shapes)
        return
    outcome, validated = through_validate(case.data, case.shapes)
    assert mismatch(case, outcome) == ""
    assert findings(validated) == findings(report_of(engine.check(case.data, case.shapes), case.data, case.shapes))


def test_every_predicate_on_a_shape_is_compiled_or_sent_on():
    """Nothing in a shapes graph is skipped silently: over the whole suite, each sh: predicate on a
    shape is one the compiler knows (a component, or a target, path, message ...), or the shapes
    graph goes to pySHACL with a note."""
    if not CASES:
        pytest.skip(f"{SUITE} is absent: ../shared/ is only beside the project in development and CI")
    from medkg.shacl import sparql_constraints
    from medkg.shacl.core import COMPONENTS, QUIET, CoreShapes, Unsupported
    from medkg.validate.model import SH

    compiled, sent_on, seen = 0, 0, set()
    for case in CASES:
        if case.failure:
            continue
        core, _ = sparql_constraints.split_shapes(case.shapes)
        try:
            shapes = CoreShapes(core)
        except Unsupported:
            sent_on += 1
            assert engine.check(case.data, case.shapes).notes, f"{case.name}: sent to pySHACL without a note"
            continue
        compiled += 1
        nodes = {check.shape for check in shapes.checks} | set(core.objects(None, SH.node))
        for node in nodes:
            for p in core.predicates(node, None):
                if str(p).startswith(str(SH)):
                    seen.add(p)
                    assert p in COMPONENTS or p in QUIET, f"{case.name}: {p} on {node} is neither compiled nor sent on"
    assert compiled >= 60 and sent_on >= 20, (compiled, sent_on)
    assert len(seen & set(COMPONENTS)) >= 12
