"""A pyoxigraph store that keeps every literal as it was written.

pyoxigraph's Store keeps numbers, booleans and dates by value: "05"^^xsd:integer comes back as
"5", "5"^^xsd:int as "5"^^xsd:integer, "4.0"^^xsd:decimal as "4" (measured with 0.5.13, and
tested in tests/test_as_written.py). SHACL checks the term as written: its datatype, lexical
form, pattern, length. So a literal the store would change goes in under a private datatype that
carries the real one ("05"^^<urn:medkg:as-written:http://www.w3.org/2001/XMLSchema#integer>),
which the store leaves alone, and every term read back from the store is decoded. Literals the
store keeps as they are go in unchanged.

SHACL-SPARQL constraints and the QC queries compare numbers by value (`?end - ?start`), which a
private datatype would defeat: they run inside `by_value`, which puts the store's own form of
those few literals in place for the time and says which written term each stands for.
"""

import queue
import threading
from contextlib import contextmanager

import pyoxigraph as ox

from medkg.rdf.namespaces import XSD

PRIVATE = "urn:medkg:as-written:"


def build(triples: list[ox.Triple]) -> tuple[ox.Store, list[ox.Quad]]:
    """A store of the triples, every literal kept as written, and the quads it holds under the
    private datatype (for by_value, which otherwise looks for them)."""
    result = ox.Store()
    changed = altered({t.object for t in triples if type(t.object) is ox.Literal})
    if not changed:
        result.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return result, []
    written = []

    def quads():
        for t in triples:
            if type(t.object) is ox.Literal and t.object in changed:
                written.append(ox.Quad(t.subject, t.predicate, _private(t.object)))
                yield written[-1]
            else:
                yield ox.Quad(t.subject, t.predicate, t.object)

    result.bulk_extend(quads())
    return result, written


class Loader:
    """build()'s store, filled while the files are parsed: each file's bytes go to a thread that
    loads them into the store with pyoxigraph's own parser, which holds no GIL, so the loading
    runs on the core that Python's parse of the same bytes leaves idle (build() after the parse
    was 4 s of a full run at ~1 M triples, on one core). finish() then puts the few literals the
    store changed under the private datatype, as build() does, and adds the other triples.

    The parser names its blank nodes afresh on each parse, so the store's would not be the
    triples' own: with any blank node in the data (Source.blank_node_files, found by the parse,
    which refuses triple terms), or a file the store could not load, finish() builds the store
    from the triples instead (the data is then in error anyway: medkg's data has no blank nodes)."""

    def __init__(self):
        self.store = ox.Store()
        self._files: queue.SimpleQueue = queue.SimpleQueue()
        self._failed = False
        self._thread = threading.Thread(target=self._load, name="medkg-store-loader", daemon=True)
        self._thread.start()

    def feed(self, raw: bytes) -> None:
        self._files.put(raw)

    def _load(self) -> None:
        while (raw := self._files.get()) is not None:
            if not self._failed:
                try:
                    self.store.bulk_load(raw, format=ox.RdfFormat.TURTLE)
                except Exception:  # noqa: BLE001 - the parse of the same bytes names the error; finish() falls back
                    self._failed = True

    def close(self) -> None:
        """Stop the thread (finish() does; call it where the parse raised)."""
        if self._thread.is_alive():
            self._files.put(None)
            self._thread.join()

    def finish(self, loaded: list[ox.Triple], others: list[ox.Triple],
               blank_nodes: bool) -> tuple[ox.Store, list[ox.Quad]]:
        """The store and written quads build(loaded + others) gives: `loaded`, the triples of the
        bytes fed; `others`, triples to add (the ontology); `blank_nodes`, whether `loaded` has any."""
        self.close()
        if self._failed or blank_nodes:
            return build(loaded + others)
        changed = altered({t.object for t in loaded + others if type(t.object) is ox.Literal})
        if not changed:
            self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in others)
            return self.store, []
        # The store holds a changed literal by value; removing that form removes a twin the data
        # also holds ("5" beside "05"), so the triples beside a changed one are added again.
        moved = [t for t in loaded if type(t.object) is ox.Literal and t.object in changed]
        pairs = {(t.subject, t.predicate) for t in moved}
        written = [ox.Quad(t.subject, t.predicate, _private(t.object)) for t in moved]
        for t in moved:
            self.store.remove(ox.Quad(t.subject, t.predicate, t.object))
        twins = [ox.Quad(t.subject, t.predicate, t.object) for t in loaded
                 if (t.subject, t.predicate) in pairs and not (type(t.object) is ox.Literal and t.object in changed)]
        store, more = build(others)
        self.store.bulk_extend(written + twins + list(store))
        return self.store, written + more


