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


def bounded_in_child(work: Callable, args: tuple, timeout: float | None, on_timeout: Callable[[], Exception],
                     on_death: Callable[[int | None], Exception], name: str = "medkg-work"):
    """work(*args)'s answer, or its exception, computed in a child process (spawned: a fresh
    interpreter, `work` a module-level function, args and answer picklable) that is killed at
    `timeout` (on_timeout() raised) or at Ctrl-C (KeyboardInterrupt raised here). For work that holds
    the GIL without letting go, which `bounded` cannot stop: Python's re backtracking on a pattern
    such as ^(a|a)*$ (pySHACL's sh:pattern) ignores Ctrl-C and any time limit in its own thread."""
    import multiprocessing
    import signal

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_in_child, args=(send, work, args), name=name, daemon=True)
    # The child ignores Ctrl-C (a terminal sends it to the whole group): this process decides, and kills it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        child.start()
    finally:
        signal.signal(signal.SIGINT, previous)
    send.close()
    end = None if timeout is None else time.monotonic() + timeout
    try:
        while not receive.poll(0.2 if end is None else max(0.0, min(0.2, end - time.monotonic()))):
            if end is not None and time.monotonic() >= end:
                raise on_timeout()
            if not child.is_alive() and not receive.poll(0):
                raise on_death(child.exitcode)
        try:
            kind, value = receive.recv()
        except EOFError:  # died while answering
            child.join()
            raise on_death(child.exitcode) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if kind == "error":
        raise value
    return value


def _in_child(send, work: Callable, args: tuple) -> None:
    try:
        answer = ("result", work(*args))
    except BaseException as e:  # handed to the parent, which raises it
        answer = ("error", e.with_traceback(None))
    try:
        send.send(answer)
    except Exception as e:  # noqa: BLE001 - an answer that does not pickle: said, not lost
        send.send(("error", RuntimeError(f"{type(e).__name__}: {e}")))
    finally:
        send.close()
