"""Mutations that think like a curator: edits that keep the Turtle well formed and the two layers
in step but change what the graph means. Each is applied where a curator would make it: to the
claim and to its direct triple at once.

Operators:
  swap-subject-object  the claim's subject and object exchanged, in both layers
  retarget-other-kind  the object replaced by an entity of another type (a substance for a condition)
  retarget-same-kind   the object replaced by another entity of its own type (the wrong condition)
  move-kind            the claim recorded as another kind, with that kind's predicate in both layers
  change-certainty     the certainty set to another level of the scale
  drop-source          the credited source removed
  swap-source          the credited source replaced by another source the article credits
  add-source           a source credited to a claim whose words credit none
  change-number        a number the claim states multiplied by ten, or one added
  misspell-term        a predicate, a class or a language tag misspelt once
  reuse-quote          the claim pointed at another claim's quote (a copied medkg:quote line)
"""

import re
from collections import defaultdict
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
CERTAINTY = ox.NamedNode(MEDKG.certainty)
CREDITED = ox.NamedNode(MEDKG.creditedSource)
QUOTE = ox.NamedNode(MEDKG.quote)
CITED_SOURCE = ox.NamedNode(MEDKG.CitedSource)
SCALE = ox.NamedNode(MEDKG.CertaintyScale)
NUMBERS = {"integer", "decimal", "gYear"}


class Edit(NamedTuple):
    operator: str
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

        self.ontology = ontology

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
        types = {URIRef(t) for t in self.types.get(node, ())}
        closure = {str(c) for t in types for c in self.ontology.transitive_objects(t, RDFLIB_RDFS.subClassOf)}
        return bool(closure & kinds)

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


def edits(triples, shapes, ontology):
    """Every curator-level mutant of the data, as Edits."""
    g = Graph(triples, shapes, ontology)
    for claim in g.claims:
        yield from _swap_subject_object(g, claim)
        yield from _retarget(g, claim)
        yield from _move_kind(g, claim)
        yield from _change_certainty(g, claim)
        yield from _credit(g, claim)
        yield from _change_number(g, claim)
        yield from _reuse_quote(g, claim)
    yield from _misspell(g)


def _says(text: str, words: list[str]) -> str:
    """The first of `words` the text holds as whole words, in any case (as the shapes match cues)."""
    padded = " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "
    return next((w for w in words if " " + re.sub(r"[^a-z0-9]+", " ", w).strip() + " " in padded), "")


def _name(term) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return str(term)


def _both_layers(g, claim, position, new):
    """Replace the claim's subject (SUBJECT), predicate or object, and the direct triple with it."""
    old = g.one(claim, position)
    removed, added = [old], [ox.Triple(claim, position, new)]
    direct = g.direct(claim)
    if direct is not None:
        s, p, o = direct.subject, direct.predicate, direct.object
        s, p, o = (new if position == SUBJECT else s, new if position == PREDICATE else p, new if position == OBJECT else o)
        removed.append(direct)
        added.append(ox.Triple(s, p, o))
    return tuple(removed), tuple(added)


def _swap_subject_object(g, claim):
    subject, obj = g.value(claim, SUBJECT), g.value(claim, OBJECT)
    if not isinstance(obj, ox.NamedNode) or subject == obj:
        return
    removed = [g.one(claim, SUBJECT), g.one(claim, OBJECT)]
    added = [ox.Triple(claim, SUBJECT, obj), ox.Triple(claim, OBJECT, subject)]
    direct = g.direct(claim)
    if direct is not None:
        removed.append(direct)
        added.append(ox.Triple(obj, direct.predicate, subject))
    yield Edit("swap-subject-object", g.kind[claim], f"swap subject and object of {_name(claim)}", tuple(removed), tuple(added))


