"""Exit codes and the one exception type the CLI turns into a clean message."""

OK = 0
FINDINGS = 1  # the data does not conform (findings at or above --fail-on)
INPUT = 2  # usage or input error: missing file, unparsable Turtle, bad option
ENDPOINT = 3  # a remote SPARQL endpoint failed


class InputError(Exception):
    """Bad input: the message says where and what to do. Exit code 2."""

    exit_code = INPUT
