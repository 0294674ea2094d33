"""Clinical fidelity (issue 12): what the graph says about uses, doses and risks, read against the
US labels (../shared/reference/identifiers.md, "What the US labels indicate") and the article.

"Labelled" is the curators' judgement about a label, so every labelled use must carry the label's
words; a direct triple may not say more than its claim; every dose has a route; each quote holds
the words its certainty rests on.
"""

import re

import pytest

from tests.material import shared

PREFIXES = """
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX kg: <https://w3id.org/medkg/id/>
PREFIX claim: <https://w3id.org/medkg/claim/>
PREFIX medkg: <https://w3id.org/medkg/vocab#>
PREFIX mesh: <http://id.nlm.nih.gov/mesh/>
PREFIX note: <https://w3id.org/medkg/note/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
NARROWING = ("conditionContext", "studyContext", "doseContext", "routeContext", "statedScope")


def rows(store, query: str) -> list[dict]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: r[n] for n in names if r[n] is not None} for r in solutions]


def label(store, term) -> str:
    """A term as a clinician reads it: its label, or the literal itself."""
    if hasattr(term, "datatype") or not hasattr(term, "value"):
        return f'"{term.value}"'
    found = rows(store, f"SELECT ?l WHERE {{ <{term.value}> rdfs:label ?l }}")
    return found[0]["l"].value if found else term.value.rsplit("/", 1)[-1]


def test_labelled_uses_are_only_those_a_label_indication_backs(store):
    labelled = rows(store, """
        SELECT ?claim ?object ?context ?words ?source WHERE {
            ?claim a medkg:LabelledUseClaim ; rdf:object ?object .
            OPTIONAL { ?claim medkg:conditionContext ?context }
            OPTIONAL { ?note a medkg:LabelIndication ; schema:about ?claim ; medkg:labelText ?words ;
                             prov:wasDerivedFrom ?source . ?source a medkg:ReferenceSource }
        }""")
    assert labelled, "the label indicates baclofen for spasticity: some use must be labelled"
    for row in labelled:
        assert "words" in row and "source" in row, f"{row['claim'].value}: labelled without the label's words"
    # Spasticity, with its cause as context; never multiple sclerosis, pain or "skeletal and muscular disorders".
    assert {(label(store, r["object"]), label(store, r["context"])) for r in labelled} == {
        ("spasticity", "multiple sclerosis"), ("spasticity", "spinal cord injury")}


def test_label_words_are_the_label_s_words_as_the_reference_gives_them(store):
    reference = " ".join(shared("reference/identifiers.md").read_text(encoding="utf-8").split())
    quoted = rows(store, "SELECT ?note ?words WHERE { ?note medkg:labelText ?words }")
    assert len(quoted) >= 4
    for row in quoted:
        assert " ".join(row["words"].value.split()) in reference, f"{row['note'].value}: not the label's words"


def test_the_loose_uses_keep_the_article_s_words_and_carry_their_corrections(store):
    stated = rows(store, """
        SELECT ?object ?scope ?note WHERE {
            ?claim a medkg:StatedUseClaim ; rdf:object ?object ; medkg:statedScope ?scope .
            ?note schema:about ?claim ; a ?kind . FILTER (?kind IN (medkg:Correction, medkg:LabelFact))
        }""")
    by_object = {}
    for r in stated:
        by_object.setdefault(label(store, r["object"]), set()).add(r["note"].value.rsplit("/", 1)[1])
    assert by_object["pain"] == {"pain-is-pain-of-spasticity"}
    assert "ms-is-not-a-skeletal-or-muscular-disorder" in by_object["multiple sclerosis"]
    assert {"not-for-rheumatic-muscle-spasm", "ms-is-not-a-skeletal-or-muscular-disorder"} <= by_object[
        "skeletal and muscular disorders"]
    assert "spasticity-indications-on-the-labels" in by_object["spasticity"]


def direct_triples_and_their_claims(store):
    found = rows(store, f"""
        SELECT ?s ?p ?o ?claim ?qualifier WHERE {{
            ?s ?p ?o . ?p a medkg:DirectPredicate .
            OPTIONAL {{
                ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; a/rdfs:subClassOf medkg:Claim .
                OPTIONAL {{ ?claim {"|".join("medkg:" + q for q in NARROWING)} ?qualifier }}
            }}
        }}""")
    triples: dict[tuple, dict] = {}
    for r in found:
        claims = triples.setdefault((r["s"], r["p"], r["o"]), {})
        if "claim" in r:
            claims.setdefault(r["claim"].value, set()).update([label(store, r["qualifier"])] if "qualifier" in r else [])
    return triples


# What each direct-layer use predicate may stand on (issue 21): Biolink's reading of the predicate,
# held against the evidence behind the claims that project to it.
USE_EVIDENCE = {
    "treats": {"US label", "US label: may be of some value"},  # what the US label indicates
    "studied to treat": {"a cited trial"},  # a study in the record, not the article's mention of one
}


def test_every_direct_triple_reads_no_stronger_than_its_claims(store):
    """Rendered in words, each direct use triple must stand on a claim whose evidence meets its predicate."""
    found = rows(store, """
        SELECT ?s ?p ?o ?claim ?evidence WHERE {
            ?s ?p ?o . ?p a medkg:DirectPredicate .
            ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; medkg:evidenceBasis/rdfs:label ?evidence .
            FILTER NOT EXISTS { ?refutation medkg:refutes ?claim }
        }""")
    backing: dict[tuple, set[str]] = {}
    for r in found:
        backing.setdefault((label(store, r["s"]), label(store, r["p"]), label(store, r["o"])), set()).add(r["evidence"].value)
    overstated = [f"{s} {p} {o}: {sorted(e)}" for (s, p, o), e in sorted(backing.items())
                  if p in USE_EVIDENCE and not e & USE_EVIDENCE[p]]
    assert overstated == []
    assert ("baclofen", "treats", "spasticity") in backing  # the indication is in the direct layer


def test_the_three_overstated_triples_the_review_found_are_gone(store):
    direct = {(label(store, s), label(store, p), label(store, o)) for s, p, o in direct_triples_and_their_claims(store)}
    assert not [t for t in direct if t[1] == "superior to placebo for"]  # one study's findings
    assert ("baclofen", "safety assessment", '"not considered to be unsafe"') not in direct  # said of epilepsy
    euphoria = direct_triples_and_their_claims(store)
    backing = next(c for (s, p, o), c in euphoria.items() if label(store, o) == "euphoria")
    # Stated only by the reported claim now; the high-dose claim keeps its dose in the claim layer.
    assert [c.rsplit("/", 1)[1] for c, q in backing.items() if not q] == ["baclofen-mild-euphoria-reported"]


def test_every_dose_has_a_route_and_the_starting_dose_is_oral_by_the_curators(store):
    doses = rows(store, """
        SELECT ?dose ?route ?ncit ?completion WHERE {
            ?dose a ?kind . FILTER (?kind IN (schema:DoseSchedule, schema:MaximumDoseSchedule))
            OPTIONAL { ?dose medkg:doseRoute ?route . OPTIONAL { ?route skos:exactMatch ?ncit } }
            OPTIONAL { ?completion a medkg:Completion ; rdf:subject ?dose ; rdf:predicate medkg:doseRoute }
        }""")
    assert doses and all("route" in d for d in doses)
    starting = next(d for d in doses if d["dose"].value.endswith("dose-starting-5mg-tid"))
    assert starting["ncit"].value == "http://purl.obolibrary.org/obo/NCIT_C38288"  # oral route
    assert "completion" in starting  # the article gives no route: the curators say so


def notes_about(store, claim: str) -> dict[str, str]:
    return {r["kind"].value.rsplit("#", 1)[1]: r["text"].value for r in rows(store, f"""
        SELECT ?kind ?text WHERE {{ ?note schema:about claim:{claim} ; a ?kind ; rdfs:comment ?text .
                                   ?kind rdfs:subClassOf medkg:CuratorNote }}""")}


def test_the_pump_claim_says_intrathecal_baclofen_is_for_severe_refractory_spasticity(store):
    assert "do not respond to oral baclofen" in notes_about(store, "baclofen-given-by-pump").get("LabelFact", "")


def test_the_epilepsy_safety_claim_carries_the_label_s_seizure_warning(store):
    # A correction, not a label fact: it contradicts "not considered to be unsafe", and refutes the claim.
    assert "seizure control may worsen" in notes_about(store, "baclofen-not-unsafe-for-epilepsy").get("Correction", "")
    assert bool(store.query(PREFIXES + "ASK { ?note medkg:refutes claim:baclofen-not-unsafe-for-epilepsy ; a medkg:Correction }"))


def test_claims_state_their_own_triple_not_a_neighbour_s(store):
    def statement(claim):
        [r] = rows(store, f"SELECT ?k ?s ?p WHERE {{ claim:{claim} a ?k ; rdf:subject ?s ; rdf:predicate ?p }}")
        return r["k"].value.rsplit("#", 1)[1], label(store, r["s"]), label(store, r["p"])

    assert statement("intrathecal-helps-pill-intolerant") == ("FormulationClaim", "intrathecal baclofen", "helps")
    assert statement("pump-delivers-to-spinal-cord")[1] == "intrathecal baclofen"  # "It" is the treatment
    assert statement("baclofen-epilepsy-effectiveness-inconclusive")[0] == "InvestigationalUseClaim"


def test_early_promise_is_research_with_its_hedge(store):
    [r] = rows(store, """SELECT ?k ?p ?level WHERE {
        claim:baclofen-studied-for-opioid-withdrawal a ?k ; rdf:predicate ?p ; medkg:certainty ?level }""")
    assert (r["k"].value.endswith("InvestigationalUseClaim"), r["p"].value, r["level"].value) == (
        True, "https://w3id.org/biolink/vocab/studied_to_treat", "https://w3id.org/medkg/vocab#certainty-preliminary")


# The words each hedged level rests on (ontology/certainty.ttl defines the levels). "established"
# needs none: it is the absence of a hedge.
CUES = {
    "qualified": r"\b(can|may|some|many|often|fairly|possib\w*|risk|moderately)\b",
    "reported": r"\b(reported|considered|believed|thought)\b",
    "preliminary": r"\b(early promise|more studies|preliminary)\b",
    "inconclusive": r"\b(inconclusive|mixed)\b",
    "contested": r"\b(disagree\w*|disput\w*|controvers\w*)\b",
}


def test_each_quote_holds_the_words_its_certainty_rests_on(store):
    table = rows(store, """SELECT ?claim ?level ?quote WHERE {
        ?claim medkg:certainty ?level ; medkg:quote/oa:hasSelector ?t .
        ?t a oa:TextQuoteSelector ; oa:exact ?quote } ORDER BY ?level ?claim""")
    level = [r["level"].value.rsplit("certainty-", 1)[-1] for r in table]  # the level's IRI: its label is for readers
    review = [f"{lv:<13} {r['claim'].value.rsplit('/', 1)[1]:<48} {r['quote'].value}" for lv, r in zip(level, table, strict=True)]
    missing = [line for lv, r, line in zip(level, table, review, strict=True)
               if lv in CUES and not re.search(CUES[lv], r["quote"].value, re.I)]
    assert missing == [], "each claim's certainty with its quote:\n" + "\n".join(review)


@pytest.mark.parametrize("claim, words", [
    ("baclofen-withdrawal-on-stopping", "Many people"),  # the hedge was left outside the quote
    ("baclofen-historically-for-seizures", "was considered"),
])
def test_the_two_quotes_too_short_for_their_hedge_now_hold_it(store, claim, words):
    [r] = rows(store, f"SELECT ?q WHERE {{ claim:{claim} medkg:quote/oa:hasSelector ?t . ?t oa:exact ?q }}")
    assert words in r["q"].value


def test_euphoria_without_a_dose_is_a_label_fact_not_a_correction(store):
    notes = notes_about(store, "baclofen-euphoria-at-high-doses")
    assert "LabelFact" in notes and "Correction" not in notes and "rare" in notes["LabelFact"]


def test_mappings_claim_no_more_than_they_know(store):
    def matches(entity):
        return {(r["how"].value.rsplit("#", 1)[1], r["id"].value.rsplit("/", 1)[1]) for r in rows(store, f"""
            SELECT ?how ?id WHERE {{ kg:{entity} ?how ?id .
                                    FILTER (?how IN (skos:exactMatch, skos:closeMatch, skos:broadMatch)) }}""")}

    assert ("broadMatch", "D009293") in matches("opioid-dependence")  # MeSH Opioid-Related Disorders is broader
    assert ("exactMatch", "D009293") not in matches("opioid-dependence")
    assert {how for how, _ in matches("cns-depressants")} == {"closeMatch"}  # "tranquilizers" read as a choice


def test_the_french_authorisation_says_what_it_is_for(store):
    text = notes_about(store, "baclofen-off-label-for-alcohol-dependence")["LabelFact"]
    assert "reducing alcohol consumption" in text and "80 mg" in text
    # Every fact a note adds is in the article or the reference notes: "after other treatments have
    # failed" and "alcohol-dependent adults" are not (issue 21).
    assert "after other treatments" not in text and "alcohol-dependent" not in text
