"""What the mutation operators share (medkg/validate/mutation_operators.py): the Edit each one
makes, and the data indexed the way they read it."""

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import RDF as RDFLIB_RDF
from rdflib import RDFS as RDFLIB_RDFS
from rdflib import URIRef

from medkg.rdf.namespaces import KG, MEDKG, MKGSH, RDF, RDFS, SCHEMA, SH, SKOS

TYPE = ox.NamedNode(str(RDF.type))
SUBJECT = ox.NamedNode(str(RDF.subject))
PREDICATE = ox.NamedNode(str(RDF.predicate))
OBJECT = ox.NamedNode(str(RDF.object))
QUOTE = ox.NamedNode(MEDKG.quote)
SCALE = ox.NamedNode(MEDKG.CertaintyScale)


class Edit(NamedTuple):
    """One change an operator makes; mutation.py names it with the operator (a Mutant)."""

    key: str  # what the test suite samples by: one mutant per (operator, key)
    description: str
    removed: tuple
    added: tuple
    why: str = ""  # why the shapes may let it pass, read off the data when the edit is made ("": a gap if it survives)


class Graph:
    """The data indexed the way the operators read it."""

    def __init__(self, triples, shapes, ontology):
        self.triples = sorted(triples, key=str)
        self.by_subject = defaultdict(list)
        self.types = defaultdict(set)
        for t in self.triples:
            self.by_subject[t.subject].append(t)
            if t.predicate == TYPE:
                self.types[t.subject].add(t.object.value)
        kinds = {str(c) for c in ontology.transitive_subjects(RDFLIB_RDFS.subClassOf, URIRef(MEDKG.Claim))} - {str(MEDKG.Claim)}
        self.kind_predicate = _kind_predicates(shapes, kinds)
        self.claims = [s for s in self.by_subject if self.types[s] & kinds]
        self.kind = {c: next(iter(sorted(self.types[c] & kinds))) for c in self.claims}
        # The things claims are about (the entity shape's targets) and dose schedules: not sources.
        entity_classes = {str(c) for c in shapes.objects(MKGSH.EntityShape, SH.targetClass)} | {str(SCHEMA.DoseSchedule)}
        self.entities_of = defaultdict(list)  # entity type -> entities, for retargeting
        for s in self.by_subject:
            if isinstance(s, ox.NamedNode) and s.value.startswith(str(KG)):
                for cls in sorted(self.types[s] & entity_classes):
                    self.entities_of[cls].append(s)
        self.levels = sorted(t.subject for t in self.triples if t.predicate.value.endswith("#inScheme") and t.object == SCALE)
        if not self.levels:  # the scale lives in the ontology, not in data/
            self.levels = sorted(ox.NamedNode(str(s)) for s in ontology.subjects(URIRef(str(RDFLIB_RDF.type)), None)
                                 if str(s).startswith(str(MEDKG) + "certainty-"))
        self.shapes, self.ontology = shapes, ontology

    def words(self, node) -> list[str]:
        """A node's names (label, alternative and hidden labels), lowered."""
        names = (str(SKOS.prefLabel), str(RDFS.label), str(SKOS.altLabel), str(SKOS.hiddenLabel))
        return [t.object.value.lower() for t in self.by_subject[node] if t.predicate.value in names]

    def quote_text(self, claim) -> str:
        quote = self.value(claim, QUOTE)
        for selector in (t.object for t in self.by_subject.get(quote, []) if t.predicate.value.endswith("#hasSelector")):
            for t in self.by_subject[selector]:
                if t.predicate.value.endswith("#exact"):
                    return t.object.value
        return ""

    def words_of_level(self, level) -> list[str]:
        return [str(w).lower() for w in self.ontology.objects(URIRef(level.value), URIRef(str(SKOS.altLabel)))]

    def fits(self, node, predicate: str, which) -> bool:
        """Whether a node is of a kind the predicate relates (True where it declares none)."""
        kinds = self.kinds_of(predicate, which)
        if not kinds:
            return True
        return bool(self.classes(node) & kinds)

    def classes(self, node) -> set[str]:
        """A node's classes with their superclasses, from the ontology."""
        types = {URIRef(t) for t in self.types.get(node, ())}
        return {str(c) for t in types for c in self.ontology.transitive_objects(t, RDFLIB_RDFS.subClassOf)}

    def kinds_of(self, predicate: str, which) -> set[str]:
        return {str(k) for k in self.ontology.objects(URIRef(predicate), which)}

    def cue_words(self, kind: str) -> list[str]:
        return [str(w).lower() for w in self.ontology.objects(URIRef(kind), URIRef(MEDKG.cueWord))]

    def value(self, subject, predicate):
        return next((t.object for t in self.by_subject[subject] if t.predicate == predicate), None)

    def one(self, subject, predicate):
        return next((t for t in self.by_subject[subject] if t.predicate == predicate), None)

    def direct(self, claim):
        """The claim's direct triple, if the data states it."""
        s, p, o = (self.value(claim, x) for x in (SUBJECT, PREDICATE, OBJECT))
        triple = ox.Triple(s, p, o) if None not in (s, p, o) else None
        return triple if triple in set(self.by_subject[s]) else None


def per_claim(edit: Callable[["Graph", ox.NamedNode], Iterator[Edit]]) -> Callable[["Graph"], Iterator[Edit]]:
    """An operator over the whole data from one that edits a single claim: each claim in turn."""
    @functools.wraps(edit)
    def operator(g: Graph) -> Iterator[Edit]:
        for claim in g.claims:
            yield from edit(g, claim)
    return operator


def _kind_predicates(shapes, kinds) -> dict[str, str]:
    """Each claim kind's predicate, from its shape: sh:hasValue, or the first of sh:in."""
    out = {}
    for node in shapes.subjects(SH.targetClass, None):
        for kind in shapes.objects(node, SH.targetClass):
            if str(kind) not in kinds:
                continue
            for prop in list(shapes.objects(node, SH.property)) + [node]:
                if shapes.value(prop, SH.path) != URIRef(str(RDF.predicate)):
                    continue
                value = shapes.value(prop, SH.hasValue)
                first = shapes.value(prop, SH["in"])
                if value is None and first is not None:
                    value = shapes.value(first, RDFLIB_RDF.first)
                if value is not None:
                    out[str(kind)] = str(value)
    return out
