"""The RDF a node's IRI answers with (`.ttl`, `.jsonld`, or by content negotiation): the node's
own triples, its blank nodes, and for a claim its quote and selectors; for anything claims are
about, those claims with their quotes. Only data triples: the vocabulary is the ontology's."""

import pyoxigraph as ox

from medkg.rdf.namespaces import MEDKG, OA, RDF
from medkg.rdf.prefixes import prefixes
from medkg.rdf.turtle import serialize
from medkg.release import jsonld
from medkg.site.graph import SiteGraph

POINTERS = (str(RDF.subject), str(RDF.object))  # how a claim names what it is about


def description(g: SiteGraph, node: ox.NamedNode) -> list[ox.Triple]:
    nodes = [node]
    if not g.is_claim(node):
        nodes += sorted({t.subject for t in g.into[node] if t.predicate.value in POINTERS and g.is_claim(t.subject)}, key=str)
    for claim in list(nodes):
        quote = g.value(claim, MEDKG.quote)
        if quote is not None and g.is_claim(claim):
            nodes += [quote, *g.values(quote, OA.hasSelector)]
    seen, triples = set(), []
    todo = list(nodes)
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        for t in g.out[current]:
            if t in g.data_set:
                triples.append(t)
                if isinstance(t.object, ox.BlankNode):
                    todo.append(t.object)
    return sorted(set(triples), key=str)


def turtle(triples: list[ox.Triple]) -> bytes:
    return serialize(triples, ox.RdfFormat.TURTLE, prefixes(), only_used=True)


def json_ld(triples: list[ox.Triple]) -> bytes:
    return jsonld.document(triples, jsonld.context(triples, prefixes())).encode("utf-8")
