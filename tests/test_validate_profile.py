"""validate --profile: the slowest checks after the report, on stderr, without changing the report or the exit code."""

import re

import pytest

from medkg.cli import main
from medkg.validate import qc
from medkg.validate.pipeline import Validator, validate
from tests.material import FIXTURES

ROW = re.compile(r"^\s*(\d+\.\d{3})\s+(\d+\.\d)%\s+(.+)$")
TOTAL = re.compile(r"^\s*(\d+\.\d{3})\s+100\.0%\s+total, all (\d+) checks; the checks ran in (\d+\.\d{3}) s$")
INVALID = str(FIXTURES / "invalid" / "dose-without-unit.ttl")


@pytest.fixture(scope="module")
def every_check() -> set[str]:
    """Each job's name, built from the engine's own lists: Core (shape, component), SPARQL (shape, constraint), QC."""
    validator = Validator()
    name = validator.name
    return ({f"{name(c.shape)} {name(c.component)}" for c in validator.compiled.checks}
            | {f"{name(shape)} sh:sparql {name(constraint)}" for shape, constraint in validator.engine.taken}
            | {f"qc:{c.name}" for c in qc.checks()})


def _profile(stderr: str) -> tuple[list[tuple[float, float, str]], re.Match]:
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if "slowest of" in line)
    rows = []
    for line in lines[start + 2:]:
        if TOTAL.match(line):
            return rows, TOTAL.match(line)
        m = ROW.match(line)
        assert m, f"not a profile row: {line!r}"
        rows.append((float(m.group(1)), float(m.group(2)), m.group(3)))
    raise AssertionError(f"no total line in {stderr!r}")


@pytest.mark.parametrize(("args", "n"), [(["--profile", "3"], 3), (["--profile"], 10)])
def test_profile_lists_the_n_slowest_real_checks_and_leaves_report_and_exit_code_alone(args, n, every_check, capsys):
    assert main(["validate", "data", INVALID]) == 1
    plain = capsys.readouterr()
    assert main(["validate", "data", INVALID, *args]) == 1
    profiled = capsys.readouterr()
    assert profiled.out == plain.out
    rows, total = _profile(profiled.err)
    assert len(rows) == n
    assert all(check in every_check for _, _, check in rows), rows
    assert len({check for _, _, check in rows}) == n
    assert int(total.group(2)) == len(every_check)
    assert [s for s, _, _ in rows] == sorted((s for s, _, _ in rows), reverse=True)
    assert sum(s for s, _, _ in rows) <= float(total.group(1)) + 0.0005 * n  # each row rounded to 1 ms
    for seconds, share, _ in rows:
        assert share == pytest.approx(100 * seconds / float(total.group(1)), abs=0.1 + 100 * 0.0006 / float(total.group(1)))


def test_a_conforming_run_keeps_exit_0_with_profile(capsys):
    assert main(["validate", "--profile", "2"]) == 0
    rows, _ = _profile(capsys.readouterr().err)
    assert len(rows) == 2


def test_without_profile_no_job_is_timed():
    report = validate(validator=Validator())
    assert report.timings is None and report.checks_seconds is None


def test_profile_with_endpoint_is_a_usage_error(capsys):
    assert main(["validate", "--profile", "--endpoint", "http://127.0.0.1:9/query"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--profile" in err
