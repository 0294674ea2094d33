"""Evaluate the shapes' SHACL-SPARQL constraints on pyoxigraph instead of rdflib.

pySHACL runs each sh:sparql constraint once per focus node on rdflib's SPARQL engine, which
took ~13 of the 14 seconds of a full validation of the shipped graph. Here the constraints
run on pyoxigraph. SHACL binds $this by substitution (pre-binding). For a "flat" query, binding
all focus nodes at once by joining the shape's targets (medkg/shacl/targets.py) at the top of the
WHERE clause gives the same answers: its nested groups are FILTER (NOT) EXISTS blocks (whatever
they hold: EXISTS sees the outer bindings at every depth), OPTIONAL blocks holding no other group
(their pattern and filters are joined to $this as bound at the top: SPARQL's LeftJoin), and plain
groups or UNION branches holding none, with $this in their triple patterns only (see _is_flat).
Every constraint of the project's shapes is flat, so each is one query, on a server too (validate
--endpoint). Any other query (a subquery, MINUS, a $this in a branch's FILTER) would see $this
unbound somewhere, so it runs once per focus node with
the focus node written into the query text (medkg/shacl/prebinding.py: SHACL's pre-binding, which
pyoxigraph's substitutions are not; MINUS, VALUES and SERVICE are refused there). With `only` (a few focus
nodes), an anti-join written OPTIONAL { P } FILTER (!BOUND(?v)) runs as FILTER NOT EXISTS { P }
(medkg/rdf/sparql_text.py, optional_as_not_exists). The results follow pySHACL's rules (the value
defaults to the focus node; {?var} in messages becomes the bound term's string), and a test checks
that the findings equal pure pySHACL's on the shipped data and on every fixture.

Only SPARQL constraints on node shapes are taken over; any on property shapes (which need
$PATH substitution) stay with pySHACL.
"""

import re
import weakref

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from medkg.errors import ShapesRefused
from medkg.io.parse import to_ox, to_rdflib
from medkg.rdf.namespaces import OWL
from medkg.rdf.sparql_parse import SparqlRefused, normalise, read
from medkg.rdf.sparql_text import mask, open_where, optional_as_not_exists
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.prebinding import Template, refuse_unsupported, substitute
from medkg.shacl.targets import SH, deactivated, target_group

_THIS = re.compile(r"\$this\b")


def split_shapes(shapes: Graph) -> tuple[Graph, list[tuple[URIRef, URIRef]]]:
    """Return the shapes graph without the node shapes' sh:sparql links, and those links."""
    taken = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if (shape, SH.path, None) in shapes or deactivated(shapes, shape) or deactivated(shapes, constraint):
            continue
        taken.append((shape, constraint))
    core = Graph()
    for prefix, namespace in shapes.namespaces():  # to name things in messages as the files do
        core.bind(prefix, namespace, override=True)
    for triple in shapes:
        core.add(triple)
    for shape, constraint in taken:
        core.remove((shape, SH.sparql, constraint))
    return core, sorted(taken)


def refuse_service(shapes: Graph) -> None:
    """ShapesRefused when any SPARQL text of the shapes (sh:select, sh:ask: constraints, constraint
    components, targets) has a SERVICE clause: validating must never fetch from other servers, and
    the texts pySHACL runs (property shapes') would go to rdflib, which does. Decided by parsing;
    a text without the word cannot hold the clause and is not parsed."""
    for predicate in (SH.select, SH.ask):
        for owner, text in sorted(shapes.subject_objects(predicate)):
            if "service" not in normalise(str(text)).lower():
                continue
            where = f"the SPARQL query of {owner if isinstance(owner, URIRef) else 'a blank node'}"
            try:
                uses = read(_prologue(shapes, owner) + str(text)).service
            except SparqlRefused as e:
                raise ShapesRefused(f"{where}: {e}; check its prefixes (sh:prefixes) and syntax") from None
            if uses:
                raise ShapesRefused(f"{where} uses SERVICE: validation never fetches data from other servers; "
                                    "rewrite it without")


