"""Mutation testing of the shapes: make single, systematic edits to the shipped data and check
that validation catches each one.

Operators that break the form (each a kind of mistake a curator makes):
  remove-required   drop the only triple of a property a shape requires of its subject's class
                    (sh:minCount or sh:qualifiedMinCount >= 1)
  wrong-datatype    give a typed or language-tagged literal the wrong datatype
  dangling-object   point an object at a medkg IRI that nothing defines (a typo)
  swap-use          state a labelled use as off-label, or an off-label use with biolink:treats
  corrupt-quote     change one character of a quote, or shift its offsets by one

and the operators that change what the graph means while keeping its form (swap subject and
object, retarget, move a claim to another kind, change its certainty, credit the wrong source,
change a number, misspell a term, reuse a quote): medkg/validate/curator_mutants.py.

A mutant is caught when validation reports any finding: the shipped data conforms.
"""

import random
from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from medkg.io.parse import Source, load_data
from medkg.progress import Progress
from medkg.rdf.namespaces import BASE, BIOLINK, MEDKG, OA, RDF, SH, XSD
from medkg.validate import curator_mutants
from medkg.validate.pipeline import Validator

RDF_TYPE = str(RDF.type)
RDF_PREDICATE = str(RDF.predicate)
XSD_STRING = ox.NamedNode(XSD.string)
TREATS = ox.NamedNode(BIOLINK.treats)
APPLIED = ox.NamedNode(BIOLINK.applied_to_treat)
INTERNAL = BASE

# Survivors that are harmless edits, with the reason they are.
HARMLESS: dict[str, str] = {
    'untype the object of intrathecal-not-between-discs object "the cerebrospinal fluid in the intra..."':
        "a curator note's stated value is free text beside its rdfs:comment; no query or check relies on its tag",
}


@dataclass(frozen=True)
class Mutant:
    operator: str
    description: str
    removed: tuple[ox.Triple, ...]
    added: tuple[ox.Triple, ...]
    why: str = ""  # why it may pass, read off the data when it is made (curator_mutants)


@dataclass
class Outcome:
    mutant: Mutant
    caught: bool
    first_finding: str


def mutants(data: Source, shapes, ontology, per_property: int | None = None, seed: int = 0) -> list[Mutant]:
    """Every mutant of the data, or at most `per_property` per operator and property (a
    deterministic sample for the test suite)."""
    groups: dict[tuple[str, str], list[Mutant]] = {}

    def add(operator: str, key: str, mutant: Mutant):
        groups.setdefault((operator, key), []).append(mutant)

    required = _required(shapes)
    triples = sorted(data.triples, key=str)
    classes = _classes(triples, ontology)
    values = Counter((t.subject, t.predicate) for t in triples)
    claims_of = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE and t.object.value in (MEDKG + "LabelledUseClaim", MEDKG + "OffLabelUseClaim"):
            claims_of[t.subject] = t.object.value
    for t in triples:
        p = t.predicate.value
        if any((c, p) in required for c in classes.get(t.subject, ())) and values[(t.subject, t.predicate)] == 1:
            # Only the last value: removing one of several leaves the minimum met, and no shape could catch it.
            add("remove-required", p, Mutant("remove-required", f"remove {_short(t)}", (t,), ()))
        if isinstance(t.object, ox.Literal) and (t.object.language or t.object.datatype != XSD_STRING):
            wrong = ox.Literal(t.object.value) if t.object.language else ox.Literal(t.object.value, datatype=XSD_STRING)
            add("wrong-datatype", p, Mutant("wrong-datatype", f"untype the object of {_short(t)}", (t,), (ox.Triple(t.subject, t.predicate, wrong),)))
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(INTERNAL) and p != RDF_TYPE:
            dangling = ox.NamedNode(t.object.value + "-typo")
            add("dangling-object", p, Mutant("dangling-object", f"point {_short(t)} at {dangling.value}", (t,), (ox.Triple(t.subject, t.predicate, dangling),)))
        if p == OA + "exact" and t.object.value:
            text = t.object.value
            i = len(text) // 2
            corrupted = ox.Literal(text[:i] + ("x" if text[i] != "x" else "y") + text[i + 1:])
            add("corrupt-quote", "oa:exact", Mutant("corrupt-quote", f"change one character of {_short(t)}", (t,), (ox.Triple(t.subject, t.predicate, corrupted),)))
        if p in (OA + "start", OA + "end") and isinstance(t.object, ox.Literal):
            shifted = ox.Literal(str(int(t.object.value) + 1), datatype=t.object.datatype)
            add("corrupt-quote", p, Mutant("corrupt-quote", f"shift {_short(t)} by one", (t,), (ox.Triple(t.subject, t.predicate, shifted),)))
    for claim, kind in sorted(claims_of.items(), key=lambda kv: str(kv[0])):
        if kind.endswith("LabelledUseClaim"):
            # The claim says off-label, its predicate and direct triple still say treats.
            old = ox.Triple(claim, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind))
            new = ox.Triple(claim, ox.NamedNode(RDF_TYPE), ox.NamedNode(MEDKG + "OffLabelUseClaim"))
            add("swap-use", "labelled-as-off-label", Mutant("swap-use", f"retype {claim.value} as off-label", (old,), (new,)))
        else:
            # An off-label use stated with the labelled-use predicate, in both layers.
            subject, obj = _statement(data.triples, claim)
            removed = (ox.Triple(claim, ox.NamedNode(RDF_PREDICATE), APPLIED), ox.Triple(subject, APPLIED, obj))
            added = (ox.Triple(claim, ox.NamedNode(RDF_PREDICATE), TREATS), ox.Triple(subject, TREATS, obj))
            add("swap-use", "off-label-as-treats", Mutant("swap-use", f"state {claim.value} with biolink:treats", removed, added))
    for edit in curator_mutants.edits(data.triples, shapes, ontology):
        add(edit.operator, edit.key, Mutant(edit.operator, edit.description, edit.removed, edit.added, edit.why))
    chosen = []
    rng = random.Random(seed)
    for key in sorted(groups):
        group = groups[key]
        chosen += group if per_property is None or len(group) <= per_property else rng.sample(group, per_property)
    return chosen


