"""The direct layer is the projection of the claims (issue 21): one rule, held to the data both ways.

What a system that imports only the direct layer reads is what the label and the article support:
`treats` for what the US label indicates, `applied_to_treat` for off-label practice,
`studied_to_treat` only with a study in the record, historical uses, and nothing for a use only
the article states or a claim a correction refutes.
"""

import pyoxigraph as ox
import pytest

from medkg.io.parse import load_data, load_ontology
from medkg.project_files import DATA_DIR
from medkg.query.projection import asserted, projected
from medkg.rdf.namespaces import MEDKG
from tests.material import FIXTURES

KG = "https://w3id.org/medkg/id/"
BIOLINK = "https://w3id.org/biolink/vocab/"


def short(term) -> str:
    text = term.value if hasattr(term, "value") else str(term)
    for prefix, name in ((KG, "kg:"), (BIOLINK, "biolink:"), (str(MEDKG), "medkg:"), ("https://schema.org/", "schema:")):
        text = text.replace(prefix, name)
    return text


def triples(found) -> set[tuple[str, str, str]]:
    return {(short(s), short(p), short(o)) for s, p, o in found}


def test_every_claim_that_projects_has_its_triple(store):
    missing = triples(projected(store) - asserted(store))
    assert missing == set(), "claims whose triple the direct layer lacks"


def test_every_direct_triple_is_projected_from_a_claim(store):
    extra = triples(asserted(store) - projected(store))
    assert extra == set(), "direct triples no claim projects to"


def test_the_rule_is_not_vacuous(store):
    """The projection keeps some claims out and lets qualified uses in: both sides of the rule are used."""
    claims = {r["c"] for r in store.query(f"SELECT ?c WHERE {{ ?c <{MEDKG}certainty> ?l }}")}
    assert len(projected(store)) < len(claims)  # stated uses, refuted and unbacked claims stay out


def test_the_direct_layer_alone_answers_what_the_us_label_indicates(store):
    """Question 1 of issue 21, asked of the direct layer with no claim node: spasticity, and only that."""
    direct = triples(asserted(store))
    assert {o for s, p, o in direct if p == "biolink:treats"} == {"kg:spasticity"}


def test_what_the_review_found_misleading_is_gone_from_the_direct_layer(store):
    direct = triples(asserted(store))
    assert ("kg:baclofen", "biolink:studied_to_treat", "kg:epilepsy") not in direct  # no study in the record
    assert not [t for t in direct if t[1] == "medkg:deliversTo" and "between the discs" in t[2]]  # refuted
    assert ("kg:assadi-2003", "schema:publisher", "kg:nih") not in direct  # refuted: BMC Psychiatry
    assert not [t for t in direct if t[1] == "biolink:treats_or_applied_or_studied_to_treat"]  # article alone
    # What stays: off-label practice, the one investigational use a cited trial stands behind, history.
    assert {o for s, p, o in direct if p == "biolink:applied_to_treat"} == {
        "kg:substance-dependence", "kg:alcohol-dependence", "kg:opioid-dependence"}
    assert {o for s, p, o in direct if p == "biolink:studied_to_treat"} == {"kg:opioid-withdrawal"}
    assert {"kg:epilepsy", "kg:seizure"} <= {o for s, p, o in direct if p == "medkg:historicallyUsedFor"}
    # A safety judgement needs more than the article's word; the label's boxed warning is there instead.
    assert not [t for t in direct if t[1] == "medkg:safetyAssessment"]
    assert ("kg:baclofen", "biolink:has_adverse_event", "kg:intrathecal-baclofen-withdrawal") in direct


def test_a_labelled_use_with_a_narrowing_qualifier_still_projects():
    """A narrowing qualifier never removes an indication: it stays on the claim."""
    store = _store_with(FIXTURES / "valid" / "labelled-use-with-its-label-note.ttl")
    found = triples(projected(store))
    assert ("kg:baclofen", "biolink:treats", "kg:spasticity") in found


