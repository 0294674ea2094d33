"""Local queries stop: at --timeout, on Ctrl-C, and before any SERVICE call unless allowed."""

import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from medkg.cli import main
from medkg.project_files import ROOT

# Three unconstrained patterns over ~1,700 triples: some 5e9 rows, minutes of work.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"


@pytest.fixture
def endless(tmp_path):
    path = tmp_path / "endless.rq"
    path.write_text(ENDLESS, encoding="utf-8")
    return path


def test_a_local_query_stops_at_the_timeout_and_the_process_exits(endless):
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "medkg.cli", "query", str(endless), "--timeout", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 3, run.stderr
    assert "did not finish within 1 s" in run.stderr and "Traceback" not in run.stderr
    assert time.monotonic() - start < 15  # start-up and loading included; the query alone would take minutes


def _threads(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return int(next((line.split()[1] for line in status.splitlines() if line.startswith("Threads:")), 0))


def _wait_until_querying(process: subprocess.Popen, within: float) -> None:
    """Until the process runs its query: with --timeout, run_local starts one worker thread for it
    (inside main's handling of Ctrl-C) and waits on it; until then medkg is a single thread. A
    bounded wait for that condition, not a fixed sleep that a loaded machine outlasts."""
    if not Path(f"/proc/{process.pid}/status").exists():
        pytest.skip("no /proc here to see when the query has started")
    deadline = time.monotonic() + within
    while _threads(process.pid) < 2:
        if process.poll() is not None:
            pytest.fail(f"medkg query ended (exit {process.returncode}) before its query ran: "
                        f"{process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"medkg query had not started its query after {within:g} s")
        time.sleep(0.05)


def test_ctrl_c_stops_a_running_local_query(endless):
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "query", str(endless), "--timeout", "600"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_querying(process, within=120)  # imported, loaded and querying
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)  # a bound, not a wait: it exits as soon as it can
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130 and "interrupted" in err


class _Recording(BaseHTTPRequestHandler):
    requests: list = []

    def do_GET(self):  # noqa: N802
        self.requests.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


def test_service_is_refused_unless_allowed_and_nothing_is_fetched(tmp_path, capsys):
    server = HTTPServer(("127.0.0.1", 0), _Recording)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    query = tmp_path / "service.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{server.server_port}/sparql> {{ ?s ?p ?o }} }}\n",
                     encoding="utf-8")
    try:
        assert main(["query", str(query)]) == 2
        assert "uses SERVICE" in capsys.readouterr().err and _Recording.requests == []
        # Allowed, the failing service is one clear line, not a traceback: an engine failure, exit 3.
        assert main(["query", str(query), "--allow-service", "--timeout", "10"]) == 3
        err = capsys.readouterr().err
        assert "the query failed" in err and "Traceback" not in err and _Recording.requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("query", "said"), [
    # 7.8 KB of nested parentheses, and a FILTER of 10,000 alternatives (128 KB): refused by the
    # parse-based gate (medkg/rdf/sparql_parse.py) before Oxigraph sees them.
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(" + "(" * 3900 + "1" + ")" * 3900 + ") }", "nested too deeply"),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(10_000)) + ") }", "at most 20000"),
], ids=["nested-parentheses", "ten-thousand-ors"])
def test_a_query_too_deep_or_too_long_is_refused_in_one_line(tmp_path, capsys, query, said):
    path = tmp_path / "big.rq"
    path.write_text(query, encoding="utf-8")
    assert main(["query", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
