"""The W3C SHACL test suite (core and sparql, 120 tests), run on the default engine: each report
compared with the expected one as the suite's README says, and each sht:Failure refused."""

import pytest

from medkg.errors import ShapesRefused
from medkg.validate import shacl
from tests.paths import SHARED
from tests.w3c_suite import cases, mismatch

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
            shacl.check(case.data, case.shapes)
        return
    outcome = shacl.check(case.data, case.shapes)
    assert mismatch(case, outcome) == ""
