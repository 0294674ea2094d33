"""What a page says about a claim or a curator note, in words: the records the templates render.

Everything is read from the graph (labels, not IRIs); nothing here knows the article."""

from dataclasses import dataclass, field

import pyoxigraph as ox

from medkg.rdf.namespaces import MEDKG, OA, PROV, RDF, RDFS, SCHEMA, SKOS
from medkg.rdf.prefixes import compact
from medkg.site.graph import SiteGraph, page_path

# Kinds drawn alike on the article page and in the drug's picture (CSS class k-<family>).
FAMILY = {
    "LabelledUseClaim": "use", "StatedUseClaim": "use", "InvestigationalUseClaim": "use",
    "OffLabelUseClaim": "off-label", "ControversyClaim": "off-label",
    "HistoricalUseClaim": "historical",
    "RiskClaim": "risk", "SafetyClaim": "risk",
    "InteractionClaim": "interaction",
    "FormulationClaim": "form", "DosageClaim": "form",
    "DrugClassClaim": "class", "MechanismClaim": "class", "NegativeClaim": "class",
    "StudyClaim": "study", "StudyFindingClaim": "study",
}
FAMILY_LABELS = {
    "use": "uses", "off-label": "off-label and contested uses", "historical": "historical uses",
    "risk": "risks and safety", "interaction": "interactions", "form": "forms and dosage",
    "class": "class and mechanism", "study": "the study it cites",
}
CORRECTING = {str(MEDKG.Correction), str(MEDKG.LabelFact)}  # notes that correct or qualify a claim


@dataclass
class Link:
    text: str
    href: str | None  # relative to the site root; None: no page
    iri: str


@dataclass
class Note:
    node: ox.NamedNode
    slug: str
    label: str
    kind: str
    kind_iri: str
    comment: str
    label_text: str
    authority: list[Link]
    corrects: bool


@dataclass
class Claim:
    node: ox.NamedNode
    slug: str
    label: str
    kind: str
    kind_iri: str
    kind_definition: str
    family: str
    certainty: str
    certainty_rank: int
    certainty_definition: str
    subject: Link
    predicate: Link
    obj: Link
    scope: str
    source: Link | None
    evidence: Link | None  # the ECO evidence type: who asserted the claim, on what
    evidence_basis: str  # what stands behind it in the record (medkg:evidenceBasis), in words
    evidence_basis_definition: str
    evidence_source: Link | None
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    notes: list[Note] = field(default_factory=list)
    sparql: str = ""
    article: str = ""  # the IRI of the document it is derived from
    article_href: str = ""  # its annotated page

    @property
    def corrected(self) -> bool:
        return any(n.corrects for n in self.notes)


def slug(node: ox.NamedNode) -> str:
    """The last path segment of an IRI: unique within its namespace, usable as an HTML id."""
    return node.value.rstrip("/").rsplit("/", 1)[-1]


def link(g: SiteGraph, term) -> Link:
    if isinstance(term, ox.Literal):
        return Link(term.value, None, "")
    iri = term.value if isinstance(term, ox.NamedNode) else ""
    href = page_path(iri) if iri else None
    text = g.label(term)
    if href is None and iri.startswith(("http://", "https://")):
        href = iri  # an external identifier: its resolver
        text = text.strip("<>")  # no prefix of the registry: the IRI itself
    return Link(text, href, iri)


def notes_about(g: SiteGraph, node) -> list[Note]:
    found = []
    for t in g.into[node]:
        if t.predicate.value == str(SCHEMA.about) and g.is_note(t.subject):
            found.append(note(g, t.subject))
    return sorted(found, key=lambda n: (not n.corrects, n.kind, n.slug))


def note(g: SiteGraph, node) -> Note:
    kind = g.kind(node)
    return Note(
        node=node, slug=slug(node), label=g.label(node), kind=g.label(kind), kind_iri=kind.value,
        comment=g.text(node, RDFS.comment), label_text=g.text(node, MEDKG.labelText),
        authority=[link(g, s) for s in g.values(node, PROV.wasDerivedFrom)],
        corrects=kind.value in CORRECTING,
    )


def claim(g: SiteGraph, node) -> Claim:
    kind = g.kind(node)
    certainty = g.value(node, MEDKG.certainty)
    quote = g.value(node, MEDKG.quote)
    exact = prefix = suffix = ""
    start = end = -1
    for selector in g.values(quote, OA.hasSelector) if quote is not None else []:
        if g.value(selector, OA.exact) is not None:
            exact, prefix, suffix = (g.text(selector, p) for p in (OA.exact, OA.prefix, OA.suffix))
        if g.value(selector, OA.start) is not None:
            start, end = int(g.text(selector, OA.start)), int(g.text(selector, OA.end))
    source = g.value(node, MEDKG.creditedSource)
    evidence = g.value(node, MEDKG.evidenceType)
    basis = g.value(node, MEDKG.evidenceBasis)
    basis_source = g.value(node, MEDKG.evidenceSource)
    rank = g.value(certainty, MEDKG.rank) if certainty is not None else None
    return Claim(
        node=node, slug=slug(node), label=g.label(node), kind=g.label(kind), kind_iri=kind.value,
        kind_definition=g.text(kind, SKOS.definition), family=FAMILY.get(kind.value.rsplit("#", 1)[-1], "other"),
        certainty=g.label(certainty) if certainty is not None else "",
        certainty_rank=int(rank.value) if rank is not None else 0,
        certainty_definition=g.text(certainty, SKOS.definition) if certainty is not None else "",
        subject=link(g, g.value(node, RDF.subject)), predicate=link(g, g.value(node, RDF.predicate)),
        obj=link(g, g.value(node, RDF.object)), scope=g.text(node, MEDKG.statedScope),
        source=link(g, source) if source is not None else None,
        evidence=Link(f"{g.label(evidence)} ({compact(evidence.value)})", evidence.value, evidence.value) if evidence is not None else None,
        evidence_basis=g.label(basis) if basis is not None else "",
        evidence_basis_definition=g.text(basis, SKOS.definition) if basis is not None else "",
        evidence_source=link(g, basis_source) if basis_source is not None else None,
        quote=exact, prefix=prefix, suffix=suffix, start=start, end=end,
        notes=notes_about(g, node), sparql=fetch_query(node),
        article=g.text(node, PROV.wasDerivedFrom), article_href=page_path(g.text(node, PROV.wasDerivedFrom)) or "",
    )


def fetch_query(node: ox.NamedNode) -> str:
    """The SPARQL that fetches a claim with its quote, for a reader to copy."""
    return (
        f"PREFIX medkg: <{MEDKG}>\n"
        f"PREFIX oa: <{OA}>\n"
        "SELECT ?property ?value ?exact WHERE {\n"
        f"  <{node.value}> ?property ?value .\n"
        f"  OPTIONAL {{ <{node.value}> medkg:quote/oa:hasSelector/oa:exact ?exact }}\n"
        "}"
    )


def all_claims(g: SiteGraph) -> list[Claim]:
    nodes = [s for s in g.data_subjects if isinstance(s, ox.NamedNode) and g.is_claim(s)]
    return sorted((claim(g, n) for n in nodes), key=lambda c: (c.start, c.end, c.slug))
