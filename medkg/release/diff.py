"""`medkg diff OLD NEW`: what a curator changed, in the graph's own terms.

OLD and NEW are each a Turtle file, a folder, or a git revision (of data/). Shipped data has no
blank nodes, so every node is named by its IRI and the two versions compare as plain sets of
triples; a changed file with blank nodes is refused, because its nodes could not be matched
(blank nodes in a file both versions hold byte for byte change nothing). The CLI's `compare`
reads only what the edit touched; `diff(side(OLD), side(NEW))` reads everything, and the tests
hold the two to the same answer.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from medkg.errors import InputError
from medkg.io.parse import collect, load_ontology
from medkg.project_files import DATA_DIR
from medkg.query.render import readable
from medkg.query.results import from_oxigraph
from medkg.rdf.namespaces import KG, MEDKG, OA, RDF, RDFS, SKOS
from medkg.validate.changed_nodes import files_at, repo_root

ENTITY = str(KG)
MAPPINGS = {SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")}
# The fields of a claim a curator edits, by the property that holds them.
FIELDS = {
    RDF + "type": "status", MEDKG + "certainty": "article wording", MEDKG + "evidenceBasis": "evidence",
    MEDKG + "evidenceSource": "evidence source", MEDKG + "creditedSource": "source",
    RDF + "subject": "subject", RDF + "predicate": "predicate", RDF + "object": "object",
    OA + "exact": "quote", OA + "start": "quote start", OA + "end": "quote end",
}


@dataclass
class Diff:
    claims_added: list[str] = field(default_factory=list)
    claims_removed: list[str] = field(default_factory=list)
    claims_changed: dict[str, list[dict]] = field(default_factory=dict)
    entities_added: list[str] = field(default_factory=list)
    entities_removed: list[str] = field(default_factory=list)
    identifiers_changed: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    triples_added: list[str] = field(default_factory=list)
    triples_removed: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not any(vars(self).values())


def side(spec: str) -> set:
    """A version's every statement: a file or folder of Turtle, or a git revision of data/."""
    v = version(spec)
    return _parse_side(v, sorted(v.files))


@dataclass
class Version:
    """One side of a diff as files: their bytes by name (relative to the side's folder), read but
    not parsed, so that the files both sides hold byte for byte need not be parsed at all."""

    spec: str
    files: dict[str, bytes]


def version(spec: str) -> Version:
    """A version: a file or folder of Turtle, or a git revision of data/."""
    path = Path(spec)
    if path.exists():
        root = path if path.is_dir() else path.parent
        return Version(spec, {str(f.relative_to(root)): f.read_bytes() for f in collect([path])})
    try:
        return Version(spec, files_at(repo_root(DATA_DIR), spec, DATA_DIR))
    except InputError as e:
        raise InputError(f"{spec}: neither a file, a folder, nor a git revision ({e})") from None


# The links that tie a claim to its parts (diff reads a claim's quote and selectors with it).
_PARTS = (ox.NamedNode(MEDKG.quote), ox.NamedNode(OA.hasSelector))


