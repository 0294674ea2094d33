"""The query engine behind `medkg serve`'s gateway: worker processes (medkg/serve/query_worker.py)
that each open the graph's store read-only with pyoxigraph and talk to the gateway over pipes.

Why processes on pipes and not Oxigraph's own server: that server listened on a second port on
127.0.0.1, and answered SERVICE (fetching any URL a query names) and its Graph Store at /store to
any local process, or to any web page that found the port, with no gateway in front. Oxigraph
cannot listen on a Unix socket, and a port of its own cannot be closed to everyone but the
gateway without root. A pipe has exactly two ends: the gateway holds one. And a process can be
killed: at the time limit the gateway kills the worker and starts another, where Oxigraph's
server went on computing a join it had been told to stop (1.5 CPU seconds in each 5, 20 s after).

The graph is bulk-loaded once into a temporary store folder (removed when the engine stops; one
a killed server left is removed by the next, as its .medkg-owner names a process that is gone).
At most `parallel` workers run at once; one is started at once, the rest when needed, and an idle
worker is kept for the next query.
"""

import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import anyio
import pyoxigraph as ox

from medkg.errors import InputError
from medkg.io.folders import OWNER
from medkg.serve.oxigraph_server import FOLDER_PREFIX, remove_orphaned_folders
from medkg.serve.query_worker import over_memory

PARALLEL = 4  # worker processes at once (2 cores here); each holds a Python with rdflib and the store
MEMORY = 1024  # MiB of data each worker may hold (about 110 at rest); medkg serve --memory
START_WITHIN = 60  # seconds a worker may take to start (import rdflib, open the store) on a busy machine
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding medkg/, for the workers' imports


class Refused(Exception):
    """An answer the gateway gives itself: an HTTP status and one line saying why."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status, self.text = status, text


@dataclass
class Answer:
    status: int
    media_type: str
    body: bytes


class _Worker:
    def __init__(self, location: Path, errors: collections.deque, memory_mib: int):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "medkg.serve.query_worker", str(location), str(memory_mib)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.killed = False
        threading.Thread(target=self._drain, args=(errors,), name="medkg-engine-stderr", daemon=True).start()
        self._bounded(time.monotonic() + START_WITHIN, self._ready)
        if self.killed:
            raise InputError(f"a query worker of medkg serve did not start within {START_WITHIN} s")

    def _drain(self, errors: collections.deque) -> None:
        for line in iter(self.process.stderr.readline, b""):  # read as it comes: a full pipe would stall the worker
            errors.append(line.decode("utf-8", "replace").rstrip())
        self.process.stderr.close()

    def _ready(self) -> None:
        if json.loads(self.process.stdout.readline() or b"{}").get("ready") is not True:
            raise InputError(f"a query worker of medkg serve did not start (exit {self.process.wait()})")

    def kill(self) -> None:
        self.killed = True
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def _bounded(self, deadline: float, work):
        """work() with the worker killed at `deadline`: a read waiting on it then ends at once."""
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), self.kill)
        timer.daemon = True
        timer.start()
        try:
            return work()
        except (OSError, ValueError):
            if self.killed:
                return None
            raise
        finally:
            timer.cancel()

    def ask(self, request: dict, deadline: float) -> Answer | None:
        """The worker's answer; None when it was killed at the deadline. OSError if it died."""
        def exchange() -> Answer | None:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
            head = json.loads(self.process.stdout.readline() or b"null")
            if head is None:
                return None if self.killed else _died()
            body = self.process.stdout.read(head["length"])
            if len(body) < head["length"]:
                return None if self.killed else _died()
            return Answer(head["status"], head["type"], body)

        return self._bounded(deadline, exchange)


def _exit_status(worker: _Worker) -> int | None:
    """The worker's exit status once it has ended (its pipe closed: it is ending); None if it lives on."""
    try:
        return worker.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None