def encoded(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples as a store should hold them (the same list when no literal needs it)."""
    changed = altered({t.object for t in triples if isinstance(t.object, ox.Literal)})
    if not changed:
        return triples
    return [ox.Triple(t.subject, t.predicate, _private(t.object)) if t.object in changed else t for t in triples]


def reach(store: ox.Store, focus: set[str], steps: int = 2) -> set:
    """The focus nodes and the nodes within `steps` links of them: whose literals a focused run
    (validate --changed) swaps in by_value, instead of every such literal of the graph (10,000
    at ~1 M triples, a third of a one-drug run's time on the persistent store)."""
    reached = {ox.NamedNode(iri) for iri in focus}
    frontier = set(reached)
    for _ in range(steps):
        frontier = {q.object for node in frontier for q in store.quads_for_pattern(node, None, None, ox.DefaultGraph())
                    if isinstance(q.object, (ox.NamedNode, ox.BlankNode))} - reached
        reached |= frontier
    return reached


@contextmanager
def by_value(store: ox.Store, written: list[ox.Quad] | None = None):
    """Within: the store holds the literals by value, as it would by itself; yields
    {the store's form: the written term} for those it changed (None where two written terms
    share one form, as "5.0" and "5.00" do). The written forms are back afterwards.
    `written`: the quads under the private datatype, where known (else the store is searched)."""
    if written is None:
        written = [ox.Quad(row["s"], row["p"], row["o"]) for row in store.query(_PRIVATE_LITERALS)]
    if not written:
        yield {}
        return
    plain_of = {private: decode(private) for private in {q.object for q in written}}
    originals = {}
    for original in plain_of.values():
        stored = _stored_form(original)
        originals[stored] = original if originals.get(stored, original) == original else None
    plain = [ox.Quad(q.subject, q.predicate, plain_of[q.object]) for q in written]
    added = [q for q in plain if q not in store]  # a plain twin the data also holds stays afterwards
    # One update each way: on the persistent store (validate --changed) a remove or add is a
    # transaction of its own, and 1,000 of them took 0.4 s.
    _update(store, "DELETE DATA", written)
    _update(store, "INSERT DATA", added)
    try:
        yield originals
    finally:
        _update(store, "DELETE DATA", added)
        _update(store, "INSERT DATA", written)


def _update(store: ox.Store, operation: str, quads: list[ox.Quad]) -> None:
    """One SPARQL update for the quads without blank nodes; those with one quad by quad (a blank
    node in DELETE DATA is an error, and in INSERT DATA a fresh node)."""
    named = [q for q in quads if not isinstance(q.subject, ox.BlankNode)]
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            (store.remove if operation == "DELETE DATA" else store.add)(quad)
    if named:
        store.update(f"{operation} {{ " + " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in named) + " }")


def _stored_form(literal: ox.Literal) -> ox.Literal:
    probe = ox.Store()
    probe.add(ox.Quad(ox.NamedNode(PRIVATE), ox.NamedNode(PRIVATE), literal))
    return next(iter(probe)).object


def is_private(term) -> bool:
    return isinstance(term, ox.Literal) and term.datatype is not None and term.datatype.value.startswith(PRIVATE)


_PRIVATE_LITERALS = f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{PRIVATE}")) }}"""


def altered(literals: set[ox.Literal]) -> set[ox.Literal]:
    """The literals a Store would not give back as they are."""
    typed = [lit for lit in literals if not lit.language and lit.datatype.value.startswith(_XSD)
             and lit.datatype.value not in _KEPT]
    if not typed:
        return set()
    probe = ox.Store()
    predicate = ox.NamedNode(PRIVATE + "probe")
    probe.bulk_extend(ox.Quad(ox.NamedNode(f"{PRIVATE}{i}"), predicate, lit) for i, lit in enumerate(typed))
    back = {int(q.subject.value.removeprefix(PRIVATE)): q.object for q in probe.quads_for_pattern(None, predicate, None)}
    return {lit for i, lit in enumerate(typed) if back.get(i) != lit}


def encode(term):
    """The term as the store should hold it: a literal it would change, under the private datatype."""
    if isinstance(term, ox.Literal) and term in altered({term}):
        return _private(term)
    return term


def _private(literal: ox.Literal) -> ox.Literal:
    return ox.Literal(literal.value, datatype=ox.NamedNode(PRIVATE + literal.datatype.value))


def decode(term):
    """The term as written, from what the store holds."""
    if isinstance(term, ox.Literal) and term.datatype is not None and term.datatype.value.startswith(PRIVATE):
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype.value.removeprefix(PRIVATE)))
    return term


_XSD = str(XSD)
_KEPT = {_XSD + "string", _XSD + "anyURI"}  # never changed by a store: not worth a probe
