"""What validation reports: findings (with the RDF terms behind them) and the report that holds them.

Library code builds these and returns them; the CLI and medkg/validate/report_writer.py write them out.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from medkg.io.parse import Source
from medkg.project_files import relative
from medkg.rdf.namespaces import SH
from medkg.rdf.prefixes import compact as compact_iri
from medkg.rdf.turtle import literal
from medkg.shacl.constraint_result import ConstraintResult  # noqa: F401 (re-exported for the report writers)

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
RANK = {"info": 0, "warning": 1, "violation": 2}
_IRI_IN_TEXT = re.compile(r"\bhttps?://[^\s<>\"{}|\\^`]+[^\s<>\"{}|\\^`.,;:)]")


@dataclass(frozen=True)
class Terms:
    """The RDF terms of one result, for the standard sh:ValidationReport."""

    severity: Node
    focus: Node | None
    path: Node | None
    value: Node | None
    shape: Node | None
    component: Node | None


@dataclass(frozen=True)
class Finding:
    severity: str  # violation | warning | info
    file: str  # where the focus node is written ("" when nowhere in the files checked)
    line: int  # 0 when unknown
    focus: str  # compact IRI or literal, as a curator reads it
    path: str
    value: str
    message: str
    shape: str
    component: str
    # The RDF terms behind the strings above, for the standard sh:ValidationReport; not part of
    # a finding's identity.
    terms: Terms | None = field(default=None, compare=False, repr=False)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else (self.file or "-")


@dataclass
class Report:
    findings: list[Finding]
    files: list[Path]
    triples: int
    shapes: int
    focus: set[str] | None = None  # the nodes checked, when not all of them (--changed)
    notes: list[str] = field(default_factory=list)  # for the person running it (the CLI prints them)
    # The shapes graph the findings' terms come from: a blank-node sh:resultPath is written out
    # from it in the standard report.
    shapes_graph: Graph | None = field(default=None, repr=False)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "violation") -> bool:
        return any(RANK[f.severity] >= RANK[fail_on] for f in self.findings)


def make_finding(data: Source, compact, severity, focus, path, value, messages, shape, component) -> Finding:
    where = data.locations.find(
        str(focus), str(path) if isinstance(path, URIRef) else None, str(value) if isinstance(value, URIRef) else None
    )
    return Finding(
        severity=SEVERITIES.get(severity, "violation"),
        file=relative(where.file) if where else "",
        line=where.line if where else 0,
        focus=compact(focus),
        path=compact(path) if isinstance(path, URIRef) else "",
        value=compact(value) if value is not None else "",
        message=_IRI_IN_TEXT.sub(lambda m: compact(URIRef(m.group(0))), sorted(messages)[0])
        if messages
        else "(the shape has no sh:message)",
        shape=compact(shape),
        component=compact(component),
        terms=Terms(severity or SH.Violation, focus, path, value, shape, component),
    )


def compactor():
    def compact(node) -> str:
        if node is None:
            return "-"
        if isinstance(node, URIRef):
            return compact_iri(str(node))
        if isinstance(node, Literal):
            # As Turtle writes it in full, with the datatype compacted: "1"^^xsd:int.
            return literal(str(node), node.language, node.datatype and str(node.datatype), compact_iri)
        return node.n3() if hasattr(node, "n3") else str(node)

    return compact
