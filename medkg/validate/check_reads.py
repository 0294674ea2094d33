"""The predicates a check's query reads (a QC check's, a shape's SHACL-SPARQL constraint's), so
that an edit of nothing it reads skips it.

A query whose every triple pattern names its predicate (no `?s ?p ?o`, no negated path) gives the
same answers on two graphs that differ only in triples of other predicates: `validate --watch`
keeps such a check's findings as they were when the save touched none of its predicates. That is
what a one-drug label edit most often is, and the checks it then skips are the slowest of a focused
run: an anti-join (OPTIONAL + !BOUND, or NOT EXISTS) that Oxigraph evaluates over the whole graph
however few the focus nodes (quote-outside-sentences: 0.15 s at ~100,000 triples with a claim
among them; LabelledUseClaimShape-labelIndication 0.1 to 0.4 s at ~1 M). The compiled Core
constraints cannot be read so (they use Oxigraph's LATERAL, which rdflib does not parse). Read by rdflib's parser, not by patterns over the text (the project's own queries, already read by the QC tests: no limits needed here).
"""

from functools import lru_cache

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import translatePath
from rdflib.plugins.sparql.parserutils import CompValue

from medkg.rdf.namespaces import SH


@lru_cache(maxsize=512)  # the same project texts for every watcher a process makes (the tests make several)
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


def constraint_reads(shapes: Graph, shape, constraint) -> frozenset[str] | None:
    """What a SHACL-SPARQL constraint reads: its query's predicates, and the class hierarchy its
    shape's class targets are read through (None when the shape is targeted otherwise)."""
    from medkg.shacl.sparql_constraints import _prologue  # the PREFIX lines the engine runs it with
    from medkg.validate.class_targets import target_classes

    if target_classes(shapes, shape) is None:
        return None
    read = predicates_read(_prologue(shapes, constraint) + str(shapes.value(constraint, SH.select)))
    return None if read is None else read | {str(RDF.type), str(RDFS.subClassOf)}
