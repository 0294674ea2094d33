"""The operators that think like a curator, one function each: edits that keep the Turtle well
formed and the two layers in step but change what the graph means. Each is applied where a curator
would make it: to the claim and to its direct triple at once. What each changes, and why a survivor
matters: their entries in medkg/validate/mutation_operators.py.

Each function takes the data (mutant_graph.Graph) and yields Edits; a survivor that a reading of
the words excuses says so in its Edit's `why`, read off the data when the edit is made.
"""

import re

import pyoxigraph as ox

from medkg.rdf.namespaces import MEDKG
from medkg.validate.mutant_graph import OBJECT, PREDICATE, QUOTE, SUBJECT, TYPE, Edit, per_claim

CERTAINTY = ox.NamedNode(MEDKG.certainty)
CREDITED = ox.NamedNode(MEDKG.creditedSource)
CITED_SOURCE = ox.NamedNode(MEDKG.CitedSource)
NUMBERS = {"integer", "decimal", "gYear"}


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


@per_claim
def swap_subject_object(g, claim):
    subject, obj = g.value(claim, SUBJECT), g.value(claim, OBJECT)
    if not isinstance(obj, ox.NamedNode) or subject == obj:
        return
    removed = [g.one(claim, SUBJECT), g.one(claim, OBJECT)]
    added = [ox.Triple(claim, SUBJECT, obj), ox.Triple(claim, OBJECT, subject)]
    direct = g.direct(claim)
    if direct is not None:
        removed.append(direct)
        added.append(ox.Triple(obj, direct.predicate, subject))
    yield Edit(g.kind[claim], f"swap subject and object of {_name(claim)}", tuple(removed), tuple(added))


@per_claim
def retarget_same_kind(g, claim):
    obj = g.value(claim, OBJECT)
    if not isinstance(obj, ox.NamedNode) or obj not in g.by_subject:
        return
    for cls, entities in sorted(g.entities_of.items()):
        if cls in g.types[obj]:
            others = [e for e in entities if e != obj]
            if others:  # the next entity of the same type, so each claim gets a different one
                target = others[sorted(entities, key=str).index(obj) % len(others)] if obj in entities else others[0]
                removed, added = _both_layers(g, claim, OBJECT, target)
                yield Edit(_name(ox.NamedNode(cls)), f"retarget {_name(claim)} from {_name(obj)} to {_name(target)}",
                           removed, added, _both_named(g, claim, obj, target))


@per_claim
def retarget_other_kind(g, claim):
    obj = g.value(claim, OBJECT)
    if not isinstance(obj, ox.NamedNode) or obj not in g.by_subject:
        return
    own = g.types[obj]
    for cls, entities in sorted(g.entities_of.items()):
        if cls not in own:
            target = next((e for e in entities if not (g.types[e] & own)), None)
            if target is not None:
                removed, added = _both_layers(g, claim, OBJECT, target)
                yield Edit(_name(ox.NamedNode(cls)), f"retarget {_name(claim)} from {_name(obj)} to {_name(target)} ({_name(ox.NamedNode(cls))})",
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


@per_claim
def move_kind(g, claim):
    kind = g.kind[claim]
    for other, predicate in sorted(g.kind_predicate.items()):
        if other == kind:
            continue
        removed, added = _both_layers(g, claim, PREDICATE, ox.NamedNode(predicate))
        if g.value(claim, PREDICATE) == ox.NamedNode(predicate):
            removed, added = (), ()
        removed += (ox.Triple(claim, TYPE, ox.NamedNode(kind)),)
        added += (ox.Triple(claim, TYPE, ox.NamedNode(other)),)
        yield Edit(_name(ox.NamedNode(kind)), f"move {_name(claim)} from {_name(ox.NamedNode(kind))} to {_name(ox.NamedNode(other))}",
                   removed, added, _alike(g, claim, kind, other, predicate))


@per_claim
def change_certainty(g, claim):
    old = g.one(claim, CERTAINTY)
    if old is None:
        return
    for level in g.levels:
        if level != old.object:
            yield Edit(_name(old.object), f"change the certainty of {_name(claim)} from {_name(old.object)} to {_name(level)}",
                       (old,), (ox.Triple(claim, CERTAINTY, level),), _both_levels(g, claim, old.object, level))


def _both_levels(g, claim, old, new) -> str:
    """Why a changed certainty passes: the quote carries cue words of both levels."""
    text = g.quote_text(claim)
    words = [_says(text, g.words_of_level(level)) for level in (old, new)]
    if all(words):
        return f'the quote carries words of both levels ("{words[0]}", "{words[1]}")'
    return ""


def _cited(g) -> list:
    """The sources the article credits (medkg:CitedSource)."""
    return sorted((s for s in g.by_subject if ox.Triple(s, TYPE, CITED_SOURCE) in set(g.by_subject[s])), key=str)


@per_claim
def add_source(g, claim):
    cited = _cited(g)
    if g.one(claim, CREDITED) is None and cited:
        yield Edit(g.kind[claim], f"credit {_name(cited[0])} on {_name(claim)}", (), (ox.Triple(claim, CREDITED, cited[0]),))


@per_claim
def drop_source(g, claim):
    old = g.one(claim, CREDITED)
    if old is not None:
        yield Edit(g.kind[claim], f"drop the credited source of {_name(claim)}", (old,), ())


@per_claim
def swap_source(g, claim):
    old = g.one(claim, CREDITED)
    if old is None:
        return
    for source in _cited(g):
        if source != old.object:
            yield Edit(g.kind[claim], f"credit {_name(source)} instead of {_name(old.object)} on {_name(claim)}",
                       (old,), (ox.Triple(claim, CREDITED, source),))


@per_claim
def change_number(g, claim):
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
            yield Edit(_name(t.predicate), f"change {_name(t.subject)} {_name(t.predicate)} {literal.value} to {text} (claim {_name(claim)})", (t,), (new,))


@per_claim
def reuse_quote(g, claim):
    quote = g.one(claim, QUOTE)
    if quote is None:
        return
    others = [c for c in g.claims if c != claim and g.value(c, QUOTE) is not None]
    if others:
        donor = others[g.claims.index(claim) % len(others)]
        yield Edit(g.kind[claim], f"point {_name(claim)} at the quote of {_name(donor)}",
                   (quote,), (ox.Triple(claim, QUOTE, g.value(donor, QUOTE)),))


def misspell_term(g):
    """One misspelling per predicate, class and (predicate, language tag) the data uses, at its first use."""
    seen = set()
    for t in g.triples:
        if t.predicate != TYPE and ("p", t.predicate) not in seen:
            seen.add(("p", t.predicate))
            yield Edit("predicate", f"misspell the predicate <{t.predicate.value}> as {_name(_typo(t.predicate))}",
                       (t,), (ox.Triple(t.subject, _typo(t.predicate), t.object),))
        if t.predicate == TYPE and ("c", t.object) not in seen:
            seen.add(("c", t.object))
            yield Edit("class", f"misspell the class <{t.object.value}> as {_name(_typo(t.object))} on {_name(t.subject)}",
                       (t,), (ox.Triple(t.subject, t.predicate, _typo(t.object)),))
        if isinstance(t.object, ox.Literal) and t.object.language and ("l", t.predicate) not in seen:
            seen.add(("l", t.predicate))
            tag = t.object.language
            wrong = tag[:-1] + ("m" if tag[-1] != "m" else "n")
            yield Edit("language", f"tag the {_name(t.predicate)} of {_name(t.subject)} @{wrong}",
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
