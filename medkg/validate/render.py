"""Print a validation report: one line per finding for people, or JSON for programs."""

import json

from medkg.paths import relative
from medkg.rdf.namespaces import SH
from medkg.rdf.prefixes import prefixes
from medkg.validate.model import Report

FORMATS = ("text", "json", "turtle")


def render(report: Report, fmt: str = "text") -> str:
    return {"text": _text, "json": _json, "turtle": _turtle}[fmt](report)


def summary_line(report: Report) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}" for s in ("violation", "warning", "info")
    )
    files = len({f.file for f in report.findings})
    verdict = "conforms" if not report.findings else f"{counts} in {files} file{'s' if files != 1 else ''}"
    scope = f"{len(report.files)} files, {report.triples} triples"
    if report.focus is not None:
        scope += f"; {len(report.focus)} changed or referring nodes"
    return f"{verdict} ({scope} checked against {report.shapes} shapes)"


def _text(report: Report) -> str:
    lines = []
    current = None
    for f in report.findings:
        if f.file != current:
            if current is not None:
                lines.append("")
            current = f.file
        focus = f" {f.focus}" if f.focus != "-" else ""
        path = f" {f.path}" if f.path else ""
        lines.append(f"{f.severity.upper()} {f.where}{focus}{path}: {f.message} ({f.shape})")
    return "\n".join(lines)


def _json(report: Report) -> str:
    return json.dumps(
        {
            "conforms": not report.findings,
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
        },
        indent=2,
        ensure_ascii=False,
    )


def _turtle(report: Report) -> str:
    """The standard SHACL sh:ValidationReport, for SHACL tooling."""
    from rdflib import RDF, BNode, Graph, Literal

    sh = SH
    graph = Graph()
    graph.bind("sh", sh)
    for prefix, namespace in prefixes().items():
        graph.bind(prefix, namespace)
    node = BNode("report")
    graph.add((node, RDF.type, sh.ValidationReport))
    graph.add((node, sh.conforms, Literal(not report.findings)))
    for i, f in enumerate(report.findings):
        terms = f.terms
        result = BNode(f"result{i + 1}")
        graph.add((node, sh.result, result))
        graph.add((result, RDF.type, sh.ValidationResult))
        graph.add((result, sh.resultSeverity, terms.severity))
        graph.add((result, sh.resultMessage, Literal(f.message)))
        for prop, term in ((sh.focusNode, terms.focus), (sh.resultPath, terms.path), (sh.value, terms.value),
                           (sh.sourceShape, terms.shape), (sh.sourceConstraintComponent, terms.component)):
            if term is not None:
                graph.add((result, prop, term))
    return graph.serialize(format="turtle")
