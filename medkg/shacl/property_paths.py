"""SHACL property paths (sh:path) as SPARQL property paths.

One reading serves three needs: the compiler puts the path in its queries, the report writes a
blank-node path out with its structure, and two paths from different graphs (a shapes graph and
a report) are the same when they read the same.
"""

from rdflib import RDF, BNode, Graph, URIRef

from medkg.errors import ShapesRefused
from medkg.rdf.namespaces import SH

_REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def sparql_path(graph: Graph, path, _seen: frozenset = frozenset()) -> str:
    """`<p>`, `^<p>`, `(<p> / <q>)`, `(<p> | <q>)`, `(<p>)*` ...; ShapesRefused for an ill-formed path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode) or path in _seen:
        raise ShapesRefused(f"ill-formed sh:path {path!r}: a path is an IRI or a blank node of one of "
                            "SHACL's path forms (section 2.3.1), without cycles")
    seen = _seen | {path}
    if (path, RDF.first, None) in graph:
        members = list(graph.items(path))
        if len(members) < 2:
            raise ShapesRefused("ill-formed sh:path: a sequence path lists at least two paths")
        return "(" + " / ".join(sparql_path(graph, m, seen) for m in members) + ")"
    forms = [(p, o) for p, o in graph.predicate_objects(path) if p != RDF.type]
    if len(forms) != 1:
        raise ShapesRefused(f"ill-formed sh:path: a blank-node path has exactly one of sh:inversePath, "
                            f"sh:alternativePath, sh:zeroOrMorePath, sh:oneOrMorePath, sh:zeroOrOnePath "
                            f"(found {len(forms)})")
    [(form, inner)] = forms
    if form == SH.inversePath:
        return "^" + sparql_path(graph, inner, seen)
    if form == SH.alternativePath:
        members = list(graph.items(inner))
        if len(members) < 2:
            raise ShapesRefused("ill-formed sh:path: an alternative path lists at least two paths")
        return "(" + " | ".join(sparql_path(graph, m, seen) for m in members) + ")"
    if form in _REPEATS:
        return "(" + sparql_path(graph, inner, seen) + ")" + _REPEATS[form]
    raise ShapesRefused(f"ill-formed sh:path: {form} is not a path form")


def path_copy(graph: Graph, path) -> tuple[object, list[tuple]]:
    """The path as a node of its own and the triples that make it (path_triples, on fresh blank
    nodes): a report that also copies the shape holding the path keeps the two apart."""
    if not isinstance(path, BNode):
        return path, []
    fresh: dict = {}

    def node(term):
        return fresh.setdefault(term, BNode()) if isinstance(term, BNode) else term

    return node(path), [(node(s), p, node(o)) for s, p, o in path_triples(graph, path)]


def path_triples(graph: Graph, path, _seen: frozenset = frozenset()) -> list[tuple]:
    """The triples that make a blank-node path, as sparql_path reads it (for writing it into a
    report): a list's rdf:first and rdf:rest, or a node's one path form, and those of the paths
    inside. Nothing else the node may carry: in the W3C suite's path-strange-001, a list node
    that also has an sh:inversePath is read as the list, and the report gives the list alone."""
    if not isinstance(path, BNode) or path in _seen:
        return []
    seen = _seen | {path}
    if (path, RDF.first, None) in graph:
        triples, cell, cells = [], path, set()
        while isinstance(cell, BNode) and cell not in cells:
            cells.add(cell)
            first, rest = graph.value(cell, RDF.first), graph.value(cell, RDF.rest)
            triples += [(cell, p, o) for p, o in ((RDF.first, first), (RDF.rest, rest)) if o is not None]
            triples += path_triples(graph, first, seen | cells)
            cell = rest
        return triples
    forms = [(p, o) for p, o in graph.predicate_objects(path) if p != RDF.type]
    if len(forms) != 1:
        return [(path, p, o) for p, o in forms]  # ill-formed: sparql_path refuses it before any report
    [(form, inner)] = forms
    return [(path, form, inner)] + path_triples(graph, inner, seen)


def same_path(first: Graph, a, second: Graph, b) -> bool:
    try:
        return sparql_path(first, a) == sparql_path(second, b)
    except ShapesRefused:
        return False



def may_be_empty(graph: Graph, path) -> bool:
    """Whether the path can match zero steps ((p)*, (p)?, and sequences or alternatives of them).
    Oxigraph gives no zero-length match from a node that is not in the graph (a literal target
    node, say), where SPARQL and SHACL give the node itself, so the compiler leaves those paths
    to pySHACL."""
    if not isinstance(path, BNode):
        return False
    if (path, RDF.first, None) in graph:
        return all(may_be_empty(graph, m) for m in graph.items(path))
    if (path, SH.zeroOrMorePath, None) in graph or (path, SH.zeroOrOnePath, None) in graph:
        return True
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return any(may_be_empty(graph, m) for m in graph.items(alternatives))
    inner = graph.value(path, SH.inversePath) or graph.value(path, SH.oneOrMorePath)
    return may_be_empty(graph, inner)
