"""`medkg export`: the whole graph as release files other systems import.

Byte-stable: every file is written from the RDFC-1.0 canonical form of the dataset (stable
blank node labels), in sorted order, so two exports of the same content are byte-identical
whatever the hash seed or the order the input files were read in.

Safe to point anywhere: the target is replaced only when it is absent, an empty folder, or an
earlier medkg release (its void.ttl and checksum file, and nothing but release files); anything
else is refused and left untouched. The files are written into a staging folder beside the
target, each parsed back, and then exchanged with the old release in one atomic rename
(renameat2 RENAME_EXCHANGE on Linux), so a reader sees the old release or the new one at every
instant. Staging folders a killed export left behind are removed by the next export.
"""

import datetime
import glob
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pyoxigraph as ox

from medkg.errors import InputError
from medkg.io.folders import refuse_unless_output, replace, staging_prefix
from medkg.io.parse import Source, load_data, load_ontology, load_shapes
from medkg.project_files import ROOT
from medkg.rdf.formats import rdf_format
from medkg.rdf.namespaces import GRAPHS
from medkg.rdf.prefixes import prefixes
from medkg.rdf.turtle import serialize
from medkg.release import jsonld, void

ALL = ("ttl", "nt", "jsonld", "trig")  # by file extension; each but trig is written once per part
PER_PART = ("ttl", "nt", "jsonld")
DIST = ROOT / "dist"
CHECKSUM = "medkg.rdfc10.sha256"


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
    data_paths: list[Path] | None = None, notes: list[str] | None = None,
) -> list[Path]:
    """Write a release into `target` (replacing an earlier release whole); return the files written.
    What the user should know (stale staging folders removed) goes into `notes`."""
    check_version(version)
    check_date(date)
    target = Path(os.path.abspath(target))

    def write(staging: Path) -> list[Path]:
        sources = parts(data_paths)
        written = _write_release(staging, sources, canonical_dataset(sources), formats, version, date)
        _parse_back(written)
        return written

    written = replace(target, write, _refuse_unless_replaceable, notes, tidy=lambda: _remove_leftovers(target))
    return [target / p.name for p in written]


# SemVer 2.0.0's own regular expression (semver.org), so that the version can stand in an IRI and a literal.
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def check_version(version: str | None) -> None:
    """A release version is a semantic version (it becomes part of the release's IRI).

    >>> check_version("1.0.0-beta.2")
    >>> check_version("1.0 beta<>")
    Traceback (most recent call last):
    medkg.errors.InputError: --version '1.0 beta<>': not a semantic version; write it as MAJOR.MINOR.PATCH, e.g. 1.0.0 or 1.0.0-beta.1
    """
    if version is not None and not _SEMVER.match(version):
        raise InputError(f"--version {version!r}: not a semantic version; write it as MAJOR.MINOR.PATCH, "
                         "e.g. 1.0.0 or 1.0.0-beta.1")


def check_date(date: str | None) -> None:
    """A release date is a real calendar day written YYYY-MM-DD.

    >>> check_date("2026-02-28")
    >>> check_date("2020-13-45")
    Traceback (most recent call last):
    medkg.errors.InputError: --date '2020-13-45': not a calendar date (month must be in 1..12); write it as YYYY-MM-DD
    """
    if date is None:
        return
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError(f"--date {date!r}: write it as YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(date)
    except ValueError as e:
        raise InputError(f"--date {date!r}: not a calendar date ({e}); write it as YYYY-MM-DD") from None


def release_file_names() -> set[str]:
    """Every name an export can write: what a folder may hold to count as an earlier release."""
    names = {f"medkg-{part}.{fmt}" for part in GRAPHS for fmt in PER_PART}
    return names | {"medkg.trig", "context.jsonld", CHECKSUM, "void.ttl"}


def is_release(folder: Path) -> bool:
    """An earlier medkg release: its void.ttl and checksum file, and nothing but release files."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    names = {e.name for e in entries}
    return ({"void.ttl", CHECKSUM} <= names and names <= release_file_names()
            and all(e.is_file() and not e.is_symlink() for e in entries))


def _refuse_unless_replaceable(target: Path) -> None:
    refuse_unless_output(target, "folder", "export")
    if not target.exists():
        return
    try:
        empty = not any(target.iterdir())
    except OSError as e:
        raise InputError(f"{target}: cannot read the folder ({e.strerror or e})") from None
    if not empty and not is_release(target):
        raise InputError(
            f"{target}: refusing to replace a folder that is not a medkg release (a release holds void.ttl, "
            f"{CHECKSUM} and release files only); choose a new or empty folder with -o"
        )


def _remove_leftovers(target: Path) -> None:
    """Staging and old folders of an export that was killed before staging folders held their
    owner (medkg/io/folders.py): only ever folders of release files."""
    for prefix in (staging_prefix(target), f".{target.name}.medkg-old-"):
        for leftover in target.parent.glob(glob.escape(prefix) + "*"):
            if leftover.is_dir() and not leftover.is_symlink() and all(
                e.name in release_file_names() and e.is_file() for e in leftover.iterdir()
            ):
                shutil.rmtree(leftover, ignore_errors=True)


def _write_release(folder: Path, sources, quads, formats, version, date) -> list[Path]:
    written = []
    registry = prefixes()
    by_graph = {name: [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == iri]
                for name, iri in GRAPHS.items()}
    context = jsonld.context([t for triples in by_graph.values() for t in triples], registry)
    for fmt in formats:
        if fmt == "trig":
            path = folder / "medkg.trig"
            path.write_bytes(serialize(quads, ox.RdfFormat.TRIG, registry))
            written.append(path)
            continue
        for name, triples in by_graph.items():
            path = folder / f"medkg-{name}.{fmt}"
            if fmt == "jsonld":
                path.write_text(jsonld.document(triples, context), encoding="utf-8")
            elif fmt == "nt":
                path.write_bytes("".join(f"{t} .\n" for t in triples).encode("utf-8"))
            else:
                path.write_bytes(serialize(triples, ox.RdfFormat.from_extension(fmt), registry))
            written.append(path)
    if "jsonld" in formats:
        path = folder / "context.jsonld"
        path.write_text(json.dumps({"@context": context}, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    digest = canonical_hash(quads)
    path = folder / CHECKSUM
    path.write_text(f"{digest}  canonical N-Quads (RDFC-1.0) of the release's three named graphs\n", encoding="utf-8")
    written.append(path)
    path = folder / "void.ttl"
    path.write_bytes(void.describe(sources, written, digest, version, date))
    written.append(path)
    return written


def _parse_back(written: list[Path]) -> None:
    """Every RDF file parses before it replaces anything (a bad --version once wrote an invalid void.ttl)."""
    for path in written:
        fmt = rdf_format(path.suffix)
        if fmt is not None and path.name != "context.jsonld":
            try:
                for _ in ox.parse(path=str(path), format=fmt):
                    pass
            except (SyntaxError, ValueError) as e:
                raise InputError(f"{path.name}: the release file does not parse ({e}); nothing was replaced") from None
