"""Print a validation report: one line per finding for people, or JSON for programs."""

import json

from medkg.project_files import relative
from medkg.rdf.namespaces import SH
from medkg.rdf.prefixes import prefixes
from medkg.validate.model import Report

FORMATS = ("text", "json", "turtle")


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
    from rdflib import RDF, BNode, Literal

    from medkg.shacl.property_paths import path_copy
    from medkg.shacl.report import write_turtle

    sh = SH
    node = BNode("report")
    graph = [(node, RDF.type, sh.ValidationReport), (node, sh.conforms, Literal(not report.findings))]
    for i, f in enumerate(report.findings):
        terms = f.terms
        result = BNode(f"result{i + 1}")
        graph += [(node, sh.result, result), (result, RDF.type, sh.ValidationResult),
                  (result, sh.resultSeverity, terms.severity), (result, sh.resultMessage, Literal(f.message))]
        path, triples = path_copy(report.shapes_graph, terms.path) if report.shapes_graph is not None else (terms.path, [])
        graph += triples
        for prop, term in ((sh.focusNode, terms.focus), (sh.resultPath, path), (sh.value, terms.value),
                           (sh.sourceShape, terms.shape), (sh.sourceConstraintComponent, terms.component)):
            if term is not None:
                graph.append((result, prop, term))
    return write_turtle(graph, {"sh": str(sh), **prefixes()})
