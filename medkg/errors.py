"""Exit codes and the one exception family the CLI turns into a clean message (handled once, in main)."""

OK = 0
FINDINGS = 1  # the data does not conform (findings at or above --fail-on)
INPUT = 2  # usage or input error: missing file, unparsable Turtle, bad option
ENDPOINT = 3  # a query engine failed: a remote endpoint, or the local engine past --timeout
INTERRUPTED = 130  # Ctrl-C (SIGINT): 128 + 2, as a shell reports a process its signal ended


class MedkgError(Exception):
    """A failure medkg can explain in one line: the message says where and what to do."""

    exit_code = INPUT


class InputError(MedkgError):
    """Bad input. Exit code 2."""

    exit_code = INPUT


class EndpointError(MedkgError):
    """A remote endpoint failed, or a query ran out of time. Exit code 3."""

    exit_code = ENDPOINT


class ShapesRefused(InputError):
    """A shapes graph a conforming SHACL processor must refuse (an ill-formed shape, a SPARQL
    query SHACL does not allow). Exit code 2."""