def _retarget(g, claim):
    obj = g.value(claim, OBJECT)
    if not isinstance(obj, ox.NamedNode) or obj not in g.by_subject:
        return
    own = g.types[obj]
    for cls, entities in sorted(g.entities_of.items()):
        if cls in own:
            others = [e for e in entities if e != obj]
            if others:  # the next entity of the same type, so each claim gets a different one
                target = others[sorted(entities, key=str).index(obj) % len(others)] if obj in entities else others[0]
                removed, added = _both_layers(g, claim, OBJECT, target)
                yield Edit("retarget-same-kind", _name(ox.NamedNode(cls)), f"retarget {_name(claim)} from {_name(obj)} to {_name(target)}",
                           removed, added, _both_named(g, claim, obj, target))
        else:
            target = next((e for e in entities if not (g.types[e] & own)), None)
            if target is not None:
                removed, added = _both_layers(g, claim, OBJECT, target)
                yield Edit("retarget-other-kind", _name(ox.NamedNode(cls)), f"retarget {_name(claim)} from {_name(obj)} to {_name(target)} ({_name(ox.NamedNode(cls))})",
                           removed, added, _both_named(g, claim, obj, target))


def _both_named(g, claim, old, new) -> str:
    """Why a retargeted claim passes: its quote names the new object as well as the old one."""
    word = _says(g.quote_text(claim), g.words(new))
    if word and _says(g.quote_text(claim), g.words(old)):
        return f'the quote names both {_name(old)} and {_name(new)} ("{word}"): its words cannot tell which the claim is about'
    return ""


def _alike(g, claim, kind: str, other: str, predicate: str) -> str:
    """Why a claim moved to another kind passes: its subject and object are of the kinds the other
    kind's predicate relates too, and the other kind declares no cue words (or the quote has one)."""
    fits = all(g.fits(g.value(claim, end), predicate, which)
               for end, which in ((SUBJECT, MEDKG.subjectKind), (OBJECT, MEDKG.objectKind)))
    cues = g.cue_words(other)
    cue = _says(g.quote_text(claim), cues) if cues else ""
    if fits and (not cues or cue):
        said = (f'its quote has "{cue}", a cue word of {_name(ox.NamedNode(other))} too' if cue
                else f"{_name(ox.NamedNode(other))} has no cue words of its own (medkg:cueWord)")
        return (f"its subject and object fit {_name(ox.NamedNode(other))}'s predicate as well and "
                f"{said}: which kind it is rests on the curators' reading of the article")
    return ""


def _move_kind(g, claim):
    kind = g.kind[claim]
    for other, predicate in sorted(g.kind_predicate.items()):
        if other == kind:
            continue
        removed, added = _both_layers(g, claim, PREDICATE, ox.NamedNode(predicate))
        if g.value(claim, PREDICATE) == ox.NamedNode(predicate):
            removed, added = (), ()
        removed += (ox.Triple(claim, TYPE, ox.NamedNode(kind)),)
        added += (ox.Triple(claim, TYPE, ox.NamedNode(other)),)
        yield Edit("move-kind", _name(ox.NamedNode(kind)), f"move {_name(claim)} from {_name(ox.NamedNode(kind))} to {_name(ox.NamedNode(other))}",
                   removed, added, _alike(g, claim, kind, other, predicate))


def _change_certainty(g, claim):
    old = g.one(claim, CERTAINTY)
    if old is None:
        return
    for level in g.levels:
        if level != old.object:
            yield Edit("change-certainty", _name(old.object), f"change the certainty of {_name(claim)} from {_name(old.object)} to {_name(level)}",
                       (old,), (ox.Triple(claim, CERTAINTY, level),), _both_levels(g, claim, old.object, level))


def _both_levels(g, claim, old, new) -> str:
    """Why a changed certainty passes: the quote carries cue words of both levels."""
    text = g.quote_text(claim)
    words = [_says(text, g.words_of_level(level)) for level in (old, new)]
    if all(words):
        return f'the quote carries words of both levels ("{words[0]}", "{words[1]}")'
    return ""


