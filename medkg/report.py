"""Print a validation report: one line per finding for people, or JSON for programs."""

import json

from medkg.project import relative
from medkg.validation import Report

FORMATS = ("text", "json")


def render(report: Report, fmt: str = "text") -> str:
    if fmt == "json":
        return _json(report)
    return _text(report)


def summary_line(report: Report) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}" for s in ("violation", "warning", "info")
    )
    files = len({f.file for f in report.findings})
    verdict = "conforms" if not report.findings else f"{counts} in {files} file{'s' if files != 1 else ''}"
    return (
        f"{verdict} ({len(report.files)} files, {report.triples} triples checked against "
        f"{report.shapes} shapes)"
    )


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
