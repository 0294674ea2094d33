"""SHACL's syntax rules for the parameters the compiler reads (medkg/shacl/core.py's registry,
and what its entries read beside): the value a parameter must have, how many a shape may have, and
which only property shapes may have, as section 4 of the specification and its shacl-shacl.ttl say.
A shapes graph that breaks one is refused in one line naming the shape, the parameter and the rule
(sh:minCount on a node shape once compiled to a query that did not parse, and printed a traceback).
"""

import re

from rdflib import RDF, BNode, Graph, Literal, URIRef

from medkg.errors import ShapesRefused
from medkg.rdf.namespaces import SH, XSD
from medkg.rdf.prefixes import compact
from medkg.rdf.turtle import literal

NODE_KINDS = {SH.IRI, SH.BlankNode, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral, SH.IRIOrLiteral}

# Parameters the registry's entries read beside their own (sh:qualifiedValueShape's counts, sh:pattern's
# flags), with the same rules: parameter -> (value kind, single, the entry's section).
COMPANIONS = {SH.qualifiedMinCount: ("integer", True, "4.7.3 sh:qualifiedValueShape"),
              SH.qualifiedMaxCount: ("integer", True, "4.7.3 sh:qualifiedValueShape"),
              SH.flags: ("string", True, "4.4.3 sh:pattern")}
# What a parameter's value must be (SHACL section 4's syntax rules; the rule is named <parameter>-<rule>).
KINDS = {
    "integer": ("datatype", "a literal of datatype xsd:integer",
                lambda g, v: isinstance(v, Literal) and v.datatype == XSD.integer and isinstance(v.value, int)),
    "boolean": ("datatype", "true or false (xsd:boolean)",
                lambda g, v: isinstance(v, Literal) and v.datatype == XSD.boolean and isinstance(v.value, bool)),
    "string": ("datatype", "a literal of datatype xsd:string",
               lambda g, v: isinstance(v, Literal) and v.datatype in (None, XSD.string) and not v.language),
    "iri": ("nodeKind", "an IRI", lambda g, v: isinstance(v, URIRef)),
    "literal": ("nodeKind", "a literal", lambda g, v: isinstance(v, Literal)),
    "nodeKind": ("in", "one of sh:BlankNode, sh:IRI, sh:Literal, sh:BlankNodeOrIRI, sh:BlankNodeOrLiteral, sh:IRIOrLiteral",
                 lambda g, v: v in NODE_KINDS),
    "list": ("node", "a well-formed RDF list", lambda g, v: _is_list(g, v)),
    "any": ("", "", lambda g, v: True),
}


def check(shapes: Graph, rules: dict) -> None:
    """check_parameters on every shape that has one of the parameters: every subject of a
    parameter is a shape (SHACL 2.1). `rules`: parameter -> (value kind, single, property only,
    section), from the compiler's registry (medkg/shacl/core.py)."""
    rules = {**rules, **{p: (kind, single, False, section) for p, (kind, single, section) in COMPANIONS.items()}}
    for shape in sorted({s for p in rules for s in shapes.subjects(p, None)}, key=str):
        check_parameters(shapes, shape, rules)


def check_parameters(shapes: Graph, shape, rules: dict) -> None:
    """ShapesRefused, naming the shape, the parameter and SHACL's syntax rule, where a parameter of
    the registry (or one its entries read) breaks a rule: a value of the wrong kind (sh:minCount
    "one"), more than one value where SHACL allows one, a property-shape parameter on a node shape
    (sh:minCount without sh:path, which used to compile to a query that did not parse)."""
    is_property_shape = (shape, SH.path, None) in shapes
    for parameter, (kind, single, property_only, section) in rules.items():
        values = list(shapes.objects(shape, parameter))
        if not values:
            continue
        name = f"sh:{parameter.removeprefix(str(SH))}"
        where = f"SHACL {section}, syntax rule {name[3:]}-"
        if property_only and not is_property_shape:
            raise ShapesRefused(f"{shape_name(shapes, shape)}: {name} is for property shapes only, and this shape has no "
                                f"sh:path ({where}scope); move it into an sh:property with an sh:path")
        if single and len(values) > 1:
            raise ShapesRefused(f"{shape_name(shapes, shape)}: {len(values)} values of {name}, where SHACL allows one "
                                f"({where}maxCount); keep one")
        rule, wanted, ok = KINDS[kind]
        for value in values:
            if not ok(shapes, value):
                raise ShapesRefused(f"{shape_name(shapes, shape)}: {name} {term(shapes, value)} is not {wanted} ({where}{rule})")


