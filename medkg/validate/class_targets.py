"""Which checks can apply to a few focus nodes, read off the classes the shapes target.

A focused run (validate --watch) asks every compiled constraint about the focus nodes: about 280
queries, each a few tenths of a millisecond even when it has nothing to check, which is most of
the time a one-drug edit costs. A shape that targets only classes (sh:targetClass, or a shape
that is itself a class), directly or through the node shape holding it, has no focus node among
nodes of other classes: its query would return nothing, and is not run. A shape targeted in any
other way (sh:targetNode, sh:targetSubjectsOf, the values of another shape's path) always runs.
"""

import copy

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef

from medkg.rdf.namespaces import SH


def target_classes(shapes: Graph, shape) -> frozenset[str] | None:
    """The classes whose instances are the shape's focus nodes, or None when it has other targets."""
    if any(shapes.value(shape, p) is not None for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)):
        return None
    classes = {str(c) for c in shapes.objects(shape, SH.targetClass)}
    if isinstance(shape, URIRef) and (shape, RDF.type, RDFS.Class) in shapes:
        classes.add(str(shape))
    for holder in shapes.subjects(SH.property, shape):
        if shapes.value(holder, SH.path) is not None:
            return None  # focus nodes are the values of the holder's path
        held = target_classes(shapes, holder)
        if held is None:
            return None
        classes |= held
    return frozenset(classes)


def classes_of(store: ox.Store, focus: set[str]) -> set[str]:
    """Every class the focus nodes are instances of, superclasses included, as the store's
    rdf:type/rdfs:subClassOf* reads them (the targets' own path)."""
    if not focus:
        return set()
    values = " ".join(f"<{iri}>" for iri in focus)
    rows = store.query(f"SELECT DISTINCT ?c WHERE {{ VALUES ?n {{ {values} }} ?n <{RDF.type}>/<{RDFS.subClassOf}>* ?c }}")
    return {row["c"].value for row in rows if isinstance(row["c"], ox.NamedNode)}


class Pruner:
    """A validator's copy with only the checks whose targets can include the focus nodes."""

    def __init__(self, validator):
        self.validator = validator
        shapes = validator.shapes
        self.core = [target_classes(shapes, check.shape) for check in validator.compiled.checks]
        self.sparql = [target_classes(shapes, shape) for shape, _ in validator.engine.taken]

    def for_classes(self, classes: set[str], skipped_shapes: set = frozenset()):
        """The validator with the checks that may find something on instances of `classes`, less the
        SHACL-SPARQL constraints of `skipped_shapes` (whose answers the caller knows are unchanged)."""
        def applies(targets):
            return targets is None or not targets.isdisjoint(classes)

        engine = self.validator.engine
        pruned = copy.copy(self.validator)  # shallow: the shapes and compiled queries are shared
        pruned.engine = copy.copy(engine)
        pruned.engine.compiled = copy.copy(engine.compiled)
        pruned.engine.compiled.checks = [c for c, t in zip(engine.compiled.checks, self.core, strict=True) if applies(t)]
        pruned.engine.taken = [c for c, t in zip(engine.taken, self.sparql, strict=True)
                               if applies(t) and c[0] not in skipped_shapes]
        return pruned
