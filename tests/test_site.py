"""`medkg site` and the pages `medkg serve` answers with: every minted IRI has its page and its RDF,
every link resolves (on disk and through the server), content negotiation answers with the right
media type, the build is byte-stable and never replaces a folder that is not a site.

The expectations come from the graph by SPARQL, not from the site's own code. The real-browser
checks (highlights, cards, keyboard, console, accessibility) are in test_site_browser.py."""

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.cli import main
from medkg.errors import INPUT
from medkg.io.parse import load_data
from medkg.query.run import graph_triples
from medkg.rdf.namespaces import BASE
from medkg.serve import negotiate
from medkg.site.build import MARKER, build


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("site") / "site").folder


def minted_iris() -> list[str]:
    """Every IRI the project mints that the data describes, by SPARQL on the data."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in load_data().triples)
    rows = store.query(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}')
    return sorted(r["s"].value for r in rows if "#" not in r["s"].value)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name])


def parsed(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_minted_iri_has_a_page_and_its_rdf(site):
    iris = minted_iris()
    assert len(iris) > 200  # claims, quotes, selectors, notes, entities, sentences
    for iri in iris:
        base = site / iri[len(BASE):]
        for suffix in (".html", ".ttl", ".jsonld"):
            assert base.with_name(base.name + suffix).is_file(), iri + suffix


def test_a_node_s_turtle_holds_its_triples_and_its_claims_quotes(site):
    graph = set(graph_triples())
    described = set(_triples(site / "id" / "spasticity.ttl", ox.RdfFormat.TURTLE))
    spasticity = ox.NamedNode(BASE + "id/spasticity")
    own = {t for t in graph if t.subject == spasticity}
    assert own and own <= described
    claims = {t.subject for t in graph if t.object == spasticity and t.predicate.value.endswith("#object")
              and t.subject.value.startswith(BASE + "claim/")}
    assert claims and {t.subject for t in described} >= claims
    quotes = {t.object for t in graph if t.subject in claims and t.predicate.value.endswith("vocab#quote")}
    assert quotes <= {t.subject for t in described}
    assert described <= graph  # nothing the graph does not say


def test_a_node_s_json_ld_is_the_same_rdf_as_its_turtle(site):
    for name in ("claim/baclofen-starting-dose", "id/baclofen", "note/epilepsy-use-abandoned"):
        turtle = _triples(site / f"{name}.ttl", ox.RdfFormat.TURTLE)
        jsonld = _triples(site / f"{name}.jsonld", ox.RdfFormat.JSON_LD)
        assert len(set(turtle)) == len(set(jsonld))
        assert set(_ground(turtle)) == set(_ground(jsonld))


def _triples(path: Path, fmt) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)]


def _ground(triples):
    return [t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]


def test_every_link_on_disk_resolves(site):
    """Crawl every page: each relative link names a file of the site, and each #fragment an id on it."""
    pages = sorted(site.rglob("*.html"))
    ids = {p: parsed(p).ids for p in pages}
    broken = []
    for page in pages:
        for href in parsed(page).links:
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, fragment = href.partition("#")
            path = (page.parent / urllib.parse.unquote(target)).resolve() if target else page
            if not path.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif fragment and path.suffix == ".html" and fragment not in ids.get(path, parsed(path).ids):
                broken.append(f"{page.relative_to(site)} -> {href} (no id {fragment})")
    assert broken == []
    assert len(pages) > 300


def test_a_claim_page_names_its_evidence_its_wording_and_its_eco_type_in_words(site):
    """Issue 21: the ECO and wording terms show their labels, and both axes are on every card."""
    page = (site / "claim" / "baclofen-off-label-for-opioid-dependence.html").read_text(encoding="utf-8")
    assert "<dt>Evidence</dt>" in page and "a cited trial" in page
    assert "<dt>Article wording</dt>" in page and "stated with a limit" in page and ">Certainty<" not in page
    assert "non-traceable author statement used in manual assertion (obo:ECO_0000303)" in page


def test_the_build_is_byte_stable(site, tmp_path):
    again = build(tmp_path / "again").folder

    def digest(folder):
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}

    assert digest(again) == digest(site)


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path, capsys):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "mine.txt").write_text("keep me")
    assert main(["site", "-o", str(precious)]) == INPUT
    assert "not a medkg site" in capsys.readouterr().err
    assert [p.name for p in precious.iterdir()] == ["mine.txt"]


