"""`medkg serve`: the whole graph in a read-only Oxigraph SPARQL server on 127.0.0.1.

The `oxigraph` package from PyPI ships the server binary. The graph is bulk-loaded into a
temporary store folder (`oxigraph load`), served with `oxigraph serve-read-only`, and the
folder is removed when the server stops.
"""

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from medkg.errors import InputError


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


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    """Poll the query endpoint until it answers, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout
    probe = url + "?query=" + urllib.request.quote("ASK {}")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise InputError(f"the oxigraph server exited at start (code {process.returncode}); is the port taken?")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise InputError(f"the oxigraph server did not answer at {url} within {timeout:g} s")


class ReadOnlyServer:
    """A read-only Oxigraph server holding the given N-Triples; a context manager that cleans up."""

    def __init__(self, ntriples: bytes, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self._ntriples = ntriples
        self._folder = None
        self.process = None

    def __enter__(self):
        binary = oxigraph_binary()
        self._folder = tempfile.TemporaryDirectory(prefix="medkg-oxigraph-")
        store = Path(self._folder.name) / "store"
        graph = Path(self._folder.name) / "graph.nt"
        graph.write_bytes(self._ntriples)
        loaded = subprocess.run(
            [binary, "load", "--location", str(store), "--file", str(graph)], capture_output=True, text=True
        )
        if loaded.returncode != 0:
            self._folder.cleanup()
            raise InputError(f"oxigraph load failed: {loaded.stderr.strip().splitlines()[-1:]}")
        self.process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            wait_until_ready(self.url, self.process)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._folder:
            self._folder.cleanup()
        return False
