"""The release's VoID and DCAT description: what it is, whose, which version, what it holds,
and one dcat:Distribution per file with its media type, size and SHA-256."""

import hashlib
import os
import subprocess
from datetime import UTC, datetime
from datetime import date as _date
from pathlib import Path

import pyoxigraph as ox

from medkg import __version__
from medkg.io.load import Source
from medkg.paths import ROOT
from medkg.rdf.prefixes import prefixes

DATASET = "https://w3id.org/medkg/dataset"
MEDIA_TYPES = {
    ".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
    ".trig": "application/trig", ".sha256": "text/plain",
}
PARTS = {"ontology": "the vocabulary", "shapes": "the SHACL shapes", "data": "the claims, entities and curator notes"}


def release_date() -> str:
    """SOURCE_DATE_EPOCH if set (reproducible builds), else the last commit's date, else today."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    result = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else _date.today().isoformat()


def counts(sources: dict[str, Source]) -> dict[str, int]:
    store = sources["data"].store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in sources["ontology"].triples)
    query = """
        PREFIX medkg: <https://w3id.org/medkg/vocab#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?k . ?k rdfs:subClassOf medkg:Claim }"""
    claims = int(next(iter(store.query(query)))["n"].value)
    entities = len({t.subject for t in sources["data"].triples
                    if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith("https://w3id.org/medkg/id/")})
    return {
        "triples": sum(len(s.triples) for s in sources.values()),
        "claims": claims,
        "entities": entities,
    }


def describe(sources: dict[str, Source], files: list[Path], digest: str, version: str | None, date: str | None) -> bytes:
    version = version or __version__
    date = date or release_date()
    n = counts(sources)
    release = f"https://w3id.org/medkg/release/{version}/{date}"
    lines = [
        f"<{DATASET}> a void:Dataset, dcat:Dataset ;",
        '    dcterms:title "medkg: the baclofen knowledge graph"@en ;',
        '    dcterms:description "Every factual claim of The Recovery Village\'s article \\"What is Baclofen Used For?\\" '
        'as RDF, each traceable to the exact words it rests on, with curators\' corrections and checked identifiers."@en ;',
        "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;",
        '    dcterms:rights "Data: CC BY 4.0; ontology and shapes: CC0 1.0. The article\'s text (kg:article medkg:fullText, '
        'and every oa:exact quote) belongs to The Recovery Village and is reproduced only so that quotes can be checked; '
        'it is not covered by these licences."@en ;',
        "    dcterms:creator kg:medkg-curators ;",
        "    dcterms:source kg:article ;",
        "    prov:wasDerivedFrom kg:article ;",
        f'    dcat:version "{version}" ;',
        f'    owl:versionInfo "{version}" ;',
        f"    owl:versionIRI <{release}> ;",
        f'    dcterms:issued "{date}"^^xsd:date ;',
        f"    void:triples {n['triples']} ;",
        f"    void:entities {n['entities']} ;",
        f"    medkg:claimCount {n['claims']} ;",
        f'    medkg:canonicalHash "{digest}" ;',
        "    void:vocabulary <https://schema.org/>, <https://w3id.org/biolink/vocab/>, <http://www.w3.org/ns/prov#>,",
        "        <http://www.w3.org/ns/oa#>, <http://www.w3.org/2004/02/skos/core#>, <http://purl.org/dc/terms/> ;",
        "    dcat:distribution " + ", ".join(f"<{DATASET}/{f.name}>" for f in files) + " .",
    ]
    for f in files:
        data = f.read_bytes()
        part = next((p for p in PARTS if f"-{p}." in f.name), None)
        title = f"{PARTS[part]} ({f.suffix[1:]})" if part else {"medkg.trig": "all three parts as named graphs (TriG)",
                                                                  "context.jsonld": "the JSON-LD @context of the .jsonld files",
                                                                  "medkg.rdfc10.sha256": "the canonical hash"}.get(f.name, f.name)
        media = "application/ld+json" if f.name == "context.jsonld" else MEDIA_TYPES[f.suffix]
        lines += [
            "",
            f"<{DATASET}/{f.name}> a dcat:Distribution ;",
            f'    dcterms:title "{title}"@en ;',
            f"    dcat:downloadURL <{release}/{f.name}> ;",
            f'    dcat:mediaType <https://www.iana.org/assignments/media-types/{media}> ;',
            f"    dcat:byteSize {len(data)} ;",
            f"    spdx:checksum <{DATASET}/{f.name}#sha256> .",
            "",
            f"<{DATASET}/{f.name}#sha256> a spdx:Checksum ;",
            "    spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
            f'    spdx:checksumValue "{hashlib.sha256(data).hexdigest()}"^^xsd:hexBinary .',
        ]
    namespaces = {**prefixes(), "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                  "spdx": "http://spdx.org/rdf/terms#"}
    used = {p: ns for p, ns in sorted(namespaces.items()) if f"{p}:" in "\n".join(lines)}
    head = [f"@prefix {p}: <{ns}> ." for p, ns in used.items()]
    header = ["# The release's description (VoID and DCAT), written by `medkg export`."]
    return ("\n".join(header + head + [""] + lines) + "\n").encode("utf-8")
