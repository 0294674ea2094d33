"""Validate data files against the ontology and the SHACL shapes, and say where each finding is.

The data graph is the data plus the ontology, so that sh:class sees the subclass hierarchy (a
medkg:RiskClaim is a medkg:Claim) and the identifier schemes. By default every check is a query
on a pyoxigraph store: SHACL Core compiled by medkg/validate/core.py, SHACL-SPARQL by
medkg/validate/sparql.py, and the QC checks; the "pyshacl" engine hands the shapes to
pySHACL instead, the reference the default is tested against.
"""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.term import Node

from medkg.validate import core, qc, sparql
from medkg.io.load import Source, collect, load_data, load_ontology, load_shapes, to_rdflib
from medkg.rdf.prefixes import compact as compact_iri
from medkg.paths import DATA_DIR, relative

SH = Namespace("http://www.w3.org/ns/shacl#")
QC = "https://w3id.org/medkg/qc/"
MEDKG = "https://w3id.org/medkg/vocab#"
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
RANK = {"info": 0, "warning": 1, "violation": 2}
_IRI_IN_TEXT = re.compile(r"\bhttps?://[^\s<>\"{}|\\^`]+[^\s<>\"{}|\\^`.,;:)]")
NO_BLANK_NODES = "medkg:NoBlankNodes"


@dataclass(frozen=True)
class Finding:
    severity: str  # violation | warning | info
    file: str  # where the focus node is written ("" when nowhere in the files checked)
    line: int  # 0 when unknown
    focus: str  # compact IRI or literal, as a curator reads it
    path: str
    value: str
    message: str
    shape: str
    component: str
    # The RDF terms behind the strings above (severity, focus, path, value, shape, component),
    # for the standard sh:ValidationReport; not part of a finding's identity.
    terms: tuple = field(default=(), compare=False, repr=False)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else (self.file or "-")


@dataclass
class Report:
    findings: list[Finding]
    files: list[Path]
    triples: int
    shapes: int
    focus: set[str] | None = None  # the nodes checked, when not all of them (--changed)
    notes: list[str] = field(default_factory=list)  # for the person running it (the CLI prints them)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "violation") -> bool:
        return any(RANK[f.severity] >= RANK[fail_on] for f in self.findings)


def validate(paths: list[Path] | None = None, sparql_engine: str = "oxigraph", changed: str | None = None,
             validator: "Validator | None" = None) -> Report:
    """Validate data files (default: data/).

    sparql_engine "oxigraph" runs every constraint as SPARQL on pyoxigraph (fast);
    "pyshacl" leaves the shapes to pySHACL, as the reference the fast path is tested against.
    changed REV validates only the nodes a git diff against REV touched (and those pointing at them).
    """
    validator = validator or Validator(sparql_engine)
    notes = list(validator.notes)
    if changed and validator.compiled is not None:
        report = _validate_changed(validator, paths or [DATA_DIR], changed, notes)
    else:
        if changed:
            notes.append("--changed without the persistent store: the shapes need pySHACL")
        report = _validate_files(validator, paths, changed, notes)
    report.notes = notes
    return report


def _validate_files(validator: "Validator", paths: list[Path] | None, changed: str | None, notes: list[str]) -> Report:
    """Read every file; with `changed`, check only the nodes the edit touched and their referrers."""
    focus = None
    if changed:
        from medkg.validate.changed import touched_nodes

        focus, reason = touched_nodes(paths or [DATA_DIR], changed)
        if reason:
            notes.append(reason)
    data = load_data(paths)
    notes.extend(data.notes)
    if focus is not None:
        from medkg.validate.changed import with_referrers

        focus = with_referrers(data.store(), focus)
    report = validator.run(data, focus)
    report.focus = focus
    return report


# An edit of more than this share of the graph is checked as a whole: a bulk edit of 150,000
# literals in one file took 38 to 536 s node by node, where a full validation takes 8 s.
LARGE_EDIT = 0.05