def evaluate(
    shapes: Graph, taken: list[tuple[URIRef, URIRef]], store: ox.Store, only: set[str] | None = None,
    originals: dict | None = None,
) -> list[ConstraintResult]:
    """Results of the taken constraints; with `only`, for those focus nodes (IRIs) alone.
    `originals` maps a literal as the store holds it to the term as written (as_written.by_value)."""
    results = []
    for shape, constraint in taken:
        severity, templates = _prepared(shapes, shape, constraint, only is not None)[5:]
        seen = set()
        for bound in _solutions(shapes, shape, constraint, store, only, originals or {}):
            this = bound.pop("this")
            path = bound.pop("path", None)
            value = bound.pop("value", None)
            if value is None:
                value = this  # SHACL: a node shape's result value defaults to the focus node
            key = (this, path, value, tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            names = {"this": this, **({"path": path} if path is not None else {}), "value": value, **bound}
            messages = tuple(sorted(_format(str(m), names) for m in templates))
            results.append(ConstraintResult(shape, SH.SPARQLConstraintComponent, severity, this, path, value, messages))
    return results


# Each constraint's query text as it is run, made once per shapes graph: `validate --watch` ran
# every step below again on each save (about half of a one-drug save at ~1 M triples, py-spy).
# Kept per graph while the graph lives (a weak reference: a test run or a long process makes many).
_PREPARED: dict[int, tuple[weakref.ref, dict]] = {}


def _prepared(shapes: Graph, shape, constraint, focused: bool) -> tuple:
    """(where, prologue, select, flat, reads the shapes graph, severity, message templates) of one
    constraint; `focused`: for a few focus nodes (its anti-joins as NOT EXISTS)."""
    graph = _PREPARED.get(id(shapes))
    if graph is None or graph[0]() is not shapes:
        graph = (weakref.ref(shapes), {})
        _PREPARED[id(shapes)] = graph
        weakref.finalize(shapes, _PREPARED.pop, id(shapes), None)
    kept = graph[1].get((shape, constraint, focused))
    if kept is not None:
        return kept
    select = str(shapes.value(constraint, SH.select))
    where = f"the SPARQL constraint {constraint if isinstance(constraint, URIRef) else '[ ]'} of {shape}"
    prologue = _prologue(shapes, constraint)
    refuse_unsupported(select, where, prologue)
    constants = {}
    if re.search(r"[?$]shapesGraph\b", select):
        constants["shapesGraph"] = f"<{SHAPES_GRAPH}>"
    if re.search(r"[?$]currentShape\b", select):
        if not isinstance(shape, URIRef):
            raise ShapesRefused(f"{where}: $currentShape is bound only for a shape with an IRI here; give the shape one")
        constants["currentShape"] = f"<{shape}>"
    select = substitute(select, constants) if constants else select
    select = _THIS.sub("?this", select)
    if focused:
        select = optional_as_not_exists(select)  # a few focus nodes: see the function's note
    prepared = (where, prologue, select, _is_flat(select), "shapesGraph" in constants,
                shapes.value(shape, SH.severity) or SH.Violation,
                [m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)])
    graph[1][(shape, constraint, focused)] = prepared
    return prepared


def _solutions(shapes: Graph, shape, constraint, store: ox.Store, only: set[str] | None, originals: dict):
    """Each result row as {variable: rdflib term}, with "this" always bound."""
    where, prologue, select, flat, shapes_graph = _prepared(shapes, shape, constraint, only is not None)[:5]
    if shapes_graph:
        _add_shapes_graph(shapes, store)
    targets = target_group(shapes, shape, only)
    if not targets:
        return
    if flat:
        runs = [(None, _query(store, prologue + open_where(select, targets), where))]
    else:
        focus = [row["this"] for row in store.query(f"SELECT ?this WHERE {{ {targets} }}")]
        template = Template(select, ("this",))
        runs = [(f, _query(store, prologue + template.fill({"this": str(f)}), where)
                 if not isinstance(f, ox.BlankNode)
                 # A blank node cannot be written in a query: bound at the top only.
                 else _query(store, prologue + select, where, {ox.Variable("this"): f}))
                for f in sorted(focus, key=str)]
    for focus_node, solutions in runs:
        variables = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {name: to_rdflib(originals.get(row[name]) or row[name]) for name in variables if row[name] is not None}
            if "this" not in bound:  # substituted, so not projected
                bound["this"] = to_rdflib(focus_node)
            yield bound


def _query(store: ox.Store, text: str, where: str, substitutions=None):
    try:
        return store.query(text, substitutions=substitutions) if substitutions else store.query(text)
    except SyntaxError as e:
        first = str(e).splitlines()[0]
        raise ShapesRefused(f"{where}: the query does not parse ({first}); check its prefixes (sh:prefixes) "
                            "and syntax") from None


SHAPES_GRAPH = "urn:medkg:shapes-graph"  # where $shapesGraph points: the shapes, as a named graph


