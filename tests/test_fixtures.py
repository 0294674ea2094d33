"""Curator mistakes: each invalid fixture, added to the shipped data, fails for exactly its stated reason.

A fixture opens with what is wrong and one `# expect: <shape> <component> <focus>` line per
finding that must fire (focus `-` for findings without one). The shipped data conforms, so any
other finding is a shape firing for the wrong reason.
"""

import re

import pytest

from medkg.project_files import DATA_DIR
from medkg.validate.pipeline import validate
from tests.material import FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))


def expectations(path):
    return {tuple(line.split()[2:5]) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# expect:")}


def test_invalid_fixture_folder_is_not_empty():
    assert len(INVALID) >= 15, "the invalid fixtures are what prove the shapes work; do not lose them"


def test_valid_fixture_folder_is_not_empty():
    assert len(VALID) >= 2, "the valid fixtures are what prove the shapes are not too strict"


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_for_its_reason(fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    report = validate([DATA_DIR, fixture])
    found = {(f.shape, f.component, f.focus) for f in report.findings}
    assert found, "the constraint it exercises is not enforced"
    assert found == expected


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_findings_point_at_the_line_of_the_fixture(fixture):
    """Each finding on a node the fixture adds names the fixture file and the line of that node."""
    text = fixture.read_text(encoding="utf-8").splitlines()
    for f in validate([DATA_DIR, fixture]).findings:
        if "fixture" not in f.focus and f.focus != "-":
            continue  # a shipped node the fixture made invalid: located in data/
        assert f.file.endswith(fixture.name)
        line = text[f.line - 1]
        if f.path and f.path != "-":
            assert line.split()[0] in (f.path, f.focus), f"line {f.line} is {line!r}"
        elif f.focus != "-":
            assert line.startswith(f.focus), f"line {f.line} is {line!r}"


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(fixture):
    report = validate([DATA_DIR, fixture])
    assert report.findings == []
    assert re.search(r"^claim:|^kg:|^note:", fixture.read_text(encoding="utf-8"), re.M), "a valid fixture adds something"
