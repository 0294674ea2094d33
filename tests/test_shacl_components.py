"""One small case per compiled SHACL Core component (tests/fixtures/shacl/, in the W3C suite's
format, the expected results written from the specification), on both engines."""

import pytest

from medkg.shacl import engine
from medkg.shacl.core import COMPONENTS
from tests.material import FIXTURES
from tests.w3c_suite import cases, mismatch

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