def _add_shapes_graph(shapes: Graph, store: ox.Store) -> None:
    graph = ox.NamedNode(SHAPES_GRAPH)
    if next(iter(store.quads_for_pattern(None, None, None, graph)), None) is None:
        store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in shapes)


def _is_flat(select: str) -> bool:
    """True when the query gives the same rows with $this bound by the targets at the top (a join)
    as with SHACL's pre-binding, so that one query serves every focus node. Below the WHERE clause
    that holds for
    - a FILTER (NOT) EXISTS block, with any groups inside it: SPARQL substitutes the row's
      bindings into the whole block, at every depth, as pre-binding does;
    - an OPTIONAL block whose only groups are such blocks, in its filters: its pattern is joined on
      $this and its filters see the joined row (SPARQL's LeftJoin);
    - a plain group or UNION branch with no group inside, where $this stands in triple patterns
      only (joined on it), never in an expression or EXISTS block, which would not see the row.
    Not for a subquery anywhere (SPARQL does not bind the outer row inside one), nor for MINUS,
    GRAPH and groups holding groups. EvidenceShape-trial (a UNION inside NOT EXISTS),
    DirectLayerShape-claimed (EXISTS blocks inside an OPTIONAL) and DoseUnitShape-perDay (a UNION)
    ran once per focus node before: 4,000 of the 4,283 queries of validate --endpoint at 100k
    triples, and 3.2 and 2.5 s of a local run there (0.4 and 0.1 s joined)."""
    code = mask(select)
    if len(re.findall(r"\bSELECT\b", code, re.IGNORECASE)) > 1:
        return False
    blanked = _without_exists_blocks(code)
    opened = [m.start() for m in re.finditer(r"\{", blanked)]
    for at in opened[1:]:  # the first is the WHERE clause's
        inside = blanked[at + 1:]
        close = inside.find("}")
        if "{" in inside[:close]:
            return False  # a group inside a group
        before = re.search(r"(\w*)\s*$", blanked[:at]).group(1).upper()
        group = code[at:at + 2 + close]  # as written, EXISTS blocks included
        if before == "OPTIONAL":
            if any(_mentions_this(e) or re.search(r"\bEXISTS\b", e, re.IGNORECASE) for e in _expressions(group, "BIND")):
                return False  # a BIND is evaluated inside the OPTIONAL's group, before the join
        elif before in ("", "UNION"):
            if any(_mentions_this(e) for e in _expressions(group, "FILTER") + _expressions(group, "BIND")):
                return False
        else:
            return False  # MINUS, GRAPH, SERVICE
    return True


def _mentions_this(code: str) -> bool:
    return re.search(r"[?$]this\b", code) is not None


def _expressions(code: str, keyword: str) -> list[str]:
    """The text of each `keyword (...)` or `keyword [NOT] EXISTS {...}` in `code` (masked)."""
    found = []
    for m in re.finditer(rf"\b{keyword}\s*(?:NOT\s+)?(?:EXISTS\s*)?([({{])", code, re.IGNORECASE):
        found.append(code[m.start():_closing(code, m.start(1))])
    return found


def _closing(code: str, at: int) -> int:
    """Just past the bracket that closes the one at `at` (of the same kind), or the end."""
    opening = code[at]
    closing = {"(": ")", "{": "}"}[opening]
    depth = 0
    for i in range(at, len(code)):
        depth += 1 if code[i] == opening else -1 if code[i] == closing else 0
        if depth == 0:
            return i + 1
    return len(code)


def _without_exists_blocks(code: str) -> str:
    """`code` (masked) with each EXISTS block's braces and all within them blanked, positions kept."""
    while m := re.search(r"\bEXISTS\s*\{", code, re.IGNORECASE):
        end = _closing(code, m.end() - 1)
        code = code[:m.start()] + " " * (end - m.start()) + code[end:]
    return code


def _prologue(shapes: Graph, constraint) -> str:
    """PREFIX lines from sh:prefixes, and from the ontologies those owl:import (SHACL 5.2.1)."""
    lines, seen = [], set()
    todo = list(shapes.objects(constraint, SH.prefixes))
    while todo:
        owner = todo.pop()
        if owner in seen:
            continue
        seen.add(owner)
        for decl in shapes.objects(owner, SH.declare):
            lines.append(f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>")
        todo += list(shapes.objects(owner, OWL.imports))
    return "\n".join(sorted(set(lines))) + "\n"


def _format(template: str, names: dict) -> str:
    # As pySHACL does: {?var} and {$var} become the bound term's string form.
    for name, term in names.items():
        template = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _, term=term: str(term), template)
    return template

