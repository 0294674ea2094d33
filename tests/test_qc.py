"""Project QC checks (queries/qc/): each fires on its fixture and is silent on the shipped data."""

import pytest

from medkg.project_files import DATA_DIR
from medkg.validate import qc
from medkg.validate.pipeline import validate
from tests.material import FIXTURES

CHECKS = {c.name: c for c in qc.checks()}
REQUIRED = ["entity-without-label", "duplicate-label", "shared-identifier", "quote-outside-sentences", "uncovered-sentence"]


def test_every_required_qc_check_has_a_query_file():
    assert set(REQUIRED) <= set(CHECKS)


def test_every_check_has_a_fixture_and_every_fixture_a_check():
    fixtures = {p.stem for p in (FIXTURES / "qc").glob("*.ttl")}
    assert fixtures == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_says_problem_and_fix(name):
    check = CHECKS[name]
    assert check.problem and check.fix
    assert "?entity ?property ?value" in check.query


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_is_silent_on_the_shipped_data(name, store):
    assert qc.run(CHECKS[name], store) == []


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_fires_on_its_fixture(name):
    fixture = FIXTURES / "qc" / f"{name}.ttl"
    expected = {
        tuple(line.split()[2:4]) for line in fixture.read_text(encoding="utf-8").splitlines() if line.startswith("# expect-qc:")
    }
    assert expected
    report = validate([DATA_DIR, fixture])
    fired = {(f.shape.removeprefix("qc:"), f.focus) for f in report.findings if f.shape.startswith("qc:")}
    assert fired == expected
    assert all(f.component == "qc:QCCheck" and f.severity == "violation" for f in report.findings if f.shape.startswith("qc:"))
