"""Validate data files against the ontology and the SHACL shapes, and say where each finding is.

The shapes run on the SHACL engine of `medkg shacl` (medkg/shacl/engine.py, Engine.run), the
project's QC checks in the same thread pool; each result becomes a Finding at its file:line in one
step (medkg/shacl/finding.py, locate). The data graph is the data plus the ontology, so that
sh:class sees the subclass hierarchy (a medkg:RiskClaim is a medkg:Claim) and the identifier
schemes. By default every check is a query on a pyoxigraph store; the "pyshacl" engine hands the
shapes to pySHACL instead, the reference the default is tested against. `validate --shapes` runs
any shapes graph through the same steps, the project's own checks off.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cached_property, partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node

from medkg.errors import InputError
from medkg.io.parse import Source, collect, load_data, load_ontology, load_shapes, to_rdflib
from medkg.project_files import DATA_DIR, relative
from medkg.rdf import as_written
from medkg.rdf.namespaces import MEDKG, QC
from medkg.shacl.engine import Engine, Outcome
from medkg.shacl.finding import SH, Finding, Report, Terms, findings_of, in_report_order, names
from medkg.validate import article_copy, check_profile, minted_names, qc, vocabulary
from medkg.validate.model import compactor, make_finding

NO_BLANK_NODES = "medkg:NoBlankNodes"


def validate(paths: list[Path] | None = None, sparql_engine: str = "oxigraph", changed: str | None = None,
             validator: "Validator | None" = None) -> Report:
    """Validate data files (default: data/).

    sparql_engine "oxigraph" runs every constraint as SPARQL on pyoxigraph (fast);
    "pyshacl" leaves the shapes to pySHACL, as the reference the fast path is tested against.
    changed REV validates only the nodes a git diff against REV touched (and those pointing at them).
    """
    validator = validator or Validator(sparql_engine)
    if not changed and validator.project and (files := in_context(paths or [])):
        return validate_in_context(files, sparql_engine, validator)
    notes = list(validator.notes)
    if changed:
        report = _validate_changed(validator, paths or [DATA_DIR], changed, notes)
    else:
        report = _validate_files(validator, paths, notes)
    report.notes = notes
    return report


def in_context(paths: list[Path]) -> list[Path] | None:
    """The files to report on, where every path named is a file inside data/ but not all of it:
    those are checked with the rest of data/ around them (a file alone points at nodes defined
    elsewhere, and every such reference read as undefined). None otherwise."""
    data = DATA_DIR.resolve()
    files = [p.resolve() for p in paths]
    if not files or not all(f.is_file() and f.is_relative_to(data) for f in files):
        return None
    return files


def validate_in_context(files: list[Path], sparql_engine: str = "oxigraph", validator: "Validator | None" = None) -> Report:
    """Validate data/ whole and keep the findings located in `files`."""
    report = validate([DATA_DIR], sparql_engine=sparql_engine, validator=validator)
    named = {relative(f) for f in files}
    report.findings = [f for f in report.findings if f.file in named]
    report.notes.append(f"checked with the rest of {relative(DATA_DIR)}/ around it; findings in "
                        f"{', '.join(sorted(named))} only")
    return report


def _validate_files(validator: "Validator", paths: list[Path] | None, notes: list[str]) -> Report:
    """Read every file and check every node; the project's store is filled while its files are parsed."""
    if not validator.project:
        data = validator.load(paths)
        notes.extend(data.notes)
        return validator.run(data)
    loader = as_written.Loader()
    try:
        data = load_data(paths, feed=loader.feed)
    finally:
        loader.close()
    notes.extend(data.notes)
    store, written = loader.finish(data.triples, validator.ontology.triples, bool(data.blank_node_files))
    return validator.run(data, store=store, written=written)


# An edit of more than this share of the graph is checked as a whole: a bulk edit of 150,000
# literals in one file took 38 to 536 s node by node, where a full validation takes 8 s.
LARGE_EDIT = 0.05


