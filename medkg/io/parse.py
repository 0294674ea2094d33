"""Read Turtle strictly, and hold the graph in both engines the project uses.

Every file is parsed by pyoxigraph, which follows the Turtle grammar to the letter (rdflib
accepts some invalid Turtle), so a syntax error is reported with its file, line and column
before anything else runs. The triples then fill a pyoxigraph Store (fast SPARQL) and an
rdflib Graph (what pySHACL validates), converted term by term rather than parsed twice.
"""

import logging
import os
import re
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from medkg.errors import InputError
from medkg.io.locations import LocationIndex
from medkg.project_files import DATA_DIR, ONTOLOGY_DIR, PREFIXES_FILE, SHAPES_DIR, relative
from medkg.rdf.as_written import decode
from medkg.rdf.namespaces import XSD

_XSD_STRING = str(XSD.string)
# rdflib logs a traceback for every ill-typed literal ("1.5"^^xsd:integer) it converts; the
# shapes report those literals with file and line, so the traceback is only noise.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
# Likewise its warning for an ill-typed boolean ("none"^^xsd:boolean): the literal is reported as written.
warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)
# rdflib rewrites literals to their canonical form by default ("05"^^xsd:integer becomes "5",
# "1"^^xsd:boolean "true"): SHACL checks a literal as written, and a term leaves medkg as it came in.
rdflib.NORMALIZE_LITERALS = False
_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*: ")
_UNDECLARED = re.compile(r"The prefix ([\w.-]*): has not been declared")


