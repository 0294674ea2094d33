"""Write query results as a table, CSV, TSV, SPARQL JSON or Markdown.

One table maps each format's short name, media type and file extension; `--format` takes the
short name or the media type.
"""

import csv
import io
import json
import textwrap

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
TABLE_WIDTH = 100  # the table's width where no terminal says otherwise
MIN_COLUMN = 10  # a column is never wrapped narrower than this (or its header, or its longest word)
MAX_WORD = 16  # ... unless that word is longer than this; an IRI (prefix:name) may be broken anywhere


def format_name(name_or_media_type: str) -> str:
    for name, (media_type, _) in FORMATS.items():
        if name_or_media_type in (name, media_type):
            return name
    raise InputError(f"--format {name_or_media_type}: choose one of {', '.join(FORMATS)} (or their media types)")


def render(results: Results, fmt: str, width: int | None = TABLE_WIDTH) -> str:
    """The results in a format; the table fits `width` columns by wrapping its longest cells
    (None: every cell on one line, however wide: `medkg query --wide`). Nothing is cut."""
    if fmt == "table":
        return _table(results, width)
    return {"csv": _csv, "tsv": _tsv, "json": _json, "md": _markdown}[fmt](results)


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


def _table(results: Results, width: int | None) -> str:
    if results.boolean is not None:
        return f"{str(results.boolean).lower()}\n"
    cells = [[readable(t).replace("\n", " ") for t in row] for row in results.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(results.variables)]
    if width is not None:
        # A column is never narrower than its longest word (up to MAX_WORD), so that wrapping breaks
        # between words: "discontinuation" in a 12-character column would be cut in two.
        longest = [min(MAX_WORD, max([0] + [len(w) for r in cells for w in r[i].split() if ":" not in w]))
                   for i in range(len(widths))]
        widths = _fit(widths, [max(len(v), n) for v, n in zip(results.variables, longest, strict=True)], width)

    def lines(values: list[str]) -> list[str]:
        wrapped = [textwrap.wrap(v, w, break_long_words=True) or [""] for v, w in zip(values, widths, strict=True)]
        return ["  ".join((col[i] if i < len(col) else "").ljust(w) for col, w in zip(wrapped, widths, strict=True)).rstrip()
                for i in range(max(len(col) for col in wrapped))]

    out = lines(results.variables) + ["  ".join("-" * w for w in widths)]
    for row in cells:
        out += lines(row)
    out.append(f"({len(results.rows)} row{'s' if len(results.rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _fit(widths: list[int], headers: list[int], total: int) -> list[int]:
    """Narrow the widest columns, one character at a time, until the table (with its two-space
    gaps) fits `total`, or no column can give more."""
    widths = list(widths)
    floor = [max(MIN_COLUMN, h) for h in headers]
    while sum(widths) + 2 * (len(widths) - 1) > total:
        candidates = [i for i, w in enumerate(widths) if w > floor[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


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