def _validate_changed(validator: "Validator", paths: list[Path], rev: str, notes: list[str]) -> Report:
    """Check the nodes an edit touched (and those pointing at them): on the persistent store
    (medkg/validate/changed_cache.py), which re-reads only the files changed since the last run, or,
    where it cannot serve (busy, unwritable, or the shapes need pySHACL), on every file read anew."""
    from medkg.validate.changed_cache import CacheUnavailable, StoreCache
    from medkg.validate.changed_nodes import repo_root, snapshot, touched_nodes, with_referrers

    # The edit first: an unknown REV is refused before the store is filled (37 s at ~1 M triples).
    cache = StoreCache(repo_root(paths[0]))
    recorded = cache.recorded_triples()
    files = collect(paths)
    before = snapshot(files)  # the edit and the store are read apart: a save between must not split them
    touched, reason = touched_nodes(paths, rev, largest=int(LARGE_EDIT * recorded) if recorded else None)
    if reason:
        notes.append(reason)
        return _validate_files(validator, paths, notes)
    try:
        if validator.compiled is None:
            # pySHACL checks the focus nodes' neighbourhood from the data's own triples.
            raise CacheUnavailable("the persistent store serves the compiled engine, and these shapes need pySHACL")
        store = cache.refresh(files + validator.ontology.files)
        if saved := [path for path, status in snapshot(files).items() if before[path] != status]:
            # The edit was read from other bytes than the store holds: its nodes are not the store's.
            cache.close()
            raise InputError(f"{relative(saved[0])}: saved again while --changed was reading it; run it again")
        focus = with_referrers(store, touched)
        written = cache.written(as_written.reach(store, focus))
        data = Source(files=files)
        data.locations.resolver = cache.file_of
        # The store holds the ontology too; the report counts the data, as a full run does.
        triples = cache.triples - len(set(validator.ontology.triples))
    except CacheUnavailable as e:
        notes.append(f"{e}; reading every file instead")
        data = load_data(paths)
        store, written = as_written.build(data.triples + validator.ontology.triples)
        focus = with_referrers(store, touched)
        reached = as_written.reach(store, focus)
        written = [q for q in written if q.subject in reached]
        triples = len(data.triples)
    try:
        report = validator.run(data, focus, store=store, triples=triples, written=written)
    finally:
        cache.close()  # the lock is held until the last query on the store has run
    report.focus = focus
    return report


