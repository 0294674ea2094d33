"""`medkg site`: a static site from the graph, for people: the annotated article, a page per entity,
claim, curator note and every other IRI the project mints (each with its RDF beside it as .ttl and
.jsonld), the vocabulary, what the validator checks, the query catalogue and an index.

Byte-stable like the releases: no clock, every list sorted, the release files written with the
release date rule (SOURCE_DATE_EPOCH, else the last commit's date). Links are relative, so the
site works from any static host or straight from disk. Written beside the target and swapped in
whole (medkg/io/folders.py); a folder that is not a medkg site is never replaced."""

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from medkg import __version__
from medkg.errors import InputError
from medkg.io.folders import refuse_unless_output, replace
from medkg.io.parse import Source, load, load_data, load_ontology
from medkg.project_files import ROOT, SHAPES_DIR
from medkg.query import catalogue, summary, vocab
from medkg.rdf import minted
from medkg.rdf.namespaces import DCTERMS, MEDKG, OA, RDF, RDFS, SCHEMA, SH, SKOS
from medkg.rdf.prefixes import compact
from medkg.release import export
from medkg.site import answers, article, chart, describe
from medkg.site.claims import FAMILY_LABELS, all_claims, link, note, notes_about
from medkg.site.graph import SiteGraph, page_path
from medkg.validate import qc

HERE = Path(__file__).parent
SITE = ROOT / "site"
MARKER = ".medkg-site"  # what makes a folder one this command may replace
LICENCE = "Data CC BY 4.0, ontology and shapes CC0 1.0, medkg contributors. The article's words remain its publisher's."
MATCHES = {str(SKOS.exactMatch): "exact match", str(SKOS.closeMatch): "close match",
           str(SKOS.broadMatch): "broader term", str(SKOS.narrowMatch): "narrower term"}
# Properties an entity page shows in its list of names and identifiers, not again among its facts.
SHOWN = {str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(SKOS.hiddenLabel), str(SKOS.definition),
         str(MEDKG.unmappedReason), *MATCHES}


@dataclass
class Built:
    folder: Path
    pages: int  # HTML pages
    files: int  # every file written
    bytes: int
    notes: list[str] = field(default_factory=list)  # for the user: stale staging folders removed


def build(target: Path = SITE, data_paths: list[Path] | None = None) -> Built:
    target = Path(os.path.abspath(target))
    notes: list[str] = []
    built = replace(target, lambda staging: _write(staging, load_data(data_paths), load_ontology(), data_paths),
                    _refuse_unless_site, notes)
    return Built(target, built.pages, built.files, built.bytes, notes)


def _refuse_unless_site(target: Path) -> None:
    refuse_unless_output(target, "folder", "site")
    if target.exists() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise InputError(f"{target}: refusing to replace a folder that is not a medkg site (it has no {MARKER}); "
                         "choose a new or empty folder with -o")


class _Writer:
    """Writes files under one folder, and nowhere else whatever a path says: a page's path comes
    from an IRI in the data, which validation checks but a hostile file may not have been through."""

    def __init__(self, folder: Path):
        self.folder, self.pages, self.files, self.bytes = folder, 0, 0, 0
        self.root = folder.resolve()
        self.made: set[Path] = set()

    def write(self, path: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        out = self._inside(path)
        try:
            if out.parent not in self.made:
                out.parent.mkdir(parents=True, exist_ok=True)
                self.made.add(out.parent)
            out.write_bytes(data)
        except OSError as e:  # a name too long for the file system, a full disk: one line, not a traceback
            raise InputError(f"{path[:80]}: cannot write it in the site folder ({e.strerror or e})") from None
        self.files += 1
        self.bytes += len(data)
        self.pages += path.endswith(".html")

    def _inside(self, path: str) -> Path:
        """The file for a relative path of plain segments, checked again once resolved (a link in
        the folder must not lead out of it); InputError otherwise."""
        parts = path.split("/")
        if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts) or os.path.isabs(path):
            raise InputError(f"{path!r}: not a plain path inside the site folder; refusing to write it")
        out = self.folder / path
        resolved = out.parent.resolve() / out.name
        if not resolved.is_relative_to(self.root) or out.is_symlink():
            raise InputError(f"{path!r}: leads out of the site folder ({resolved}); refusing to write it")
        return out


