"""A synthetic graph of N drugs in the medkg model, for benchmarks.

Each drug comes with its own short synthetic article, three claims quoted from it (a labelled
use with the label note behind it, a risk, a starting dose with its route), the entities they
name and the article's sentences (its text in source/, as the shipped article's is): about 113
triples per drug, all passing the shapes. Deterministic for a given seed. `--violations K`
injects K violations of each kind (see VIOLATIONS) into distinct drugs, and writes which nodes
must be reported to `expected-violations.tsv`.

The identifiers are synthetic (ChEBI and MONDO numbers from 90000000 and 9000000 up, outside
the ranges those registries use) and every label says "synthetic": this graph is never shipped.

    python benchmarks/generate.py --drugs 1000 --out benchmarks/data/100k
"""

import argparse
import hashlib
import random
from pathlib import Path

PREFIXES = """@prefix biolink: <https://w3id.org/biolink/vocab/> .
@prefix claim: <https://w3id.org/medkg/claim/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/medkg/id/> .
@prefix medkg: <https://w3id.org/medkg/vocab#> .
@prefix note: <https://w3id.org/medkg/note/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix quote: <https://w3id.org/medkg/quote/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix sent: <https://w3id.org/medkg/sentence/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

# kind: (how it is injected, the shape that must report it, the node it is reported on)
VIOLATIONS = {
    "missing-quote": ("the labelled-use claim loses medkg:quote", "mkgsh:ClaimShape-quote", "claim:syn-{i}-use"),
    "shifted-offset": ("the risk quote's start moves by one", "mkgsh:QuoteShape", "quote:syn-{i}-risk"),
    "off-label-as-treats": ("the labelled use is typed off-label", "mkgsh:OffLabelUseClaimShape-predicate", "claim:syn-{i}-use"),
    "dose-without-unit": ("the dose loses schema:doseUnit", "mkgsh:Constraint-schema-doseValue-allowedUnits", "kg:syn-dose-{i}"),
    "unmapped-condition": ("the condition loses its identifier", "mkgsh:EntityShape", "kg:syn-condition-{i}"),
}
DRUGS_PER_FILE = 100


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def drug_block(i: int, rng: random.Random, violation: str | None, folder: Path) -> str:
    dose = rng.choice([5, 10, 20, 25, 50])
    times = rng.choice([("twice daily", 2), ("three times daily", 3), ("once daily", 1)])
    sentences = [
        f"Synthetic drug {i} is used to treat synthetic condition {i}.",
        f"Some people taking synthetic drug {i} report side effects such as synthetic effect {i}.",  # a report: certainty-reported
        f"The starting dose of synthetic drug {i} is {dose} milligrams {times[0]}.",
    ]
    text = " ".join(sentences)
    spans, pos = [], 0
    for s in sentences:
        spans.append((pos, pos + len(s)))
        pos += len(s) + 1
    out = [f"# Synthetic drug {i}"]
    # No registry has a synthetic drug or condition, and a mapping names only identifiers the
    # curators checked (ontology/checked-identifiers.ttl): each says why it has none instead.
    out.append(f"""kg:syn-drug-{i} a schema:Drug ;
    rdfs:label "synthetic drug {i}"@en ;
    medkg:unmappedReason "Synthetic: no registry has it."@en .""")
    mapping = "" if violation == "unmapped-condition" else ' ;\n    medkg:unmappedReason "Synthetic: no registry has it."@en'
    out.append(f"""kg:syn-condition-{i} a schema:MedicalCondition ;
    rdfs:label "synthetic condition {i}"@en{mapping} .""")
    out.append(f"""kg:syn-effect-{i} a schema:MedicalCondition ;
    rdfs:label "synthetic effect {i}"@en ;
    medkg:unmappedReason "Synthetic."@en .""")
    unit = "" if violation == "dose-without-unit" else '\n    schema:doseUnit "mg" ;'
    out.append(f"""kg:syn-dose-{i} a schema:DoseSchedule ;
    rdfs:label "synthetic starting dose {i}: {dose} mg"@en ;
    schema:doseValue {dose}.0 ;{unit}
    schema:frequency "{times[0]}"@en ;
    medkg:timesPerDay {times[1]} ;
    medkg:doseRoute kg:syn-oral-route .""")
    # The article's text file, which validate compares with the graph's copy (a missing file is a finding).
    (folder / "source").mkdir(exist_ok=True)
    (folder / "source" / f"syn-{i}.txt").write_bytes(text.encode())
    digest = hashlib.sha256(text.encode()).hexdigest()
    out.append(f"""kg:syn-article-{i} a medkg:SourceArticle ;
    rdfs:label "synthetic article {i}"@en ;
    dcterms:title "Synthetic drug {i}"@en ;  # its own words, as an article's title is (SourceArticleShape-titleInText)
    dcterms:publisher kg:syn-publisher ;
    schema:url <https://synthetic.invalid/article/{i}> ;
    dcterms:rights "Synthetic text for benchmarks."@en ;
    medkg:textFile "source/syn-{i}.txt" ;
    medkg:textSha256 "{digest}" ;
    medkg:fullText {literal(text)} .""")
    for k, ((start, end), s) in enumerate(zip(spans, sentences, strict=True), start=1):
        out.append(f"""sent:syn-{i}-{k} a medkg:Sentence ;
    dcterms:isPartOf kg:syn-article-{i} ;
    medkg:sentenceIndex {k} ;
    oa:start {start} ;
    oa:end {end} ;
    oa:exact {literal(s)} .""")
    claims = [
        ("use", "OffLabelUseClaim" if violation == "off-label-as-treats" else "LabelledUseClaim", "biolink:treats", f"kg:syn-condition-{i}"),
        ("risk", "RiskClaim", "biolink:has_adverse_event", f"kg:syn-effect-{i}"),
        ("dose", "DosageClaim", "schema:doseSchedule", f"kg:syn-dose-{i}"),
    ]
    for (name, kind, predicate, obj), (start, end), s in zip(claims, spans, sentences, strict=True):
        c = f"syn-{i}-{name}"
        quote = "" if violation == "missing-quote" and name == "use" else f"\n    medkg:quote quote:{c} ;"
        qstart = start + 1 if violation == "shifted-offset" and name == "risk" else start
        evidence = (f"medkg:evidenceBasis medkg:evidence-us-label ;\n    medkg:evidenceSource note:syn-{i}-label ;" if name == "use"
                    else "medkg:evidenceBasis medkg:evidence-article-only ;")
        out.append(f"""kg:syn-drug-{i} {predicate} {obj} .