@pytest.mark.parametrize("edit, gone", [
    # a refutation takes the triple out
    ("refute", ("kg:baclofen", "schema:interactingDrug", "kg:ethanol")),
    # an investigational use with only the article's statement stays out
    ("unbacked", ("kg:baclofen", "biolink:studied_to_treat", "kg:opioid-withdrawal")),
    # a boxed warning demoted to an ordinary label fact leaves the direct layer
    ("not-boxed", ("kg:baclofen", "biolink:has_adverse_event", "kg:intrathecal-baclofen-withdrawal")),
])
def test_the_rule_reacts_to_what_the_record_says(edit, gone):
    store = _store_with()
    claim = {"refute": "baclofen-interacts-with-alcohol", "unbacked": "baclofen-studied-for-opioid-withdrawal",
             "not-boxed": "x"}[edit]
    node = ox.NamedNode("https://w3id.org/medkg/claim/" + claim)
    if edit == "not-boxed":
        warning = ox.NamedNode("https://w3id.org/medkg/note/intrathecal-boxed-warning")
        store.remove(ox.Quad(warning, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                             ox.NamedNode(MEDKG.BoxedWarning)))
    elif edit == "refute":
        store.add(ox.Quad(ox.NamedNode("https://w3id.org/medkg/note/x"), ox.NamedNode(MEDKG.refutes), node))
    else:
        for q in list(store.quads_for_pattern(node, ox.NamedNode(MEDKG.evidenceBasis), None)):
            store.remove(q)
        store.add(ox.Quad(node, ox.NamedNode(MEDKG.evidenceBasis), ox.NamedNode(MEDKG["evidence-article-only"])))
    assert gone not in triples(projected(store))


def _store_with(*extra):
    """A fresh store of the shipped data (plus fixtures) and the ontology, to edit."""
    data = load_data([DATA_DIR, *extra])
    store = data.store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in load_ontology().triples)
    return store


# The rule is written three times (the two layer shapes and the CONSTRUCT): each edit below changes
# what projects, and the shapes must then find exactly the triples the CONSTRUCT says are missing or extra.
EDITS = {
    "a refutation": "note:fixture-refutes a medkg:Correction ; medkg:refutes claim:baclofen-interacts-with-alcohol .",
    "a qualifier on a risk": 'claim:baclofen-side-effects medkg:doseContext "at any dose"@en .',
    "a qualifier on a labelled use": "claim:baclofen-treats-spasticity-in-sci medkg:routeContext kg:oral-route .",
    "a stated use's triple": "kg:baclofen biolink:treats_or_applied_or_studied_to_treat kg:pain .",
}
PREFIXES = """@prefix biolink: <https://w3id.org/biolink/vocab/> .
@prefix claim: <https://w3id.org/medkg/claim/> .
@prefix kg: <https://w3id.org/medkg/id/> .
@prefix medkg: <https://w3id.org/medkg/vocab#> .
@prefix note: <https://w3id.org/medkg/note/> .
"""


@pytest.mark.parametrize("edit", EDITS)
def test_the_shapes_and_the_construct_hold_the_same_rule(edit, tmp_path):
    from medkg.validate.pipeline import validate

    extra = tmp_path / "edit.ttl"
    extra.write_text(PREFIXES + EDITS[edit] + "\n", encoding="utf-8")
    store = _store_with(extra)
    missing, surplus = projected(store) - asserted(store), asserted(store) - projected(store)
    layer = {(f.shape, f.focus) for f in validate([DATA_DIR, extra]).findings
             if f.shape in ("mkgsh:ClaimLayerShape", "mkgsh:DirectLayerShape")}
    assert len(missing) == len({s for s, _ in layer if s == "mkgsh:ClaimLayerShape"})
    assert bool(surplus) == any(s == "mkgsh:DirectLayerShape" for s, _ in layer)
    assert missing or surplus or edit == "a qualifier on a labelled use"  # that one changes nothing: uses keep it
