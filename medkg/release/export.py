"""`medkg export`: the whole graph as release files other systems import.

Byte-stable: every file is written from the RDFC-1.0 canonical form of the dataset (stable
blank node labels), in sorted order, so two exports of the same content are byte-identical
whatever the hash seed or the order the input files were read in. The files are written into a
temporary folder beside the target and swapped in by renaming, so a failed export leaves the
previous release as it was.
"""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from medkg.release import jsonld, void
from medkg.io.load import Source, load_data, load_ontology, load_shapes
from medkg.rdf.prefixes import prefixes
from medkg.paths import ROOT

GRAPHS = {
    "ontology": "https://w3id.org/medkg/graph/ontology",
    "shapes": "https://w3id.org/medkg/graph/shapes",
    "data": "https://w3id.org/medkg/graph/data",
}
FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
ALL = ("ttl", "nt", "jsonld", "trig")
DIST = ROOT / "dist"


def parts(data_paths: list[Path] | None = None) -> dict[str, Source]:
    return {"ontology": load_ontology(), "shapes": load_shapes(), "data": load_data(data_paths)}


def canonical_dataset(sources: dict[str, Source]) -> list[ox.Quad]:
    """The parts as named graphs, canonicalized (RDFC-1.0) and sorted."""
    dataset = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(GRAPHS[name]))
        for name, source in sources.items()
        for t in source.triples
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def canonical_hash(quads: list[ox.Quad]) -> str:
    """SHA-256 of the canonical N-Quads document: the same for the same content, however serialised."""
    document = "".join(f"{q} .\n" for q in sorted(quads, key=str))
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def export(
    target: Path = DIST, formats: tuple[str, ...] = ALL, version: str | None = None, date: str | None = None,
    data_paths: list[Path] | None = None,
) -> list[Path]:
    """Write a release into `target` (replacing it whole); return the files written."""
    sources = parts(data_paths)
    quads = canonical_dataset(sources)
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        written = _write_release(staging, sources, quads, formats, version, date)
        staging.chmod(0o755)  # mkdtemp makes it private; a release is for reading
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / p.name for p in written]


def _write_release(folder: Path, sources, quads, formats, version, date) -> list[Path]:
    written = []
    registry = prefixes()
    by_graph = {name: [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == iri]
                for name, iri in GRAPHS.items()}
    context = jsonld.context([t for triples in by_graph.values() for t in triples], registry)
    for fmt in formats:
        if fmt == "trig":
            path = folder / "medkg.trig"
            path.write_bytes(_serialize(quads, ox.RdfFormat.TRIG, registry))
            written.append(path)
            continue
        for name, triples in by_graph.items():
            path = folder / f"medkg-{name}.{fmt}"
            if fmt == "jsonld":
                path.write_text(jsonld.document(triples, context), encoding="utf-8")
            elif fmt == "nt":
                path.write_bytes("".join(f"{t} .\n" for t in triples).encode("utf-8"))
            else:
                path.write_bytes(_serialize(triples, FORMATS[fmt], registry))
            written.append(path)
    if "jsonld" in formats:
        path = folder / "context.jsonld"
        path.write_text(json.dumps({"@context": context}, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    digest = canonical_hash(quads)
    path = folder / "medkg.rdfc10.sha256"
    path.write_text(f"{digest}  canonical N-Quads (RDFC-1.0) of the release's three named graphs\n", encoding="utf-8")
    written.append(path)
    path = folder / "void.ttl"
    path.write_bytes(void.describe(sources, written, digest, version, date))
    written.append(path)
    return written


def _serialize(statements, fmt, registry: dict[str, str]) -> bytes:
    """pyoxigraph's Turtle/TriG, with its @prefix lines sorted: it writes them in hash-map order."""
    text = ox.serialize(statements, format=fmt, prefixes=registry).decode("utf-8")
    lines = text.splitlines(keepends=True)
    head = [line for line in lines if line.startswith("@prefix ")]
    return ("".join(sorted(head)) + "".join(lines[len(head):])).encode("utf-8")


def _swap(staging: Path, target: Path) -> None:
    """Put the new release in place: renames only, so no reader sees half a release."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)
