"""A persistent pyoxigraph store of the data and ontology files, kept in .medkg_cache/ at the
root of the git repository, so that `validate --changed` need not re-read every file.

At ~1 M triples, reading the files and filling a store takes ~8 s, while checking the nodes an
edit touched takes milliseconds. The store is refreshed file by file: a file whose size and
modification time are those recorded (or whose SHA-256 is) is not read again.

The default graph holds the union of the files, which is what the checks query. Each file's
triples also sit in a named graph of their own, so that an edited file can be swapped: a triple
leaves the default graph only when no other file states it (a direct triple is written beside
each of its claims, often in several files).

The store also keeps every label's case-folded key in a graph of its own (LABEL_KEYS), computed
with the duplicate-label QC check's own expression: the check groups every label in the graph
(0.6 s at ~1 M triples), while its form for a few focus nodes
(queries/qc/duplicate-label-violation.focused.rq) looks the keys up (under 1 ms). Likewise every
minted subject's IRI in lower case (IRI_KEYS), for the minted-name check's "differs only in letter
case" (medkg/validate/minted_names.py): found by a scan of every triple, that took 45 s of a 51 s
one-drug --changed at ~1 M triples; looked up, milliseconds.

A run that stops half-way leaves the manifest marked dirty, and the next run rebuilds the
store from scratch: the cache is never trusted in a state nobody finished writing. One process
at a time uses the cache: a lock (flock on .medkg_cache/lock) is taken before anything is read,
rebuilt or removed, and held until close(); a second process finds it taken and reads every
file instead (the same findings). A manifest that is not the expected shape, or a store that
does not open although the lock is ours, is rebuilt rather than trusted.
"""

import fcntl
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox

from medkg.errors import InputError
from medkg.io.parse import parse_file
from medkg.progress import Progress
from medkg.rdf import as_written
from medkg.rdf.namespaces import MINTED, RDFS

CACHE_DIR = ".medkg_cache"
WRITTEN = ox.NamedNode(as_written.PRIVATE + "written")  # copies of the literals kept as written
VERSION = 5  # 5: IRI_KEYS; 4: file graphs named by percent-encoded paths; 3: literals kept as written (medkg/rdf/as_written.py). Bump when the layout changes: an older cache is then rebuilt
LABEL_KEYS = "urn:medkg:cache:label-keys"
IRI_KEYS = "urn:medkg:cache:iri-keys"
_PARTS = ("store", "manifest.json", "manifest.tmp", "lock", ".gitignore")  # what the cache writes or removes
BULK_SHARE = 0.2  # files holding more than this share of the triples changed: rebuild, don't patch
_LABEL = ox.NamedNode(RDFS.label)
_KEYS = f"PREFIX rdfs: <{RDFS}>\n" + """DELETE {{ GRAPH <{graph}> {{ ?e <{graph}#key> ?k }} }} WHERE {{ {values} GRAPH <{graph}> {{ ?e <{graph}#key> ?k }} }} ;
INSERT {{ GRAPH <{graph}> {{ ?e <{graph}#key> ?key }} }}
WHERE {{ {values} ?e rdfs:label ?l BIND (CONCAT(LCASE(STR(?l)), "@", LANG(?l)) AS ?key) }}"""


_SUBJECT_KEYS = """DELETE {{ GRAPH <{graph}> {{ ?e <{graph}#key> ?k }} }} WHERE {{ {values} GRAPH <{graph}> {{ ?e <{graph}#key> ?k }} }} ;
INSERT {{ GRAPH <{graph}> {{ ?e <{graph}#key> ?key }} }}
WHERE {{ {subjects} FILTER (isIRI(?e) && ({minted})) BIND (LCASE(STR(?e)) AS ?key) }}"""


def _graph(key: str) -> ox.NamedNode:
    """The named graph of one file's triples: its path percent-encoded (a space is no IRI character)."""
    return ox.NamedNode("file:" + quote(key))


def _settled(stat: os.stat_result) -> int:
    """The modification time to record, or -1 (hash again next run) when it is too recent to trust:
    a file saved again within the file system's clock tick, at the same size, would look unchanged."""
    return stat.st_mtime_ns if time.time_ns() - stat.st_mtime_ns > 2_000_000_000 else -1


