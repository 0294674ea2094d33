"""What both commands report: findings (with the RDF terms behind them) and the report that holds them.

`locate` is the one step where an engine's ConstraintResult becomes a Finding: placed in a file
(file:line, from medkg/io/locations.py) and named for people. `medkg shacl` and `medkg validate`
both build their reports with it, and medkg/shacl/report_writer.py writes them out.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import BNode, Node

from medkg.io.locations import LocationIndex
from medkg.project_files import relative
from medkg.rdf.namespaces import RDFS, SH
from medkg.rdf.prefixes import compact as compact_iri
from medkg.rdf.turtle import literal
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.core import COMPONENTS
from medkg.shacl.property_paths import sparql_path

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
RANK = {"info": 0, "warning": 1, "violation": 2}
_IRI_IN_TEXT = re.compile(r"\bhttps?://[^\s<>\"{}|\\^`]+[^\s<>\"{}|\\^`.,;:)]")
# Which parameter of a shape each component checks, for a message where the shape gives none.
_PARAMETER = {SH[name]: parameter for parameter, component in COMPONENTS.items() for name in component.names}


@dataclass(frozen=True)
class Terms:
    """The RDF terms of one result, for the standard sh:ValidationReport."""

    severity: Node
    focus: Node | None
    path: Node | None
    value: Node | None
    shape: Node | None
    component: Node | None
    messages: tuple[str, ...] = ()  # as the engine gave them (Finding.message is for people)


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
    # The shapes graph the findings' terms come from: a blank-node sh:resultPath or sh:sourceShape
    # is written out from it in the standard report, as is a blank-node focus or value from the
    # data graph (asked for only then).
    shapes_graph: Graph | None = field(default=None, repr=False)
    data_graph: Callable[[], Graph] | None = field(default=None, repr=False)
    # With validate --profile: each check's time (medkg/validate/check_profile.py CheckTime), and the
    # seconds all of them took together in the pool.
    timings: list | None = field(default=None, repr=False)
    checks_seconds: float | None = None

    @property
    def conforms(self) -> bool:
        return not self.findings

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "violation") -> bool:
        return any(RANK[f.severity] >= RANK[fail_on] for f in self.findings)


def locate(result: ConstraintResult, locations: LocationIndex, name: Callable, shapes: Graph | None = None) -> Finding:
    """The finding a result makes: where its focus node is written (the line of the triple with the
    path and value where the file has one) and its terms named by `name` (see names). `shapes`,
    where given, says what a shape without sh:message asks."""
    focus, path, value = result.focus, result.path, result.value
    where = locations.find(
        str(focus), str(path) if isinstance(path, URIRef) else None, str(value) if isinstance(value, URIRef) else None
    )
    return Finding(
        severity=SEVERITIES.get(result.severity, "violation"),
        file=relative(where.file) if where else "",
        line=where.line if where else 0,
        focus=name(focus),
        path=name(path) if path is not None else "",
        value=name(value) if value is not None else "",
        message=_IRI_IN_TEXT.sub(lambda m: name(URIRef(m.group(0))), _message(result, shapes, name)),
        shape=name(result.shape),
        component=name(result.component),
        terms=Terms(result.severity or SH.Violation, focus, path, value, result.shape, result.component,
                    result.messages),
    )


def _message(result: ConstraintResult, shapes: Graph | None, name) -> str:
    """The shape's sh:message, or what the constraint asks (fails sh:datatype xsd:integer)."""
    if result.messages:
        return " ".join(sorted(result.messages))
    parameter = _PARAMETER.get(result.component)
    if parameter is not None and result.shape is not None and shapes is not None:
        values = [name(v) for v in shapes.objects(result.shape, parameter)]
        return f"fails {compact_iri(str(parameter))} {', '.join(values)}".rstrip()
    return f"fails {name(result.component)}" if result.component is not None else "(the shape has no sh:message)"


def names(shapes: Graph | None = None, shapes_prefixes: bool = True) -> Callable[[Node | None], str]:
    """How a report names a term for people: an IRI compact (by the shapes graph's own prefixes
    first where `shapes_prefixes`, then medkg's registry), a literal as Turtle writes it, a
    blank-node path as a SPARQL path and a blank-node shape by its label or as [ ]."""
    bound = [(prefix, str(namespace)) for prefix, namespace in shapes.namespaces() if prefix] \
        if shapes is not None and shapes_prefixes else []

    def name(term) -> str:
        if term is None:
            return "-"
        if isinstance(term, URIRef):
            for prefix, namespace in bound:
                if str(term).startswith(namespace) and str(term) != namespace:
                    return f"{prefix}:{str(term)[len(namespace):]}"
            return compact_iri(str(term))
        if isinstance(term, Literal):
            # As Turtle writes it in full, with the datatype compacted: "1"^^xsd:int.
            return literal(str(term), term.language, term.datatype and str(term.datatype), lambda iri: name(URIRef(iri)))
        if isinstance(term, BNode) and shapes is not None:
            if (None, SH.path, term) in shapes:
                return sparql_path(shapes, term)
            label = shapes.value(term, SH.name) or shapes.value(term, RDFS.label)
            return f"[{label}]" if label else "[ ]"
        return term.n3() if hasattr(term, "n3") else str(term)

    return name


def findings_of(results: list[ConstraintResult], locations: LocationIndex, name: Callable,
                shapes: Graph | None = None) -> list[Finding]:
    """Each result as a Finding (locate)."""
    return [locate(r, locations, name, shapes) for r in results]


def report_of(outcome, data: list, shapes: Graph, files: list[Path] | None = None,
              locations: LocationIndex | None = None) -> Report:
    """The report of an engine's outcome (medkg/shacl/engine.py) on `data` (pyoxigraph triples, read
    from `files`, whose Turtle `locations` place the findings), its terms named as `shapes` does."""
    from medkg.io.parse import rdflib_graph

    found = in_report_order(findings_of(outcome.results, locations or LocationIndex(), names(shapes), shapes))
    return Report(found, list(files or []), len(data), outcome.shape_count, notes=list(outcome.notes),
                  shapes_graph=shapes, data_graph=lambda: rdflib_graph(data))


def in_report_order(findings: list[Finding]) -> list[Finding]:
    """Each finding once, by file and line, then every field: ties would follow the hash seed. Two
    results that read alike (values that are two blank nodes, [ ] each) are two findings still."""
    once = list({(f, f.terms): f for f in findings}.values())
    return sorted(once, key=lambda f: (f.file == "", f.file, f.line, -RANK[f.severity], f.focus, f.path, f.message,
                                       f.value, f.shape, f.component))
