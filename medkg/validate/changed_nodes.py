"""Which nodes an edit touched: a git diff of the data files against a revision, in RDF terms.

Shipped data has no blank nodes, so the edit is a plain set difference of triples between the
files at REV and the working tree. The nodes to validate are the subjects of added or removed
triples, plus the nodes that point at them (whose checks may depend on them).
"""

import hashlib
import os
import subprocess
from pathlib import Path

import pyoxigraph as ox

from medkg.errors import InputError
from medkg.io.parse import collect
from medkg.project_files import ONTOLOGY_DIR
from medkg.rdf.namespaces import DCTERMS, MEDKG, MINTED, OA

_MINTED = tuple(f"<{prefix}" for prefix in MINTED)  # as str() writes a NamedNode


def _git(root: Path, *args: str, binary: bool = False):
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=not binary)
    return result


def _names(root: Path, command: str, *args: str) -> list[str]:
    """The paths a git command lists with -z: NUL-separated and never quoted, so a name with a
    space, a tab or an accent (which git's line output quotes as "data/\\303\\251.ttl") comes back as it is."""
    listed = _git(root, command, "-z", *args, binary=True).stdout
    return [os.fsdecode(name) for name in listed.split(b"\0") if name]


def repo_root(path: Path) -> Path:
    result = _git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise InputError(f"{path}: not inside a git repository; --changed compares with a git revision")
    return Path(result.stdout.strip())


def require_revision(root: Path, rev: str, option: str = "") -> None:
    """InputError unless `rev` names a commit (checked before any other work)."""
    if _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise InputError(f"{option}{rev}: no such git revision")


def files_at(root: Path, rev: str, path: Path) -> dict[str, bytes]:
    """The Turtle files under `path` as they were at git revision `rev`: their bytes, by name
    relative to `path`."""
    require_revision(root, rev)
    base = path.resolve().relative_to(root)
    listed = _names(root, "ls-tree", "-r", "--name-only", rev, "--", str(base))
    return {str(Path(name).relative_to(base)): _git(root, "show", f"{rev}:{name}", binary=True).stdout
            for name in listed if name.endswith(".ttl")}


def touched_nodes(paths: list[Path], rev: str, largest: int | None = None) -> tuple[set[ox.NamedNode] | None, str]:
    """The subjects of the triples an edit added or removed, or (None, reason) when only a full
    validation will do (InputError for an unknown REV, before any other work): among them, an
    edit of more than `largest` triples, where checking node by node costs more than checking all.

    The files compared are those a full run reads (the folders walked, not git's view of them: a
    git-ignored file, one in a nested repository, or one marked --assume-unchanged or
    --skip-worktree is in no `git diff` but is validated all the same), each against its blob at
    REV by content hash; those that differ, or are new or gone, are compared triple by triple.
    """
    root = repo_root(paths[0])
    require_revision(root, rev, "--changed ")
    ontology = ONTOLOGY_DIR.resolve()
    if ontology.is_relative_to(root) and _differing(root, rev, [ontology], sorted(ontology.rglob("*.ttl"))):
        return None, f"ontology/ or its shapes changed since {rev}: validating everything"
    scope = [str(p.resolve().relative_to(root)) for p in paths]
    if link := _symbolic_link(root, rev, paths, scope):
        return None, f"{link} is a symbolic link (at {rev} or now), whose target's edits git does not show: validating everything"
    # A renamed file is its old name gone and its new name new, both compared.
    changed_files = _differing(root, rev, paths, collect(paths))
    old_triples, new_triples = set(), set()
    for name in changed_files:
        before = _git(root, "show", f"{rev}:{name}", binary=True)
        try:
            if before.returncode == 0:
                old_triples.update(_triples(before.stdout))
        except SyntaxError:
            return None, f"{name} does not parse as it was at {rev}: validating everything"
        try:
            if (root / name).exists():
                new_triples.update(_triples((root / name).read_bytes()))
        except SyntaxError:
            return None, f"{name} does not parse in the working copy: validating everything"
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in old_triples | new_triples):
        return None, "blank nodes make an edit more than a set difference: validating everything"
    edit = old_triples ^ new_triples
    if largest is not None and len(edit) > largest:
        return None, f"the edit changes {len(edit):,} triples, more than --changed checks faster than a full run: validating everything"
    # Both ends of a changed triple: a claim that lost its quote changes what the quote's checks
    # see, and a quote added, moved or removed changes which of its article's sentences are quoted
    # (the article, its oa:hasSource, brings its sentences: with_referrers). Only the graph's own
    # nodes: a class or another vocabulary's term as an object would bring every node using it.
    ends = {t.subject for t in edit} | {t.object for t in edit if str(t.object).startswith(_MINTED)}
    return {n for n in ends if isinstance(n, ox.NamedNode)}, ""