class Validator:
    """A shapes graph made ready once on the SHACL engine (medkg/shacl/engine.py), to validate one
    graph after another (mutation testing). With no `shapes`, the project's: the ontology goes into
    the data graph and the project's own checks run beside the shapes (the closed vocabulary,
    minted names, blank nodes, the QC checks, the article copy). With `shapes` (validate --shapes),
    any shapes graph on the data alone, those checks off: the same results as `medkg shacl`."""

    qc_subset: list | None = None  # the QC checks to run, where not all (validate --watch: those an edit can change)
    profile: bool = False  # time each check (validate --profile): Report.timings and Report.checks_seconds

    def __init__(self, sparql_engine: str = "oxigraph", shapes: Graph | None = None):
        self.sparql_engine = sparql_engine
        self.project = shapes is None
        self.ontology = load_ontology() if self.project else Source()
        self.engine = Engine(load_shapes().rdflib_graph() if self.project else shapes, sparql_engine)
        self.shapes = self.engine.shapes
        self.notes = self.engine.notes  # said once per validator, in every report it makes
        self.shape_count = self.engine.shape_count
        # The project names IRIs by its prefix registry, as its files do; other shapes by their own prefixes.
        self.name = names(self.shapes, shapes_prefixes=not self.project)

    def load(self, paths: list[Path] | None) -> Source:
        """The data files: the project's Turtle, strictly (default data/); with other shapes, RDF files
        of any format as `medkg shacl` reads them (the Turtle files below a folder named)."""
        if self.project:
            return load_data(paths)
        from medkg.shacl import rdf_files

        files = [f for p in paths or [DATA_DIR] for f in (collect([p]) if p.is_dir() else [p])]
        return rdf_files.source(files)

    @property
    def compiled(self):
        """The Core constraints as SPARQL, or None where they are left to pySHACL."""
        return self.engine.compiled

    @cached_property
    def ontology_graph(self) -> Graph:
        """The ontology for rdflib: only pySHACL and mutation testing need it."""
        return self.ontology.rdflib_graph()

    def run(self, data: Source, focus: set[str] | None = None, store: ox.Store | None = None,
            triples: int | None = None, written: list | None = None, article_files: bool = True) -> Report:
        """Validate; with `focus`, only those nodes (IRIs), with the findings a full run has on them.
        `store` (with `triples`, its size) is the data and ontology already in a store. `article_files`
        False leaves out the article files' check (validate --watch runs it when they change)."""
        triples = len(data.triples) if triples is None else triples
        if focus is not None and not focus:  # no node touched: the article's file may still have changed
            return self._report(self._article_findings(data, store, focus) if store is not None and article_files else [],
                                data, triples)
        if store is None:  # `written`: the literals it holds under a private datatype (as_written.build)
            store, written = as_written.build(data.triples + self.ontology.triples)
        qc_checks = (qc.checks() if self.qc_subset is None else self.qc_subset) if self.project else []
        started = time.perf_counter() if self.profile else 0.0
        # The project's own checks are Python on the triples: on a full run, in a thread beside the
        # pool, whose queries run in pyoxigraph without the GIL (after the pool they were ~4 s on one
        # core at ~1 M triples). A focused run's read the store, whose literals the pool swaps
        # (as_written.by_value) while it runs: they wait for it.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="medkg-project-checks") as side:
            own = side.submit(self._project_findings, data, store, focus, qc_checks) if focus is None else None
            outcome = self._shapes_and_qc(data, store, written, focus, qc_checks)
            elapsed = time.perf_counter() - started if self.profile else None
            findings = own.result() if own else self._project_findings(data, store, focus, qc_checks)
        findings += findings_of(self._named_shapes(outcome.results), data.locations, self.name, self.shapes)
        for check, rows in zip(qc_checks, outcome.alongside, strict=True):
            findings += _qc_findings(check, _as_written(rows, outcome.originals), data, self.name)
        findings = _on_focus(findings, focus)
        # The article's text file is outside the graph: checked on every run, --changed too (an
        # edit of the file alone touches no node), and never filtered by the focus.
        findings += self._article_findings(data, store, focus) if article_files else []
        report = self._report(findings, data, triples)
        if outcome.timings is not None:
            report.timings = check_profile.named(outcome.timings, self.name, [c.name for c in qc_checks])
            report.checks_seconds = elapsed
        return report

    def _shapes_and_qc(self, data: Source, store: ox.Store, written: list | None, focus: set[str] | None,
                       qc_checks: list) -> Outcome:
        """The SHACL engine's outcome, with the QC checks' rows (Outcome.alongside): every compiled
        Core constraint, SPARQL constraint and QC check is one query on the store, all in one pool."""

        def data_graph() -> Graph:  # pySHACL alone reads rdflib: the data, or the focus nodes' neighbourhood
            return (data.rdflib_graph() if focus is None else _neighbourhood(data, focus)) + self.ontology_graph

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            return self.engine.run(store, written, focus, pool, data_graph,
                                   alongside=[partial(qc.run, check, store, focus) for check in qc_checks],
                                   profile=self.profile)

    def _project_findings(self, data: Source, store: ox.Store, focus: set[str] | None, qc_checks: list) -> list[Finding]:
        """The project's own checks that are not queries: blank nodes, the closed vocabulary, minted
        names, and a missing QC folder."""
        if not self.project:
            return []
        findings = _blank_node_findings(data) + vocabulary.findings(data, self.ontology, focus, store)
        findings += minted_names.findings(data, focus, store)
        if not qc_checks and self.qc_subset is None:  # the checks are files of the project: none found is a finding, not a pass
            findings.append(_no_qc_checks())
        return findings

    def _article_findings(self, data: Source, store: ox.Store | None, focus: set[str] | None) -> list[Finding]:
        return article_copy.findings(data, store if focus is not None else None) if self.project else []

    def _named_shapes(self, results: list) -> list:
        """The project names every shape with an IRI; a result pySHACL gives from a blank-node member
        of sh:or or sh:in is named by the shape that holds it."""
        if not self.project:
            return results
        return [replace(r, shape=_shape_name(r.shape, self.shapes)) if isinstance(r.shape, BNode) else r
                for r in results]

    def _report(self, findings: list[Finding], data: Source, triples: int) -> Report:
        return Report(in_report_order(findings), data.files, triples, self.shape_count, shapes_graph=self.shapes,
                      data_graph=data.rdflib_graph)


