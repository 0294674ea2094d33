"""Engine work in a worker thread, so that a time limit and Ctrl-C stop the wait at once.

pyoxigraph lets go of the GIL while it evaluates, and the waiting thread joins it in short
steps, between which Python delivers Ctrl-C (KeyboardInterrupt: exit 130). The worker cannot be
stopped from outside; it is a daemon, so the process still exits when the caller gives up.
"""

import threading
import time
from collections.abc import Callable


def bounded(work: Callable, timeout: float | None, on_timeout: Callable[[], Exception], name: str = "medkg-work"):
    """work()'s answer, or its exception; on_timeout() raised when it takes longer than `timeout`
    seconds (None: no limit, but Ctrl-C still stops the wait)."""
    outcome = {}

    def worker():
        try:
            outcome["result"] = work()
        except BaseException as e:  # handed to the waiting thread
            # Without its frames, which may hold pyoxigraph's solutions: they die in this thread
            # (pyoxigraph refuses to drop them in another).
            outcome["error"] = e.with_traceback(None)

    thread = threading.Thread(target=worker, name=name, daemon=True)
    thread.start()
    end = None if timeout is None else time.monotonic() + timeout
    while thread.is_alive():
        left = 0.2 if end is None else end - time.monotonic()
        if left <= 0:
            raise on_timeout()
        thread.join(min(left, 0.2))  # short waits: Ctrl-C is delivered between them
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
