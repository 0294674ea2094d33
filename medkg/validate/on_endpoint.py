"""`medkg validate --endpoint URL [--graph IRI]`: the shapes and QC checks run on a SPARQL server.

The local run's queries are sent as they are: every compiled SHACL Core constraint
(medkg/shacl/core.py), every SHACL-SPARQL constraint (medkg/shacl/sparql_constraints.py) and
every QC check (queries/qc/) is one SPARQL 1.1 SELECT, posted to the endpoint; nothing of the
graph is downloaded but the rows that may fail. The Python checks that narrow a compiled
constraint's candidates (where SPARQL and SHACL differ: datatypes, lengths, ordering) run on the
rows the server returns, since Validator.run is handed `EndpointStore`, which answers `query()` as
pyoxigraph's Store does. So the findings are the local run's, without file:line (the server does
not know where a node was written).

The graph on the server must hold the ontology as well as the data, as the local data graph does
(sh:class and the targets follow rdfs:subClassOf; sh:in lists are checked against the certainty
scale's nodes): `medkg load` uploads both. `check_ontology` asks the server for the ontology's
links before anything runs and refuses a graph that lacks them (exit 2), rather than report every
claim as untyped.

Not run on an endpoint: the checks that read the files themselves (the closed vocabulary, minted
names, blank nodes, the article's text file); `medkg validate` on the files runs them.
"""

import hashlib
import json
import re
import threading

import pyoxigraph as ox

from medkg.endpoint import client
from medkg.errors import EndpointError, InputError
from medkg.io.parse import Source
from medkg.rdf.namespaces import RDF, RDFS
from medkg.rdf.sparql_text import grouped_regex_patterns, optional_as_not_exists
from medkg.shacl.targets import TYPE_OF
from medkg.validate.model import Report

# Oxigraph's LATERAL (SEP-0006) is not SPARQL 1.1, and Virtuoso refuses it. The compiler writes it
# for sh:closed only, as `LATERAL { ?this ?p ?v FILTER(...) }`, whose filter reads the group's own
# variables: a plain group joined on ?this gives the same rows (Oxigraph plans it less well).
_LATERAL = re.compile(r"\bLATERAL\s*\{")
# sh:in is compiled as FILTER NOT EXISTS { VALUES ?v { ... } }, which Virtuoso 7.2 cannot compile
# (SP031 "side effect var passed"). NOT IN compares literals by value ("5" = "5.0"), so literals
# all pass the filter and are left to the Python check the compiled constraint has (core._in);
# between an IRI or blank node and the members it is term equality, as VALUES is.
_IN = re.compile(r"FILTER NOT EXISTS \{ VALUES \?v \{ ([^{}]*) \} \}")


class Answer(list):
    """Rows of one SELECT as pyoxigraph's QuerySolutions gives them: `variables`, and each row a
    mapping from a variable's name to its term (None where unbound)."""

    def __init__(self, variables: list[str], rows: list["Row"]):
        super().__init__(rows)
        self.variables = [ox.Variable(v) for v in variables]


class Row(dict):
    def __missing__(self, key):
        return None


