"""One small case per compiled SHACL Core component (tests/fixtures/shacl/, in the W3C suite's
format, the expected results written from the specification), on both engines, through
`medkg shacl`'s entry point and through the validate pipeline (the command curators run)."""

import json

import pytest

from medkg.cli import main
from medkg.shacl import engine
from medkg.shacl.core import COMPONENTS
from medkg.shacl.finding import report_of
from tests.material import FIXTURES
from tests.w3c_suite import cases, findings, mismatch, through_validate

CASES = cases(FIXTURES / "shacl")


def test_every_compiled_component_has_a_case_of_its_own():
    names = {str(parameter).rsplit("#", 1)[1] for parameter in COMPONENTS}
    assert names == {case.name for case in CASES}


@pytest.mark.parametrize("engine_name", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_component_case(case, engine_name):
    # A case that conforms would pass on an engine that ignores its component.
    assert case.expected and case.conforms is False, "each case expects at least one result"
    assert mismatch(case, engine.check(case.data, case.shapes, engine_name)) == ""


@pytest.mark.parametrize("engine_name", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_component_case_through_the_validate_pipeline(case, engine_name):
    outcome, validated = through_validate(case.data, case.shapes, engine_name)
    assert mismatch(case, outcome) == ""
    checked = engine.check(case.data, case.shapes, engine_name)
    assert findings(validated) == findings(report_of(checked, case.data, case.shapes))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_with_shapes_writes_what_shacl_writes(case, capsys):
    """`medkg validate --shapes FILE` and `medkg shacl --shapes FILE`, in every format: the same
    report, file:line included (each case's data is Turtle)."""
    for fmt in ("text", "json", "turtle"):
        written = []
        for command in ("validate", "shacl"):
            code = main([command, "--shapes", str(case.file), "--format", fmt, str(case.file)])
            written.append((code, capsys.readouterr().out))
        assert written[0] == written[1], fmt
        code, out = written[0]
        assert code == 1, fmt
        if fmt == "text":
            assert f"{case.file.name}:" in out
        elif fmt == "json":
            assert all(f["line"] > 0 for f in json.loads(out)["findings"])
