"""The predicates a QC check's query reads, so that an edit of nothing it reads skips it.

A query whose every triple pattern names its predicate (no `?s ?p ?o`, no negated path) gives the
same answers on two graphs that differ only in triples of other predicates: `validate --watch`
keeps such a check's findings as they were when the save touched none of its predicates. That is
what a one-drug label edit most often is, and the offset checks it then skips
(quote-outside-sentences: 0.15 s at ~100,000 triples, with a claim among the focus nodes) are the
slowest of a focused run. Read by rdflib's parser, not by patterns over the text (the project's own queries, already read by the QC tests: no limits needed here).
"""

from rdflib import URIRef
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translatePath
from rdflib.plugins.sparql.parserutils import CompValue


def predicates_read(query: str) -> frozenset[str] | None:
    """The IRIs in predicate position of every triple pattern of `query` (in subqueries, EXISTS,
    OPTIONAL, paths too), or None when one pattern may match any predicate."""
    found: set[str] = set()

    def path(p) -> bool:
        if isinstance(p, URIRef):
            found.add(str(p))
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path(a) for a in p.args)
        if isinstance(p, MulPath):
            return path(p.path)
        if isinstance(p, InvPath):
            return path(p.arg)
        return False  # a variable, a negated path: any predicate

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            if node.name == "BGP" and not all(path(t[1]) for t in node.triples):
                return False
            if node.name == "TriplesBlock":  # inside EXISTS rdflib keeps the syntax: s p o s p o ..., paths untranslated
                terms = [term for part in node.triples for term in part]
                if not all(path(translatePath(p) if isinstance(p, CompValue) else p) for p in terms[1::3]):
                    return False
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(v) for v in node)
        if isinstance(node, dict):
            return all(walk(v) for v in node.values())
        return True

    return frozenset(found) if walk(prepareQuery(query).algebra) else None