def _write(folder: Path, data: Source, ontology: Source, data_paths) -> _Writer:
    """The whole site into `folder`, step by step; the writer's counts."""
    site = _Pages(folder, SiteGraph(data.triples, ontology.triples))
    claims = _Claims(site.g)
    articles = _article_pages(site, claims)
    _node_pages(site, claims, articles, data, ontology)
    _reference_pages(site)
    files, canonical = _release(folder / "release", data_paths)
    site.out.files += len(files)
    site.out.bytes += sum(size for _, size, _ in files)
    site.page("index.html", "index.html", title="medkg", **_index(site.g, data, ontology, site.drug, articles.nodes),
              files=files, canonical=canonical, version=__version__)
    _static_files(site.out)
    return site.out


class _Pages:
    """The templates, the writer, and what every page shows (the licence, the links to the drug and
    the article in its header)."""

    def __init__(self, folder: Path, g: SiteGraph):
        self.g = g
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False,
                                      undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        self.out = _Writer(folder)
        self.levels = _levels(g)  # the certainty scale, for the article's key and the drug's picture
        self.drug = next(iter(sorted((s for s in g.data_subjects if str(SCHEMA.Drug) in g.types(s)), key=str)), None)
        self.common = {"licence_line": LICENCE, "drug_href": page_path(self.drug.value) if self.drug else "index.html"}

    def page(self, path: str, template: str, iri: str = "", **values) -> None:
        depth = path.count("/")
        root = "../" * depth
        rdf = path.rsplit("/", 1)[-1].removesuffix(".html") if iri else ""
        html = self.env.get_template(template).render(root=root, iri=iri, rdf=rdf, **self.common, **values)
        self.out.write(path, html)


class _Claims:
    """Every claim, found by its node, by its article (in article order, numbered there) and by the
    entities it is about, so that no page scans every claim."""

    def __init__(self, g: SiteGraph):
        self.all = all_claims(g)
        self.by_node = {c.node: c for c in self.all}
        self.by_article: dict = {}
        for c in self.all:
            self.by_article.setdefault(c.article, []).append(c)
        self.numbers = {c.slug: i for mine in self.by_article.values() for i, c in enumerate(mine, start=1)}
        self.about: dict = {}  # entity -> [(claim, role)]
        for c in self.all:
            for role, end in (("subject", c.subject), ("object", c.obj)):
                if end.iri:
                    self.about.setdefault(end.iri, []).append((c, role))


@dataclass
class _Articles:
    nodes: list  # the source articles, sorted
    pages: dict  # article node -> the values of its page, the annotated text


def _article_pages(site: _Pages, claims: _Claims) -> _Articles:
    """Each article's annotated text (its page is written with the other nodes'); every page's
    header links to the first."""
    g = site.g
    nodes = sorted((s for s in g.data_subjects if str(MEDKG.SourceArticle) in g.types(s)), key=str)
    free = _claim_free(g)
    site.common["article_href"] = page_path(nodes[0].value) if nodes else "index.html"
    pages = {}
    for art in nodes:
        mine = claims.by_article.get(art.value, [])
        pieces = article.pieces(g.text(art, MEDKG.fullText), [c for c in mine if c.start >= 0], free.get(art.value, []))
        publisher = g.value(art, DCTERMS.publisher)
        pages[art] = dict(
            title=g.text(art, DCTERMS.title) or g.label(art), publisher=g.label(publisher) if publisher else "its publisher",
            text_html=Markup(article.html(pieces, claims.numbers)), claims=mine, families=list(FAMILY_LABELS.items()),
            levels=[(rank, label, definition) for rank, (label, definition) in sorted(site.levels.items(), reverse=True)])
    return _Articles(nodes, pages)


