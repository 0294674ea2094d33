"""`medkg validate --watch`: validate at each save, keeping the graph in memory between saves.

`validate --changed` spends most of its time starting up and reading (about 2 s at ~1 M
triples); a curator who saves every few seconds wants the answer at once. A Watcher reads the
files once, keeps the store (data and ontology, literals as written), the compiled shapes and
the location index in memory, and on each save (`apply_edit(path)`):

1. re-parses the statements of that file the save changed (edited_region.py; a syntax error is
   reported with file:line:column, and the file's last good triples are kept until a save parses);
2. patches the store with the triples the save added and removed (a triple leaves the store only
   when no other file, nor the ontology, states it);
3. validates the nodes the edit can change the findings of (`_focus`), as --changed does, with the
   checks whose targets can hold them (class_targets.py), less those whose query reads no
   predicate the edit changed (check_reads.py), whose findings stay as they were;
4. replaces the findings of those nodes in the full set it keeps, so that after every edit the set
   is what a full validation gives (a test replays random edits and compares).

The watching itself (watchfiles) is `watch()`, apart, so that tests drive apply_edit directly.
"""

import dataclasses
import logging
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from medkg.errors import InputError
from medkg.io.locations import Location, LocationIndex
from medkg.io.parse import Source, collect, parse_file
from medkg.project_files import relative
from medkg.rdf import as_written
from medkg.rdf.namespaces import DCTERMS, MEDKG, OA, RDF, RDFS, SH
from medkg.shacl.report_writer import finding_lines
from medkg.validate import article_copy, qc
from medkg.validate.changed_cache import LABEL_KEYS, update_iri_keys, update_label_keys
from medkg.validate.check_reads import constraint_reads, predicates_read
from medkg.validate.class_targets import Pruner, classes_of
from medkg.validate.edited_region import reparse
from medkg.validate.file_states import FileStates
from medkg.validate.model import RANK, Finding
from medkg.validate.pipeline import Validator

# The findings of the article files' check (medkg/validate/article_copy.py), made for the whole run
# whatever the focus: replaced whenever that check runs again.
ARTICLE_COPY = {"medkg:ArticleCopy"}
# An edit of more than this share of the graph is validated whole (node by node costs more), as --changed does.
LARGE_EDIT = 0.05
# A focus of more than this share of the nodes is validated whole.
LARGE_FOCUS = 0.1
# The widening below does not follow an object or value more than this many nodes point at (a route
# every dose takes, a common number): checking them all would cost a full run. A bound, not a proof:
# no check of the shapes relates two nodes through such a value, and the random-edit test finds none.
CROWD = 200
# How many links back from a changed node a check reaches: a claim's MentionShape reads
# medkg:quote/oa:hasSelector/oa:exact, so an edit of the selector changes the claim's finding, two links away.
STEPS_BACK = 3

_LABEL, _TYPE, _KEY = ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(RDF.type)), ox.NamedNode(LABEL_KEYS + "#key")
_HAS_SOURCE, _QUOTE, _HAS_SELECTOR = ox.NamedNode(str(OA.hasSource)), ox.NamedNode(str(MEDKG.quote)), ox.NamedNode(str(OA.hasSelector))
_PART_OF = ox.NamedNode(str(DCTERMS.isPartOf))
# What the checks that compare offsets read (a sentence no quote covers, a quote outside every sentence):
# an edit of anything else leaves their answers as they were.
_OFFSET_LINKS = {ox.NamedNode(str(p)) for p in (OA.start, OA.end, OA.hasSource, OA.hasSelector, MEDKG.quote,
                                                DCTERMS.isPartOf, MEDKG.claimFreeReason)}
_OFFSET_KINDS = {ox.NamedNode(str(OA.TextPositionSelector)), ox.NamedNode(str(MEDKG.Sentence))}
_DEFAULT, _KEYS_GRAPH = ox.DefaultGraph(), ox.NamedNode(LABEL_KEYS)
_ARTICLE_COPY = {ox.NamedNode(p) for p in (article_copy.TEXT_FILE, article_copy.SHA256, article_copy.FULL_TEXT)}


