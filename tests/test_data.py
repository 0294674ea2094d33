"""The shipped graph: it conforms, its two layers agree, its quotes are verbatim, its article is covered.

The checks here are written in Python or SPARQL independently of the shapes, so that a shape
that stopped working would not hide a broken graph.
"""

import hashlib
from collections import Counter

import pyoxigraph as ox
import pytest

from medkg.article import sync
from medkg.article.sentences import split_sentences
from medkg.project_files import ARTICLE_TEXT, DATA_DIR, ROOT, turtle_files
from medkg.rdf.prefixes import prefixes
from tests.material import shared

P = prefixes()
PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in P.items())


def select(store, query):
    solutions = store.query(PROLOGUE + query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n] for n in names} for row in solutions]


def test_shipped_data_conforms(report):
    assert report.findings == [], "\n".join(f"{f.where} {f.focus}: {f.message}" for f in report.findings)
    assert len(report.files) >= 10


# The two layers in step (the projection rule, both ways): tests/test_direct_layer.py.


def test_direct_layer_is_not_empty(store):
    rows = select(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?p a medkg:DirectPredicate }")
    assert len(rows) >= 30  # 34 since qualified claims left it (issue 12); 40 before


def test_every_quote_is_verbatim_at_its_offsets(store):
    text = sync.read_text()
    rows = select(store, """
        SELECT ?claim ?exact ?start ?end ?prefix ?suffix WHERE {
            ?claim medkg:quote ?q . ?q oa:hasSelector ?t, ?p .
            ?t a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
            ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        }""")
    assert len(rows) == len(select(store, "SELECT ?c WHERE { ?c a/rdfs:subClassOf medkg:Claim }"))
    for r in rows:
        start, end = int(r["start"].value), int(r["end"].value)
        assert text[start:end] == r["exact"].value, r["claim"]
        assert text[:start].endswith(r["prefix"].value), r["claim"]
        assert text[end:].startswith(r["suffix"].value), r["claim"]


def test_every_sentence_is_quoted_or_marked_claim_free(store):
    text = sync.read_text()
    spans = [
        (int(r["start"].value), int(r["end"].value))
        for r in select(store, """
            SELECT ?start ?end WHERE { ?c medkg:quote/oa:hasSelector ?p .
                                       ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }""")
    ]
    claim_free = {
        int(r["i"].value)
        for r in select(store, "SELECT ?i WHERE { ?s medkg:claimFreeReason ?r ; medkg:sentenceIndex ?i }")
    }
    for s in split_sentences(text):
        quoted = any(a < s.end and b > s.start for a, b in spans)
        assert quoted != (s.index in claim_free), f"sentence {s.index}: {s.text!r}"


def test_the_issue_s_list_of_claims_is_encoded(store):
    """Spot-check the statements the foundation issue names, one per kind at least."""
    # The use kinds as issue 12 reads them against the label: pain and multiple sclerosis are
    # stated uses, opioid withdrawal is investigational.
    expected = {
        ("LabelledUseClaim", "kg:spasticity"), ("StatedUseClaim", "kg:pain"),
        ("StatedUseClaim", "kg:multiple-sclerosis"), ("OffLabelUseClaim", "kg:alcohol-dependence"),
        ("OffLabelUseClaim", "kg:opioid-dependence"), ("InvestigationalUseClaim", "kg:opioid-withdrawal"),
        ("HistoricalUseClaim", "kg:epilepsy"), ("HistoricalUseClaim", "kg:anticonvulsant"),
        ("DrugClassClaim", "kg:muscle-relaxant"), ("NegativeClaim", "kg:opioid"),
        ("RiskClaim", "kg:psychological-addiction"), ("RiskClaim", "kg:physical-dependence"),
        ("RiskClaim", "kg:baclofen-withdrawal"), ("RiskClaim", "kg:euphoria"), ("RiskClaim", "kg:drug-misuse"),
        ("InteractionClaim", "kg:ethanol"), ("InteractionClaim", "kg:cns-depressants"),
        ("FormulationClaim", "kg:pill-form"), ("FormulationClaim", "kg:injectable-form"),
        ("FormulationClaim", "kg:baclofen-pump"), ("FormulationClaim", "kg:intrathecal-route"),
        ("DosageClaim", "kg:dose-starting-5mg-tid"), ("StudyFindingClaim", "kg:treatment-retention"),
        ("ControversyClaim", "kg:substance-dependence"),
    }
    rows = select(store, "SELECT ?kind ?o WHERE { ?c a ?kind ; rdf:object ?o . ?kind rdfs:subClassOf medkg:Claim }")
    found = {(r["kind"].value.split("#")[1], _compact(r["o"])) for r in rows}
    assert expected <= found, expected - found