def _differing(root: Path, rev: str, scope: list[Path], files: list[Path]) -> list[str]:
    """The Turtle files (names relative to `root`) that differ between REV and now: each file of
    `files` (found on disk, as a full run finds them) whose content hash is not that of its blob at
    REV, or that REV lacks, and each file REV has under `scope` that is no longer among them.
    Only the commit's tree is asked of git, never the index or the work tree's status."""
    at_rev = _blobs(root, rev, [str(p.resolve().relative_to(root)) for p in scope])
    blob_hash = _blob_hasher(root)
    now: set[str] = set()
    differing: set[str] = set()
    for path in files:
        name = str(path.resolve().relative_to(root))  # no link on the way: _symbolic_link said so first
        now.add(name)
        try:
            content = path.read_bytes()
        except OSError:
            differing.add(name)  # reading it again says what is wrong
            continue
        if at_rev.get(name) != blob_hash(content):
            differing.add(name)
    differing |= {name for name in at_rev if name not in now and name.endswith(".ttl")}
    return sorted(differing)


def _blobs(root: Path, rev: str, scope: list[str]) -> dict[str, str]:
    """Each regular file's blob id at REV under `scope`, by name relative to `root`."""
    blobs = {}
    for entry in _names(root, "ls-tree", "-r", "--full-tree", rev, "--", *scope):
        info, _, name = entry.partition("\t")
        mode, kind, blob = info.split()
        if kind == "blob" and not mode.startswith("120000"):
            blobs[name] = blob
    return blobs


def _blob_hasher(root: Path):
    """The function giving git's object id of a file's bytes (SHA-1, or SHA-256 in such a repository)."""
    result = _git(root, "rev-parse", "--show-object-format")
    algorithm = result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "sha1"
    return lambda content: hashlib.new(algorithm, b"blob %d\0" % len(content) + content).hexdigest()


def _symbolic_link(root: Path, rev: str, paths: list[Path], scope: list[str]) -> str | None:
    """A Turtle file in scope read through a symbolic link, now or at `rev`, if any: git records the
    link, not what it points at, so an edit of the target never shows in the diff."""
    for entry in _names(root, "ls-tree", "-r", rev, "--", *scope):
        mode, _, name = entry.partition("\t")
        if mode.startswith("120000"):
            return name
    for path in collect(paths):
        path = path.absolute()
        for part in (path, *path.parents):
            if part.resolve() == root:
                break
            if part.is_symlink():
                return str(part)
    return None


def snapshot(files: list[Path]) -> dict[Path, tuple]:
    """What a save changes in each file's status (an editor that replaces the file, its inode too)."""
    def status(path: Path) -> tuple:
        try:
            s = path.stat()
        except OSError:
            return ()
        return s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns
    return {path: status(path) for path in files}


def with_referrers(store: ox.Store, touched: set[ox.NamedNode], hops: int = 3) -> set[str]:
    """The touched IRIs, the nodes pointing at them up to `hops` links away in `store` (the data as
    it is now, in the default graph), whose checks may depend on them (a claim's checks read its
    quote's selectors: claim -> quote -> selector), and the sentences of any article a touched quote
    or selector is of, whose coverage by quotes the edit may change though they point at nothing
    that changed. An article itself brings its sentences, not its referrers (every claim of it)."""
    if not touched:
        return set()
    articles = {row["a"] for row in store.query(
        f"SELECT DISTINCT ?a WHERE {{ VALUES ?t {{ {_values(touched)} }} "
        f"{{ ?t <{OA}hasSource> ?a }} UNION {{ ?q <{OA}hasSelector> ?t ; <{OA}hasSource> ?a }} "
        f"UNION {{ ?x <{OA}hasSource> ?t BIND (?t AS ?a) }} }}")}
    found, frontier = set(touched), set(touched) - articles
    for _ in range(hops):
        if not frontier:
            break
        pointing = {row["s"] for row in store.query(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?o {{ {_values(frontier)} }} ?s ?p ?o }}")}
        frontier = {n for n in pointing if isinstance(n, ox.NamedNode)} - found
        found |= frontier
    if articles:
        found |= {row["s"] for row in store.query(
            f"SELECT ?s WHERE {{ VALUES ?a {{ {_values(articles)} }} ?s a <{MEDKG}Sentence> ; <{DCTERMS}isPartOf> ?a }}")}
    return {n.value for n in found if isinstance(n, ox.NamedNode)}


def _values(nodes) -> str:
    return " ".join(str(n) for n in nodes if isinstance(n, ox.NamedNode))


def _triples(content: bytes) -> set[ox.Quad]:
    """The statements as quads in the default graph: compared and read like triples, made without a copy."""
    return set(ox.parse(content, format=ox.RdfFormat.TURTLE))