@dataclass
class Change:
    """What one save did: the report lines that appeared and disappeared, or the syntax error."""

    path: Path
    appeared: list[str] = field(default_factory=list)
    disappeared: list[str] = field(default_factory=list)
    error: str = ""
    note: str = ""  # e.g. "validated whole"
    focus: int = 0  # nodes checked
    seconds: float = 0.0


class FileLocations:
    """Where each node is written, over files read one at a time, answering as the single
    LocationIndex of a full run does (the first file in reading order wins): each file has its own
    index, made the first time a finding is looked up there, and replaced when the file is saved."""

    def __init__(self):
        self.order: dict[Path, int] = {}
        self.texts: dict[Path, str] = {}
        self.indexes: dict[Path, LocationIndex] = {}
        self.files_of: dict[str, set[Path]] = {}  # subject IRI -> the files that state triples about it
        self.subjects: dict[Path, Counter] = {}  # file -> its subjects, each with how many triples it has

    def set_file(self, path: Path, text: str | None, subjects: Counter) -> None:
        """The file as it now is (text None: gone), with its subjects' triple counts."""
        for s in self.subjects.pop(path, ()):
            self._files(s).discard(path)
        self.indexes.pop(path, None)
        self.texts.pop(path, None)
        if text is None:
            return
        self.texts[path] = text
        self.subjects[path] = subjects
        for s in subjects:
            self._files(s).add(path)

    def edit_file(self, path: Path, text: str, edit: set, triples: Counter) -> None:
        """The file after a save that added or removed the triples `edit` (it now states `triples`)."""
        self.indexes.pop(path, None)
        self.texts[path] = text
        subjects = self.subjects[path]
        for t in edit:
            subjects[t.subject] += 1 if t in triples else -1
            if subjects[t.subject] == 0:
                del subjects[t.subject]
                self._files(t.subject).discard(path)
            else:
                self._files(t.subject).add(path)

    def _files(self, subject) -> set[Path]:
        return self.files_of.setdefault(getattr(subject, "value", str(subject)), set())

    def reorder(self, files: list[Path]) -> None:
        self.order = {path: i for i, path in enumerate(files)}

    def _index(self, path: Path) -> LocationIndex:
        index = self.indexes.get(path)
        if index is None:
            index = self.indexes[path] = LocationIndex()
            index.add_file(path, self.texts[path])
        return index

    def find(self, subject: str, predicate: str | None = None, value: str | None = None) -> Location | None:
        files = sorted(self.files_of.get(subject, ()), key=lambda p: self.order.get(p, len(self.order)))
        indexes = [self._index(path) for path in files]
        for index in indexes:
            index.find(subject)  # reads its pending text
        lookups = [lambda i: i.triples.get((subject, predicate, value))] if predicate and value else []
        lookups += [lambda i: i.predicates.get((subject, predicate))] if predicate else []
        lookups += [lambda i: i.subjects.get(subject)]
        for lookup in lookups:
            for index in indexes:
                if (found := lookup(index)) is not None:
                    return found
        return None


