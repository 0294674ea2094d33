"""Compact, sorted JSON-LD with a published @context, so the graph reads as plain JSON.

Each property gets a short key: its local name, or prefix_local where two would clash (a term of
the project's own vocabularies, medkg: then oa:, keeps the plain name) or where the name is a
prefix of the registry (`quote:` is, so medkg:quote is `medkg_quote`). IRIs are always compact
strings ("kg:baclofen"): a property with an IRI among its values is coerced to "@id" and its
literals, if any, are value objects. A property whose values share a datatype or language is
coerced to it, so most literals are bare strings. Integers written canonically are JSON numbers
(JSON-LD reads 187 back as "187"^^xsd:integer); every other literal keeps its written form as a
string ("5.0"^^xsd:decimal stays "5.0", "05"^^xsd:integer stays "05"), so the RDF reads back
term for term. The parts of a quote (the oa:SpecificResource and its two selectors) and blank
nodes are nested in the one node that points at them, as JSON-LD framing would embed them.

A key that can hold several values is always an array (`"@container": "@set"` in the context), so
a program reads `node.exactMatch` the same way whether a node has one identifier or three: `@type`
and every property except those the shapes cap at one value wherever they constrain them
(`sh:maxCount 1`: a claim's quote, a selector's offsets), which are always single values.
"""

import functools
import json
import re
from collections import Counter, defaultdict

import pyoxigraph as ox

from medkg.rdf.namespaces import MEDKG, OA, RDF, SH, XSD

RDF_TYPE = str(RDF.type)
XSD_STRING = str(XSD.string)
XSD_INTEGER = str(XSD.integer)
CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
# Nodes that belong to the one node pointing at them: a claim's quote and its selectors.
NESTED_TYPES = {str(OA.SpecificResource), str(OA.TextPositionSelector), str(OA.TextQuoteSelector)}
# Who keeps the plain key when two properties share a local name.
PLAIN_NAME_FIRST = (str(MEDKG), str(OA))
# Keys named for what they hold rather than by the IRI's local name: medkg:certainty rates the
# article's wording, not the evidence (medkg:evidenceBasis), and a reader takes "certainty" for the latter.
RENAMED = {str(MEDKG.certainty): "articleWording"}


@functools.cache
def single_valued() -> frozenset[str]:
    """The properties the shapes cap at one value (a property shape on the path says sh:maxCount 1,
    none allows more). Everything else can hold several, and is written as an array."""
    from medkg.io.parse import load_shapes  # the shapes, once per process

    triples = load_shapes().triples
    cap = {t.subject: int(t.object.value) for t in triples if t.predicate.value == str(SH.maxCount)}
    paths: dict[str, bool] = {}
    for t in triples:
        if t.predicate.value == str(SH.path) and isinstance(t.object, ox.NamedNode) and t.subject in cap:
            paths[t.object.value] = paths.get(t.object.value, True) and cap[t.subject] == 1
    return frozenset(iri for iri, one in paths.items() if one)


def context(triples: list[ox.Triple], registry: dict[str, str], single: frozenset[str] | None = None) -> dict:
    """`single`: the properties written as one value (default: single_valued(), from the shapes)."""
    single = single_valued() if single is None else single
    ctx: dict = dict(sorted(registry.items()))
    kinds = defaultdict(set)
    counts = Counter()
    for t in triples:
        if t.predicate.value != RDF_TYPE:
            kinds[t.predicate.value].add(_kind(t.object))
            counts[(t.subject, t.predicate.value)] += 1
    # A property capped at one value for some nodes (a claim's document) may hold several on others
    # (a note's sources): where the data has a node with two, it is an array everywhere.
    single = single - {p for (_, p), n in counts.items() if n > 1}
    names = _short_names(sorted(kinds), registry)
    for iri, key in names.items():
        definition = {"@id": _curie(iri, registry)}
        [kind] = kinds[iri] if len(kinds[iri]) == 1 else ["@id"] if "@id" in kinds[iri] else [None]
        if kind == "@id":
            definition["@type"] = "@id"
        elif kind and kind.startswith("@"):
            definition["@language"] = kind[1:]
        elif kind and kind != XSD_STRING:
            definition["@type"] = _curie(kind, registry)
        if iri not in single:
            definition["@container"] = "@set"
        ctx[key] = definition
    return ctx


