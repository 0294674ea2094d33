"""Project QC checks (queries/qc/*-violation.rq), in the style of ODK-built ontologies.

Each check is a SELECT returning ?entity ?property ?value rows that are problems, and opens
with `# Problem:` and `# Fix:` lines; `validate` runs them after SHACL and reports each row
like a shape's finding, named `qc:<check>`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from medkg.project_files import QUERIES_DIR
from medkg.rdf.sparql_text import open_where, optional_as_not_exists
from medkg.validate.changed_cache import LABEL_KEYS

QC_DIR = QUERIES_DIR / "qc"


@dataclass(frozen=True)
class Check:
    name: str
    path: Path
    problem: str
    fix: str
    query: str
    # NAME-violation.focused.rq, where there is one: the same rows for a few focus nodes, found
    # through the key graph of the persistent store (medkg/validate/changed_cache.py) where it exists.
    focused: str | None = None


def checks() -> list[Check]:
    found = []
    for path in sorted(QC_DIR.glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        focused = path.with_name(path.name.removesuffix(".rq") + ".focused.rq")
        found.append(Check(path.name.removesuffix("-violation.rq"), path, _comment(text, "Problem"), _comment(text, "Fix"),
                           text, focused.read_text(encoding="utf-8") if focused.exists() else None))
    return found


def run(check: Check, store: ox.Store, only: set[str] | None = None) -> list[tuple]:
    """The rows of one check: (entity, property, value) as pyoxigraph terms (property/value may be None).
    With `only`, the rows for those entities (IRIs) alone."""
    query = check.query
    if only is not None:
        values = "VALUES ?entity { " + " ".join(f"<{iri}>" for iri in sorted(only)) + " }"
        if check.focused and store.contains_named_graph(ox.NamedNode(LABEL_KEYS)):
            query = open_where(check.focused, values)
        else:
            query = open_where(optional_as_not_exists(query), values)
    return [(row["entity"], row["property"], row["value"]) for row in store.query(query)]


def _comment(text: str, key: str) -> str:
    """The `# Key:` comment, with its continuation lines joined."""
    m = re.search(rf"^# {key}:(.*(?:\n#(?! \w+:).*)*)", text, re.MULTILINE)
    return " ".join(line.lstrip("#").strip() for line in m.group(1).splitlines()).strip() if m else ""
