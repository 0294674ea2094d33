"""Minted IRIs that cannot be pages: a local name with '..', '/', a percent-escape, a character a
file name cannot hold, or too long (the rule: medkg/rdf/minted.py). The site writes each minted
IRI's page at its path, so `id/../../ontology/shapes/claim` would overwrite a shapes file; the
finding stops it at validation, with the file and line of each use."""

import pyoxigraph as ox
from rdflib import URIRef

from medkg.io.parse import Source, to_rdflib
from medkg.rdf import minted
from medkg.rdf.namespaces import BASE, MEDKG, MINTED
from medkg.validate.model import SH, Finding, compactor, make_finding

SHAPE = URIRef(MEDKG + "MintedName")
COMPONENT = URIRef(MEDKG + "MintedNameComponent")


def findings(data: Source, focus: set[str] | None = None, store: ox.Store | None = None) -> list[Finding]:
    """One finding per triple that names such an IRI (as its subject, or as its object). With
    `focus` (validate --changed), the triples of those nodes, read from `store`."""
    if focus is None:
        triples = data.triples
    else:
        triples = [q.triple for iri in sorted(focus)
                   for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph())]
    # One pass over the distinct IRIs first: the triples are looked at only when one is wrong.
    iris = {term.value for t in triples for term in (t.subject, t.object)
            if type(term) is ox.NamedNode and term.value.startswith(BASE)}
    wrong = {iri: why for iri in iris if (why := minted.problem(iri))}
    if not wrong:
        return []
    compact = compactor()
    found, seen = [], set()
    for t in triples:
        for term in (t.subject, t.object):
            why = wrong.get(term.value) if type(term) is ox.NamedNode else None
            if why is None or (term == t.subject and not term.value.startswith(MINTED)):
                continue  # a subject outside the namespaces: the closed vocabulary's finding says so
            # As the subject: the node's own line; as an object: the line of the triple.
            key = (t.subject, None if term == t.subject else t.predicate, term)
            if key in seen:
                continue
            seen.add(key)
            path = None if term == t.subject else URIRef(t.predicate.value)
            message = (f"This IRI cannot be minted: {why}. Mint one path segment of "
                       f"{minted.ALLOWED}, at most {minted.MAX_LOCAL} characters (kg:my-thing), and use it everywhere.")
            found.append(make_finding(data, compact, SH.Violation, to_rdflib(t.subject), path,
                                      URIRef(term.value), [message], SHAPE, COMPONENT))
    return found