def check_graph(shapes: Graph) -> None:
    """The rules any engine needs kept before it starts, whatever the shape (ShapesRefused in one
    line): no RDF list whose rdf:rest leads back into itself (a compiler walking it would never
    stop, pySHACL stops with a stack trace), and a SPARQL constraint with exactly one sh:select
    (SHACL 5.1) that is a SELECT query (an update, or none, once ended in a traceback); no shape
    that refers to itself (refuse_recursion)."""
    done: set = set()
    for start in sorted(set(shapes.subjects(RDF.rest, None)), key=str):
        node, path = start, set()
        while node not in done and node != RDF.nil:
            if node in path:
                raise ShapesRefused(f"an RDF list of the shapes graph (at {term(shapes, start)}) leads back into "
                                    "itself through rdf:rest; end it with rdf:nil")
            path.add(node)
            node = shapes.value(node, RDF.rest)
            if node is None:
                break
        done |= path
    refuse_recursion(shapes)
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql), key=str):
        where = f"{shape_name(shapes, shape)}: the SPARQL constraint {term(shapes, constraint) if isinstance(constraint, URIRef) else '[ ]'}"
        selects = list(shapes.objects(constraint, SH.select))
        if len(selects) != 1:
            raise ShapesRefused(f"{where} has {len(selects)} values of sh:select, where SHACL needs exactly one "
                                "(SHACL 5.1); give it one SELECT query")
        if not isinstance(selects[0], Literal):
            raise ShapesRefused(f"{where}: sh:select is not a literal (SHACL 5.1); write the query as a string")
        if _UPDATE.match(re.sub(r"#[^\n]*", " ", str(selects[0]))):
            raise ShapesRefused(f"{where}: sh:select holds SPARQL Update; validation only reads: "
                                "give it a SELECT query")


# SHACL 3.4.3's shape-expecting parameters: a shape refers to the shapes these give it.
SHAPE_LINKS = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"])
SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


def refuse_recursion(shapes: Graph) -> None:
    """ShapesRefused naming the shapes of a cycle, where a shape refers to itself through the
    shape-expecting parameters (sh:node, sh:property, sh:qualifiedValueShape, sh:not, sh:and,
    sh:or, sh:xone), directly or through others. SHACL 3.4.3 leaves the validation of a recursive
    shape undefined; pySHACL warns and says "conforms" (it stops at the second visit), and the
    compiled engine sent it on to pySHACL: a verdict nothing defines. Iterative, so a chain of
    thousands of shapes is walked without Python's recursion limit."""
    def refers(shape) -> list:
        found = [o for p in SHAPE_LINKS for o in shapes.objects(shape, p)]
        for p in SHAPE_LISTS:
            for head in shapes.objects(shape, p):
                found += [m for m in _members(shapes, head)]
        return sorted(set(found), key=lambda t: (isinstance(t, BNode), str(t)))

    subjects = {s for p in (*SHAPE_LINKS, *SHAPE_LISTS) for s in shapes.subjects(p, None)}
    done: set = set()
    for start in sorted(subjects, key=lambda t: (isinstance(t, BNode), str(t))):
        if start in done:
            continue
        trail, on_trail, stack = [], set(), [(start, iter(refers(start)))]
        trail.append(start)
        on_trail.add(start)
        while stack:
            node, todo = stack[-1]
            following = next(todo, None)
            if following is None:
                stack.pop()
                trail.pop()
                on_trail.discard(node)
                done.add(node)
                continue
            if following in on_trail:
                cycle = trail[trail.index(following):] + [following]
                raise ShapesRefused(
                    f"{shape_name(shapes, following)}: a recursive shape: {' -> '.join(shape_name(shapes, s) for s in cycle)} "
                    "(through sh:node, sh:property, sh:qualifiedValueShape, sh:not, sh:and, sh:or or sh:xone); "
                    "SHACL leaves the validation of recursive shapes undefined (3.4.3): break the cycle")
            if following not in done:
                trail.append(following)
                on_trail.add(following)
                stack.append((following, iter(refers(following))))


def _members(graph: Graph, node) -> list:
    """An RDF list's members (lists that loop are refused before this runs)."""
    members, seen = [], set()
    while node is not None and node != RDF.nil and node not in seen:
        seen.add(node)
        members += list(graph.objects(node, RDF.first))
        node = graph.value(node, RDF.rest)
    return members


# A text whose first keyword after the prologue is an update's (SPARQL 1.1 Update, section 3).
_UPDATE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                     r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def _is_list(graph: Graph, node) -> bool:
    """rdf:nil, or a chain of blank nodes each with one rdf:first and one rdf:rest, ending in rdf:nil."""
    seen = set()
    while node != RDF.nil:
        if not isinstance(node, BNode) or node in seen or len(list(graph.objects(node, RDF.first))) != 1 \
                or len(rest := list(graph.objects(node, RDF.rest))) != 1:
            return False
        seen.add(node)
        node = rest[0]
    return True


def term(shapes: Graph, term) -> str:
    if isinstance(term, Literal):
        return literal(str(term), term.language, term.datatype and str(term.datatype), lambda iri: _iri(shapes, iri))
    return _iri(shapes, term) if isinstance(term, URIRef) else "a blank node"


def _iri(shapes: Graph, iri) -> str:
    """Compact as the shapes graph's files name it (their prefixes), else as medkg does."""
    for prefix, namespace in shapes.namespaces():
        local = str(iri)[len(str(namespace)):]
        if prefix and str(iri).startswith(str(namespace)) and local and all(c.isalnum() or c in "-_" for c in local):
            return f"{prefix}:{local}"
    return compact(str(iri))


def shape_name(shapes: Graph, shape) -> str:
    """The shape's IRI, or for a blank node the shape that holds it (ex:S's sh:property [sh:path ex:p])."""
    if isinstance(shape, URIRef):
        return _iri(shapes, shape)
    path = shapes.value(shape, SH.path)
    own = f"[sh:path {_iri(shapes, path)}]" if isinstance(path, URIRef) else "[ ]"
    for holder, link in shapes.subject_predicates(shape):
        if isinstance(holder, URIRef):
            return f"{_iri(shapes, holder)}'s {_iri(shapes, link)} {own}"
    return f"the blank-node shape {own}"
