"""Compact, sorted JSON-LD with a published @context, so the graph reads as plain JSON.

Each property gets a short key (its local name, or prefix_local where two would clash); a
property whose values are all IRIs is coerced to "@id", one whose values all share a datatype or
language is coerced to it, so most values are bare strings. Lexical forms are kept as strings
("5.0" stays "5.0"), never turned into JSON numbers.
"""

import json
from collections import defaultdict

import pyoxigraph as ox

from medkg.rdf.namespaces import RDF, XSD

RDF_TYPE = str(RDF.type)
XSD_STRING = str(XSD.string)


def context(triples: list[ox.Triple], registry: dict[str, str]) -> dict:
    ctx: dict = dict(sorted(registry.items()))
    kinds = defaultdict(set)
    for t in triples:
        if t.predicate.value != RDF_TYPE:
            kinds[t.predicate.value].add(_kind(t.object))
    names = _short_names(sorted(kinds), registry)
    for iri, key in names.items():
        definition = {"@id": _curie(iri, registry)}
        [kind] = kinds[iri] if len(kinds[iri]) == 1 else [None]
        if kind == "@id":
            definition["@type"] = "@id"
        elif kind and kind.startswith("@"):
            definition["@language"] = kind[1:]
        elif kind and kind != XSD_STRING:
            definition["@type"] = _curie(kind, registry)
        ctx[key] = definition
    return ctx


def document(triples: list[ox.Triple], ctx: dict) -> str:
    """A JSON-LD document with the context inline and one node per subject, all sorted."""
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
    graph = []
    for node_id in sorted(nodes):
        node = nodes[node_id]
        out = {}
        for key in sorted(node):
            values = node[key]
            if isinstance(values, list):
                values = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
                out[key] = values[0] if len(values) == 1 else values
            else:
                out[key] = values
        graph.append(out)
    return json.dumps({"@context": ctx, "@graph": graph}, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


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
    datatype = _curie(term.datatype.value, registry)
    return term.value if coerced_type == datatype else {"@value": term.value, "@type": datatype}


def _short_names(iris: list[str], registry: dict) -> dict[str, str]:
    local = {iri: _local(iri) for iri in iris}
    counts = defaultdict(int)
    for name in local.values():
        counts[name] += 1
    names = {}
    for iri, name in local.items():
        if counts[name] > 1 or name in registry or not name:
            name = _curie(iri, registry).replace(":", "_")
        names[iri] = name
    return names


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _curie(iri: str, registry: dict) -> str:
    for prefix, namespace in sorted(registry.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and ":" not in iri[len(namespace):] and iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _ref(term, registry: dict) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return _curie(term.value, registry)