def update_label_keys(store: ox.Store, subjects: set | None) -> None:
    """Recompute the LABEL_KEYS entries of `subjects` (None: of every labelled node) from their
    labels in the default graph; also used by `validate --watch` on its in-memory store."""
    if subjects is None:
        values = ""
    elif subjects:
        values = "VALUES ?e { " + " ".join(str(n) for n in subjects if isinstance(n, ox.NamedNode)) + " }"
    else:
        return
    store.update(_KEYS.format(graph=LABEL_KEYS, values=values))


def update_iri_keys(store: ox.Store, subjects: set | None) -> None:
    """Recompute the IRI_KEYS entries of `subjects` (None: of every subject) from the default graph:
    a minted subject's IRI in lower case, while it is the subject of some triple."""
    if subjects is None:
        values, chosen = "", "{ SELECT DISTINCT ?e WHERE { ?e ?p ?o } }"
    elif named := [str(n) for n in subjects if isinstance(n, ox.NamedNode)]:
        values = "VALUES ?e { " + " ".join(sorted(named)) + " }"
        chosen = values + " FILTER EXISTS { ?e ?p ?o }"
    else:
        return
    minted = " || ".join(f'STRSTARTS(STR(?e), "{namespace}")' for namespace in MINTED)
    store.update(_SUBJECT_KEYS.format(graph=IRI_KEYS, values=values, subjects=chosen, minted=minted))


def _empty_manifest() -> dict:
    return {"version": VERSION, "files": {}, "triples": 0}


class CacheUnavailable(Exception):
    """The store cannot be used: another process (a second `validate --changed`) holds it, or
    the folder cannot be written (read-only checkout, full disk). The caller reads every file."""


