"""The direct layer as a projection of the claims (README, "The direct layer").

The rule is one CONSTRUCT (queries/projection/direct-layer.rq) over the kinds' declarations in
ontology/medkg.ttl; the shapes in ontology/shapes/layers.ttl check the same rule on every
validation. `projected` is what the claims imply, `asserted` what the data holds: a system that
imports only the direct layer gets `asserted`, and the two must be equal.
"""

from pathlib import Path

import pyoxigraph as ox

from medkg.project_files import QUERIES_DIR
from medkg.rdf.namespaces import MEDKG

RULE = QUERIES_DIR / "projection" / "direct-layer.rq"

Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def projected(store: ox.Store, rule: Path = RULE) -> set[Triple]:
    """The direct triples the claims imply. `store` holds the data and the ontology."""
    return {(t.subject, t.predicate, t.object) for t in store.query(rule.read_text(encoding="utf-8"))}


def asserted(store: ox.Store) -> set[Triple]:
    """The direct triples the data holds: every triple whose predicate is a medkg:DirectPredicate."""
    query = f"SELECT ?s ?p ?o WHERE {{ ?p a <{MEDKG}DirectPredicate> . ?s ?p ?o . }}"
    return {(r["s"], r["p"], r["o"]) for r in store.query(query)}
