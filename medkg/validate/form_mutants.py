"""The operators that break the form, one function each: a required value gone, a wrong datatype,
an undefined IRI, a use stated as the other kind of use, a corrupted quote. What each changes, and
why a survivor matters: their entries in medkg/validate/mutation_operators.py.

Each function takes the data (mutant_graph.Graph) and yields Edits, keyed by the property it edits
(the test suite samples one mutant per operator and key).
"""

from collections import Counter
from collections.abc import Iterator

import pyoxigraph as ox

from medkg.rdf.namespaces import BASE, BIOLINK, MEDKG, OA, RDF, SH, XSD
from medkg.validate.mutant_graph import Edit, Graph

RDF_TYPE = str(RDF.type)
RDF_PREDICATE = ox.NamedNode(str(RDF.predicate))
XSD_STRING = ox.NamedNode(XSD.string)
TREATS = ox.NamedNode(BIOLINK.treats)
APPLIED = ox.NamedNode(BIOLINK.applied_to_treat)
USES = (MEDKG + "LabelledUseClaim", MEDKG + "OffLabelUseClaim")


def remove_required(g: Graph) -> Iterator[Edit]:
    required = _required(g.shapes)
    classes = {s: g.classes(s) for s in g.types}
    values = Counter((t.subject, t.predicate) for t in g.triples)
    for t in g.triples:
        p = t.predicate.value
        # Only the last value: removing one of several leaves the minimum met, and no shape could catch it.
        if values[(t.subject, t.predicate)] == 1 and any((c, p) in required for c in classes.get(t.subject, ())):
            yield Edit(p, f"remove {_short(t)}", (t,), ())


def wrong_datatype(g: Graph) -> Iterator[Edit]:
    for t in g.triples:
        if isinstance(t.object, ox.Literal) and (t.object.language or t.object.datatype != XSD_STRING):
            wrong = ox.Literal(t.object.value) if t.object.language else ox.Literal(t.object.value, datatype=XSD_STRING)
            yield Edit(t.predicate.value, f"untype the object of {_short(t)}", (t,), (ox.Triple(t.subject, t.predicate, wrong),))


def dangling_object(g: Graph) -> Iterator[Edit]:
    for t in g.triples:
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(BASE) and t.predicate.value != RDF_TYPE:
            dangling = ox.NamedNode(t.object.value + "-typo")
            yield Edit(t.predicate.value, f"point {_short(t)} at {dangling.value}", (t,),
                       (ox.Triple(t.subject, t.predicate, dangling),))


def swap_use(g: Graph) -> Iterator[Edit]:
    claims_of = {t.subject: t.object.value for t in g.triples if t.predicate.value == RDF_TYPE and t.object.value in USES}
    for claim, kind in sorted(claims_of.items(), key=lambda kv: str(kv[0])):
        if kind.endswith("LabelledUseClaim"):
            # The claim says off-label, its predicate and direct triple still say treats.
            old = ox.Triple(claim, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind))
            new = ox.Triple(claim, ox.NamedNode(RDF_TYPE), ox.NamedNode(MEDKG + "OffLabelUseClaim"))
            yield Edit("labelled-as-off-label", f"retype {claim.value} as off-label", (old,), (new,))
        else:
            # An off-label use stated with the labelled-use predicate, in both layers.
            subject, obj = _statement(g, claim)
            removed = (ox.Triple(claim, RDF_PREDICATE, APPLIED), ox.Triple(subject, APPLIED, obj))
            added = (ox.Triple(claim, RDF_PREDICATE, TREATS), ox.Triple(subject, TREATS, obj))
            yield Edit("off-label-as-treats", f"state {claim.value} with biolink:treats", removed, added)


def corrupt_quote(g: Graph) -> Iterator[Edit]:
    for t in g.triples:
        p = t.predicate.value
        if p == OA + "exact" and t.object.value:
            text = t.object.value
            i = len(text) // 2
            corrupted = ox.Literal(text[:i] + ("x" if text[i] != "x" else "y") + text[i + 1:])
            yield Edit("oa:exact", f"change one character of {_short(t)}", (t,), (ox.Triple(t.subject, t.predicate, corrupted),))
        if p in (OA + "start", OA + "end") and isinstance(t.object, ox.Literal):
            shifted = ox.Literal(str(int(t.object.value) + 1), datatype=t.object.datatype)
            yield Edit(p, f"shift {_short(t)} by one", (t,), (ox.Triple(t.subject, t.predicate, shifted),))


def _required(shapes) -> set[tuple[str, str]]:
    """(class, property) pairs that a shape requires: sh:minCount or sh:qualifiedMinCount >= 1."""
    pairs = set()
    for node in shapes.subjects(SH.targetClass, None):
        for prop in shapes.objects(node, SH.property):
            counts = [shapes.value(prop, SH.minCount), shapes.value(prop, SH.qualifiedMinCount)]
            if any(c is not None and int(c) >= 1 for c in counts):
                for cls in shapes.objects(node, SH.targetClass):
                    pairs.add((str(cls), str(shapes.value(prop, SH.path))))
    return pairs


def _statement(g: Graph, claim):
    subject = next(t.object for t in g.by_subject[claim] if t.predicate.value.endswith("#subject"))
    obj = next(t.object for t in g.by_subject[claim] if t.predicate.value.endswith("#object"))
    return subject, obj


def _short(t: ox.Triple) -> str:
    return f"{_name(t.subject)} {_name(t.predicate)} {_name(t.object)}"


def _name(term) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    text = str(term)
    return text if len(text) < 40 else text[:37] + "...\""