def test_a_site_is_replaced_whole(tmp_path, capsys):
    target = tmp_path / "site"
    assert main(["site", "-o", str(target)]) == 0
    (target / "stale.html").write_text("from an older build")
    assert main(["site", "-o", str(target)]) == 0
    assert not (target / "stale.html").exists() and (target / MARKER).is_file()
    assert "pages" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left behind


@pytest.mark.parametrize(("accept", "suffix"), [
    (None, ".html"),
    ("*/*", ".html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ".html"),  # a browser
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("text/html;q=0.5, text/turtle", ".ttl"),
    ("text/*;q=0.3, application/ld+json;q=0.9", ".jsonld"),
    ("application/ld+json;q=0, */*;q=0.1", ".html"),
    ("text/turtle;q=0.8, text/*;q=0.9", ".html"),  # the more specific range wins for turtle, text/html gets 0.9
])
def test_negotiation_follows_q_values_and_specificity(accept, suffix):
    assert negotiate.choose(accept) == suffix


def test_accepted_ranges_come_best_first_ties_in_the_header_s_order():
    header = "text/turtle;q=0.5, */*;q=0.1, text/html, application/ld+json;q=0.9, text/*;q=0.9, image/png;q=0"
    assert negotiate.accepted(header) == [
        ("text/html", 1.0), ("application/ld+json", 0.9), ("text/*", 0.9), ("text/turtle", 0.5), ("*/*", 0.1),
        ("image/png", 0.0),
    ]
    assert negotiate.accepted(None) == [("*/*", 1.0)]
    # A range named twice counts at its better q-value, wherever it stands in the header.
    assert negotiate.choose("text/html;q=0.1, text/turtle;q=0.5, text/html") == ".html"


def test_nothing_acceptable_is_406_material():
    with pytest.raises(negotiate.NotAcceptable):
        negotiate.choose("application/xml, image/png")


def test_paths_never_leave_the_site(site):
    assert negotiate.resolve(site, "/../../etc/passwd", None) is None
    assert negotiate.resolve(site, "/id/../../x", None) is None
    assert negotiate.resolve(site, "/", None) is None  # the query editor's


# --- through `medkg serve`'s front door -------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    from medkg.query.run import ntriples
    from medkg.serve.gateway import Gateway
    from medkg.serve.query_engine import Engine

    with Engine(ntriples()) as engine, Gateway(0, engine, site) as gateway:
        yield f"http://127.0.0.1:{gateway.port}"


def _get(url: str, accept: str | None = None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.mark.parametrize(("accept", "media"), [
    ("text/html", "text/html"), ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("text/html;q=0.5, text/turtle", "text/turtle"),
])
def test_content_negotiation_on_an_iri_path(served, accept, media):
    for path in ("/id/baclofen", "/claim/baclofen-starting-dose", "/note/epilepsy-use-abandoned", "/sentence/s03"):
        status, headers, body = _get(served + path, accept)
        assert status == 200, path
        assert headers["Content-Type"].split(";")[0] == media, path
        assert "Accept" in headers["Vary"]
        if media == "text/turtle":
            triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))  # quads of the default graph
            assert any(t.subject.value == BASE + path.lstrip("/") for t in triples)


def test_suffixes_answer_whatever_the_accept_header(served):
    for suffix, media in ((".html", "text/html"), (".ttl", "text/turtle"), (".jsonld", "application/ld+json")):
        status, headers, _ = _get(served + "/id/baclofen" + suffix, "image/png")
        assert (status, headers["Content-Type"].split(";")[0]) == (200, media)


def test_an_unacceptable_request_is_406_and_says_what_is_offered(served):
    status, _, body = _get(served + "/id/baclofen", "application/xml")
    assert status == 406 and b"text/turtle" in body


def test_the_endpoint_and_the_editor_still_answer_beside_the_pages(served):
    status, headers, _ = _get(served + "/query?query=" + urllib.parse.quote("ASK {}"), "application/sparql-results+json")
    assert status == 200 and "sparql-results" in headers["Content-Type"]
    status, headers, _ = _get(served + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_every_link_resolves_through_the_server(served, site):
    """The same crawl as on disk, over HTTP from the index: every page reachable answers 200."""
    seen, todo, broken = set(), ["/index.html"], []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = _get(served + path)
        if status != 200:
            broken.append(f"{path}: {status}")
            continue
        if not headers["Content-Type"].startswith("text/html"):
            continue
        p = Links()
        p.feed(body.decode("utf-8"))
        for href in p.links:
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            target = urllib.parse.urljoin(served + path, href).split("#")[0]
            todo.append(urllib.parse.urlsplit(target).path)
    assert broken == []
    assert len(seen) > 300