class Watcher:
    """The files under `paths`, validated, held in memory; apply_edit(path) after each save."""

    def __init__(self, paths: list[Path], validator: Validator | None = None):
        self.paths = paths
        self.validator = validator or Validator()
        if self.validator.compiled is None:
            raise InputError("--watch needs the compiled SHACL engine (--engine oxigraph): the shapes fell back to pySHACL")
        self.pruner = Pruner(self.validator)
        self.qc_reads = [(check, _reads(check)) for check in qc.checks()]
        self.sparql_reads: dict = {}  # shape -> what its SHACL-SPARQL constraints read together (None: anything)
        for shape, constraint in self.validator.engine.taken:
            reads = constraint_reads(self.validator.shapes, shape, constraint)
            before = self.sparql_reads.get(shape, frozenset())
            self.sparql_reads[shape] = None if reads is None or before is None else before | reads
        self.ontology = set(self.validator.ontology.triples)
        self.ontology_subjects = {t.subject for t in self.ontology}
        self.locations = FileLocations()
        self.triples: dict[Path, Counter] = {}  # each file's triples, with how many times it states each
        self.blank: dict[Path, list[ox.Triple]] = {}
        self.states = FileStates()  # what was last read of each file: re-listing finds what events missed
        self.files = collect(paths)
        self.notes: list[str] = []
        broken = []
        for path in self.files:
            try:
                self._read(path)
            except InputError as e:
                broken.append(str(e))
        if broken:
            raise InputError("\n".join(broken))
        self.locations.reorder(self.files)
        data = self._data()
        self.store, _ = as_written.build(data.triples + list(self.ontology))
        update_label_keys(self.store, None)
        update_iri_keys(self.store, None)
        self.count = len(data.triples)
        report = self.validator.run(data, store=self.store, triples=self.count)
        self.findings: set[Finding] = set(report.findings)
        self.lines = _lines(self.findings)  # as the text report prints them
        self.report = report

    # -- reading ------------------------------------------------------------------------------

    def _read(self, path: Path) -> set[ox.Triple]:
        """Parse `path` (InputError on bad syntax, nothing changed), record it as its triples, and
        return the edit: the triples it stated and no longer does, and those it states anew. Only the
        statements the save changed are parsed, where that gives the same triples (edited_region.py)."""
        raw = path.read_bytes() if path.is_file() else None  # a directory, a pipe: parse_file says what is wrong
        self.states.record(path, raw)  # even if it does not parse: the error is said once, not at each re-listing
        old, known = self.triples.get(path), self.locations.texts.get(path)
        again = reparse(known, old, raw) if raw is not None and known is not None and old is not None else None
        if again is None:
            triples, text = parse_file(path, raw=raw)
            new = Counter(triples)
            if not new:
                self.notes.append(f"warning: {relative(path)} holds no triples (empty, or only prefixes and "
                                  "comments); add its statements or delete it")
            old = old or Counter()
            edit = old.keys() ^ new.keys()
            self.triples[path] = new
            self.locations.set_file(path, text, Counter(t.subject for t in new))
            blank = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
            self.blank.pop(path, None)
            if blank:
                self.blank[path] = blank
            return edit
        text, counts = again  # the changed statements hold no blank node (else reparse gives None)
        edit = {t for t, n in counts.items() if (n == 0) != (t not in old)}
        for t, n in counts.items():
            if n:
                old[t] = n
            else:
                del old[t]
        self.locations.edit_file(path, text, edit, old)
        return edit

    def _data(self, with_triples: bool = True) -> Source:
        """The Source a validation reads: the files, where things are, the blank nodes (and the
        triples, which only a whole run needs: focused runs read the store)."""
        data = Source(files=list(self.files), blank_node_files=dict(self.blank))
        data.locations = self.locations
        if with_triples:
            seen: set[ox.Triple] = set()
            data.triples = [t for path in self.files for t in self.triples.get(path, ()) if not (t in seen or seen.add(t))]
        return data

    def in_scope(self, path: Path) -> bool:
        """A Turtle file a full validation of `paths` reads (or would, were it there)."""
        path = path.absolute()
        return path.suffix == ".ttl" and any(
            path == p.absolute() or (p.is_dir() and path.is_relative_to(p.absolute())) for p in self.paths)

    def stale(self) -> list[Path]:
        """The files a full validation would read that are new, changed or gone since last read,
        found by listing the folders again and comparing by content (file_states.py), whatever the
        events said."""
        try:
            files = collect(self.paths)
        except InputError:  # the folder's last file gone, a dangling link: the files still there
            files = [p for p in self.states.seen if p.is_file()]
        return self.states.stale(files)

    # -- one save -----------------------------------------------------------------------------

    def apply_edit(self, path: Path) -> Change:
        """Bring the state up to date with `path` as it now is (saved, created or deleted)."""
        started = time.perf_counter()
        path = self._known(path)
        change = Change(path)
        articles = not self.in_scope(path)  # not a graph file: the article's text file, say
        if articles:
            focus: set[str] = set()
        else:
            try:
                edit = self._read(path) if path.is_file() else self._forget(path)  # the triples added or removed
            except InputError as e:
                change.error = f"{e} (the last good state of this file is kept)"
                change.seconds = time.perf_counter() - started
                return change
            if path not in self.files or not path.is_file():  # a file added or deleted: the reading order changes
                articles = True  # and the folders an article's text file is looked for from
                try:
                    self.files = collect(self.paths)
                except InputError:  # the folder's last file deleted, an editor's dangling lock link ...
                    self.files = sorted(self.triples)  # ... the files read, as collect orders a folder's
                self.locations.reorder(self.files)
            articles |= any(t.predicate in _ARTICLE_COPY for t in edit)
            focus = self._patch(path, edit)
        if focus is None:  # checked whole
            change.note = "validated whole"
            report = self.validator.run(self._data(), store=self.store, triples=self.count)
            found = set(report.findings)
        else:
            # The article files' check reads every article's text file (1.3 s for 10,000 articles):
            # only when one of them, the list of files, or the graph's record of them changed.
            # A check that reads none of the predicates edited answers as before: it is not run, and its
            # findings stay. The others, for the checks whose targets can hold the focus nodes.
            edited = {t.predicate.value for t in edit} if not articles else None

            def same(reads) -> bool:
                return edited is not None and reads is not None and reads.isdisjoint(edited)

            unchanged = {f"qc:{c.name}" for c, reads in self.qc_reads if same(reads)}
            shapes = {shape for shape, reads in self.sparql_reads.items() if same(reads)}
            checks = self.pruner.for_classes(classes_of(self.store, focus), shapes)
            checks.qc_subset = [c for c, _ in self.qc_reads if f"qc:{c.name}" not in unchanged]
            report = checks.run(self._data(with_triples=False), focus, store=self.store, triples=self.count,
                                        written=self._written(as_written.reach(self.store, focus)),
                                        article_files=articles)
            kept = {f for f in self.findings if not (articles and f.shape in ARTICLE_COPY)
                    and (str(f.terms.focus) not in focus or f.shape in unchanged
                         or (f.terms.component == SH.SPARQLConstraintComponent and f.terms.shape in shapes))}
            found = {self._relocated(f) for f in kept} | set(report.findings)
            change.focus = len(focus)
        before, after = self.lines, _lines(found)
        change.disappeared = [line for line in before if line not in set(after)]
        change.appeared = [line for line in after if line not in set(before)]
        self.findings, self.lines = found, after
        change.seconds = time.perf_counter() - started
        return change

    def _known(self, path: Path) -> Path:
        """The path as the files list spells it, so that one file is one key however it is named."""
        absolute = path.absolute()
        return next((p for p in self.triples if p.absolute() == absolute), path)

    def _forget(self, path: Path) -> set[ox.Triple]:
        """A file deleted: the triples it stated are the edit."""
        self.blank.pop(path, None)
        self.states.forget(path)
        self.locations.set_file(path, None, Counter())
        return set(self.triples.pop(path, ()))

    def _patch(self, path: Path, edit: set[ox.Triple]) -> set[str] | None:
        """Apply the file's edit to the store; the focus to validate, or None to validate whole."""
        now = self.triples.get(path, ())
        removed, added = {t for t in edit if t not in now}, {t for t in edit if t in now}
        large = len(edit) > LARGE_EDIT * max(self.count, 1)
        blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in edit)
        relabelled = {t.subject for t in edit if t.predicate == _LABEL}
        old_keys = self._keys(relabelled)
        elsewhere = [s for p, s in self.triples.items() if p != path] + [self.ontology]
        gone = [t for t in removed if not any(t in s for s in elsewhere)]
        fresh = [t for t in added if not any(t in s for s in elsewhere)]
        for t in as_written.encoded(gone):
            self.store.remove(ox.Quad(t.subject, t.predicate, t.object))
        self.store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in as_written.encoded(fresh)])
        self.count += len(fresh) - len(gone)
        update_label_keys(self.store, relabelled)
        update_iri_keys(self.store, {t.subject for t in [*gone, *fresh]})
        if large or blank:
            return None
        focus = self._focus(edit, old_keys | self._keys(relabelled))
        # Around a hub (the shipped graph's one article, which every quote and sentence names) the
        # focus can be much of a small graph, where one whole run costs less than the focused queries.
        return None if len(focus) > LARGE_FOCUS * len(self.locations.files_of) else focus

    def _keys(self, subjects: set) -> set:
        return {q.object for s in subjects for q in self.store.quads_for_pattern(s, _KEY, None, _KEYS_GRAPH)}

    def _focus(self, edit: set[ox.Triple], label_keys: set) -> set[str]:
        """The nodes whose findings the edit can change: the subjects and objects of the triples it
        added or removed; the nodes sharing a value with them (two claims said the same, an
        identifier on two entities), a label's case-folded key (duplicate labels), or an article
        (a sentence no quote covers any more); and the nodes pointing at any of these, STEPS_BACK
        links back, whose checks read them."""
        seeds = {t.subject for t in edit if isinstance(t.subject, ox.NamedNode)}
        values = {t.object for t in edit if t.predicate != _TYPE and t.object not in self.ontology_subjects}
        seeds |= {v for v in values if isinstance(v, ox.NamedNode)}
        for value in as_written.encoded([ox.Triple(_TYPE, _TYPE, v) for v in values if isinstance(v, ox.Literal)]):
            seeds |= self._pointing(value.object)
        seeds |= {q.subject for k in label_keys for q in self.store.quads_for_pattern(None, _KEY, k, _KEYS_GRAPH)}
        if any(t.predicate in _OFFSET_LINKS or (t.predicate == _TYPE and t.object in _OFFSET_KINDS) for t in edit):
            seeds |= self._article_neighbours(seeds, edit)
        focus, frontier = set(seeds), set(seeds)
        for _ in range(STEPS_BACK):
            frontier = {s for node in frontier for s in self._pointing(node)} - focus
            focus |= frontier
        return {n.value for n in focus if isinstance(n, ox.NamedNode)}

    def _pointing(self, node) -> set:
        """The subjects of triples whose object is `node`, or none when more than CROWD are."""
        found = set()
        for q in self.store.quads_for_pattern(None, None, node, _DEFAULT):
            found.add(q.subject)
            if len(found) > CROWD:
                return set()
        return found

    def _article_neighbours(self, seeds: set, edit: set[ox.Triple]) -> set:
        """The sentences and quotes of the articles whose quotes or sentences the edit reaches:
        whether a sentence is quoted, or a quote inside a sentence, is read from offsets, not links."""
        near = set(seeds) | {q.subject for s in seeds for q in self.store.quads_for_pattern(None, None, s, _DEFAULT)}
        near |= {q.object for s in list(near) for p in (_QUOTE, _HAS_SELECTOR)
                 for q in self.store.quads_for_pattern(s, p, None, _DEFAULT)}
        articles = {q.object for s in near for p in (_HAS_SOURCE, _PART_OF) for q in self.store.quads_for_pattern(s, p, None, _DEFAULT)}
        articles |= {t.object for t in edit if t.predicate in (_HAS_SOURCE, _PART_OF)}
        return {q.subject for a in articles for p in (_HAS_SOURCE, _PART_OF) for q in self.store.quads_for_pattern(None, p, a, _DEFAULT)}

    def _written(self, subjects: set) -> list[ox.Quad]:
        """The quads of `subjects` that hold a literal under the private datatype (as_written.by_value needs them)."""
        return [q for s in subjects for q in self.store.quads_for_pattern(s, None, None, _DEFAULT) if as_written.is_private(q.object)]

    def _relocated(self, f: Finding) -> Finding:
        """`f` with the file and line of its node as the files now are (a save moves the lines below the edit)."""
        terms = f.terms
        where = self.locations.find(str(terms.focus), str(terms.path) if isinstance(terms.path, URIRef) else None,
                                    str(terms.value) if isinstance(terms.value, URIRef) else None)
        file, line = (relative(where.file), where.line) if where else ("", 0)
        return f if (file, line) == (f.file, f.line) else dataclasses.replace(f, file=file, line=line)


