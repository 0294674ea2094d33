"""A progress line for the long runs (pySHACL, the first `validate --changed`, `medkg mutate`):
on a terminal, one line on stderr rewritten in place and erased at the end; nothing at all when
stderr is a pipe or a file, so scripts and logs see only the report."""

import sys
import threading
import time


class Progress:
    """`with Progress("validating with pySHACL") as p: ...`; `p.advance()` counts steps of `total`."""

    def __init__(self, label: str, total: int | None = None, interval: float = 0.5, stream=None):
        self.label, self.total, self.interval = label, total, interval
        self.stream = stream if stream is not None else sys.stderr  # read at call time: tests swap sys.stderr
        self.done = 0
        self.shown = bool(getattr(self.stream, "isatty", lambda: False)())
        self._stop = threading.Event()
        self._thread = None
        self._started = 0.0

    def __enter__(self) -> "Progress":
        self._started = time.monotonic()
        if self.shown:
            self._draw()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def advance(self, steps: int = 1) -> None:
        self.done += steps

    def __exit__(self, *exc) -> bool:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self.stream.write("\r\033[K")  # erase the line: the report follows on a clean one
            self.stream.flush()
        return False

    def line(self) -> str:
        seconds = int(time.monotonic() - self._started)
        count = f" {self.done}/{self.total}" if self.total is not None else ""
        return f"{self.label}{count} ({seconds} s)"

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def _draw(self) -> None:
        self.stream.write("\r\033[K" + self.line())
        self.stream.flush()