class EndpointStore:
    """The part of pyoxigraph.Store the checks use (query), answered by a SPARQL 1.1 endpoint.

    Every query is posted on its own, limited to `timeout` seconds and `max_bytes` of answer;
    `graph` is sent as the default graph (default-graph-uri). A failure is an EndpointError
    naming the server (exit 3)."""

    def __init__(self, url: str, graph: str | None = None, timeout: float = client.DEFAULT_TIMEOUT,
                 max_bytes: int = client.DEFAULT_MAX_BYTES):
        self.url, self.graph, self.timeout, self.max_bytes = url, graph, timeout, max_bytes
        self.sent = 0  # queries posted, for the note that ends a run
        self._below: dict[str, set[str]] | None = None
        # The checks run in a thread pool: the hierarchy is read once (two threads both read it,
        # one run in a few), and the count is not lost between them.
        self._lock, self._hierarchy = threading.Lock(), threading.Lock()
        self.virtuoso = False  # known from the first answer's Server header (see portable)

    def query(self, text: str, substitutions=None) -> Answer:
        if substitutions:  # a blank node has no name a query could send back to the server
            raise InputError(f"{self.url}: a SHACL-SPARQL constraint would have to be run for a blank node; "
                             "give every node of the graph an IRI, or validate the files locally")
        return self._post(portable(text, self.subclasses if TYPE_OF in text else None, self.virtuoso))

    def _post(self, text: str) -> Answer:
        with self._lock:
            self.sent += 1
        server: list[str] = []
        body = client.exchange(self.url, client.protocol_request(self.url, text, "SELECT", self.graph),
                               self.timeout, self.max_bytes, server=server)
        if self.sent == 1:
            self.virtuoso = server[0].startswith("Virtuoso/")
        return parse_answer(self.url, body)

    def subclasses(self, cls: str) -> list[str]:
        """`cls` and every class below it through rdfs:subClassOf in the server's graph, sorted."""
        with self._hierarchy:
            if self._below is None:
                below: dict[str, set[str]] = {}
                for row in self._post(f"SELECT DISTINCT ?sub ?super WHERE {{ ?sub <{RDFS.subClassOf}> ?super "
                                      "FILTER(isIRI(?sub) && isIRI(?super)) }"):
                    below.setdefault(row["super"].value, set()).add(row["sub"].value)
                self._below = below
        found, todo = {cls}, [cls]
        while todo:
            for sub in self._below.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return sorted(found)

    def scalar(self, text: str) -> int:
        rows = self._post(text)
        try:
            return int(next(iter(rows[0].values())).value)
        except (IndexError, StopIteration, ValueError, AttributeError):
            raise EndpointError(f"{self.url}: the answer to a COUNT query is not a number; "
                                "is this a SPARQL query endpoint?") from None


# Virtuoso 7.2 loses a transitive path (`rdf:type/rdfs:subClassOf* <C>`, and `+` alike) whose subject
# is bound from outside, in FILTER NOT EXISTS, OPTIONAL or MINUS: every value then reads as untyped,
# and each sh:class gave a finding per value (35 false ones for SentenceShape-article on the shipped
# graph). So the closure is not asked of the server: `?x <type> ?c FILTER(?c IN (C and its
# subclasses))`, the subclasses read from the server's own graph once (EndpointStore.subclasses), so
# the hierarchy is the one the graph holds, as the path would have followed it.
_TYPED = re.compile(r"(\?\w+) " + re.escape(TYPE_OF) + r" <([^<>\s]+)>")


def portable(text: str, subclasses=None, virtuoso: bool = False) -> str:
    """The query as SPARQL 1.1 that Oxigraph and Virtuoso both answer (see _LATERAL, _IN, _TYPED).
    `subclasses`: a class IRI -> the IRIs of it and every class below it.

    `virtuoso`: two rewrites for Virtuoso 7.2's own readings. Each REGEX pattern in a group
    (grouped_regex_patterns: it read "times|twice" as plain text, so DoseUnitShape-quotePeriod took
    "three times daily" for a day's total). And every `OPTIONAL { P FILTER(F) } FILTER(!BOUND(?v))`
    as `FILTER NOT EXISTS { P FILTER(F) }` (the same answers): Virtuoso evaluates an OPTIONAL's
    filter without the variables bound outside it: SentenceShape-covered, whose filter compares a quote's offsets
    with the sentence's, found all 25 quoted sentences of the shipped graph unquoted. Not for other
    servers: Oxigraph evaluates a NOT EXISTS once per row (that constraint took 1 s at 10k triples,
    minutes at 100k), which is why the shapes are written with OPTIONAL."""
    if virtuoso:
        text = grouped_regex_patterns(optional_as_not_exists(text))
    if subclasses is not None:
        counter = iter(range(1, 1 << 30))

        def typed(m):
            variable = f"?medkg_class{next(counter)}"
            members = ", ".join(f"<{c}>" for c in subclasses(m.group(2)))
            return f"{m.group(1)} <{RDF.type}> {variable} . FILTER({variable} IN ({members}))"

        text = _TYPED.sub(typed, text)
    text = _IN.sub(lambda m: f"FILTER(isLiteral(?v) || ?v NOT IN ({', '.join(_iris(m.group(1)))}))", text)
    return _LATERAL.sub("{", text)


