"""SHACL targets as a SPARQL group that binds ?this to every focus node of a shape, and the
small readings of a shapes graph that both SPARQL-run modules (core.py, sparql_constraints.py) share.

Joining a constraint's query with this group lets the engine plan the two together; handing it
the focus nodes as a VALUES list instead cost 15 s at ~1 M triples for a query that needs
0.1 s this way (Oxigraph evaluates the rest of the query once per VALUES row).
"""

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from medkg.io.parse import to_ox
from medkg.rdf.as_written import encode
from medkg.rdf.namespaces import SH

TYPE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


def target_group(shapes: Graph, shape, only: set[str] | None = None) -> str:
    """`{ SELECT DISTINCT ?this ... }` over the focus nodes of `shape`: its own targets (an implicit
    class target where the shape is also an rdfs:Class), and for a shape held by others through
    sh:property, their value nodes (a property shape inside a property shape sees the values of
    its holder's path). "" when it has none. With `only`, just those IRIs."""
    branches = _branches(shapes, shape, frozenset())
    if not branches:
        return ""
    union = " UNION ".join("{ " + b + " }" for b in sorted(set(branches)))
    group = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
    if only is None:
        return group
    # The few focus nodes first, where the engine starts, each then tested against the targets:
    # joined with the targets' subquery instead, Oxigraph may evaluate the query over the whole
    # graph first (0.9 s instead of 1 ms at ~1 M triples).
    values = "VALUES ?this { " + " ".join(f"<{iri}>" for iri in sorted(only)) + " }"
    return f"{values} FILTER EXISTS {{ {union} }}"


def _branches(shapes: Graph, shape, seen: frozenset) -> list[str]:
    if deactivated(shapes, shape) or shape in seen:
        return []
    branches = []
    for cls in shapes.objects(shape, SH.targetClass):
        branches.append(f"?this {TYPE_OF} <{cls}> .")
    if isinstance(shape, URIRef) and (shape, RDF.type, RDFS.Class) in shapes:
        branches.append(f"?this {TYPE_OF} <{shape}> .")  # implicit class target (SHACL 2.1.3.1)
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        branches.append(f"?this <{prop}> [] .")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        branches.append(f"[] <{prop}> ?this .")
    for node in shapes.objects(shape, SH.targetNode):
        branches.append(f"VALUES ?this {{ {sparql_term(node)} }}")
    for holder in sorted(shapes.subjects(SH.property, shape), key=str):
        inner = _branches(shapes, holder, seen | {shape})
        if not inner:
            continue
        union = " UNION ".join("{ " + b + " }" for b in sorted(set(inner)))
        path = shapes.value(holder, SH.path)
        if path is None:  # a node shape: its focus nodes are the property shape's (its branches, as they are)
            branches += inner
        else:  # a property shape: the values of its path are
            from medkg.shacl.property_paths import sparql_path

            branches.append(f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT DISTINCT (?this AS ?holder) WHERE "
                            f"{{ {union} }} }} ?holder {sparql_path(shapes, path)} ?this }} }}")
    return branches


def sparql_term(term) -> str:
    """An IRI or literal of the shapes graph in SPARQL syntax (ValueError for a blank node)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        # As the data is stored (medkg/rdf/as_written.py), so sh:hasValue "05"^^xsd:integer meets "05".
        return str(encode(to_ox(term)))
    raise ValueError(f"{term}: a blank node of the shapes graph cannot be named in a query")


def deactivated(shapes: Graph, node) -> bool:
    value = shapes.value(node, SH.deactivated)
    return value is not None and value.toPython() is True