def _died():
    raise OSError("the query worker ended part-way")


class Engine:
    """The graph (N-Triples) in worker processes; a context manager that stops them and removes the store."""

    def __init__(self, ntriples: bytes, parallel: int = PARALLEL, memory_mib: int = MEMORY):
        self.parallel, self.memory_mib = parallel, memory_mib
        self.errors: collections.deque[str] = collections.deque(maxlen=20)  # the workers' last stderr lines
        self.removed: list[Path] = []  # store folders a killed server left, removed on start
        self._ntriples = ntriples
        self._folder: tempfile.TemporaryDirectory | None = None
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._slots: anyio.CapacityLimiter | None = None  # made in the event loop's thread

    def __enter__(self):
        self.removed = remove_orphaned_folders()
        self._folder = tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX)
        (Path(self._folder.name) / OWNER).write_text(f"{os.getpid()}\n")
        store = ox.Store(str(self._location))
        try:
            store.bulk_load(self._ntriples, ox.RdfFormat.N_TRIPLES)
            store.flush()
        except (SyntaxError, OSError) as e:
            self._folder.cleanup()
            raise InputError(f"the graph could not be loaded for serving: {e}") from None
        finally:
            del store  # closed: the workers open it read-only, which a writer left open would make undefined
        try:
            self._idle.append(self._start())  # one ready before the first query
        except BaseException:
            self.__exit__()
            raise
        return self

    @property
    def _location(self) -> Path:
        return Path(self._folder.name) / "store"

    def _start(self) -> _Worker:
        worker = _Worker(self._location, self.errors, self.memory_mib)
        with self._lock:
            self._all.add(worker)
        return worker

    def __exit__(self, *exc_info):
        with self._lock:
            workers, self._all, self._idle = list(self._all), set(), []
        for worker in workers:
            worker.kill()
        if self._folder:
            self._folder.cleanup()
        return False

    @property
    def workers(self) -> list[int]:
        """The process ids of the running workers."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.poll() is None]

    async def answer(self, request: dict, time_limit: float) -> Answer:
        """The answer to one checked request, within `time_limit` seconds from now, waiting included."""
        deadline = time.monotonic() + time_limit
        if self._slots is None:
            self._slots = anyio.CapacityLimiter(self.parallel)
        try:
            with anyio.fail_after(time_limit):
                await self._slots.acquire()
        except TimeoutError:
            raise Refused(503, f"the server is busy ({self.parallel} queries running) and this one waited "
                          f"{time_limit:g} s; try again") from None
        out_of_memory = False
        try:
            worker = self._idle.pop() if self._idle else None
            while worker is not None and worker.process.poll() is not None:  # died while idle (out of memory, say)
                self._forget(worker)
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                try:
                    worker = await anyio.to_thread.run_sync(self._start)
                except (InputError, OSError) as e:
                    raise Refused(502, f"the query engine could not start a worker ({e}); restart medkg serve") from None
            try:
                answer = await anyio.to_thread.run_sync(worker.ask, request, deadline)
            except OSError:
                answer = False
            if worker.killed or answer is False or worker.process.poll() is not None:
                # An allocation past the worker's memory bound aborts the engine (Rust): SIGABRT.
                out_of_memory = not worker.killed and _exit_status(worker) == -signal.SIGABRT
                self._forget(worker)  # the next query starts a fresh one
            else:
                self._idle.append(worker)
        finally:
            self._slots.release()
        if answer is None:
            raise Refused(504, f"the query ran past the {time_limit:g} s time limit and was stopped; nothing of its "
                          "answer is sent (a part would look whole). Ask for less, or raise medkg serve --timeout")
        if answer is False and out_of_memory:
            raise Refused(507, over_memory(self.memory_mib))
        if answer is False:
            raise Refused(502, "the query engine stopped part-way through this query; nothing of its answer is sent. "
                          "Try again, or ask for less")
        return answer

    def _forget(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