class StoreCache:
    def __init__(self, root: Path):
        self.root = root
        self.folder = root / CACHE_DIR
        self.manifest_path = self.folder / "manifest.json"
        self.store: ox.Store | None = None
        self.triples = 0  # in the default graph
        self.relabelled: set | None = set()  # subjects whose labels changed; None: all of them
        self.resubjected: set | None = set()  # subjects of triples that entered or left; None: all
        self._lock = None  # the open lock file while this object holds the cache
        self.rebuilt = False  # the last refresh started afresh after a bulk edit

    def refresh(self, files: list[Path]) -> ox.Store:
        """The store holding exactly `files` (parsed strictly; InputError on bad syntax).

        Takes the cache's lock (CacheUnavailable when another process holds it) and keeps it
        until close(): the store must not be rebuilt under a process still querying it."""
        try:
            self._take_lock()
            return self._refresh(files)
        except OSError as e:
            raise CacheUnavailable(f"{self.folder}: {e.strerror or e}") from None

    def close(self) -> None:
        self.store = None
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        self._refuse_links()
        self.folder.mkdir(exist_ok=True)
        # Keep the cache out of git without touching the user's .gitignore (as pytest does).
        (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
        lock = open(self.folder / "lock", "a+b")  # noqa: SIM115 (held open for the object's life)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise CacheUnavailable(f"{self.folder} is in use by another medkg process") from None
        self._lock = lock

    def _refuse_links(self) -> None:
        """InputError for a symbolic link where the cache keeps its parts: the cache removes its store
        and rewrites its files, and must never do so wherever a link (perhaps committed) points."""
        for part in (self.folder, *(self.folder / name for name in _PARTS)):
            if part.is_symlink():
                raise InputError(f"{part}: a symbolic link where the --changed cache keeps its own "
                                 "files; remove the link (the cache is rebuilt), never a link to another folder")

    def _refresh(self, files: list[Path]) -> ox.Store:
        manifest = self._open_store(self._trusted_manifest())
        self.triples = manifest["triples"]
        wanted = {self._key(path): path for path in files}
        changes, known = self._changed_files(manifest["files"], wanted)
        gone = [key for key in known if key not in wanted]
        if not changes and not gone:
            self._write({**manifest, "files": known})  # the times of files saved with the same bytes
            return self.store
        with Progress(self._progress_label(changes, first=not known), total=len(changes)) as progress:
            parsed = self._parse(changes, progress)  # all parse, or nothing changes
            if known and self._bulk_edit(parsed, gone):
                # Removing and adding triple by triple a large share of the store took minutes and
                # left it several times its size (RocksDB keeps what was deleted until it compacts):
                # start afresh, which writes it compactly in one bulk load.
                manifest, known, gone, parsed = self._start_afresh(wanted, parsed, progress)
            self._apply(manifest, known, parsed, gone)
        return self.store

    def _trusted_manifest(self) -> dict:
        """The manifest, or an empty one (and no store) where it is of another version or was left
        dirty by a run that stopped half-way: the cache is never trusted in a state nobody finished."""
        manifest = self._manifest()
        if manifest.get("version") != VERSION or manifest.get("dirty", True):
            self._rebuild_from_scratch()
            return _empty_manifest()
        return manifest

    def _open_store(self, manifest: dict) -> dict:
        """Open the store; one that does not open although the lock is ours is damaged: rebuilt,
        with an empty manifest (returned)."""
        if self.store is not None:
            return manifest
        try:
            self.store = ox.Store(str(self.folder / "store"))
            return manifest
        except (OSError, RuntimeError):  # RocksDB says "Corruption: ..." as a RuntimeError
            self._rebuild_from_scratch()
        try:
            self.store = ox.Store(str(self.folder / "store"))
        except (OSError, RuntimeError) as e:
            raise CacheUnavailable(f"{self.folder / 'store'} cannot be opened ({e})") from None
        return _empty_manifest()

    @staticmethod
    def _changed_files(known: dict, wanted: dict[str, Path]) -> tuple[list, dict]:
        """The files to read again, each (key, path, bytes, manifest entry), and the manifest's file
        entries as they now stand (a new dict): a file whose size and time are those recorded is not
        read; one saved with the same bytes only gets its new time."""
        entries = dict(known)
        changes = []
        for key, path in wanted.items():
            stat = path.stat()  # before reading: a save after it changes the time the next run sees
            seen = entries.get(key)
            if seen and seen["size"] == stat.st_size and seen["mtime_ns"] == stat.st_mtime_ns:
                continue
            raw = path.read_bytes()  # hashed and parsed: the digest recorded is that of the triples stored
            digest = hashlib.sha256(raw).hexdigest()
            entry = {"size": stat.st_size, "mtime_ns": _settled(stat), "sha256": digest}
            if seen and seen["sha256"] == digest:
                entries[key] = {**seen, "mtime_ns": entry["mtime_ns"]}
                continue
            changes.append((key, path, raw, entry))
        return changes, entries

    @staticmethod
    def _progress_label(changes: list, first: bool) -> str:
        # A first run reads every file (about 40 s at ~1 M triples): say so on a terminal.
        return "filling the --changed store (first run; later runs re-read only changed files)" if first \
            else f"updating the --changed store ({len(changes)} changed files)"

    @staticmethod
    def _parse(changes: list, progress: Progress) -> list:
        parsed = []
        for key, path, raw, entry in changes:
            parsed.append((key, parse_file(path, raw=raw)[0], entry))
            progress.advance()
        return parsed

    def _start_afresh(self, wanted: dict[str, Path], parsed: list, progress: Progress) -> tuple:
        """An empty store, to be filled with every file: the manifest, its (no) files, the (no) files
        gone, and every file parsed (those just parsed are not read again)."""
        self._rebuild_from_scratch()
        self.rebuilt = True
        manifest = self._open_store(_empty_manifest())
        self.triples = 0
        done = {key for key, _, _ in parsed}
        rest, _ = self._changed_files({}, {key: path for key, path in wanted.items() if key not in done})
        progress.total = (progress.total or 0) + len(rest)
        return manifest, {}, [], parsed + self._parse(rest, progress)

    def _apply(self, manifest: dict, known: dict, parsed: list, gone: list) -> None:
        """Swap the changed files' triples in the store, between a manifest marked dirty and one
        that records the files: a run stopped in between leaves it dirty, and the next rebuilds."""
        self._write({**manifest, "dirty": True})
        known = dict(known)
        for key in gone:
            self._replace(key, [])
            del known[key]
        for key, triples, entry in parsed:
            self._replace(key, triples)
            known[key] = entry
        self._update_label_keys()
        self.store.flush()
        self._write({**manifest, "files": known, "triples": self.triples, "dirty": False})

    def _bulk_edit(self, parsed, gone) -> bool:
        """Whether the files that changed hold more than BULK_SHARE of the store's triples, before or after."""
        before = sum(self._count(key) for key, _, _ in parsed) + sum(self._count(key) for key in gone)
        after = sum(len(triples) for _, triples, _ in parsed)
        return max(before, after) > BULK_SHARE * max(self.triples, 1)

    def _count(self, key: str) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, _graph(key)))

    def _rebuild_from_scratch(self) -> None:
        self.store = None  # closes it, so that it can be removed
        self.manifest_path.unlink(missing_ok=True)  # what it recorded no longer describes the store
        shutil.rmtree(self.folder / "store", ignore_errors=True)
        self.relabelled = None
        self.resubjected = None

    def written(self, subjects: set | None = None) -> list[ox.Quad]:
        """The default graph's literals under the private datatype (as_written.by_value needs them),
        of `subjects` only if given: copied into a graph of their own, so finding them is a lookup."""
        found = self.store.quads_for_pattern(None, None, None, WRITTEN) if subjects is None else \
            (q for s in subjects for q in self.store.quads_for_pattern(s, None, None, WRITTEN))
        return [ox.Quad(q.subject, q.predicate, q.object) for q in found]

    def file_of(self, iri: str) -> Path | None:
        """A file in which `iri` is a subject (for the line numbers of findings)."""
        rows = self.store.query(
            f'SELECT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} FILTER STRSTARTS(STR(?g), "file:") }} LIMIT 1'
        )
        for row in rows:
            return self.root / unquote(row["g"].value.removeprefix("file:"))
        return None

    def _replace(self, key: str, triples: list[ox.Triple]) -> None:
        graph = _graph(key)
        new = set(as_written.encoded(triples))  # literals kept as written, as in every validation store
        old = {q.triple for q in self.store.quads_for_pattern(None, None, None, graph)}
        if not old:
            # A new file: bulk insertion, then the default graph gets what it lacks.
            self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
            added = [t for t in new if not self._in_default(t)]
            self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in added)
            self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, WRITTEN) for t in added
                                   if as_written.is_private(t.object))
            self.triples += len(added)
            for t in added:
                self._default_changed(t)
            return
        for t in old - new:
            self.store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
            if not any(q.graph_name != ox.DefaultGraph() for q in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None)):
                self.store.remove(ox.Quad(t.subject, t.predicate, t.object))
                self.store.remove(ox.Quad(t.subject, t.predicate, t.object, WRITTEN))
                self.triples -= 1
                self._default_changed(t)
        for t in new - old:
            self.store.add(ox.Quad(t.subject, t.predicate, t.object, graph))
            if not self._in_default(t):
                self.store.add(ox.Quad(t.subject, t.predicate, t.object))
                if as_written.is_private(t.object):
                    self.store.add(ox.Quad(t.subject, t.predicate, t.object, WRITTEN))
                self.triples += 1
                self._default_changed(t)

    def _default_changed(self, t: ox.Triple) -> None:
        if t.predicate == _LABEL and self.relabelled is not None:
            self.relabelled.add(t.subject)
        if self.resubjected is not None:
            self.resubjected.add(t.subject)

    def _update_label_keys(self) -> None:
        update_label_keys(self.store, self.relabelled)
        update_iri_keys(self.store, self.resubjected)
        self.relabelled, self.resubjected = set(), set()

    def _in_default(self, t: ox.Triple) -> bool:
        return any(True for _ in self.store.quads_for_pattern(t.subject, t.predicate, t.object, ox.DefaultGraph()))

    def _key(self, path: Path) -> str:
        resolved = path.resolve()
        return str(resolved.relative_to(self.root)) if resolved.is_relative_to(self.root) else str(resolved)

    def recorded_triples(self) -> int:
        """The triples the store held after the last refresh (0 when unknown); no lock needed."""
        return self._manifest().get("triples", 0)

    def _manifest(self) -> dict:
        """The manifest as written, or {} (a rebuild) when it is missing or not of the expected shape."""
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        entry_keys = {"size": int, "mtime_ns": int, "sha256": str}
        well_formed = (
            isinstance(manifest, dict) and isinstance(manifest.get("files"), dict)
            and type(manifest.get("triples")) is int and type(manifest.get("dirty", False)) is bool
            and all(isinstance(key, str) and isinstance(entry, dict)
                    and all(type(entry.get(k)) is kind for k, kind in entry_keys.items())
                    for key, entry in manifest["files"].items())
        )
        return manifest if well_formed else {}

    def _write(self, manifest: dict) -> None:
        temporary = self.manifest_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.manifest_path)