def document(triples: list[ox.Triple], ctx: dict) -> str:
    """A JSON-LD document with the context inline, one node per subject (quote parts and blank
    nodes nested in their one referrer), all sorted."""
    keys = {v["@id"]: k for k, v in ctx.items() if isinstance(v, dict)}
    registry = {k: v for k, v in ctx.items() if isinstance(v, str)}
    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(_ref(t.subject, registry), {"@id": _ref(t.subject, registry)})
        if t.predicate.value == RDF_TYPE:
            node.setdefault("@type", []).append(_ref(t.object, registry))
            continue
        key = keys[_curie(t.predicate.value, registry)]
        node.setdefault(key, []).append(_value(t.object, ctx[key], registry))
    nested = _nested(triples, registry)
    singles = frozenset(k for k, v in ctx.items() if isinstance(v, dict) and v.get("@container") != "@set")
    graph = [_finish(nodes[node_id], nodes, nested, set(), singles) for node_id in sorted(nodes) if node_id not in nested]
    return json.dumps({"@context": ctx, "@graph": graph}, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _nested(triples: list[ox.Triple], registry: dict) -> set[str]:
    """The nodes written inside their referrer: quote parts and blank nodes pointed at exactly once."""
    referrers = Counter(_ref(t.object, registry) for t in triples
                        if isinstance(t.object, (ox.NamedNode, ox.BlankNode)) and t.predicate.value != RDF_TYPE)
    candidates = {_ref(t.subject, registry) for t in triples
                  if isinstance(t.subject, ox.BlankNode)
                  or (t.predicate.value == RDF_TYPE and t.object.value in NESTED_TYPES)}
    return {ref for ref in candidates if referrers[ref] == 1}


def _finish(node: dict, nodes: dict, nested: set[str], open_: set[str], singles: frozenset[str]) -> dict:
    """The node with sorted keys and values, and each nested node written in place of its reference.
    `singles`: the keys written as one value; every other key (and @type) is an array."""
    open_ = open_ | {node["@id"]}  # a cycle of blank nodes stays a reference, never recursion
    out = {}
    for key in sorted(node):
        values = node[key]
        if not isinstance(values, list):
            out[key] = values
            continue
        values = [_finish(nodes[ref], nodes, nested, open_, singles) if (ref := _reference(v)) in nested and ref not in open_
                  else v for v in values]
        values = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out[key] = values[0] if len(values) == 1 and key in singles else values
    return out


def _reference(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"@id"}:
        return value["@id"]
    return None


def _kind(term) -> str:
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return "@id"
    if term.language:
        return "@" + term.language
    return term.datatype.value


def _value(term, definition: dict, registry: dict):
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        ref = _ref(term, registry)
        return ref if definition.get("@type") == "@id" else {"@id": ref}
    coerced_language = definition.get("@language")
    coerced_type = definition.get("@type")
    if term.language:
        return term.value if coerced_language == term.language else {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value if not coerced_type and not coerced_language else {"@value": term.value}
    if term.datatype.value == XSD_INTEGER and CANONICAL_INTEGER.fullmatch(term.value) and term.value != "-0":
        number = int(term.value)
        return number if coerced_type == "xsd:integer" else {"@value": number, "@type": "xsd:integer"}
    datatype = _curie(term.datatype.value, registry)
    return term.value if coerced_type == datatype else {"@value": term.value, "@type": datatype}


def _short_names(iris: list[str], registry: dict) -> dict[str, str]:
    by_name = defaultdict(list)
    for iri in iris:
        by_name[_local(iri)].append(iri)
    names = {}
    for name, owners in by_name.items():
        keeper = owners[0] if len(owners) == 1 else _plain_owner(owners)
        for iri in owners:
            plain = name and name not in registry and iri == keeper
            names[iri] = RENAMED.get(iri) or (name if plain else _curie(iri, registry).replace(":", "_"))
    return names


def _plain_owner(iris: list[str]) -> str | None:
    """Which of several properties sharing a local name keeps it plain: the one in the first of the
    project's vocabularies that holds exactly one of them (medkg:quote over a dcterms:quote)."""
    for namespace in PLAIN_NAME_FIRST:
        inside = [iri for iri in iris if iri.startswith(namespace)]
        if inside:
            return inside[0] if len(inside) == 1 else None
    return None


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _curie(iri: str, registry: dict) -> str:
    return _compact(iri, tuple(registry.items()))


@functools.lru_cache(maxsize=1 << 18)  # an IRI is compacted once per document, not once per use
def _compact(iri: str, items: tuple) -> str:
    for prefix, namespace in _longest_first(items):
        if iri.startswith(namespace) and ":" not in iri[len(namespace):] and iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@functools.lru_cache(maxsize=8)
def _longest_first(items: tuple) -> tuple:
    """The registry's namespaces, longest first (sorted once per registry, not once per IRI)."""
    return tuple(sorted(items, key=lambda kv: -len(kv[1])))


def _ref(term, registry: dict) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return _curie(term.value, registry)