def _node_pages(site: _Pages, claims: _Claims, articles: _Articles, data: Source, ontology: Source) -> None:
    """A page for every IRI the project mints (a claim, a note, an article, an entity, any other
    node), each with its RDF beside it as .ttl and .jsonld."""
    g = site.g
    answer_store, caveats = None, {}  # the graph in a store and its caveats, for the drug pages (made for the first drug)
    for node in g.minted():
        if why := minted.problem(node.value):
            raise InputError(f"<{node.value}>: {why}; no page can be written for it "
                             "(`python validate.py` says where it is and what to do)")
        path = page_path(node.value)
        if path is None:
            continue
        about = claims.about.get(node.value, [])
        if node in claims.by_node:
            c = claims.by_node[node]
            site.page(path, "claim.html", node.value, title=c.label, claim=c, number=claims.numbers[c.slug],
                      total=len(claims.by_article[c.article]))
        elif g.is_note(node):
            n = note(g, node)
            s, p, o = (g.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            statement = (link(g, s), link(g, p), link(g, o)) if None not in (s, p, o) else None
            site.page(path, "note.html", node.value, title=n.label, note=n, statement=statement,
                      about=[link(g, a) for a in g.values(node, SCHEMA.about)])
        elif node in articles.pages:
            site.page(path, "article.html", node.value, **articles.pages[node])
        elif g.value(node, RDFS.label) is not None:
            is_drug = str(SCHEMA.Drug) in g.types(node)
            if is_drug and answer_store is None:
                answer_store = answers.store(data, ontology)
                caveats = answers.caveats(answer_store)
            site.page(path, "entity.html", node.value, **_entity(g, node, about, is_drug, site.levels),
                      **(_answers(answer_store, caveats, node, about) if is_drug else {"uses": [], "risks": []}))
        else:
            site.page(path, "node.html", node.value, **_node(g, node))
        described = describe.description(g, node)
        base = path.removesuffix(".html")
        site.out.write(base + ".ttl", describe.turtle(described))
        site.out.write(base + ".jsonld", describe.json_ld(described))


def _reference_pages(site: _Pages) -> None:
    """The pages about the project rather than the graph: its vocabulary, its checks, its queries."""
    site.page("vocab.html", "vocab.html", title="The vocabulary", namespace=str(MEDKG), groups=_vocabulary())
    site.page("checks.html", "checks.html", title="What the validator checks", families=_checks())
    site.page("queries.html", "queries.html", title="Example queries", queries=_queries())


def _static_files(out: _Writer) -> None:
    """The stylesheet and script, and the mark that makes the folder one `medkg site` may replace."""
    for asset in sorted((HERE / "static").iterdir()):
        out.write("static/" + asset.name, asset.read_bytes())
    out.write(MARKER, "A site written by `medkg site`: the command replaces this folder whole.\n")


def _levels(g: SiteGraph) -> dict[int, tuple[str, str]]:
    """The article-wording scale, rank -> (label, definition); not the evidence basis, ranked too."""
    found = {}
    scale = ox.NamedNode(str(MEDKG.CertaintyScale))
    for t in g.triples:
        if t.predicate.value == str(MEDKG.rank) and scale in g.values(t.subject, SKOS.inScheme):
            found[int(t.object.value)] = (g.label(t.subject), g.text(t.subject, SKOS.definition))
    return found


def _claim_free(g: SiteGraph) -> dict[str, list[article.Sentence]]:
    """Each article's claim-free sentences (by the article's IRI), with their reasons."""
    out: dict = {}
    for t in g.data:
        if t.predicate.value == str(MEDKG.claimFreeReason):
            start, end, article_iri = g.value(t.subject, OA.start), g.value(t.subject, OA.end), g.value(t.subject, DCTERMS.isPartOf)
            if start is not None and end is not None and article_iri is not None:
                out.setdefault(article_iri.value, []).append(article.Sentence(int(start.value), int(end.value), t.object.value))
    return {k: sorted(v, key=lambda s: s.start) for k, v in out.items()}


def _entity(g: SiteGraph, node, about: list, is_drug: bool, levels) -> dict:
    label = g.label(node)
    groups: dict[str, list] = {}
    for c, role in sorted(about, key=lambda cr: (cr[0].start, cr[0].slug, cr[1])):
        groups.setdefault(c.kind, []).append((c, role))
    facts: dict[str, list] = {}
    for t in sorted(g.out[node], key=str):
        if t.predicate.value not in SHOWN and t in g.data_set:
            facts.setdefault(g.label(t.predicate), []).append(link(g, t.object))
    claim_nodes = {c.node for c, _ in about}
    referrers = [(link(g, t.subject), g.label(t.predicate)) for t in g.referrers(node)
                 if t.subject not in claim_nodes and not g.is_claim(t.subject) and t in g.data_set]
    drawing = ""
    if is_drug:
        drawing = Markup(chart.drawing([c for c, role in about if role == "subject"], "../",
                                       {rank: label for rank, (label, _) in levels.items()}))
    return {
        "title": label, "label": label, "types": sorted(g.label(ox.NamedNode(t)) for t in g.types(node)),
        "alt_labels": [v.value for v in g.values(node, SKOS.altLabel)],
        "definition": g.text(node, SKOS.definition),
        "identifiers": [(MATCHES[p], link(g, v)) for p in MATCHES for v in g.values(node, p)],
        "unmapped": g.text(node, MEDKG.unmappedReason), "facts": sorted(facts.items()),
        "groups": sorted(groups.items(), key=lambda kv: (_FAMILY_ORDER.index(kv[1][0][0].family) if kv[1][0][0].family in _FAMILY_ORDER else 99, kv[0])),
        "notes": notes_about(g, node), "referrers": referrers, "chart": drawing,
    }


_FAMILY_ORDER = list(FAMILY_LABELS)


def _answers(store, caveats, node, about: list) -> dict:
    """The drug page's two tables: what it is used for (labelled first) and its risks (the boxed
    warning first), from the catalogue's uses and risks queries, for the articles that speak of it."""
    articles = sorted({c.article for c, role in about if role == "subject" and c.article})
    risks: dict[str, answers.Answer] = {}
    for art in articles:
        for a in answers.risks(store, art):
            risks.setdefault(a.node, a)
    order = {"US boxed warning": 0}
    return {"uses": answers.uses(store, node.value, caveats),
            "risks": sorted(risks.values(), key=lambda a: order.get(a.status, 1))}


def _node(g: SiteGraph, node) -> dict:
    types = sorted(g.label(ox.NamedNode(t)) for t in g.types(node))
    rows = [(g.label(t.predicate), link(g, t.object)) for t in sorted(g.out[node], key=str)
            if t.predicate.value != str(RDF.type) and t in g.data_set]
    referrers = [(link(g, t.subject), g.label(t.predicate)) for t in g.referrers(node) if t in g.data_set]
    exact = g.text(node, OA.exact)
    name = f"“{exact[:80]}{'…' if len(exact) > 80 else ''}”" if exact else compact(node.value)
    return {"title": name, "label": name, "types": types or ["resource"], "rows": rows, "referrers": referrers,
            "lead": f"{', '.join(types)} {compact(node.value)}." if types else ""}


def _vocabulary() -> list:
    """`medkg vocab`'s terms (ontology/medkg.ttl), grouped by kind; the project's own have anchors,
    so that their IRIs (vocab#Claim) lead to their definition."""
    rows = vocab.terms()
    return [(heading, [("" if not term.startswith("medkg:") else term.removeprefix("medkg:"), term, label, definition)
                       for kind, term, label, definition in rows if kind == heading])
            for heading in vocab.KINDS.values()]


def _checks() -> list:
    families = []
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes = load([path])
        about = " ".join(line.lstrip("# ").rstrip() for line in _head_comment(path))
        index = {}
        for t in shapes.triples:
            index.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
        # A constraint without its own severity reports with its shape's (SHACL: sh:sparql and
        # sh:property constraints), and a shape without one with sh:Violation, the default.
        holder = {o: s for s, props in index.items() for key in (str(SH.sparql), str(SH.property))
                  for o in props.get(key, [])}

        rows = []
        for subject, props in index.items():
            if not isinstance(subject, ox.NamedNode) or str(SH.message) not in props or str(RDFS.label) not in props:
                continue
            rows.append((subject.value.rsplit("#", 1)[-1], props[str(RDFS.label)][0].value, _severity(subject, index, holder),
                         _readable_message(props[str(SH.message)][0].value)))
        families.append((path.stem, about, sorted(rows)))
    # The project's own checks, SPARQL queries beside the shapes (queries/qc/): the same report.
    families.append(("qc", "Checks across the whole graph that shapes cannot say, one SPARQL query each (queries/qc/).",
                     [(f"qc-{c.name}", c.name.replace("-", " "), "Violation", f"{c.problem} {c.fix}") for c in qc.checks()]))
    return families


def _severity(node, index: dict, holder: dict) -> str:
    while node is not None:
        own = index.get(node, {}).get(str(SH.severity))
        if own:
            return own[0].value.rsplit("#", 1)[-1]
        node = holder.get(node)
    return "Violation"


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")
_PLACEHOLDER_WORDS = {"this": "the node", "value": "the value", "path": "the property"}


def _readable_message(message: str) -> str:
    """A shape's message for a reader: its {?value} placeholders, filled in a report, named in words.

    >>> _readable_message("The direct triple ({$this} {?path} {?value}) has no claim")
    'The direct triple ([the node] [the property] [the value]) has no claim'
    """
    return _PLACEHOLDER.sub(lambda m: f"[{_PLACEHOLDER_WORDS.get(m.group(1), 'the ' + m.group(1))}]", message)


def _head_comment(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


@dataclass
class _Query:
    name: str
    summary: str
    description: str
    tags: list[str]
    text: str
    header: list[str]
    rows: list[list[str]]


def _queries() -> list[_Query]:
    out = []
    for name, q in sorted(catalogue.catalogue().items()):
        expected = q.path.with_suffix(".csv")
        table = list(csv.reader(io.StringIO(expected.read_text(encoding="utf-8")))) if expected.exists() else [[]]
        out.append(_Query(name, q.summary, q.description, q.tags, q.text, table[0], table[1:]))
    return out


def _release(folder: Path, data_paths) -> tuple[list[tuple[str, int, str]], str]:
    written = export.export(folder, data_paths=data_paths)
    files = [(p.name, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(written)]
    canonical = (folder / export.CHECKSUM).read_text(encoding="utf-8").split()[0]
    return files, canonical


def _index(g: SiteGraph, data: Source, ontology: Source, drug, articles) -> dict:
    art = articles[0] if articles else None
    store = data.store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology.triples)
    totals = summary.run_query(store, "totals")[0]
    line = (f"The graph holds {totals['claims']} claims from one article and {totals['notes']} curator notes about "
            f"{totals['entities']} entities, {totals['mappedEntities']} of them mapped to {totals['identifiers']} external "
            f"identifiers. Of the article's {totals['sentences']} sentences, "
            f"{int(totals['sentences']) - int(totals['claimFreeSentences'])} are quoted by claims and "
            f"{totals['claimFreeSentences']} carry none, each with its reason.")
    return {
        "drug_label": g.label(drug) if drug else "a drug", "totals_line": line,
        "per_kind": [(r["kindLabel"], r["claims"]) for r in summary.run_query(store, "claims-per-kind")],
        "sources": [(link(g, ox.NamedNode(r["source"])), r["claims"]) for r in summary.run_query(store, "credited-sources")],
        "notes": [(r["kindLabel"], r["notes"]) for r in summary.run_query(store, "curator-notes-per-kind")],
        "rights": g.text(art, DCTERMS.rights) if art is not None else "",
    }