@dataclass
class Source:
    """Triples from a set of files, with where each subject was written."""

    files: list[Path] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    locations: LocationIndex = field(default_factory=LocationIndex)
    blank_node_files: dict[Path, list[ox.Triple]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # warnings for the person reading (an empty file)

    def rdflib_graph(self) -> rdflib.Graph:
        return rdflib_graph(self.triples)

    def store(self) -> ox.Store:
        store = ox.Store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        return store


def collect(paths: list[Path]) -> list[Path]:
    """The Turtle files named, or found below the folders named, in a stable order.

    A folder that cannot be read, or a symbolic link that loops, is an error naming it: skipping
    it silently would let a folder of unreadable files "conform"."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = _turtle_files(path)
            if not found:
                raise InputError(f"{path}: no .ttl files in this folder; name a Turtle file or a folder holding some")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            regular_file(path)
        elif path.is_symlink():
            raise InputError(f"{path}: a symbolic link that leads nowhere (a loop, or a missing target); "
                             "point it at a file or folder, or remove it")
        else:
            raise InputError(f"{path}: no such file or folder; check the path (default: data/)")
    return list(dict.fromkeys(files))


def _turtle_files(folder: Path) -> list[Path]:
    def unreadable(error: OSError):
        raise InputError(f"{relative(Path(error.filename))}: cannot read this folder ({error.strerror}); "
                         "make it readable, or move it out of the folder validated")

    found, seen = [], set()
    for root, folders, names in os.walk(folder, onerror=unreadable, followlinks=True):
        here = Path(root)
        real = here.resolve()
        if any(above.resolve() == real for above in here.parents if above.is_relative_to(folder)):
            raise InputError(f"{relative(here)}: a symbolic link back into a folder above it (a loop); "
                             "remove it or point it elsewhere")
        if real in seen:  # a second link to a folder already read
            folders.clear()
            continue
        seen.add(real)
        folders.sort()
        found.extend(regular_file(Path(root) / name) for name in names if name.endswith(".ttl"))
    return sorted(found)


def regular_file(path: Path) -> Path:
    """`path`, or InputError when it is not a regular file: reading a named pipe waits for a writer
    for ever, and a device may never end."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return path  # a link to nothing, or unreadable: reading it says so
    if not stat.S_ISREG(mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) \
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise InputError(f"{relative(path)}: {kind}, not a file medkg can read; remove it or name a regular file")
    return path


def parse_file(path: Path, base_iri: str | None = None, raw: bytes | None = None,
               feed: Callable[[bytes], None] | None = None) -> tuple[list[ox.Triple], str]:
    """Parse one Turtle file strictly; raise InputError naming file:line:column on bad syntax.
    `raw`: its bytes, already read (so that what was hashed is what is parsed). `feed`: given
    the bytes once read and decoded, before they are parsed (as_written.Loader fills a store
    from them meanwhile).

    Without a base IRI a relative IRI is an error, since shipped IRIs must be absolute.
    """
    try:
        raw = path.read_bytes() if raw is None else raw
        if raw.startswith(b"\xef\xbb\xbf"):
            raise InputError(f"{relative(path)}:1:1: the file starts with a byte-order mark (an invisible U+FEFF), "
                             "which Turtle does not allow; remove the byte-order mark (save as UTF-8 without BOM)")
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{relative(path)}: not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from None
    except OSError as e:
        raise InputError(f"{relative(path)}: cannot read ({e.strerror})") from None
    if feed is not None:
        feed(raw)
    try:
        quads = ox.parse(raw, format=ox.RdfFormat.TURTLE, base_iri=base_iri)
        triples = [q.triple for q in quads]  # half the time of Triple(q.subject, q.predicate, q.object)
    except SyntaxError as e:
        # One line whatever the parser quotes: a """-literal where a subject should be spans many.
        message = _one_line(_POSITION.sub("", e.msg))
        raise InputError(
            f"{relative(path)}:{e.lineno}:{e.offset}: Turtle syntax error: {message}"
            f"{_hint(message, text.splitlines(), e.lineno or 0, e.offset or 0)}"
        ) from None
    if b"<<" in raw or b"{|" in raw:  # the only syntax that writes one: the scan is skipped for most files
        _refuse_triple_terms(path, triples, text)
    return triples, text


def _refuse_triple_terms(path: Path, triples: list[ox.Triple], text: str) -> None:
    """InputError for an RDF 1.2 triple term (<<( s p o )>>, or the << >> and {| |} forms that
    write one): pyoxigraph reads them, but rdflib, pySHACL and medkg's model have no such term,
    and a check that met one stopped with a traceback."""
    nested = next((t for t in triples if type(t.object) is ox.Triple), None)
    if nested is None:
        return
    line = next((i for i, text_line in enumerate(text.splitlines(), 1) if "<<" in text_line or "{|" in text_line), 1)
    raise InputError(f"{relative(path)}:{line}: a triple term (RDF 1.2 <<( )>>, << >> or {{| |}}) is the object of "
                     f"{nested.subject} {nested.predicate}; medkg reads RDF 1.1: state the triple itself, or a claim "
                     "about it as an rdf:Statement node (rdf:subject, rdf:predicate, rdf:object), as data/ does")


def load(paths: list[Path], base_iri: str | None = None, feed: Callable[[bytes], None] | None = None) -> Source:
    """Parse the files; a triple written in several places (a direct triple beside each of its
    claims) is one triple of the graph and kept once. `feed`: as parse_file's, for each file."""
    source = Source()
    seen = set()
    broken = []  # every file's syntax error, not only the first one's
    for path in collect(paths):
        try:
            triples, text = parse_file(path, base_iri, feed=feed)
        except InputError as e:
            broken.append(str(e))
            continue
        if not triples:
            source.notes.append(f"warning: {relative(path)} holds no triples (empty, or only prefixes and "
                                "comments); add its statements or delete it")
        source.files.append(path)
        source.triples.extend(t for t in triples if not (t in seen or seen.add(t)))
        source.locations.add_file(path, text)
        blank = [t for t in triples if _has_blank_node(t)]
        if blank:
            source.blank_node_files[path] = blank
    if broken:
        raise InputError("\n".join(broken))
    _check_id_patterns(source)
    return source


def _check_id_patterns(source: Source) -> None:
    """InputError for an identifier scheme's medkg:localIdPattern that is not a string both SPARQL
    engines compile, or that backtracks catastrophically (medkg/rdf/regex_check.py): the shapes run
    it in a FILTER, where one that fails drops every identifier it should have checked."""
    from medkg.rdf.namespaces import MEDKG
    from medkg.rdf.regex_check import problem

    predicate = ox.NamedNode(str(MEDKG.localIdPattern))
    for t in source.triples:
        if t.predicate != predicate:
            continue
        where = source.locations.find(t.subject.value, predicate.value)
        at = f"{relative(where.file)}:{where.line}" if where else relative(source.files[0])
        value = t.object
        if not isinstance(value, ox.Literal) or value.datatype.value != _XSD_STRING or value.language:
            raise InputError(f"{at}: medkg:localIdPattern of <{t.subject.value}> is {value}, not a plain string; "
                             'write the regular expression as a string ("^[0-9]{7}$")')
        if why := problem(value.value):
            raise InputError(f"{at}: medkg:localIdPattern {value} of <{t.subject.value}> is refused: {why}")


def load_ontology() -> Source:
    """The vocabulary, certainty scale and identifier schemes (everything in ontology/ but shapes)."""
    return load([p for p in sorted(ONTOLOGY_DIR.glob("*.ttl")) if p != PREFIXES_FILE])


def load_shapes() -> Source:
    return load([PREFIXES_FILE, SHAPES_DIR])


def load_data(paths: list[Path] | None = None, feed: Callable[[bytes], None] | None = None) -> Source:
    return load(paths or [DATA_DIR], feed=feed)


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        term = decode(term)  # from a store that keeps literals as written (medkg/rdf/as_written.py)
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # rdflib keeps plain literals without a datatype; xsd:string would not compare equal.
            return rdflib.Literal(term.value)
        # normalize=False whatever the process-wide switch says: pySHACL turns it back on for every
        # user of rdflib when it is called plainly (docs/upstream/pyshacl-literal-normalisation.md).
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"unexpected RDF term {term!r}")


