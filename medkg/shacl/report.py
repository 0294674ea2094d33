"""`medkg shacl`: read any RDF files as a data graph and a shapes graph, and write the standard
SHACL validation report (or a text or JSON reading of it)."""

import json
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef

from medkg.errors import InputError
from medkg.io.parse import parse_file, rdflib_graph, regular_file, to_ox
from medkg.project_files import relative
from medkg.rdf.formats import rdf_format, rdf_suffixes
from medkg.rdf.namespaces import RDFS, SH, XSD
from medkg.rdf.prefixes import compact
from medkg.rdf.turtle import document, literal
from medkg.shacl.core import COMPONENTS
from medkg.shacl.engine import Outcome
from medkg.shacl.property_paths import path_copy, sparql_path

# (Also after another statement on the same line: "@prefix ex: <...> . @prefix sh: <...> .")
_PREFIX = re.compile(r"(?:^|(?<=\s))(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)
# A prefix name Turtle can write (a plain subset of PN_PREFIX): a file's @prefix regex reads more.
_PREFIX_NAME = re.compile(r"[A-Za-z]([\w.-]*[\w-])?", re.ASCII)
# Which parameter of a shape each component checks, for a message where the shape gives none.
_PARAMETER = {SH[name]: parameter for parameter, component in COMPONENTS.items() for name in component.names}


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


def turtle(outcome: Outcome, shapes: Graph, data: Graph) -> str:
    """One standard sh:ValidationReport: sourceShape as the shapes graph names it; a blank-node
    path written out as SHACL reads it, a blank-node shape or value with its structure (its
    triples, and theirs)."""
    report = []
    node = BNode("report")
    report += [(node, RDF.type, SH.ValidationReport), (node, SH.conforms, Literal(outcome.conforms))]
    for r in outcome.results:
        result = BNode()
        report += [(node, SH.result, result), (result, RDF.type, SH.ValidationResult)]
        path, triples = path_copy(shapes, r.path)
        report += triples
        for prop, term, source in ((SH.focusNode, r.focus, data), (SH.resultPath, path, None),
                                   (SH.value, r.value, data), (SH.sourceShape, r.shape, shapes),
                                   (SH.sourceConstraintComponent, r.component, None), (SH.resultSeverity, r.severity, None)):
            if term is not None:
                report.append((result, prop, term))
                if isinstance(term, BNode) and source is not None:
                    _copy(source, term, report, set())
        report += [(result, SH.resultMessage, Literal(message)) for message in r.messages]
    namespaces = {prefix: str(ns) for prefix, ns in shapes.namespaces() if _PREFIX_NAME.fullmatch(prefix)}
    return write_turtle(report, {**namespaces, "sh": str(SH), "xsd": str(XSD)})


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


def text(outcome: Outcome, shapes: Graph) -> str:
    if outcome.conforms:
        return "Conforms\n"
    lines = [f"Does not conform: {len(outcome.results)} result{'s' if len(outcome.results) != 1 else ''}"]
    for r in outcome.results:
        path = f" {_name(r.path, shapes)}" if r.path is not None else ""
        value = f" (value: {_name(r.value, shapes)})" if r.value is not None else ""
        lines.append(f"{_name(r.severity, shapes).removeprefix('sh:').upper()} {_name(r.focus, shapes)}{path}: "
                     f"{_message(r, shapes)}{value} [{_name(r.shape, shapes)}, {_name(r.component, shapes)}]")
    return "\n".join(lines) + "\n"


def as_json(outcome: Outcome, shapes: Graph) -> str:
    return json.dumps({
        "conforms": outcome.conforms,
        "results": [{"severity": _name(r.severity, shapes), "focusNode": _name(r.focus, shapes),
                     "resultPath": _name(r.path, shapes) if r.path is not None else None,
                     "value": _name(r.value, shapes) if r.value is not None else None,
                     "sourceShape": _name(r.shape, shapes), "sourceConstraintComponent": _name(r.component, shapes),
                     "messages": list(r.messages) or [_message(r, shapes)]} for r in outcome.results],
        "notes": outcome.notes,
    }, indent=2, ensure_ascii=False) + "\n"


def _message(r, shapes: Graph) -> str:
    """The shape's sh:message, or what the constraint asks (sh:datatype xsd:integer)."""
    if r.messages:
        return " ".join(r.messages)
    parameter = _PARAMETER.get(r.component)
    if parameter is not None and r.shape is not None:
        values = [_name(v, shapes) for v in shapes.objects(r.shape, parameter)]
        return f"fails {compact(str(parameter))} {', '.join(values)}".rstrip()
    return f"fails {_name(r.component, shapes)}"


def _name(term, shapes: Graph) -> str:
    """Compact for people: prefixed names where the shapes graph or medkg binds one, a blank-node
    path as a SPARQL path, a blank-node shape by its label or as [ ]."""
    if term is None:
        return "-"
    if isinstance(term, URIRef):
        for prefix, namespace in shapes.namespaces():
            if prefix and str(term).startswith(str(namespace)) and str(term) != str(namespace):
                return f"{prefix}:{str(term)[len(str(namespace)):]}"
        return compact(str(term))
    if isinstance(term, Literal):
        return literal(str(term), term.language, term.datatype and str(term.datatype),
                       lambda iri: _name(URIRef(iri), shapes))
    if (None, SH.path, term) in shapes:
        return sparql_path(shapes, term)
    label = shapes.value(term, SH.name) or shapes.value(term, RDFS.label)
    return f"[{label}]" if label else "[ ]"