def _reads(check: qc.Check) -> frozenset[str] | None:
    """The predicates a QC check reads, in whichever form qc.run gives it (None: any)."""
    forms = [predicates_read(text) for text in (check.query, check.focused) if text]
    return None if None in forms else frozenset().union(*forms)


def _order(f: Finding) -> tuple:
    """The full report's order (medkg/validate/pipeline.py sorts by every field)."""
    return (f.file == "", f.file, f.line, -RANK[f.severity], f.focus, f.path, f.message, f.value, f.shape, f.component)


def _lines(findings: set[Finding]) -> list[str]:
    return [line for _, line in finding_lines(sorted(findings, key=_order))]


def ordered(findings: set[Finding]) -> list[Finding]:
    return sorted(findings, key=_order)


# -- the command --------------------------------------------------------------------------------

# The wait after a file event before reading: an editor's save is one write, or a write and a
# rename, within a few milliseconds; a file caught half-written reads as a syntax error, and its
# last write brings another event that reads it whole.
SETTLE_MS = 10
RESYNC_SECONDS = 2  # without events, the folders are listed again this often (a hard link's other name)


def watch(paths: list[Path], engine: str = "oxigraph", refused: list[str] | None = None, out=print) -> int:
    """`medkg validate --watch`: the full report once, then a +/- line for each finding that appears or
    disappears at each save, until Ctrl-C (exit 0)."""
    from medkg.errors import OK
    from medkg.shacl.report_writer import render, summary_line

    if refused:
        raise InputError(f"--watch prints text findings as files are saved; it does not take {', '.join(refused)}")
    if engine != "oxigraph":
        raise InputError("--watch runs on the compiled engine only; leave out --engine pyshacl")
    try:
        watcher = Watcher(paths, Validator(engine))
        _say(watcher.notes)
        if body := render(watcher.report, "text"):
            out(body + "\n")
        out(summary_line(watcher.report), flush=True)
        ready = f"watching {', '.join(relative(p) for p in paths)}: each save is validated as it happens; Ctrl-C stops"
        # Ctrl-C sets `stop`, which watchfiles checks: raised as KeyboardInterrupt, it was lost when it
        # came while watchfiles gathered a save's events (watchfiles 1.3 read the signal and went on).
        # A second Ctrl-C stops at once.
        stop = threading.Event()

        def interrupted(signum, frame):
            if stop.is_set():
                raise KeyboardInterrupt
            stop.set()

        previous = signal.signal(signal.SIGINT, interrupted)
        try:
            for path in _saves(watcher, lambda: _say([ready]), stop):
                out(_describe(watcher.apply_edit(path), watcher), flush=True)
                if stop.is_set():
                    break
        finally:
            signal.signal(signal.SIGINT, previous)
    except KeyboardInterrupt:  # during the first validation, or a second Ctrl-C
        pass
    _say(["stopped watching"])
    return OK