def rdflib_graph(triples: list[ox.Triple]) -> rdflib.Graph:
    """The triples as an rdflib graph (for pySHACL and the shapes compiler), literals as written."""
    graph = rdflib.Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def to_ox(term):
    """An rdflib term as pyoxigraph's (the shapes graph's terms, where a query or store needs them)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"unexpected RDF term {term!r}")


def _hint(message: str, lines: list[str] | None = None, line: int = 0, column: int = 0) -> str:
    """What to do, for the mistakes curators make most, read from where the parser stopped.

    >>> _hint("A dot is expected at the end of statements", ["kg:x a kg:Y", '    rdfs:label "x" .'], 2, 5)
    '; missing ; or . at the end of line 1 (a ; goes on with the same subject, a . ends the statement)'
    >>> _hint(". is not a valid RDF object", ['kg:x rdfs:label "x", .'], 1, 22)
    '; a trailing , before the . on line 1: remove it, or write the next value after it'
    """
    lines = lines or []
    before = [(n, text) for n, text in enumerate(lines[: max(0, line - 1)], start=1) if text.strip()]
    if "dot is expected" in message and before:
        n, previous = before[-1]
        if previous.rstrip().endswith(","):
            return f"; a trailing , at the end of line {n}: remove it, or write the next value after it"
        here = lines[line - 1][max(0, column - 1):] if 0 < line <= len(lines) else ""
        if re.match(r"\s*([\w-]*:[\w-]*|a)\s", here) and lines[line - 1][: max(0, column - 1)].strip() == "":
            return (f"; missing ; or . at the end of line {n} "
                    "(a ; goes on with the same subject, a . ends the statement)")
    if "is not a valid RDF object" in message and message.startswith("."):
        return f"; a trailing , before the . on line {line}: remove it, or write the next value after it"
    if "Line jumps are not allowed in string literals" in message and 0 < line <= len(lines):
        opened = lines[line - 1].rfind('"', 0, max(0, column - 1))
        if opened >= 0:
            return (f"; unclosed string starting at line {line}, column {opened + 1}: close it with a quotation "
                    'mark (or use """ for text over several lines)')
    if m := _UNDECLARED.search(message):
        from medkg.rdf.prefixes import prefixes

        namespace = prefixes().get(m.group(1))
        if namespace:
            return f"; add `@prefix {m.group(1)}: <{namespace}> .` at the top (ontology/prefixes.ttl lists them all)"
        return "; declare it with @prefix, or use a full <IRI>"
    if "dot is expected" in message:
        return "; end the statement before this line with ' .'"
    if "“" in message or "”" in message:
        return '; use straight quotation marks (") around literals, not curly ones'
    if "No scheme found" in message:
        return "; write IRIs in full (https://...) or as prefixed names: relative IRIs are not allowed"
    return ""


def _one_line(message: str, most: int = 300) -> str:
    """The parser's message on one line, at most `most` characters (it quotes the token it stopped on).

    >>> _one_line("a literal\\n  over\\tlines   is not a valid subject")
    'a literal over lines is not a valid subject'
    """
    message = re.sub(r"\s+", " ", message).strip()
    return message if len(message) <= most else message[: most - 1] + "…"


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
