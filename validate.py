"""Validate the medkg graph: `python validate.py [PATH ...]`, the same as `medkg validate`.

Exit codes: 0 the data conforms, 1 it does not, 2 usage or input error, 3 it did not finish
within --timeout, 130 interrupted (Ctrl-C).
"""

import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The CLI imports its libraries lazily; check them here so that a run outside the project's
# environment gets a sentence, not a traceback.
missing = [m for m in ("rdflib", "pyshacl", "pyoxigraph") if importlib.util.find_spec(m) is None]
if missing:
    print(
        f"validate.py: missing {', '.join(missing)}. Run `make run` once to set up .venv, then "
        "`.venv/bin/python validate.py`, or `pip install -e .` in your own environment.",
        file=sys.stderr,
    )
    sys.exit(2)

from medkg.cli import main  # noqa: E402  (after the check above)

if __name__ == "__main__":
    sys.exit(main(["validate", *sys.argv[1:]]))