def test_starting_dose_is_5_mg_three_times_daily_per_medicinenet(store):
    rows = select(store, """
        SELECT ?value ?unit ?times ?source WHERE {
            ?c a medkg:DosageClaim ; rdf:object ?dose ; medkg:creditedSource ?source .
            ?dose schema:doseValue ?value ; schema:doseUnit ?unit ; medkg:timesPerDay ?times .
        }""")
    assert [(float(r["value"].value), r["unit"].value, int(r["times"].value), _compact(r["source"])) for r in rows] == [
        (5.0, "mg", 3, "kg:medicinenet")
    ]


def test_curator_notes_are_apart_from_claims(store):
    rows = select(store, """
        SELECT ?n WHERE { ?n a/rdfs:subClassOf medkg:CuratorNote ; a/rdfs:subClassOf* medkg:Claim }""")
    assert rows == []
    corrections = select(store, "SELECT ?n WHERE { ?n a medkg:Correction ; schema:about ?c ; prov:wasDerivedFrom ?src }")
    assert len({r["n"] for r in corrections}) >= 5


def test_no_blank_nodes_in_shipped_data(data):
    assert data.blank_node_files == {}


def test_article_text_is_stored_as_received():
    text_ttl = sync.render_text_ttl()
    assert (DATA_DIR / "article-text.ttl").read_text(encoding="utf-8") == text_ttl
    assert hashlib.sha256(ARTICLE_TEXT.read_bytes()).hexdigest() in text_ttl


def test_generated_files_are_in_sync_with_the_article():
    assert (DATA_DIR / "sentences.ttl").read_text(encoding="utf-8") == sync.render_sentences_ttl()


def test_graph_full_text_equals_the_file(store):
    [row] = select(store, "SELECT ?t WHERE { kg:article medkg:fullText ?t }")
    assert row["t"].value == sync.read_text()


def test_article_copy_matches_the_shared_original():
    original = shared("source/baclofen-article.txt")
    assert ARTICLE_TEXT.read_bytes() == original.read_bytes()


def test_identifiers_come_from_the_checked_reference(store):
    """Every CURIE-like identifier in the graph appears in ../shared/reference/identifiers.md,
    except the few checked separately and named here."""
    reference = shared("reference/identifiers.md").read_text(encoding="utf-8")
    checked_elsewhere = {"HP:0031844"}  # euphoria: consistent in four independent HPO-derived files
    rows = select(store, "SELECT DISTINCT ?id WHERE { ?e skos:exactMatch|skos:closeMatch|skos:broadMatch ?id }")
    for r in rows:
        curie = _curie(r["id"].value)
        assert curie in checked_elsewhere or curie in reference, f"{curie} is not in the reference list"


def test_every_file_binds_prefixes_as_the_registry_does():
    import re

    files = turtle_files(DATA_DIR) + turtle_files(ROOT / "ontology") + turtle_files(ROOT / "tests" / "fixtures")
    for path in files:
        for prefix, ns in re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", path.read_text(encoding="utf-8")):
            if prefix in P:
                assert P[prefix] == ns, f"{path}: {prefix}: is bound to {ns}, the registry says {P[prefix]}"


def test_claim_iris_are_unique_per_file_block(data):
    """A claim written twice (a copy-paste slip) would silently merge two claims' triples."""
    claims = Counter(
        t.subject.value for t in data.triples
        if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
    )
    assert [c for c, n in claims.items() if n > 1] == []


def _compact(term):
    for p, ns in P.items():
        if isinstance(term, ox.NamedNode) and term.value.startswith(ns):
            return f"{p}:{term.value[len(ns):]}"
    return str(term)


def _curie(iri: str) -> str:
    for prefix, form in (
        ("http://purl.obolibrary.org/obo/", lambda local: local.replace("_", ":", 1)),
        ("http://id.nlm.nih.gov/mesh/", lambda local: local),
        ("https://go.drugbank.com/drugs/", lambda local: local),
        ("http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID", lambda local: local),
        ("http://rdf.ebi.ac.uk/resource/chembl/molecule/", lambda local: local),
        ("https://identifiers.org/", lambda local: local.split(":", 1)[1]),
        ("https://pubmed.ncbi.nlm.nih.gov/", lambda local: local),
        ("https://doi.org/", lambda local: local),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/", lambda local: local),
        ("https://www.isrctn.com/", lambda local: local),
    ):
        if iri.startswith(prefix):
            curie = form(iri[len(prefix):])
            return curie.replace("NCIT:", "") if curie.startswith("NCIT:") else curie
    pytest.fail(f"unknown identifier form {iri}")
