"""Where each node is defined in the Turtle files: file and line, for reports a curator can act on.

RDF parsers do not report positions, so this reads the files the way the house style writes
them: a subject block starts at column 0, and each predicate starts its own indented line (or
follows the subject on the first line). Anything else falls back to the subject's first line.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from medkg.rdf.namespaces import RDF

RDF_TYPE = str(RDF.type)

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_TERM = r"(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.%-]*|:[\w.%-]*|\ba\b)"
_SUBJECT_LINE = re.compile(rf"^{_TERM}(?:\s+{_TERM}(?:\s+{_TERM}\s*[;.,]?\s*$)?)?")
_PREDICATE_LINE = re.compile(rf"^\s+{_TERM}(?:\s+{_TERM}\s*[;.,]?\s*$)?")


@dataclass
class Location:
    file: Path
    line: int


@dataclass
class LocationIndex:
    """Built on the first lookup: a graph that conforms never needs it, and at ~1 M triples
    reading every line costs about 10 s."""

    subjects: dict[str, Location] = field(default_factory=dict)
    predicates: dict[tuple[str, str], Location] = field(default_factory=dict)
    triples: dict[tuple[str, str, str], Location] = field(default_factory=dict)
    pending: list[tuple[Path, str]] = field(default_factory=list)
    # Where the files are not all read (validate --changed): IRI -> a file that describes it.
    resolver: object = None
    indexed: set[Path] = field(default_factory=set)

    def add_file(self, path: Path, text: str) -> None:
        self.pending.append((path, text))

    def _index(self, path: Path, text: str) -> None:
        self.indexed.add(path)
        prefixes: dict[str, str] = {}
        subject = None
        for number, line in enumerate(text.splitlines(), start=1):
            if m := _PREFIX.match(line):
                prefixes[m.group(1)] = m.group(2)
                continue
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                m = _SUBJECT_LINE.match(line)
                subject = _expand(m.group(1), prefixes) if m else None
                if subject:
                    self.subjects.setdefault(subject, Location(path, number))
                    if m.group(2):
                        self._predicate(subject, m.group(2), m.group(3), prefixes, path, number)
            elif subject and (m := _PREDICATE_LINE.match(line)):
                self._predicate(subject, m.group(1), m.group(2), prefixes, path, number)

    def _predicate(self, subject, predicate, obj, prefixes, path, number):
        predicate = _expand(predicate, prefixes)
        if predicate:
            self.predicates.setdefault((subject, predicate), Location(path, number))
            if obj and (value := _expand(obj, prefixes)):
                self.triples.setdefault((subject, predicate, value), Location(path, number))

    def find(self, subject: str, predicate: str | None = None, value: str | None = None) -> Location | None:
        """The line of the triple where known (an IRI object alone on its line), else of the
        subject and property, else of the subject's block."""
        while self.pending:
            self._index(*self.pending.pop(0))
        if subject not in self.subjects and self.resolver is not None:
            path = self.resolver(subject)
            if path is not None and path not in self.indexed and path.is_file():
                self._index(path, path.read_text(encoding="utf-8"))
        if predicate and value and (subject, predicate, value) in self.triples:
            return self.triples[(subject, predicate, value)]
        if predicate and (subject, predicate) in self.predicates:
            return self.predicates[(subject, predicate)]
        return self.subjects.get(subject)


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token == "a":
        return RDF_TYPE
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    namespace = prefixes.get(prefix)
    return namespace + local if namespace is not None else None
