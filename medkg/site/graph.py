"""The graph as the site reads it: data and ontology together, indexed by subject and by object,
with the few lookups every page needs (a node's label, its types, what points at it)."""

from collections import defaultdict

import pyoxigraph as ox

from medkg.rdf import minted
from medkg.rdf.namespaces import BASE, MEDKG, RDF, RDFS, SKOS
from medkg.rdf.prefixes import compact

TYPE = str(RDF.type)
LABEL = str(RDFS.label)
PREF_LABEL = str(SKOS.prefLabel)


class SiteGraph:
    def __init__(self, data: list[ox.Triple], ontology: list[ox.Triple]):
        self.data = data
        self.triples = data + ontology
        self.out: dict = defaultdict(list)  # subject -> triples
        self.into: dict = defaultdict(list)  # object -> triples
        for t in self.triples:
            self.out[t.subject].append(t)
            self.into[t.object].append(t)
        self.data_set = set(data)
        self.data_subjects = {t.subject for t in data}
        self.claim_kinds = self.subclasses(MEDKG.Claim)
        self.note_kinds = self.subclasses(MEDKG.CuratorNote)

    def subclasses(self, cls) -> set[str]:
        found, todo = set(), [str(cls)]
        while todo:
            for t in self.into[ox.NamedNode(todo.pop())]:
                if t.predicate.value == str(RDFS.subClassOf) and t.subject.value not in found:
                    found.add(t.subject.value)
                    todo.append(t.subject.value)
        return found

    def values(self, node, predicate) -> list:
        p = str(predicate)
        return sorted((t.object for t in self.out[node] if t.predicate.value == p), key=str)

    def value(self, node, predicate):
        found = self.values(node, predicate)
        return found[0] if found else None

    def text(self, node, predicate) -> str:
        found = self.value(node, predicate)
        return found.value if found is not None else ""

    def types(self, node) -> set[str]:
        return {t.object.value for t in self.out[node] if t.predicate.value == TYPE}

    def label(self, term) -> str:
        """What a person reads for a term: its label, else a compact name."""
        if isinstance(term, ox.Literal):
            return term.value
        for predicate in (LABEL, PREF_LABEL):
            found = self.value(term, predicate)
            if found is not None:
                return found.value
        if isinstance(term, ox.NamedNode):
            return compact(term.value)
        return "(a blank node)"

    def referrers(self, node) -> list[ox.Triple]:
        return sorted((t for t in self.into[node] if t.predicate.value != TYPE), key=str)

    def minted(self) -> list[ox.NamedNode]:
        """Every IRI the project mints that the data describes: each gets a page."""
        return sorted((s for s in self.data_subjects if isinstance(s, ox.NamedNode) and is_minted(s.value)), key=lambda n: n.value)

    def is_claim(self, node) -> bool:
        return bool(self.types(node) & self.claim_kinds)

    def is_note(self, node) -> bool:
        return bool(self.types(node) & self.note_kinds)

    def kind(self, node) -> ox.NamedNode | None:
        """A claim's or note's kind: its most specific class of the two families."""
        kinds = sorted(self.types(node) & (self.claim_kinds | self.note_kinds))
        return ox.NamedNode(kinds[0]) if kinds else None


def is_minted(iri: str) -> bool:
    """Node IRIs of the project (id/, claim/, note/, quote/, sentence/ ...), not its vocabularies'
    terms, which the vocabulary and checks pages hold as anchors."""
    return iri.startswith(BASE) and "#" not in iri


def page_path(iri: str) -> str | None:
    """Where an IRI's page is in the site, relative to its root; None for IRIs of others."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE):]
    if rest.startswith("vocab#"):
        return "vocab.html#" + rest[len("vocab#"):]
    if rest.startswith("shapes#"):
        return "checks.html#" + rest[len("shapes#"):]
    if rest.startswith("qc/"):
        return "checks.html#qc-" + rest[len("qc/"):]
    if rest.startswith("query/"):
        return "queries.html#" + rest[len("query/"):]
    if "#" in rest or not rest or minted.problem(iri):
        return None  # no page: an IRI that cannot be a file name gets none (validation says why)
    return rest + ".html"