def compare(old: Version, new: Version) -> Diff:
    """The diff of two versions, with work in proportion to the edit, not the graph: the same
    answer as diff(side(old), side(new)) (a test compares them).

    Only files whose bytes differ are parsed. A triple that left one of them may still stand in
    a file both sides share, and a changed claim's quote may be written in another file: so the
    shared files that name a node the edit touched (its local name, as text) are read too, into
    both sides, until the claims around those nodes are whole."""
    changed = sorted(n for n in old.files.keys() | new.files.keys() if old.files.get(n) != new.files.get(n))
    shared = {n: old.files[n] for n in old.files.keys() & new.files.keys() if old.files[n] == new.files[n]}
    old_part = _parse_side(old, changed)
    new_part = _parse_side(new, changed)
    # Without backslashes, escaped local names (kg:a\-b) read as written; a file with \u escapes
    # in its IRIs could hide a name, so it is always read.
    searchable = {n: text.replace(b"\\", b"") for n, text in shared.items()}
    to_read = {n for n, text in shared.items() if b"\\u" in text or b"\\U" in text}
    nodes = {t.subject for t in old_part ^ new_part}
    searched: set[bytes] = set()
    included: set[str] = set()
    while True:
        names = {_local(n) for n in nodes} - searched
        if any(len(name) < 3 for name in names):
            to_read |= set(shared)  # a name too short to search for: read everything
        searched |= names
        to_read |= {n for n, text in searchable.items() if n not in included and any(x in text for x in names)}
        for name in sorted(to_read - included):
            statements = _parse(shared[name], name, new.spec)
            old_part |= statements
            new_part |= statements
            included.add(name)
        both = old_part | new_part
        grown = nodes | {t.subject for t in both if t.predicate in _PARTS and t.object in nodes} | {
            t.object for t in both if t.predicate in _PARTS and t.subject in nodes}
        if grown == nodes and to_read <= included:
            return diff(old_part, new_part)
        nodes = grown


def _local(node) -> bytes:
    """The part of an IRI a Turtle file must spell out, however it abbreviates the rest."""
    value = node.value
    return value[max(value.rfind("/"), value.rfind("#")) + 1:].encode("utf-8")