def _iris(terms: str) -> list[str]:
    """The IRIs of a list of SPARQL terms as targets.sparql_term writes them (a literal may hold
    anything, "<" and spaces among it)."""
    return [t for t in _TERM.findall(terms) if t.startswith("<")]


_TERM = re.compile(r'"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?|<[^>]*>|\S+')


def parse_answer(url: str, body: bytes) -> Answer:
    """SPARQL 1.1 JSON results, with every term as written on the wire (not canonicalised as
    medkg query does: a datatype check needs the lexical form the server holds)."""
    try:
        document = json.loads(body)
        variables = document["head"]["vars"]
        rows = [Row({name: _term(value) for name, value in binding.items()})
                for binding in document["results"]["bindings"]]
        if not isinstance(variables, list):
            raise TypeError("head.vars is not a list")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        first = body[:80].decode("utf-8", "replace").strip().splitlines()[:1]
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results ({type(e).__name__}: {e}; it begins "
                            f"{first[0] if first else '(empty)'!r}); give the server's SPARQL query endpoint "
                            "(Oxigraph: /query, Virtuoso: /sparql)") from None
    return Answer(variables, rows)


def _term(value: dict):
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        # Servers name blank nodes their own way (Virtuoso: nodeID://b1234): kept apart, never sent back.
        return ox.BlankNode("b" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:24])
    if kind in ("literal", "typed-literal"):  # typed-literal: the older JSON form Virtuoso writes
        if value.get("xml:lang"):
            return ox.Literal(text, language=value["xml:lang"])
        if value.get("datatype"):
            return ox.Literal(text, datatype=ox.NamedNode(value["datatype"]))
        return ox.Literal(text)
    raise ValueError(f"a term of type {kind!r}")


def check_ontology(store: EndpointStore, ontology: Source) -> None:
    """InputError unless the graph holds the ontology's links between IRIs (subclasses, schemes,
    types): what sh:class, sh:in and the targets look up in the data graph."""
    links = sorted({(t.subject.value, t.predicate.value, t.object.value) for t in ontology.triples
                    if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)})
    rows = " ".join(f"(<{s}> <{p}> <{o}>)" for s, p, o in links)
    found = store.scalar(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}")
    if found < len(links):
        where = f"the graph <{store.graph}>" if store.graph else "the default graph"
        example = next((f"<{s}> <{RDFS.subClassOf}> <{o}>" for s, p, o in links if p == str(RDFS.subClassOf)), "")
        raise InputError(f"{store.url}: {where} holds {found} of the ontology's {len(links)} links between IRIs "
                         f"(such as {example}), and the shapes need them in the data graph; load data and ontology "
                         "together with `medkg load --endpoint GRAPH-STORE-URL --graph IRI`, then give that --graph")


def validate_endpoint(url: str, graph: str | None = None, *, timeout: float = client.DEFAULT_TIMEOUT,
                      max_bytes: int = client.DEFAULT_MAX_BYTES, validator=None) -> Report:
    """The findings of the shapes and QC checks on the graph a SPARQL endpoint holds."""
    from medkg.validate.pipeline import Validator

    validator = validator or Validator()
    if validator.compiled is None:
        raise InputError("the shapes use SHACL Core features only pySHACL runs, which needs the graph here: "
                         "validate the files locally")
    store = EndpointStore(url, graph, timeout, max_bytes)
    check_ontology(store, validator.ontology)
    # Counted as a local run counts: the data, without the ontology beside it.
    triples = store.scalar("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") - len(set(validator.ontology.triples))
    # An empty Source: no files, so no file:line, and none of the file-reading checks has triples to read.
    report = validator.run(Source(), store=store, triples=triples, written=[])
    notes = list(validator.notes)
    if store.virtuoso and graph is None:
        notes.append("Virtuoso's default graph is every graph it holds, its own system graphs too: give --graph "
                     "with the graph `medkg load` filled")
    notes.append(f"{store.sent} queries on {url}{f' (graph <{graph}>)' if graph else ''}; file:line is not known "
                 "there, and the checks that read the files (closed vocabulary, minted names, blank nodes, the "
                 "article's text file) run only on a local validation")
    report.notes = notes
    return report
