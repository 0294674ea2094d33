"""The reference path: SHACL Core on pySHACL (`validate --engine pyshacl`, and wherever the
compiler in medkg/validate/core.py meets a feature it does not know). The fast path is tested
against it."""

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from medkg.io.load import Source, to_rdflib
from medkg.progress import Progress
from medkg.validate.model import SH, Finding, make_finding


def findings(validator, data: Source, focus: set[str] | None, compact) -> list[Finding]:
    """pySHACL's findings for the validator's Core shapes, on the data (or the focus nodes' neighbourhood)."""
    data_graph = data.rdflib_graph() if focus is None else _neighbourhood(data, focus)
    data_graph += validator.ontology_graph
    import pyshacl  # 0.4 s to import: only for the reference engine

    with Progress("validating with pySHACL, the reference engine (about 15 s for data/)"):
        _, results, _ = pyshacl.validate(
            data_graph, shacl_graph=validator.core, inference="none", allow_warnings=True, allow_infos=True
        )
    return _shacl_findings(results, data, validator.shapes, compact)


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
            make_finding(
                data, compact, results.value(result, SH.resultSeverity), results.value(result, SH.focusNode),
                results.value(result, SH.resultPath), results.value(result, SH.value), messages,
                _shape_name(shape, shapes), results.value(result, SH.sourceConstraintComponent),
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
