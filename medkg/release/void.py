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
from medkg.io.parse import Source
from medkg.project_files import ROOT
from medkg.rdf.formats import media_type
from medkg.rdf.namespaces import (
    BIOLINK,
    CC_BY_4,
    DATASET,
    DCAT,
    DCTERMS,
    KG,
    MEDKG,
    OA,
    OWL,
    PROV,
    RDF,
    RDFS,
    RELEASE,
    SCHEMA,
    SKOS,
    SPDX,
    VOID,
    XSD,
)
from medkg.rdf.namespaces import MEDIA_TYPES as MEDIA_TYPES_IRI
from medkg.rdf.prefixes import prefixes
from medkg.rdf.turtle import serialize

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
    query = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a ?k . ?k <{RDFS.subClassOf}> <{MEDKG.Claim}> }}"
    claims = int(next(iter(store.query(query)))["n"].value)
    entities = len({t.subject for t in sources["data"].triples
                    if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(KG)})
    return {
        "triples": sum(len(s.triples) for s in sources.values()),
        "claims": claims,
        "entities": entities,
    }


def _iri(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def describe(sources: dict[str, Source], files: list[Path], digest: str, version: str | None, date: str | None) -> bytes:
    """The description as Turtle, written by pyoxigraph's serializer (it escapes what needs escaping)."""
    version = version or __version__
    date = date or release_date()
    n = counts(sources)
    release = f"{RELEASE}{version}/{date}"
    dataset = _iri(DATASET)
    triples = []

    def say(subject, predicate, *objects):
        triples.extend(ox.Triple(subject, _iri(predicate), o) for o in objects)

    say(dataset, RDF.type, _iri(VOID.Dataset), _iri(DCAT.Dataset))
    say(dataset, DCTERMS.title, _en("medkg: the baclofen knowledge graph"))
    say(dataset, DCTERMS.description, _en(
        "Every factual claim of The Recovery Village's article \"What is Baclofen Used For?\" as RDF, each traceable "
        "to the exact words it rests on, with curators' corrections and checked identifiers."))
    say(dataset, DCTERMS.license, _iri(CC_BY_4))
    say(dataset, DCTERMS.rights, _en(
        "Data: CC BY 4.0; ontology and shapes: CC0 1.0. The article's text (kg:article medkg:fullText, and every "
        "oa:exact quote) belongs to The Recovery Village and is reproduced only so that quotes can be checked; it is "
        "not covered by these licences."))
    say(dataset, DCTERMS.creator, _iri(KG["medkg-curators"]))
    say(dataset, DCTERMS.source, _iri(KG.article))
    say(dataset, PROV.wasDerivedFrom, _iri(KG.article))
    say(dataset, DCAT.version, ox.Literal(version))
    say(dataset, OWL.versionInfo, ox.Literal(version))
    say(dataset, OWL.versionIRI, _iri(release))
    say(dataset, DCTERMS.issued, ox.Literal(date, datatype=_iri(XSD.date)))
    say(dataset, VOID.triples, ox.Literal(n["triples"]))
    # VoID counts as entities the described resources whose IRIs are in the dataset's uriSpace:
    # the graph's entities (kg:), not its claims, quotes or notes.
    say(dataset, VOID.uriSpace, ox.Literal(str(KG)))
    say(dataset, VOID.entities, ox.Literal(n["entities"]))
    say(dataset, MEDKG.claimCount, ox.Literal(n["claims"]))
    say(dataset, MEDKG.canonicalHash, ox.Literal(digest))
    say(dataset, VOID.vocabulary, *(_iri(ns) for ns in (SCHEMA, BIOLINK, PROV, OA, SKOS, DCTERMS)))
    say(dataset, DCAT.distribution, *(_iri(f"{DATASET}/{f.name}") for f in files))
    for f in files:
        data = f.read_bytes()
        part = next((p for p in PARTS if f"-{p}." in f.name), None)
        title = f"{PARTS[part]} ({f.suffix[1:]})" if part else {"medkg.trig": "all three parts as named graphs (TriG)",
                                                                  "context.jsonld": "the JSON-LD @context of the .jsonld files",
                                                                  "medkg.rdfc10.sha256": "the canonical hash"}.get(f.name, f.name)
        media = media_type(f.suffix)
        distribution, checksum = _iri(f"{DATASET}/{f.name}"), _iri(f"{DATASET}/{f.name}#sha256")
        say(distribution, RDF.type, _iri(DCAT.Distribution))
        say(distribution, DCTERMS.title, _en(title))
        say(distribution, DCAT.downloadURL, _iri(f"{release}/{f.name}"))
        say(distribution, DCAT.mediaType, _iri(MEDIA_TYPES_IRI + media))
        say(distribution, DCAT.byteSize, ox.Literal(len(data)))
        say(distribution, SPDX.checksum, checksum)
        say(checksum, RDF.type, _iri(SPDX.Checksum))
        say(checksum, SPDX.algorithm, _iri(SPDX.checksumAlgorithm_sha256))
        say(checksum, SPDX.checksumValue, ox.Literal(hashlib.sha256(data).hexdigest(), datatype=_iri(XSD.hexBinary)))
    namespaces = {**prefixes(), "void": str(VOID), "dcat": str(DCAT), "spdx": str(SPDX)}
    header = b"# The release's description (VoID and DCAT), written by `medkg export`.\n"
    return header + serialize(triples, ox.RdfFormat.TURTLE, namespaces, only_used=True)
