"""What the drug's page answers, read from the catalogue's own queries (uses, risks): the page
and `medkg query` can never disagree, because they are the same query on the same graph.

Rows are grouped per claim or note: the queries give one row per context, correction or note."""

from dataclasses import dataclass, field

import pyoxigraph as ox

from medkg.io.parse import Source
from medkg.query import catalogue
from medkg.query.results import from_oxigraph_solutions
from medkg.query.run import local_store
from medkg.site.graph import page_path


@dataclass
class Answer:
    """One use or risk as a clinician reads it: a row of the drug page's tables."""
    node: str  # the claim (or, for a boxed warning, the curator note) it comes from
    href: str | None
    what: str  # the condition or risk
    what_href: str | None
    status: str
    evidence: str
    evidence_source: str
    wording: str  # how firmly the article words it; empty when the article does not say it
    words: str  # the article's quote, or the label's words
    contexts: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    label_text: str = ""
    disputed_by: list[str] = field(default_factory=list)  # the article's own words against the use
    must_avoid: str = ""
    for_whom: str = ""


def store(data: Source, ontology: Source) -> ox.Store:
    return local_store(data.triples + ontology.triples)


def caveats(store: ox.Store) -> dict[str, list[str]]:
    """The article's own words against each off-label or investigational use ("many disagree",
    "more studies need to be done"), by claim: the off-label-uses answer, asked once per site."""
    out: dict[str, list[str]] = {}
    for r in _rows(store, "off-label-uses", {}):
        if r["caveat"] and r["caveat"] not in out.setdefault(r["claim"], []):
            out[r["claim"]].append(r["caveat"])
    return out


def _rows(store: ox.Store, name: str, params: dict[str, str]) -> list[dict[str, str]]:
    # The catalogue's own text, run as `medkg query` runs it but without the parser's check for
    # SERVICE and updates (medkg/rdf/sparql_parse.py): that check guards a reader's query, costs
    # ~40 ms a query in rdflib, and a site of many drugs asks these two per drug page. The catalogue
    # is checked by the tests; the parameter is bound as an RDF term (catalogue.bind), never pasted.
    query = catalogue.resolve(name)
    found = from_oxigraph_solutions(store.query(catalogue.with_registry_prefixes(catalogue.bind(query, params))))
    return [{v: (t.value if t else "") for v, t in zip(found.variables, row, strict=True)} for row in found.rows]


def uses(store: ox.Store, drug: str, caveats: dict[str, list[str]]) -> list[Answer]:
    """The `uses` answer for one drug, labelled uses first (the query's order); `caveats` from caveats()."""
    out: dict[str, Answer] = {}
    for r in _rows(store, "uses", {"drug": drug}):
        a = out.get(r["claim"]) or out.setdefault(r["claim"], Answer(
            node=r["claim"], href=page_path(r["claim"]), what=r["conditionLabel"], what_href=page_path(r["condition"]),
            status=r["status"], evidence=r["evidence"], evidence_source=r["evidenceSource"],
            wording=r["articleWording"], words=r["quote"], label_text=r["labelText"]))
        for extra, into in ((r["context"], a.contexts), (r["route"], a.contexts), (r["scope"], a.contexts),
                            (r["curatorNote"], a.corrections)):
            if extra and extra not in into:
                into.append(extra)
    for claim, a in out.items():
        a.disputed_by = caveats.get(claim, [])
    return list(out.values())


def risks(store: ox.Store, article: str) -> list[Answer]:
    """The `risks` answer for one article: the US boxed warnings first, then the risks it states."""
    out: dict[str, Answer] = {}
    for r in _rows(store, "risks", {"article": article}):
        a = out.get(r["source"]) or out.setdefault(r["source"], Answer(
            node=r["source"], href=page_path(r["source"]), what=r["effectLabel"], what_href=page_path(r["effect"]),
            status=r["status"], evidence=r["evidence"], evidence_source="", wording=r["articleWording"],
            words=r["words"], must_avoid=r["mustAvoid"], for_whom=r["forWhom"]))
        for extra, into in ((r["when"], a.contexts), (r["curatorNote"], a.corrections)):
            if extra and extra not in into:
                into.append(extra)
    return list(out.values())