def _credit(g, claim):
    cited = sorted((s for s in g.by_subject if ox.Triple(s, TYPE, CITED_SOURCE) in set(g.by_subject[s])), key=str)
    old = g.one(claim, CREDITED)
    if old is None:
        if cited:
            yield Edit("add-source", g.kind[claim], f"credit {_name(cited[0])} on {_name(claim)}", (), (ox.Triple(claim, CREDITED, cited[0]),))
        return
    yield Edit("drop-source", g.kind[claim], f"drop the credited source of {_name(claim)}", (old,), ())
    for source in cited:
        if source != old.object:
            yield Edit("swap-source", g.kind[claim], f"credit {_name(source)} instead of {_name(old.object)} on {_name(claim)}",
                       (old,), (ox.Triple(claim, CREDITED, source),))


def _change_number(g, claim):
    obj = g.value(claim, OBJECT)
    holders = [(claim, t) for t in g.by_subject[claim] if t.predicate == OBJECT]
    if isinstance(obj, ox.NamedNode | ox.BlankNode):
        holders += [(obj, t) for t in g.by_subject[obj]]
    for _, t in holders:
        literal = t.object
        if not isinstance(literal, ox.Literal) or literal.datatype is None or literal.datatype.value.rsplit("#", 1)[-1] not in NUMBERS:
            continue
        number = float(literal.value)
        for changed in (number * 10, number + 1):
            text = str(int(changed)) if changed == int(changed) and literal.datatype.value.endswith(("integer", "gYear")) else str(changed)
            new = ox.Triple(t.subject, t.predicate, ox.Literal(text, datatype=literal.datatype))
            yield Edit("change-number", _name(t.predicate), f"change {_name(t.subject)} {_name(t.predicate)} {literal.value} to {text} (claim {_name(claim)})", (t,), (new,))


def _reuse_quote(g, claim):
    quote = g.one(claim, QUOTE)
    if quote is None:
        return
    others = [c for c in g.claims if c != claim and g.value(c, QUOTE) is not None]
    if others:
        donor = others[g.claims.index(claim) % len(others)]
        yield Edit("reuse-quote", g.kind[claim], f"point {_name(claim)} at the quote of {_name(donor)}",
                   (quote,), (ox.Triple(claim, QUOTE, g.value(donor, QUOTE)),))


def _misspell(g):
    """One misspelling per predicate, class and (predicate, language tag) the data uses, at its first use."""
    seen = set()
    for t in g.triples:
        if t.predicate != TYPE and ("p", t.predicate) not in seen:
            seen.add(("p", t.predicate))
            yield Edit("misspell-term", "predicate", f"misspell the predicate <{t.predicate.value}> as {_name(_typo(t.predicate))}",
                       (t,), (ox.Triple(t.subject, _typo(t.predicate), t.object),))
        if t.predicate == TYPE and ("c", t.object) not in seen:
            seen.add(("c", t.object))
            yield Edit("misspell-term", "class", f"misspell the class <{t.object.value}> as {_name(_typo(t.object))} on {_name(t.subject)}",
                       (t,), (ox.Triple(t.subject, t.predicate, _typo(t.object)),))
        if isinstance(t.object, ox.Literal) and t.object.language and ("l", t.predicate) not in seen:
            seen.add(("l", t.predicate))
            tag = t.object.language
            wrong = tag[:-1] + ("m" if tag[-1] != "m" else "n")
            yield Edit("misspell-term", "language", f"tag the {_name(t.predicate)} of {_name(t.subject)} @{wrong}",
                       (t,), (ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value, language=wrong)),))


def _typo(term: ox.NamedNode) -> ox.NamedNode:
    """The misspelling a hand makes: a capital lowered (drugclass), else two letters exchanged."""
    iri = term.value
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    name = iri[cut:]
    for i in range(1, len(name)):
        if name[i].isupper():
            return ox.NamedNode(iri[:cut] + name[:i] + name[i].lower() + name[i + 1:])
    # Two neighbouring letters that differ, from the middle on ("comment" must not swap its "mm").
    i = next((k for k in range(max(1, len(name) // 2), len(name)) if name[k] != name[k - 1]), 1)
    return ox.NamedNode(iri[:cut] + name[:i - 1] + name[i] + name[i - 1] + name[i + 1:])


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
