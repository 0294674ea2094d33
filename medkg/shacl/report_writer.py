"""Write a report (medkg/shacl/finding.py), of `medkg validate` or `medkg shacl` alike: one line per
finding for people, JSON for programs, or the standard SHACL sh:ValidationReport in Turtle."""

import json
import re

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal

from medkg.io.parse import to_ox
from medkg.project_files import relative
from medkg.rdf.namespaces import SH, XSD
from medkg.rdf.prefixes import prefixes
from medkg.rdf.turtle import document
from medkg.shacl.finding import Report
from medkg.shacl.property_paths import path_copy

FORMATS = ("text", "json", "turtle")
# A prefix name Turtle can write (a plain subset of PN_PREFIX): a file's @prefix regex reads more.
_PREFIX_NAME = re.compile(r"[A-Za-z]([\w.-]*[\w-])?", re.ASCII)


def render(report: Report, fmt: str = "text") -> str:
    return {"text": _text, "json": _json, "turtle": _turtle}[fmt](report)


def summary_line(report: Report) -> str:
    """The verdict in one line, counting mistakes as the text report lists them (a QC check that
    found the same mistake as a shape is not counted twice)."""
    folded = _also(report.findings)[None]

    def count(severity: str) -> int:
        return report.count(severity) - sum(1 for q in folded if q.severity == severity)

    counts = ", ".join(f"{count(s)} {s}{'s' if count(s) != 1 else ''}" for s in ("violation", "warning", "info"))
    files = len({f.file for f in report.findings})
    verdict = "conforms" if not report.findings else f"{counts} in {files} file{'s' if files != 1 else ''}"
    scope = f"{len(report.files)} files, {report.triples} triples"
    if report.focus is not None:
        scope += f"; {len(report.focus)} changed or referring nodes"
    return f"{verdict} ({scope} checked against {report.shapes} shapes)"


def _text(report: Report) -> str:
    """The report's lines, with an empty line between files."""
    lines = []
    current = None
    for file, line in finding_lines(report.findings):
        if file != current:
            if current is not None:
                lines.append("")
            current = file
        lines.append(line)
    return "\n".join(lines)


def finding_lines(findings) -> list[tuple[str, str]]:
    """(file, line) for each mistake, in the findings' order: the offending value where there is one,
    and a QC check that found the same mistake as a shape named on the shape's line rather than given
    a line of its own. `validate --watch` prints these lines as they appear and disappear."""
    lines = []
    also = _also(findings)
    for f in findings:
        if f in also.get(None, ()):
            continue  # folded into the shape's line
        focus = f" {f.focus}" if f.focus != "-" else ""
        path = f" {f.path}" if f.path else ""
        value = f" (value: {f.value})" if f.value and f.value not in f.message else ""
        rules = "; also ".join([f.shape, *(q.shape for q in also.get(f, ()))])
        message = f.message.replace("\n", "\\n")  # one line per finding, whatever text a message quotes
        lines.append((f.file, f"{f.severity.upper()} {f.where}{focus}{path}: {message}{value} ({rules})"))
    return lines


def _also(findings) -> dict:
    """{shape finding: [QC findings of the same mistake]}, and {None: every QC finding folded}: the
    same node, file and line, and the same property where both name one."""
    shapes = [f for f in findings if not f.shape.startswith("qc:")]
    folded: dict = {None: []}
    for q in (f for f in findings if f.shape.startswith("qc:")):
        same = next((s for s in shapes if (s.file, s.line, s.focus) == (q.file, q.line, q.focus)
                     and (not s.path or not q.path or s.path == q.path)), None)
        if same is not None:
            folded.setdefault(same, []).append(q)
            folded[None].append(q)
    return folded


def _json(report: Report) -> str:
    return json.dumps(
        {
            "conforms": report.conforms,
            "files": [relative(p) for p in report.files],
            "triples": report.triples,
            "shapes": report.shapes,
            "counts": {s: report.count(s) for s in ("violation", "warning", "info")},
            "findings": [
                {
                    "severity": f.severity, "file": f.file, "line": f.line, "focus": f.focus,
                    "path": f.path, "value": f.value, "message": f.message, "shape": f.shape,
                    "component": f.component,
                }
                for f in report.findings
            ],
            "notes": report.notes,
        },
        indent=2,
        ensure_ascii=False,
    )


def _turtle(report: Report) -> str:
    """One standard sh:ValidationReport: sourceShape as the shapes graph names it; a blank-node
    path written out as SHACL reads it, a blank-node shape or value with its structure (its
    triples, and theirs)."""
    shapes = report.shapes_graph if report.shapes_graph is not None else Graph()
    data = None
    triples = []
    node = BNode("report")
    triples += [(node, RDF.type, SH.ValidationReport), (node, SH.conforms, Literal(report.conforms))]
    for f in report.findings:
        terms = f.terms
        result = BNode()
        triples += [(node, SH.result, result), (result, RDF.type, SH.ValidationResult)]
        path, written = path_copy(shapes, terms.path)
        triples += written
        for prop, term, source in ((SH.focusNode, terms.focus, "data"), (SH.resultPath, path, None),
                                   (SH.value, terms.value, "data"), (SH.sourceShape, terms.shape, "shapes"),
                                   (SH.sourceConstraintComponent, terms.component, None),
                                   (SH.resultSeverity, terms.severity, None)):
            if term is None:
                continue
            triples.append((result, prop, term))
            if isinstance(term, BNode) and source is not None:
                if source == "data" and data is None:
                    data = report.data_graph() if report.data_graph is not None else Graph()
                _copy(data if source == "data" else shapes, term, triples, set())
        triples += [(result, SH.resultMessage, Literal(m)) for m in terms.messages or (f.message,)]
    namespaces = {prefix: str(ns) for prefix, ns in shapes.namespaces() if _PREFIX_NAME.fullmatch(prefix)}
    return write_turtle(triples, {**prefixes(), **namespaces, "sh": str(SH), "xsd": str(XSD)})


def write_turtle(triples, namespaces: dict[str, str]) -> str:
    """rdflib triples as Turtle that every parser reads back term for term (medkg/rdf/turtle.py:
    rdflib's serializer wrote an ill-typed "none"^^xsd:boolean as `none`)."""
    return document([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples], namespaces)


def _copy(source: Graph, node: BNode, into: list, seen: set) -> None:
    """The blank node's triples, and its blank objects', however deep (a loop, not recursion: a
    value nested thousands deep once ended the report in RecursionError)."""
    todo = [node]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):
            into.append((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
