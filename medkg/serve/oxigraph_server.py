"""A graph in a read-only Oxigraph SPARQL server on 127.0.0.1: for the benchmarks and the tests
that need a real server (`validate --endpoint`, `query --endpoint`). `medkg serve` no longer runs
it: its port answered SERVICE and /store to any local process (medkg/serve/query_engine.py says
why); the store folder's prefix and clean-up are shared with that engine.

The `oxigraph` package from PyPI ships the server binary. The graph is bulk-loaded into a
temporary store folder (`oxigraph load`), served with `oxigraph serve-read-only`, and the
folder is removed when the server stops. The server is bound to its parent: on Linux it gets
SIGTERM when the process that started it dies, even by kill -9 (PR_SET_PDEATHSIG), and a
folder such a death left behind is removed by the next server started (its .medkg-owner names a
process that is gone). Its stderr is read as it comes (a full pipe once stalled every request),
the last lines kept to explain an exit.
"""

import collections
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from medkg.errors import InputError
from medkg.io.folders import OWNER, remove_stale


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"  # installed into the same environment
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("the oxigraph server is not installed: `pip install oxigraph` (make run installs it into .venv)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float = 30, name: str = "the oxigraph server") -> None:
    """Poll the query endpoint until it answers, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout
    probe = url + "?query=" + urllib.request.quote("ASK {}")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise InputError(f"{name} exited at start (code {process.returncode}); is the port taken?")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise InputError(f"{name} did not answer at {url} within {timeout:g} s")


FOLDER_PREFIX = "medkg-oxigraph-"


def _prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # looked up here: no dlopen in a forked child
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux; elsewhere nothing)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def remove_orphaned_folders(parent: Path | None = None) -> list[Path]:
    """Temporary store folders whose owner process is gone (killed before it could clean up)."""
    return remove_stale(Path(parent or tempfile.gettempdir()), FOLDER_PREFIX)


class ReadOnlyServer:
    """A read-only Oxigraph server holding the given N-Triples; a context manager that cleans up.

    `timeout_s` is Oxigraph's own limit on each query, so an abandoned query does not keep a
    core busy for ever."""

    def __init__(self, ntriples: bytes, port: int | None = None, timeout_s: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.timeout_s = timeout_s
        self.errors: collections.deque[str] = collections.deque(maxlen=20)  # Oxigraph's last stderr lines
        self._ntriples = ntriples
        self._folder = None
        self.process = None
        self.removed: list[Path] = []  # store folders a killed server left, removed on start

    def __enter__(self):
        binary = oxigraph_binary()
        self.removed = remove_orphaned_folders()
        self._folder = tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX)
        (Path(self._folder.name) / OWNER).write_text(f"{os.getpid()}\n")
        store = Path(self._folder.name) / "store"
        graph = Path(self._folder.name) / "graph.nt"
        graph.write_bytes(self._ntriples)
        loaded = subprocess.run(
            [binary, "load", "--location", str(store), "--file", str(graph)], capture_output=True, text=True
        )
        if loaded.returncode != 0:
            self._folder.cleanup()
            raise InputError(f"oxigraph load failed: {loaded.stderr.strip().splitlines()[-1:]}")
        command = [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{self.port}"]
        if self.timeout_s:
            command += ["--timeout-s", str(self.timeout_s)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
        )
        threading.Thread(target=self._drain, args=(self.process.stderr,), name="oxigraph-stderr", daemon=True).start()
        try:
            wait_until_ready(self.url, self.process)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _drain(self, stream) -> None:
        for line in iter(stream.readline, b""):
            self.errors.append(line.decode("utf-8", "replace").rstrip())
        stream.close()

    def __exit__(self, *exc_info):
        stop(self.process)
        if self._folder:
            self._folder.cleanup()
        return False


def stop(process: subprocess.Popen | None, within: float = 10) -> None:
    """Terminate a server process we started, and kill it if it has not stopped `within` seconds."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
