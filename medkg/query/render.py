"""Write query results as a table, CSV, TSV, SPARQL JSON or Markdown.

One table maps each format's short name, media type and file extension; `--format` takes the
short name or the media type.
"""

import csv
import io
import json

from medkg.errors import InputError
from medkg.query.results import Results, Term
from medkg.rdf.prefixes import compact

# name: (media type, extension)
FORMATS = {
    "table": ("text/plain", "txt"),
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", "tsv"),
    "json": ("application/sparql-results+json", "srj"),
    "md": ("text/markdown", "md"),
}
TABLE_CELL = 70  # characters of a cell in the terminal table; csv, tsv, json and md keep everything


def format_name(name_or_media_type: str) -> str:
    for name, (media_type, _) in FORMATS.items():
        if name_or_media_type in (name, media_type):
            return name
    raise InputError(f"--format {name_or_media_type}: choose one of {', '.join(FORMATS)} (or their media types)")


def render(results: Results, fmt: str) -> str:
    return {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "md": _markdown}[fmt](results)


def _csv(results: Results) -> str:
    """SPARQL 1.1 Query Results CSV: values without their types, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if results.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow([str(results.boolean).lower()])
    else:
        writer.writerow(results.variables)
        for row in results.rows:
            writer.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return out.getvalue()


def _tsv(results: Results) -> str:
    """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax, so types survive."""
    if results.boolean is not None:
        return f"?boolean\n{str(results.boolean).lower()}\n"
    lines = ["\t".join(f"?{v}" for v in results.variables)]
    lines += ["\t".join("" if t is None else ntriples(t) for t in row) for row in results.rows]
    return "\n".join(lines) + "\n"


def _json(results: Results) -> str:
    if results.boolean is not None:
        return json.dumps({"head": {}, "boolean": results.boolean}, indent=2) + "\n"
    bindings = [
        {v: _json_term(t) for v, t in zip(results.variables, row, strict=True) if t is not None} for row in results.rows
    ]
    document = {"head": {"vars": results.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _table(results: Results) -> str:
    if results.boolean is not None:
        return f"{str(results.boolean).lower()}\n"
    cells = [[_short(readable(t), TABLE_CELL) for t in row] for row in results.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(results.variables)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(results.variables), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(results.rows)} row{'s' if len(results.rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _markdown(results: Results) -> str:
    if results.boolean is not None:
        return f"{str(results.boolean).lower()}\n"
    esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = ["| " + " | ".join(results.variables) + " |", "|" + "---|" * len(results.variables)]
    out += ["| " + " | ".join(esc(readable(t)) for t in row) + " |" for row in results.rows]
    return "\n".join(out) + "\n"


def readable(term: Term | None) -> str:
    """A term as a person reads it: a prefixed name for an IRI, the text of a literal."""
    if term is None:
        return ""
    if term.kind == "uri":
        return compact(term.value)
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value.replace("\n", " ")


def ntriples(term: Term) -> str:
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    body = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if term.lang:
        return f'"{body}"@{term.lang}'
    if term.datatype:
        return f'"{body}"^^<{term.datatype}>'
    return f'"{body}"'


def _json_term(term: Term) -> dict:
    if term.kind != "literal":
        return {"type": term.kind, "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