claim:{c} a medkg:{kind} ;
    rdfs:label "synthetic claim {c}"@en ;
    rdf:subject kg:syn-drug-{i} ;
    rdf:predicate {predicate} ;
    rdf:object {obj} ;
    medkg:certainty medkg:certainty-{"reported" if name == "risk" else "established"} ;
    {evidence}
    medkg:evidenceType obo:ECO_0000303 ;{quote}
    prov:wasDerivedFrom kg:syn-article-{i} .
quote:{c} a oa:SpecificResource ;
    oa:hasSource kg:syn-article-{i} ;
    oa:hasSelector quote:{c}-text, quote:{c}-position .
quote:{c}-text a oa:TextQuoteSelector ;
    oa:exact {literal(s)} ;
    oa:prefix {literal(text[max(0, start - 12):start])} ;
    oa:suffix {literal(text[end:end + 12])} .
quote:{c}-position a oa:TextPositionSelector ;
    oa:start {qstart} ;
    oa:end {end} .""")
    out.append(f"""note:syn-{i}-label a medkg:LabelIndication ;
    rdfs:label "synthetic label indication {i}"@en ;
    schema:about claim:syn-{i}-use ;
    medkg:labelText "synthetic condition {i}"@en ;
    rdfs:comment "Synthetic."@en ;
    prov:wasDerivedFrom kg:syn-label ;
    prov:wasAttributedTo kg:medkg-curators ;
    medkg:evidenceType obo:ECO_0000304 .""")
    return "\n\n".join(out) + "\n"


def generate(drugs: int, out: Path, seed: int = 1, violations: int = 0) -> dict:
    """Write the graph into `out` (files of 100 drugs); return {kind: [focus nodes]} injected."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    injected: dict[int, str] = {}
    if violations:
        chosen = rng.sample(range(drugs), violations * len(VIOLATIONS))
        for n, i in enumerate(chosen):
            injected[i] = list(VIOLATIONS)[n // violations]
    expected: dict[str, list[str]] = {k: [] for k in VIOLATIONS}
    (out / "shared.ttl").write_text(
        "# Synthetic benchmark graph: what all drugs share.\n" + PREFIXES + """
kg:syn-publisher a schema:Organization ;
    rdfs:label "synthetic publisher"@en .

kg:syn-oral-route a medkg:AdministrationRoute ;
    rdfs:label "synthetic oral route"@en ;
    medkg:unmappedReason "Synthetic."@en .

kg:syn-label a medkg:ReferenceSource ;
    rdfs:label "synthetic drug label"@en ;
    dcterms:publisher kg:fda .

kg:fda a schema:Organization, prov:Agent ;
    rdfs:label "US Food and Drug Administration"@en .

kg:medkg-curators a schema:Organization, prov:Agent ;
    rdfs:label "medkg curators"@en .
""", encoding="utf-8")
    for first in range(0, drugs, DRUGS_PER_FILE):
        blocks = []
        for i in range(first, min(drugs, first + DRUGS_PER_FILE)):
            blocks.append(drug_block(i, rng, injected.get(i), out))
            if i in injected:
                expected[injected[i]].append(VIOLATIONS[injected[i]][2].format(i=i))
        (out / f"drugs-{first:07d}.ttl").write_text(
            f"# Synthetic benchmark graph: drugs {first} to {first + len(blocks) - 1}.\n" + PREFIXES + "\n" + "\n".join(blocks),
            encoding="utf-8",
        )
    with open(out / "expected-violations.tsv", "w", encoding="utf-8") as f:
        for kind, nodes in expected.items():
            for node in nodes:
                f.write(f"{kind}\t{VIOLATIONS[kind][1]}\t{node}\n")
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drugs", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--violations", type=int, default=0, help="violations of each kind to inject")
    args = parser.parse_args()
    generate(args.drugs, args.out, args.seed, args.violations)


if __name__ == "__main__":
    main()
