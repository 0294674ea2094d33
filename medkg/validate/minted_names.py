"""Minted IRIs that cannot be pages: a local name with '..', '/', a percent-escape, a character a
file name cannot hold, or too long (the rule: medkg/rdf/minted.py). The site writes each minted
IRI's page at its path, so `id/../../ontology/shapes/claim` would overwrite a shapes file; the
finding stops it at validation, with the file and line of each use.

Two minted IRIs that differ only in letter case (kg:Baclofen, kg:baclofen) are one file on a
case-insensitive file system (macOS's and Windows's by default): the site would write one page over
the other. Each of the two is a finding naming the other."""

import pyoxigraph as ox
from rdflib import URIRef

from medkg.io.parse import Source, to_rdflib
from medkg.rdf import minted
from medkg.rdf.namespaces import BASE, MEDKG, MINTED
from medkg.rdf.turtle import literal
from medkg.validate.changed_cache import IRI_KEYS
from medkg.validate.model import SH, Finding, compactor, make_finding

SHAPE = URIRef(MEDKG + "MintedName")
COMPONENT = URIRef(MEDKG + "MintedNameComponent")
CASE_COMPONENT = URIRef(MEDKG + "MintedNameCaseComponent")


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
    found = _case_collisions(data, {iri for iri in iris if iri not in wrong}, focus, store)
    if not wrong:
        return found
    compact = compactor()
    seen = set()
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


def _case_collisions(data: Source, iris: set[str], focus: set[str] | None, store: ox.Store | None) -> list[Finding]:
    """A finding on each minted IRI that another differs from only in letter case. With `focus`,
    the focus nodes' IRIs against every subject of the store."""
    iris = {iri for iri in iris if iri.startswith(MINTED)}
    if focus is not None and store is not None and iris:
        keys = " ".join(literal(iri.lower()) for iri in sorted(iris))
        if store.contains_named_graph(ox.NamedNode(IRI_KEYS)):  # kept by --changed's store and --watch's
            query = f"SELECT DISTINCT ?s WHERE {{ VALUES ?k {{ {keys} }} GRAPH <{IRI_KEYS}> {{ ?s <{IRI_KEYS}#key> ?k }} }}"
        else:  # a scan of every triple: 45 s at ~1 M triples on the on-disk store
            query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o . FILTER(isIRI(?s) && LCASE(STR(?s)) IN ({keys.replace(' ', ', ')})) }}"
        iris |= {row["s"].value for row in store.query(query)}
    by_key: dict[str, list[str]] = {}
    for iri in sorted(iris):
        by_key.setdefault(iri.lower(), []).append(iri)
    compact = compactor()
    found = []
    for same in by_key.values():
        for iri in same if len(same) > 1 else []:
            others = [other for other in same if other != iri]
            message = (f"This IRI and {', '.join(others)} differ only in letter case: on a case-insensitive file "
                       "system (macOS, Windows) `medkg site` writes their pages to one file, one over the other. "
                       "Rename one of them, and use the one spelling everywhere.")
            found.append(make_finding(data, compact, SH.Violation, URIRef(iri), None, URIRef(others[0]), [message],
                                      SHAPE, CASE_COMPONENT))
    return found