def _validate_changed(validator: "Validator", paths: list[Path], rev: str, notes: list[str]) -> Report:
    """Check the nodes an edit touched against the persistent store (medkg/validate/store_cache.py),
    which only re-reads the files that changed since the last run."""
    from medkg.validate.changed import repo_root, touched_nodes, with_referrers
    from medkg.validate.store_cache import CacheUnavailable, StoreCache

    # The edit first: an unknown REV is refused before the store is filled (37 s at ~1 M triples).
    cache = StoreCache(repo_root(paths[0]))
    recorded = cache.recorded_triples()
    touched, reason = touched_nodes(paths, rev, largest=int(LARGE_EDIT * recorded) if recorded else None)
    if reason:
        notes.append(reason)
        return _validate_files(validator, paths, None, notes)
    files = collect(paths)
    try:
        store = cache.refresh(files + validator.ontology.files)
        data = Source(files=files)
        data.locations.resolver = cache.file_of
        # The store holds the ontology too; the report counts the data, as a full run does.
        triples = cache.triples - len(set(validator.ontology.triples))
    except CacheUnavailable as e:
        notes.append(f"{e}; reading every file instead")
        data = load_data(paths)
        store = data.store()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in validator.ontology.triples)
        triples = len(data.triples)
    try:
        focus = with_referrers(store, touched)
        report = validator.run(data, focus, store=store, triples=triples)
    finally:
        cache.close()  # the lock is held until the last query on the store has run
    report.focus = focus
    return report


class Validator:
    """The ontology and shapes, loaded once, to validate one graph after another (mutation testing)."""

    def __init__(self, sparql_engine: str = "oxigraph"):
        self.sparql_engine = sparql_engine
        self.notes: list[str] = []  # said once per validator, in every report it makes
        self.ontology = load_ontology()
        self.shapes = load_shapes().rdflib_graph()
        self.compiled = None  # the Core constraints as SPARQL, when every one of them compiles
        if sparql_engine == "oxigraph":
            self.core, self.taken = sparql.split_shapes(self.shapes)
            try:
                self.compiled = core.CoreShapes(self.core)
            except core.Unsupported as e:
                self.notes.append(f"SHACL Core left to pySHACL (the shapes use {e})")
        else:
            self.core, self.taken = self.shapes, []
        kinds = (SH.NodeShape, SH.PropertyShape)
        self.shape_count = len({s for k in kinds for s in self.shapes.subjects(RDF.type, k)})

    @cached_property
    def ontology_graph(self) -> Graph:
        """The ontology for rdflib: only pySHACL and mutation testing need it."""
        return self.ontology.rdflib_graph()

    def run(self, data: Source, focus: set[str] | None = None, store: ox.Store | None = None,
            triples: int | None = None) -> Report:
        """Validate; with `focus`, only those nodes (IRIs), with the findings a full run has on them.
        `store` (with `triples`, its size) is the data and ontology already in a store."""
        triples = len(data.triples) if triples is None else triples
        if focus is not None and not focus:
            return Report([], data.files, triples, self.shape_count)
        compact = _compactor()
        if store is None:
            store = data.store()
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.ontology.triples)
        findings = _blank_node_findings(data)
        # Every SPARQL constraint, compiled Core constraint and QC check is one query on the
        # store; pyoxigraph releases the GIL while it evaluates, so they share the cores.
        jobs = [partial(sparql.evaluate, self.shapes, [taken], store, focus) for taken in self.taken]
        if self.compiled is not None:
            jobs += [partial(self.compiled.run_check, check, store, focus) for check in self.compiled.checks]
        qc_checks = qc.checks()
        jobs += [partial(qc.run, check, store, focus) for check in qc_checks]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            answers = list(pool.map(lambda job: job(), jobs))
        for results in answers[: len(jobs) - len(qc_checks)]:
            for r in results:
                findings.append(_finding(data, compact, r.severity, r.focus, r.path, r.value, list(r.messages),
                                         r.shape, r.component))
        if self.compiled is None:
            findings += self._pyshacl_findings(data, focus, compact)
        for check, rows in zip(qc_checks, answers[len(jobs) - len(qc_checks):]):
            findings += _qc_findings(check, rows, data, compact)
        if focus is not None:
            findings = [f for f in findings if f.terms and str(f.terms[1]) in focus]
        findings = sorted(
            set(findings), key=lambda f: (f.file == "", f.file, f.line, -RANK[f.severity], f.focus, f.path, f.message,
                                  f.value, f.shape, f.component)  # every field: ties would follow the hash seed
        )
        return Report(findings, data.files, triples, self.shape_count)


    def _pyshacl_findings(self, data: Source, focus: set[str] | None, compact) -> list[Finding]:
        data_graph = data.rdflib_graph() if focus is None else _neighbourhood(data, focus)
        data_graph += self.ontology_graph
        import pyshacl  # 0.4 s to import: only for the reference engine

        _, results, _ = pyshacl.validate(
            data_graph, shacl_graph=self.core, inference="none", allow_warnings=True, allow_infos=True
        )
        return _shacl_findings(results, data, self.shapes, compact)


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


