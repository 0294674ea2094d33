"""Reading the W3C SHACL test suite (../shared/w3c/shacl/tests) and comparing reports as its README
says: sh:conforms, and the set of results as (focusNode, resultPath, sourceShape,
sourceConstraintComponent, value, resultSeverity), blank nodes compared by their structure,
messages not compared."""

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, Namespace

from medkg.io.parse import Source
from medkg.io.parse import rdflib_graph as _graph
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.engine import Outcome
from medkg.shacl.finding import Report
from medkg.shacl.property_paths import sparql_path

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Case:
    name: str  # e.g. core/node/hasValue-001
    file: Path
    data: list[ox.Triple]
    shapes: Graph
    world: Graph  # every triple of the files involved, to read blank nodes' structure
    failure: bool  # the suite expects the processor to refuse the input
    conforms: bool | None
    expected: set


def cases(root: Path) -> list[Case]:
    found = []
    root = root.resolve()
    for manifest in _manifests(root / "manifest.ttl"):
        parsed = {manifest: _parse(manifest)}  # one parse per file: blank nodes keep their labels across uses
        graph = _graph(parsed[manifest])
        for entry in graph.subjects(RDF.type, SHT.Validate):
            found.append(_case(root, manifest, graph, entry, parsed))
    return sorted(found, key=lambda c: c.name)


def _manifests(path: Path) -> list[Path]:
    graph = _graph(_parse(path))
    included = [Path(str(i).removeprefix("file://")) for i in graph.objects(None, MF.include)]
    if not included:
        return [path]
    return [m for i in sorted(included) for m in _manifests(i)]


def _parse(path: Path) -> list[ox.Triple]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))


def _case(root: Path, manifest: Path, graph: Graph, entry, parsed: dict) -> Case:
    action = graph.value(entry, MF.action)
    files = {name: Path(str(graph.value(action, getattr(SHT, name))).removeprefix("file://"))
             for name in ("dataGraph", "shapesGraph")}
    for path in files.values():
        if path not in parsed:
            parsed[path] = _parse(path)
    triples = {name: parsed[path] for name, path in files.items()}
    world = _graph([t for path in {manifest, *files.values()} for t in parsed[path]])
    result = graph.value(entry, MF.result)
    failure = result == SHT.Failure
    expected, conforms = set(), None
    if not failure:
        conforms = graph.value(result, SH.conforms).toPython() is True
        for r in graph.objects(result, SH.result):
            expected.add(key(graph, graph.value(r, SH.focusNode), graph.value(r, SH.resultPath),
                             graph.value(r, SH.sourceShape), graph.value(r, SH.sourceConstraintComponent),
                             graph.value(r, SH.value), graph.value(r, SH.resultSeverity), world))
    name = str(manifest.relative_to(root).with_suffix("")) if manifest.name != "manifest.ttl" else str(entry)
    return Case(name, manifest, triples["dataGraph"], _graph(triples["shapesGraph"]), world, failure, conforms, expected)


def key(graph: Graph, focus, path, shape, component, value, severity, world: Graph) -> tuple:
    return (_structure(world, focus), _path(graph, path), _structure(world, shape), component,
            _structure(world, value), severity)


def actual(case: Case, outcome: Outcome) -> set:
    return {key(case.shapes, r.focus, r.path, r.shape, r.component, r.value, r.severity, case.world)
            for r in outcome.results}


def _path(graph: Graph, path):
    if path is None:
        return None
    try:
        return sparql_path(graph, path)
    except Exception:  # noqa: BLE001 - an unreadable path compares as itself
        return str(path)


def _structure(graph: Graph, term, depth: int = 4):
    """A blank node as what it says (its outgoing triples, a few levels down); other terms as themselves."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype or ""), (term.language or "").lower())
    if not isinstance(term, BNode):
        return term
    if depth == 0:
        return "_"
    return ("_", tuple(sorted((str(p), repr(_structure(graph, o, depth - 1))) for p, o in graph.predicate_objects(term))))


def mismatch(case: Case, outcome: Outcome) -> str:
    """Empty when the outcome is the expected report; else what differs."""
    got = actual(case, outcome)
    lines = []
    if outcome.conforms != case.conforms:
        lines.append(f"conforms: expected {case.conforms}, got {outcome.conforms}")
    for missing in sorted(case.expected - got, key=repr):
        lines.append(f"missing {missing}")
    for extra in sorted(got - case.expected, key=repr):
        lines.append(f"extra   {extra}")
    return "\n".join(lines)


def through_validate(data: list[ox.Triple], shapes: Graph, engine: str = "oxigraph") -> tuple[Outcome, Report]:
    """The case through what curators run, the validate pipeline (medkg/validate/pipeline.py), with
    the case's shapes (so the project's ontology and own checks are off): its report, and the
    findings' terms read back as an outcome for mismatch()."""
    from medkg.validate.pipeline import Validator

    report = Validator(engine, shapes=shapes).run(Source(triples=list(data)))
    results = [ConstraintResult(t.shape, t.component, t.severity, t.focus, t.path, t.value, t.messages)
               for t in (f.terms for f in report.findings)]
    return Outcome(results), report


def findings(report: Report) -> list:
    """A report's findings, each with its terms (which a Finding leaves out of its equality), in one order."""
    return sorted(((f, f.terms) for f in report.findings), key=repr)