def _as_written(rows: list[tuple], originals: dict) -> list[tuple]:
    """A QC check's rows with each literal as written (the checks ran on the store's by-value form)."""
    return [tuple(originals.get(term) or term for term in row) for row in rows]


def _on_focus(findings: list[Finding], focus: set[str] | None) -> list[Finding]:
    """With --changed, the findings on the focus nodes alone."""
    if focus is None:
        return findings
    return [f for f in findings if f.terms and str(f.terms.focus) in focus]


def _qc_findings(check: qc.Check, rows: list[tuple], data: Source, compact) -> list[Finding]:
    """Rows of one project QC check (queries/qc/), reported like shape findings."""
    return [
        make_finding(
            data, compact, SH.Violation, to_rdflib(entity), to_rdflib(prop) if prop else None,
            to_rdflib(value) if value is not None and getattr(value, "value", "") != "" else None,
            [f"{_sentence(check.problem)} {_sentence(check.fix)}"], URIRef(QC + check.name), URIRef(QC + "QCCheck"),
        )
        for entity, prop, value in rows
    ]


def _no_qc_checks() -> Finding:
    message = (f"No QC check was found in {relative(qc.QC_DIR)}/ (*-violation.rq), so none ran: restore the folder "
               "from the repository (git checkout -- queries/qc).")
    return Finding("violation", relative(qc.QC_DIR), 0, "-", "", "", message, "medkg:QCChecks", "medkg:ChecksMissingComponent",
                   terms=Terms(SH.Violation, None, None, None, URIRef(MEDKG + "QCChecks"), URIRef(MEDKG + "ChecksMissingComponent")))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _blank_node_findings(data: Source) -> list[Finding]:
    """One finding per subject whose description uses a blank node ([ ] or _:)."""
    findings = []
    compact = compactor()
    for path, triples in data.blank_node_files.items():
        subjects = {t.subject for t in triples if not isinstance(t.subject, ox.BlankNode)}
        for subject in sorted(subjects, key=str) or [None]:
            where = data.locations.find(subject.value) if subject is not None else None
            focus = to_rdflib(subject) if subject is not None else None
            findings.append(
                Finding(
                    "violation", relative(path), where.line if where else 0, compact(focus) if focus else "-",
                    "", "",
                    "A blank node ([ ] or _:) is used here; shipped data gives every node an IRI so that "
                    "it is stable and citable: mint one under kg:, claim:, quote: or note:",
                    NO_BLANK_NODES, NO_BLANK_NODES + "Component",
                    terms=Terms(SH.Violation, focus, None, None, URIRef(MEDKG + "NoBlankNodes"),
                                URIRef(MEDKG + "NoBlankNodesComponent")),
                )
            )
    return findings


def _neighbourhood(data: Source, focus: set[str]) -> Graph:
    """What SHACL Core needs to check the focus nodes: their triples, and the triples of the
    nodes they point at (sh:class, sh:node and qualified shapes look one step further; the
    shapes use no inverse paths, and the SPARQL constraints run on the whole store).

    pySHACL's own focus_nodes option reported a sh:qualifiedMaxCount violation that a full
    validation does not (pySHACL 0.40.1), so the subgraph is validated instead, and the findings
    are then kept for the focus nodes only.
    """
    first = [t for t in data.triples if getattr(t.subject, "value", None) in focus]
    objects = {t.object for t in first}
    graph = Graph()
    for t in first + [t for t in data.triples if t.subject in objects]:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _shape_name(shape: Node | None, shapes: Graph) -> Node | None:
    """Name a shape; a blank-node member of sh:or/sh:in is named by the shape that holds it."""
    seen = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = next(shapes.subjects(None, shape), None)
        while shape is not None and not isinstance(shape, URIRef) and (shape, RDF.first, None) in shapes:
            shape = next(shapes.subjects(None, shape), None)
    return shape