def _shacl_findings(results: Graph, data: Source, shapes: Graph, compact) -> list[Finding]:
    findings = []
    # Top-level results only: those nested under sh:detail explain a parent result already reported.
    for result in results.objects(None, SH.result):
        shape = results.value(result, SH.sourceShape)
        messages = [str(m) for m in results.objects(result, SH.resultMessage)]
        if results.value(result, SH.sourceConstraint) is not None:
            # pySHACL adds the node shape's general message to a SPARQL constraint's own; keep the latter.
            general = {str(m) for m in shapes.objects(shape, SH.message)}
            messages = [m for m in messages if m not in general] or messages
        findings.append(
            _finding(
                data, compact, results.value(result, SH.resultSeverity), results.value(result, SH.focusNode),
                results.value(result, SH.resultPath), results.value(result, SH.value), messages,
                _shape_name(shape, shapes), results.value(result, SH.sourceConstraintComponent),
            )
        )
    return findings


def _finding(data: Source, compact, severity, focus, path, value, messages, shape, component) -> Finding:
    where = data.locations.find(
        str(focus), str(path) if isinstance(path, URIRef) else None, str(value) if isinstance(value, URIRef) else None
    )
    return Finding(
        severity=SEVERITIES.get(severity, "violation"),
        file=relative(where.file) if where else "",
        line=where.line if where else 0,
        focus=compact(focus),
        path=compact(path) if isinstance(path, URIRef) else "",
        value=compact(value) if value is not None else "",
        message=_IRI_IN_TEXT.sub(lambda m: compact(URIRef(m.group(0))), sorted(messages)[0])
        if messages
        else "(the shape has no sh:message)",
        shape=compact(shape),
        component=compact(component),
        terms=(severity or SH.Violation, focus, path, value, shape, component),
    )


def _qc_findings(check: qc.Check, rows: list[tuple], data: Source, compact) -> list[Finding]:
    """Rows of one project QC check (queries/qc/), reported like shape findings."""
    return [
        _finding(
            data, compact, SH.Violation, to_rdflib(entity), to_rdflib(prop) if prop else None,
            to_rdflib(value) if value is not None and getattr(value, "value", "") != "" else None,
            [f"{_sentence(check.problem)} {_sentence(check.fix)}"], URIRef(QC + check.name), URIRef(QC + "QCCheck"),
        )
        for entity, prop, value in rows
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _blank_node_findings(data: Source) -> list[Finding]:
    """One finding per subject whose description uses a blank node ([ ] or _:)."""
    findings = []
    compact = _compactor()
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
                    terms=(SH.Violation, focus, None, None, URIRef(MEDKG + "NoBlankNodes"),
                           URIRef(MEDKG + "NoBlankNodesComponent")),
                )
            )
    return findings


def _shape_name(shape: Node | None, shapes: Graph) -> Node | None:
    """Name a shape; a blank-node member of sh:or/sh:in is named by the shape that holds it."""
    seen = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = next(shapes.subjects(None, shape), None)
        while shape is not None and not isinstance(shape, URIRef) and (shape, RDF.first, None) in shapes:
            shape = next(shapes.subjects(None, shape), None)
    return shape


def _compactor():
    def compact(node) -> str:
        if node is None:
            return "-"
        if isinstance(node, URIRef):
            return compact_iri(str(node))
        return node.n3() if hasattr(node, "n3") else str(node)

    return compact