def _linked(watcher: Watcher) -> dict[Path, list[Path]]:
    """Each watched file reached through a symbolic link (the file itself, or a folder above it),
    under its target's real path: a save writes the target, and a watch on the link's folder sees
    nothing, so the findings went stale. The paths as the watcher knows them, under each target."""
    targets: dict[Path, list[Path]] = {}
    for path in [*watcher.files, *(p for p in watcher.paths if not p.is_dir())]:
        try:
            real = path.resolve(strict=False)
        except (OSError, RuntimeError):  # a loop: collect() has said so already
            continue
        if real != path.absolute():
            targets.setdefault(real, [])
            if path not in targets[real]:
                targets[real].append(path)
    return targets


def _roots(watcher: Watcher, linked: dict[Path, list[Path]]) -> list[Path]:
    """The folders to watch: those of the paths named, and those that hold a link's target."""
    roots = {(p if p.is_dir() else p.parent).absolute() for p in watcher.paths}
    roots |= {real.parent for real in linked if real.parent.is_dir()}
    return sorted(roots)


def _saves(watcher: Watcher, on_ready, stop: threading.Event):
    """The files saved, created or deleted under the paths watched, one at a time, as they happen.
    `on_ready()` is called once the watch is in place (a save before it would go unseen). A save of
    a symbolic link's target is the link's save; when the links (or their targets) change, the
    watch starts again on the new folders."""
    import watchfiles

    ignore = watchfiles.DefaultFilter(ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, ".medkg_cache"))
    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # it logs its own line on Ctrl-C
    ready = False
    listed = time.monotonic()
    own = {(p if p.is_dir() else p.parent).absolute() for p in watcher.paths}
    while not stop.is_set():
        linked = _linked(watcher)
        roots = _roots(watcher, linked)
        named = {p.absolute() for p in watcher.paths if not p.is_dir()} | set(linked) if any(
            not p.is_dir() for p in watcher.paths) else set()

        def wanted(change, name: str, named=named) -> bool:
            path = Path(name)
            return ignore(change, name) and (not named or path in named or path.suffix != ".ttl")

        # yield_on_timeout: an empty set after a quiet half second, the sign that the watch is in place.
        for changes in watchfiles.watch(*roots, watch_filter=wanted, step=SETTLE_MS, raise_interrupt=False,
                                        rust_timeout=500, yield_on_timeout=True, stop_event=stop):
            if not ready:
                ready = True
                on_ready()
            names = sorted({Path(name) for _, name in changes})
            # In a target's folder, only the targets: its other files are none of the watch's business.
            saved = [link for path in names for link in linked.get(path, [path] if _under(path, own) else [])]
            # Any event, and every RESYNC_SECONDS without one: the folders listed again and compared by
            # content with what was read, so that a folder moved out or in, or a file edited through a
            # hard link elsewhere, is seen whatever events came (or none).
            if changes or time.monotonic() - listed >= RESYNC_SECONDS:
                saved += watcher.stale()
                listed = time.monotonic()
            once: set[Path] = set()
            for path in saved:
                if path.absolute() in once:  # an event's name and the re-listing's for one file
                    continue
                once.add(path.absolute())
                # A Turtle file may be deleted; anything else gone was an editor's (or sed's) scratch file.
                if path.suffix == ".ttl" or path.is_file():
                    yield path
            if _linked(watcher) != linked:  # a link added, removed or pointed elsewhere
                break
        else:
            return


def _under(path: Path, folders: set[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def _describe(change: Change, watcher: Watcher) -> str:
    if change.error:
        return change.error
    lines = [f"- {line}" for line in change.disappeared] + [f"+ {line}" for line in change.appeared]
    how = change.note or f"{change.focus} nodes checked"
    counted = {s: sum(1 for line in watcher.lines if line.startswith(s.upper())) for s in ("violation", "warning", "info")}
    counts = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counted.items())
    lines.append(f"{relative(change.path)}: {len(change.appeared)} appeared, {len(change.disappeared)} disappeared; "
                 f"now {counts} ({how}, {1000 * change.seconds:.0f} ms)")
    return "\n".join(lines)


def _say(notes: list[str]) -> None:
    import sys

    for note in notes:
        print(f"medkg: {note}", file=sys.stderr, flush=True)
