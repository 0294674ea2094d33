"""Long runs show a progress line on a terminal, and nothing when stderr is a pipe or a file."""

import io
import os
import pty
import subprocess
import sys
import time

import pytest

from medkg.progress import Progress
from medkg.project_files import ROOT
from tests.material import FIXTURES


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_label_the_count_and_a_clean_line_at_the_end():
    terminal = Terminal()
    with Progress("validating mutants", total=3, interval=0.01, stream=terminal) as progress:
        progress.advance(2)
        time.sleep(0.1)
    written = terminal.getvalue()
    assert "validating mutants 2/3 (" in written
    assert written.endswith("\r\033[K"), "the line is erased, so the report starts on a clean one"


def test_a_pipe_sees_nothing():
    pipe = io.StringIO()
    with Progress("validating with pySHACL", interval=0.01, stream=pipe) as progress:
        progress.advance()
        time.sleep(0.05)
    assert pipe.getvalue() == ""


def _run_with_stderr_on(stderr_fd: int | None) -> tuple[str, bytes]:
    command = [sys.executable, "-m", "medkg.cli", "validate", "--engine", "pyshacl",
               str(FIXTURES / "valid" / "new-risk-claim.ttl")]
    result = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=stderr_fd if stderr_fd is not None else subprocess.PIPE, timeout=300)
    return result.stdout.decode("utf-8"), result.stderr or b""


@pytest.mark.slow
def test_the_pyshacl_engine_shows_progress_on_a_terminal_only():
    controller, terminal = pty.openpty()
    try:
        report, _ = _run_with_stderr_on(terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the pty is closed once the child has gone
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert b"validating with pySHACL" in shown
    assert "\r" not in report, "the report on stdout carries no progress"
    report, piped = _run_with_stderr_on(None)
    assert b"validating with pySHACL" not in piped and b"\r" not in piped
