"""medkg shacl --engine pyshacl stops at --timeout and at Ctrl-C even inside a backtracking
sh:pattern: Python's re holds the interpreter there, so pySHACL runs in a child process that is
killed (medkg/worker.py bounded_in_child). Patterns the static check in medkg/shacl/patterns.py
lets through."""

import os
import signal
import subprocess
import sys
import time

import pytest

from medkg import errors
from medkg.cli import main
from medkg.project_files import ROOT

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:pattern "PATTERN" ] .
"""


def _files(tmp_path, pattern, value):
    (tmp_path / "shapes.ttl").write_text(SHAPES.replace("PATTERN", pattern), encoding="utf-8")
    (tmp_path / "data.ttl").write_text(f'@prefix ex: <http://example.org/> .\nex:x ex:p "{value}" .\n', encoding="utf-8")
    return [str(tmp_path / "data.ttl"), "--shapes", str(tmp_path / "shapes.ttl"), "--engine", "pyshacl"]


@pytest.mark.parametrize("pattern", ["^(a|a)*$", "^a*a*a*a*a*a*a*a*$"])
def test_a_backtracking_pattern_stops_at_the_timeout_with_exit_3(tmp_path, capsys, pattern):
    args = _files(tmp_path, pattern, "a" * 40 + "!")
    assert main(["shacl", *args, "--timeout", "2"]) == errors.ENDPOINT
    err = capsys.readouterr().err.strip()
    assert "did not finish within 2 s" in err and "\n" not in err


def test_a_value_the_pattern_refuses_is_found_in_the_child(tmp_path, capsys):
    args = _files(tmp_path, "^(a|a)*$", "b")
    assert main(["shacl", *args, "--timeout", "60"]) == errors.FINDINGS
    out = capsys.readouterr().out
    assert "ex:x ex:p: Value does not match pattern" in out, out  # the finding, from the child


def test_ctrl_c_in_a_backtracking_pattern_exits_130(tmp_path):
    args = _files(tmp_path, "^(a|a)*$", "a" * 40 + "!")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "shacl", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)  # into the validation (reading and spawning take about a second); not a timing assertion
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == errors.INTERRUPTED
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in process.stderr.read()
