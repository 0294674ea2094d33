"""What a SPARQL request is, decided by a real parser (rdflib's), not by patterns over its text.

A regular expression over masked text was fooled by `FILTER(1<2)SERVICE<http://x/>{...}` (the
mask read `<2)SERVICE<...>` as an IRI) and by a comment ended by a carriage return. Here the text
is parsed as a query (else as an update) and the algebra walked for every SERVICE, wherever it is
nested (OPTIONAL, UNION, subqueries, FILTER EXISTS). What does not parse is refused.

Two parsers must read the same characters: rdflib ends a comment at a line feed only, where
Oxigraph (and the SPARQL grammar) also end it at a carriage return, and rdflib expands \\u escapes
everywhere before parsing, where Oxigraph does so only in strings and IRIs. So `read` returns the
text it parsed, escapes expanded and line ends written as line feeds, and callers send that text
on, never the original: what runs is what was checked.
"""

import re
import sys
import threading
from dataclasses import dataclass

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import Query, UpdateUnit, expandUnicodeEscapes
from rdflib.plugins.sparql.parserutils import CompValue

from medkg.errors import InputError
from medkg.rdf import sparql_bounds

# rdflib's algebra translation grows with the square of a group's size: 400 triple patterns
# (10 kB) took 1.2 s, 1,600 (44 kB) 18 s. 20,000 characters keep a check within ~4 s; the
# catalogue's longest query is 2,500.
MAX_CHARS = 20_000
# rdflib's grammar recurses once per triple pattern: some 70 patterns in a group passed Python's
# default limit of 1000 frames. The parse runs in a thread of its own with room to recurse.
_DEPTH, _STACK = 50_000, 256 << 20
PARSE_STACK = _STACK  # bytes of address space each parse's thread reserves (medkg serve's memory bound allows for it)
# The recursion limit is the process's: raised while any parse runs, put back when the last ends.
# Parses themselves run side by side: one lock held for a whole parse let four slow queries hold a
# plain ASK {} for 81 s. The lock below guards the count and a thread's creation only (the stack
# size for new threads is the process's too).
_RAISED = threading.Lock()
_running = {"parses": 0, "limit": 0}
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class SparqlRefused(InputError):
    """The text is not SPARQL rdflib can read (exit 2 locally, HTTP 400 at the gateway)."""


@dataclass(frozen=True)
class Parsed:
    text: str  # what was parsed: the text to run or send on
    update: bool  # SPARQL Update rather than a query
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE; "" for an update
    names: frozenset[str]  # every algebra and syntax node name found (ServiceGraphPattern, Minus, ...)

    @property
    def service(self) -> bool:
        return "ServiceGraphPattern" in self.names


def normalise(text: str) -> str:
    r"""The text as both parsers read it: \u escapes expanded once, every line end a line feed.

    >>> normalise('ASK { # note\r?s ?p "\\u0041" }')
    'ASK { # note\n?s ?p "A" }'
    """
    try:
        text = expandUnicodeEscapes(text)
    except ValueError as e:
        raise SparqlRefused(f"the query does not parse: {e}") from None
    # A lone surrogate (`\uD800`, or half a UTF-16 pair) is no character: Oxigraph cannot be given
    # it, and encoding the text for it was a UnicodeEncodeError traceback.
    if bad := _SURROGATE.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        raise SparqlRefused(f"the query holds U+{ord(bad.group()):04X} (line {line}), a lone surrogate, which is not a "
                            "character; write the character itself, or \\U and its eight hex digits")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


def read(text: str) -> Parsed:
    r"""Parse a query, else an update; SparqlRefused, with the parser's line and column, if neither.

    >>> read("SELECT * WHERE { FILTER(1<2)SERVICE<http://x/>{ ?s ?p ?o } }").service
    True
    >>> read('SELECT ?service WHERE { ?service <urn:p> "SERVICE <http://x/> {}" }').service
    False
    >>> read("SELECT * WHERE { ?s ?p ?o #\rSERVICE <http://x/> { ?a ?b ?c } }").service
    True
    >>> read("DROP ALL").update
    True
    """
    if len(text) > MAX_CHARS:
        raise SparqlRefused(f"the query is {len(text)} characters long; at most {MAX_CHARS} are read")
    text = normalise(text)
    too_much = sparql_bounds.refusal(text)  # before the parser sees it: its cost grows with tokens
    if too_much:
        raise SparqlRefused(too_much)
    outcome: dict = {}

    def work():
        try:
            outcome["parsed"] = _read(text)
        except RecursionError:
            outcome["error"] = SparqlRefused("the query is nested too deeply to be checked; write it flatter")
        except SparqlRefused as e:
            outcome["error"] = e
        except Exception as e:  # noqa: BLE001 (a fault inside rdflib's grammar, e.g. a TypeError from pyparsing)
            # Said as a refusal, once, by the caller: left to the thread, it printed a traceback
            # and the caller then failed on the missing answer.
            outcome["error"] = SparqlRefused(f"rdflib's SPARQL parser failed on the query ({type(e).__name__}: "
                                             f"{_first_line(e)}); check its syntax near what that names")
        finally:
            _leave()

    with _RAISED:
        if _running["parses"] == 0:
            _running["limit"] = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_running["limit"], _DEPTH))
        _running["parses"] += 1
        before = threading.stack_size(_STACK)
        try:
            # A daemon: a caller that gives up at its time limit can still exit the process.
            worker = threading.Thread(target=work, name="medkg-sparql-parse", daemon=True)
            worker.start()
        except BaseException:
            _running["parses"] -= 1
            raise
        finally:
            threading.stack_size(before)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["parsed"]


def _leave() -> None:
    with _RAISED:
        _running["parses"] -= 1
        if _running["parses"] == 0:
            sys.setrecursionlimit(_running["limit"])


def _read(text: str) -> Parsed:
    try:
        tree = Query.parse_string(text, parse_all=True)  # parseQuery would expand escapes a second time
    except ParseBaseException as query_error:
        try:
            update = UpdateUnit.parse_string(text, parse_all=True)[0]
        except ParseBaseException:
            raise SparqlRefused(f"the query does not parse: {_first_line(query_error)}") from None
        return Parsed(text, True, "", frozenset(_names(update) | _names(_algebra(translateUpdate, update))))
    algebra = _algebra(translateQuery, tree)
    return Parsed(text, False, FORMS.get(algebra.algebra.name, ""), frozenset(_names(tree) | _names(algebra.algebra)))


def _algebra(translate, tree):
    try:
        return translate(tree)
    except Exception as e:  # noqa: BLE001 (rdflib raises bare Exception for an unknown prefix)
        raise SparqlRefused(f"the query does not parse: {_first_line(e)}") from None


def _names(node, seen: set[int] | None = None) -> set[str]:
    """The names of every CompValue below `node` (syntax tree or algebra), however deeply nested."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (str, bytes, int, float)):
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            found.add(item.name)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)) or hasattr(item, "as_list"):
            stack.extend(item)
        elif hasattr(item, "algebra"):  # a translated Query or Update
            stack.append(item.algebra)
    return found


def _first_line(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return re.sub(r"\s+", " ", text)[:300]