def _parse_side(version: Version, names: list[str]) -> set:
    statements = set()
    for name in names:
        if name in version.files:
            statements |= _parse(version.files[name], name, version.spec)
    blank = [t for t in statements if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    if blank:
        raise InputError(
            f"{version.spec}: {len(blank)} triple(s) use blank nodes, which two versions cannot match up; "
            "medkg diff compares data whose every node has an IRI"
        )
    return statements


def _parse(content: bytes, name: str, spec: str) -> set:
    try:
        return set(ox.parse(content, format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise InputError(f"{name} in {spec}:{e.lineno}:{e.offset}: does not parse ({e.msg})") from None


def diff(old: set[ox.Triple], new: set[ox.Triple]) -> Diff:
    ontology = load_ontology().rdflib_graph()
    claim_kinds = {str(c) for c in ontology.transitive_subjects(RDFS.subClassOf, URIRef(MEDKG + "Claim"))}
    result = Diff()
    # Each side indexed once by subject: scanning every triple per claim and per entity was
    # quadratic (75 s at 31k triples).
    index_old, index_new = _by_subject(old), _by_subject(new)
    parts_old, parts_new = _claim_parts(old, claim_kinds), _claim_parts(new, claim_kinds)
    members_old, members_new = _members(parts_old), _members(parts_new)
    claims_old, claims_new = set(members_old), set(members_new)
    result.claims_added = sorted(_name(c) for c in claims_new - claims_old)
    result.claims_removed = sorted(_name(c) for c in claims_old - claims_new)
    for claim in sorted(claims_old & claims_new, key=str):
        raw_old, raw_new = _raw(index_old, members_old[claim], claim), _raw(index_new, members_new[claim], claim)
        if raw_old == raw_new:
            continue  # most claims: compared as terms, written out only when they differ
        before, after = _fields(raw_old), _fields(raw_new)
        changes = [
            {"field": f, "old": sorted(before.get(f, [])), "new": sorted(after.get(f, []))}
            for f in sorted(set(before) | set(after)) if before.get(f) != after.get(f)
        ]
        if changes:
            result.claims_changed[_name(claim)] = changes
    ents_old, ents_new = _entities(old), _entities(new)
    result.entities_added = sorted(_name(e) for e in ents_new - ents_old)
    result.entities_removed = sorted(_name(e) for e in ents_old - ents_new)
    for entity in sorted(ents_old & ents_new, key=str):
        ids_old = {_term(t.object) for t in index_old[entity] if t.predicate.value in MAPPINGS}
        ids_new = {_term(t.object) for t in index_new[entity] if t.predicate.value in MAPPINGS}
        if ids_old != ids_new:
            result.identifiers_changed[_name(entity)] = {"added": sorted(ids_new - ids_old), "removed": sorted(ids_old - ids_new)}
    # Everything else that changed, triple by triple: direct-layer triples, labels, notes, ...
    explained = set(parts_old) | set(parts_new) | (ents_old ^ ents_new)
    for triples, into in ((new - old, result.triples_added), (old - new, result.triples_removed)):
        into.extend(sorted(
            _triple(t) for t in triples
            if t.subject not in explained and not (t.predicate.value in MAPPINGS and t.subject in ents_old & ents_new)
        ))
    return result


def render(d: Diff, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(vars(d), indent=2, ensure_ascii=False) + "\n"
    if d.empty():
        return "No differences.\n"
    out = []

    def section(title, items):
        if items:
            out.append(f"{title} ({len(items)}):")
            out.extend(f"  {item}" for item in items)
            out.append("")

    section("Claims added", d.claims_added)
    section("Claims removed", d.claims_removed)
    section("Claims changed", [
        f"{claim}: " + "; ".join(f"{c['field']} {' '.join(c['old']) or '(none)'} -> {' '.join(c['new']) or '(none)'}" for c in changes)
        for claim, changes in d.claims_changed.items()
    ])
    section("Entities added", d.entities_added)
    section("Entities removed", d.entities_removed)
    section("Identifiers changed", [
        f"{e}: " + ", ".join([f"+{i}" for i in c["added"]] + [f"-{i}" for i in c["removed"]])
        for e, c in d.identifiers_changed.items()
    ])
    section("Other triples added (not part of a claim)", d.triples_added)
    section("Other triples removed (not part of a claim)", d.triples_removed)
    return "\n".join(out)


def _claim_parts(triples, claim_kinds) -> dict:
    """Each node that belongs to a claim (the claim, its quote, the quote's selectors) -> the claim."""
    claims = {t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value in claim_kinds}
    parts = {c: c for c in claims}
    quotes = {t.object: t.subject for t in triples if t.subject in claims and t.predicate.value == MEDKG + "quote"}
    parts.update(quotes)
    parts.update({t.object: quotes[t.subject] for t in triples if t.subject in quotes and t.predicate.value == OA + "hasSelector"})
    return parts


def _by_subject(triples) -> dict:
    index = defaultdict(list)
    for t in triples:
        index[t.subject].append(t)
    return index


def _members(parts: dict) -> dict:
    """Each claim -> the nodes that belong to it (itself, its quote, the selectors)."""
    members = defaultdict(list)
    for node, claim in parts.items():
        members[claim].append(node)
    return members


def _raw(index, nodes, claim) -> set:
    """A claim's fields as (predicate, object) terms, across the claim, its quote and selectors."""
    out = set()
    for node in nodes:
        for t in index.get(node, ()):
            if t.predicate.value in (MEDKG + "quote", OA + "hasSelector", OA + "hasSource"):
                continue
            if t.predicate.value == RDF + "type" and t.subject != claim:
                continue  # the selectors' own types
            out.add((t.predicate, t.object))
    return out


def _fields(raw: set) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for predicate, value in raw:
        name = FIELDS.get(predicate.value) or readable(from_oxigraph(predicate))
        out.setdefault(name, []).append(_term(value))
    return {k: sorted(v) for k, v in out.items()}


def _entities(triples) -> set:
    return {t.subject for t in triples if t.predicate.value == RDF + "type" and t.subject.value.startswith(ENTITY)}


def _name(term) -> str:
    return readable(from_oxigraph(term))


def _term(term) -> str:
    if isinstance(term, ox.Literal):
        return json.dumps(term.value, ensure_ascii=False) + (f"@{term.language}" if term.language else "")
    return _name(term)


def _triple(t: ox.Triple) -> str:
    return f"{_name(t.subject)} {_name(t.predicate)} {_term(t.object)}"


