"""`medkg shacl` and `medkg validate --shapes`: read any RDF files as a data graph and a shapes graph
(the report is written by medkg/shacl/report_writer.py)."""

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from medkg.errors import InputError
from medkg.io.parse import Source, parse_file, rdflib_graph, regular_file
from medkg.project_files import relative
from medkg.rdf.formats import rdf_format, rdf_suffixes
from medkg.rdf.namespaces import SH

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


# The most members an RDF list of a shapes graph may have (sh:in, sh:languageIn, sh:and, ...). Each
# member is two triples of rdflib's graph, some 3 KB each: a 200,000-member sh:in took 29 s and
# 1.4 GB before any check ran (84 s on a busy machine); 10,000 take about 2 s. The shipped shapes'
# longest list has 7 members. Bounded rather than made cheaper: the cost is rdflib's per triple.
MAX_LIST = 10_000
_FIRST, _REST = ox.NamedNode(str(RDF.first)), ox.NamedNode(str(RDF.rest))
_PATH = ox.NamedNode(str(SH.path))


def shapes(paths: list[Path], prefixes: dict | None = None) -> Graph:
    """The shapes files as one rdflib graph (graph), each file's lists bounded first, naming it."""
    triples: list[ox.Triple] = []
    for path in paths:
        found = read([path], prefixes)
        bounded_lists(found, path)
        triples += found
    return graph(triples, prefixes)


def bounded_lists(triples: list[ox.Triple], path: Path | None = None) -> None:
    """InputError naming the parameter and its shape where a list of the shapes graph has more than
    MAX_LIST members: before the shapes are made an rdflib graph, which is where the time goes.
    Linear: each list node is visited once (a list that loops is refused later, by syntax_rules)."""
    rest = {t.subject: t.object for t in triples if t.predicate == _REST}
    heads = {t.subject for t in triples if t.predicate == _FIRST} - set(rest.values())
    for head in heads:
        node, count, seen = head, 0, set()
        while node in rest and node not in seen:
            seen.add(node)
            count += 1
            node = rest[node]
        if count > MAX_LIST:
            holder = next((t for t in triples if t.object == head and t.predicate != _REST), None)
            where = f"{_name(holder.predicate)} of {_shape(triples, holder.subject)}" if holder else f"the list at {head}"
            raise InputError(f"{relative(path) + ': ' if path else ''}{where} has {count:,} members; at most {MAX_LIST:,} are read (a shapes graph is "
                             f"held in memory, some 6 KB a member): check membership with sh:class (type the "
                             "allowed values in the data) or a SPARQL constraint instead")


def _shape(triples: list[ox.Triple], shape) -> str:
    """A shape as a message names it: its IRI, or a blank node's sh:path."""
    if isinstance(shape, ox.NamedNode):
        return _name(shape)
    path = next((t.object for t in triples if t.subject == shape and t.predicate == _PATH), None)
    return f"the shape [sh:path {_name(path)}]" if isinstance(path, ox.NamedNode) else "a blank-node shape"


def _name(term) -> str:
    from medkg.rdf.prefixes import compact

    return compact(term.value) if isinstance(term, ox.NamedNode) else "a blank-node shape"


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
