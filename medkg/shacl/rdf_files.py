"""`medkg shacl` and `medkg validate --shapes`: read any RDF files as a data graph and a shapes graph
(the report is written by medkg/shacl/report_writer.py)."""

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from medkg.errors import InputError
from medkg.io.parse import Source, parse_file, rdflib_graph, regular_file
from medkg.project_files import relative
from medkg.rdf.formats import rdf_format, rdf_suffixes

# (Also after another statement on the same line: "@prefix ex: <...> . @prefix sh: <...> .")
_PREFIX = re.compile(r"(?:^|(?<=\s))(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)


def read(paths: list[Path], prefixes: dict | None = None) -> list[ox.Triple]:
    """Every triple of the files (any named graphs merged into one graph), or InputError. The
    Turtle files' prefixes go into `prefixes`, to name things in the text report as the files do."""
    triples = []
    for path in paths:
        fmt = rdf_format(path.suffix)
        if fmt is None:
            raise InputError(f"{relative(path)}: unknown RDF format {path.suffix!r}; use one of "
                             f"{', '.join(rdf_suffixes())}")
        if not path.exists():
            raise InputError(f"{relative(path)}: no such file")
        if path.is_dir():
            raise InputError(f"{relative(path)}: a folder; name the RDF files in it")
        regular_file(path)  # a named pipe would be waited on for ever
        base = path.resolve().as_uri()  # relative IRIs, as the W3C suite's files use, resolve against the file
        if fmt == ox.RdfFormat.TURTLE:
            parsed, source = parse_file(path, base_iri=base)
            triples += parsed
            if prefixes is not None:
                prefixes.update((m.group(1), m.group(2)) for m in _PREFIX.finditer(source))
            continue
        try:
            raw = path.read_bytes()
            if fmt == ox.RdfFormat.RDF_XML:
                _bounded_entities(path, raw)
            elif fmt == ox.RdfFormat.JSON_LD:
                _bounded_nesting(path, raw)
            triples += [q.triple for q in ox.parse(raw, format=fmt, base_iri=base)]
        except (SyntaxError, ValueError) as e:
            line = f":{e.lineno}" if getattr(e, "lineno", None) else ""
            raise InputError(f"{relative(path)}{line}: not valid {fmt.name} ({e}); fix the file") from None
        except OSError as e:
            raise InputError(f"{relative(path)}: cannot read ({e.strerror})") from None
    return triples


_ENTITY = re.compile(rb"<!ENTITY\s+([^\s%]+)\s+(?:\"([^\"&%<]*)\"|'([^'&%<]*)')\s*>")
EXPANSION = 16  # an RDF/XML document's entities may expand it to this many times its size, plus a MiB


def _bounded_entities(path: Path, raw: bytes) -> None:
    """InputError unless the document's entities are plain text (no entity in an entity, no external
    or parameter entity) and expanding them grows it at most EXPANSION-fold: 1 KB of nested entities
    (a "billion laughs") took 33 s and 9 GB, then 'conformed'. OWL files' namespace entities
    (<!ENTITY owl "http://www.w3.org/2002/07/owl#">) pass."""
    declared = raw.count(b"<!ENTITY")
    if not declared:
        return
    entities = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ENTITY.finditer(raw)}
    if len(entities) != declared or len(_ENTITY.findall(raw)) != declared:
        raise InputError(f"{relative(path)}: an entity declaration (<!ENTITY) that refers to another entity, "
                         "a file or a URL; medkg reads RDF/XML whose entities are plain text only: expand them")
    grown = sum(raw.count(b"&" + name + b";") * len(value) for name, value in entities.items())
    if grown > EXPANSION * len(raw) + 2**20:
        raise InputError(f"{relative(path)}: its entities would expand it to {grown:,} bytes, more than "
                         f"{EXPANSION} times its size; expand them in the file")


_JSON_NESTING = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # a string (skipped whole), or a bracket
MAX_NESTING = 500  # JSON-LD arrays and objects inside each other; Oxigraph's parser crashed the process at 5,000


def _bounded_nesting(path: Path, raw: bytes) -> None:
    """InputError when JSON arrays and objects nest deeper than MAX_NESTING: Oxigraph's JSON-LD
    parser recurses once per level, and 5,000 levels overflowed its stack (a segmentation fault)."""
    depth = 0
    for match in _JSON_NESTING.finditer(raw):
        bracket = match.group()
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > MAX_NESTING:
                raise InputError(f"{relative(path)}: JSON nested more than {MAX_NESTING} levels deep; "
                                 "medkg reads flatter JSON-LD (flatten it)")
        elif bracket in (b"]", b"}"):
            depth -= 1


def graph(triples: list[ox.Triple], prefixes: dict | None = None) -> Graph:
    """The triples as an rdflib graph, with the files' prefixes bound for naming things in reports."""
    result = rdflib_graph(triples)
    for prefix, namespace in (prefixes or {}).items():
        if prefix:
            result.bind(prefix, namespace, override=True)
    return result


def source(paths: list[Path], prefixes: dict | None = None) -> Source:
    """The files as one data graph (read), with where each Turtle file's subjects are written, for
    the findings' file:line (the index is built only if a finding asks)."""
    data = Source(files=list(paths), triples=read(paths, prefixes))
    for path in paths:
        if rdf_format(path.suffix) == ox.RdfFormat.TURTLE:
            data.locations.add_file(path, path.read_text(encoding="utf-8"))
    return data