def run(per_property: int | None = None, seed: int = 0) -> list[Outcome]:
    validator = Validator()
    data = load_data()
    outcomes = []
    chosen = mutants(data, validator.shapes, validator.ontology_graph, per_property, seed)
    with Progress("validating mutants", total=len(chosen)) as progress:
        for mutant in chosen:
            removed = set(mutant.removed)
            triples = [t for t in data.triples if t not in removed] + list(mutant.added)
            # Same locations as the shipped files: a mutant is an edit of them.
            source = Source(files=data.files, triples=triples, locations=data.locations)
            report = validator.run(source)
            first = f"{report.findings[0].shape}: {report.findings[0].message}" if report.findings else ""
            outcomes.append(Outcome(mutant, bool(report.findings), first))
            progress.advance()
    return outcomes


def summary(outcomes: list[Outcome], data: Source) -> str:
    caught = sum(o.caught for o in outcomes)
    lines = [f"{caught} of {len(outcomes)} mutants caught ({100 * caught / max(1, len(outcomes)):.1f} %)", ""]
    by_operator: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_operator.setdefault(o.mutant.operator, []).append(o)
    for operator, group in sorted(by_operator.items()):
        caught_here = sum(o.caught for o in group)
        lines.append(f"  {operator:<20} {caught_here:>4} of {len(group):>4} caught ({100 * caught_here / len(group):.1f} %)")
    survivors = [o for o in outcomes if not o.caught]
    lines += ["", f"Survivors ({len(survivors)}):" if survivors else "No survivors."]
    for o in survivors:
        reason = harmless(o, data)
        lines.append(f"  {o.mutant.operator}: {o.mutant.description}" + (f"  [why: {reason}]" if reason else "  [NOT EXPLAINED: a gap]"))
    return "\n".join(lines)


def harmless(outcome: Outcome, data: Source) -> str:
    """Why a surviving mutant passes: a harmless edit, or a reading the words leave open (read off
    the data when the mutant was made); "" when it is a gap in the shapes."""
    mutant = outcome.mutant
    if mutant.description in HARMLESS:
        return HARMLESS[mutant.description]
    if mutant.why:
        return mutant.why
    return ""


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


def _classes(triples, ontology) -> dict:
    """Each subject's classes, with their superclasses from the ontology."""
    from rdflib import RDFS, URIRef

    out: dict = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE:
            cls = URIRef(t.object.value)
            out.setdefault(t.subject, set()).update(str(c) for c in ontology.transitive_objects(cls, RDFS.subClassOf))
    return out


def _statement(triples, claim):
    subject = next(t.object for t in triples if t.subject == claim and t.predicate.value.endswith("#subject"))
    obj = next(t.object for t in triples if t.subject == claim and t.predicate.value.endswith("#object"))
    return subject, obj


def _short(t: ox.Triple) -> str:
    return f"{_name(t.subject)} {_name(t.predicate)} {_name(t.object)}"


def _name(term) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    text = str(term)
    return text if len(text) < 40 else text[:37] + "...\""
