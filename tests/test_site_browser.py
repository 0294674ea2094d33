"""The site in a real browser (Debian's Chromium, driven by Selenium through Debian's chromedriver):
each claim's highlight holds exactly its quote, choosing it opens a card with the kind, certainty,
source and notes the graph gives (asked by SPARQL, not read from the site's code), the keyboard
does what the mouse does, no page logs an error, and axe-core finds no serious or critical
accessibility violation. Pages are opened from disk and through `medkg serve`'s front door.

Skips, saying why, where Chromium, chromedriver or Selenium is missing (.ci/run installs them)."""

import shutil
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.io.parse import load_data, load_ontology
from medkg.site.build import build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("no Chromium/chromedriver here: apt-get install chromium chromium-driver (.ci/run does)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# What each claim's card must say, from the graph by SPARQL: kind, certainty, credited source, notes.
EXPECTED = """
PREFIX medkg: <https://w3id.org/medkg/vocab#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT ?claim ?exact ?kind ?certainty ?source (GROUP_CONCAT(DISTINCT ?note; separator="|") AS ?notes) WHERE {
  ?claim a ?k ; medkg:certainty/rdfs:label ?certainty ; medkg:quote/oa:hasSelector/oa:exact ?exact .
  ?k rdfs:subClassOf medkg:Claim ; rdfs:label ?kind .
  OPTIONAL { ?claim medkg:creditedSource/rdfs:label ?source }
  OPTIONAL { ?n schema:about ?claim ; rdfs:label ?note . ?n a/rdfs:subClassOf medkg:CuratorNote }
} GROUP BY ?claim ?exact ?kind ?certainty ?source ORDER BY ?claim
"""


def expected() -> dict[str, dict]:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in load_data().triples + load_ontology().triples)
    out = {}
    for r in store.query(EXPECTED):
        slug = r["claim"].value.rsplit("/", 1)[-1]
        out[slug] = {
            "exact": r["exact"].value, "kind": r["kind"].value, "certainty": r["certainty"].value,
            "source": r["source"].value if r["source"] else "",
            "notes": sorted(n for n in r["notes"].value.split("|") if n) if r["notes"] else [],
        }
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("browser") / "site").folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # No network here: without the background-networking flags Chromium keeps trying to reach Google.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1200,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def open_page(browser, url: str):
    browser.get(url)
    browser.get_log("browser")  # start each page with an empty console log
    browser.execute_script("return document.readyState")


def errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_every_highlight_holds_exactly_its_quote(browser, site):
    open_page(browser, (site / "id" / "article.html").as_uri())
    shown = browser.execute_script("""
        const out = {};
        document.querySelectorAll('.hl').forEach(span => {
          span.dataset.claims.split(' ').forEach(slug => { out[slug] = (out[slug] || '') + span.textContent; });
        });
        return out;""")
    want = expected()
    assert set(shown) == set(want)
    assert {slug: text for slug, text in shown.items()} == {slug: w["exact"] for slug, w in want.items()}


def card_of(browser) -> dict:
    """What the open dialog's card says."""
    return browser.execute_script("""
        const d = document.getElementById('card-dialog');
        const cards = d.querySelectorAll('.card');
        const c = cards[0];
        const notes = c.querySelector('.notes');
        return {open: d.open, count: cards.length, claim: c.dataset.claim,
                kind: c.querySelector('.kind').dataset.kind,
                certainty: c.querySelector('.certainty-level').dataset.certainty,
                source: c.querySelector('.source').dataset.source,
                notes: notes ? notes.dataset.notes.split('|').sort() : []};""")


def test_choosing_each_marker_opens_its_card_with_what_the_graph_says(browser, site):
    open_page(browser, (site / "id" / "article.html").as_uri())
    want = expected()
    markers = browser.find_elements(By.CSS_SELECTOR, "a.marker")
    assert len(markers) == len(want)
    for marker in markers:
        slug = marker.get_attribute("data-claim")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", marker)
        marker.click()
        card = card_of(browser)
        assert card["open"] and card["count"] == 1 and card["claim"] == slug
        w = want[slug]
        assert (card["kind"], card["certainty"], card["source"], card["notes"]) == (w["kind"], w["certainty"], w["source"], w["notes"]), slug
        browser.find_element(By.CSS_SELECTOR, "#card-dialog button.close").click()
        assert not browser.execute_script("return document.getElementById('card-dialog').open")
    assert errors(browser) == []


def test_clicking_an_overlap_opens_every_card_that_quotes_it(browser, site):
    open_page(browser, (site / "id" / "article.html").as_uri())
    span = browser.find_element(By.CSS_SELECTOR, ".hl.multi")
    slugs = span.get_attribute("data-claims").split()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", span)
    span.click()
    shown = browser.execute_script("return [...document.querySelectorAll('#card-dialog .card')].map(c => c.dataset.claim)")
    assert shown == slugs and len(slugs) > 1


def test_the_keyboard_opens_and_closes_a_card(browser, site):
    open_page(browser, (site / "id" / "article.html").as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):  # past the skip link and the navigation, to the first claim's marker
        if browser.execute_script("return document.activeElement.classList.contains('marker')"):
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    marker = browser.switch_to.active_element
    slug = marker.get_attribute("data-claim")
    assert slug, "Tab never reached a claim's marker"
    marker.send_keys(Keys.ENTER)
    assert card_of(browser)["claim"] == slug
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not browser.execute_script("return document.getElementById('card-dialog').open")
    assert browser.switch_to.active_element.get_attribute("data-claim") == slug  # focus came back


def test_without_javascript_the_markers_lead_to_the_cards(site):
    """The cards are sections of the page: each marker's link names one, with its claim."""
    html = (site / "id" / "article.html").read_text(encoding="utf-8")
    for slug in expected():
        assert f'href="#card-{slug}"' in html and f'id="card-{slug}"' in html


PAGES = ["index.html", "id/article.html", "id/baclofen.html", "id/spasticity.html", "claim/baclofen-starting-dose.html",
         "note/epilepsy-use-abandoned.html", "quote/baclofen-pill-form-text.html", "sentence/s03.html",
         "vocab.html", "checks.html", "queries.html"]


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violation_and_no_console_error(browser, site, page):
    from axe_core_python.selenium import Axe

    open_page(browser, (site / page).as_uri())
    results = Axe().run(browser)
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert errors(browser) == []


def test_an_open_card_is_accessible_too(browser, site):
    from axe_core_python.selenium import Axe

    open_page(browser, (site / "id" / "article.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, "a.marker").click()
    results = Axe().run(browser, "#card-dialog")
    assert [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")] == []


# Issue 21: what a clinician opens first. The drug page answers "what is it used for" (labelled uses
# first, each with its evidence and the article's wording) and "what are its risks" (the US boxed
# warning on top), and every page fits a phone's 390 px without scrolling sideways.
STATUS_ORDER = ["labelled use", "off-label use", "investigational use", "stated use", "historical use"]


def test_the_drug_page_opens_with_its_uses_labelled_first_then_its_risks_boxed_warning_on_top(browser, site):
    open_page(browser, (site / "id" / "baclofen.html").as_uri())
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    assert headings[:2] == ["What it is used for", "Risks"]
    uses = browser.find_elements(By.CSS_SELECTOR, "table.uses tbody tr")
    statuses = [r.find_element(By.CSS_SELECTOR, "td[data-label=Status]").text for r in uses]
    assert statuses == sorted(statuses, key=STATUS_ORDER.index) and statuses[0] == "labelled use"
    first = uses[0]
    assert first.find_element(By.CSS_SELECTOR, "th").text.startswith("spasticity")
    assert first.find_element(By.CSS_SELECTOR, "td[data-label=Evidence]").text.startswith("US label")
    addiction = next(r for r in uses if r.find_element(By.CSS_SELECTOR, "th").text.startswith("addiction"))
    said = addiction.text
    assert "the article's statement alone" in said and "many disagree" in said and "More studies need to be done" in said
    risks = browser.find_elements(By.CSS_SELECTOR, "table.risks tbody tr")
    top = risks[0].text
    assert "US boxed warning" in top and "abrupt discontinuation" in top and "intrathecal baclofen" in top


@pytest.mark.parametrize("page", ["id/baclofen.html", "index.html", "queries.html", "checks.html", "id/article.html",
                                  "vocab.html", "claim/baclofen-off-label-for-addiction.html"])
def test_every_page_fits_a_390_px_screen(browser, site, page):
    # A headless window is never narrower than 500 px: the phone's screen is emulated instead.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        open_page(browser, (site / page).as_uri())
        # A mobile layout viewport grows to the content's width: both must stay at the screen's.
        inner, scroll = browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
        assert (inner, scroll) == (390, 390), f"{page} is {scroll} px wide on a 390 px screen"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_checks_page_shows_every_severity_and_no_placeholder(browser, site):
    open_page(browser, (site / "checks.html").as_uri())
    severities = [s.text for s in browser.find_elements(By.CSS_SELECTOR, "dt .severity")]
    assert severities and all(s.strip() for s in severities)
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "{?" not in body and "{$" not in body


@pytest.fixture(scope="module")
def served(site):
    from medkg.query.run import ntriples
    from medkg.serve.gateway import Gateway
    from medkg.serve.query_engine import Engine

    with Engine(ntriples()) as engine, Gateway(0, engine, site) as gateway:
        yield f"http://127.0.0.1:{gateway.port}"


def test_served_pages_work_like_the_files(browser, served):
    open_page(browser, served + "/id/baclofen")  # negotiated: a browser asks for HTML
    assert browser.find_element(By.TAG_NAME, "h1").text == "baclofen"
    open_page(browser, served + "/id/article")
    marker = browser.find_element(By.CSS_SELECTOR, "a.marker")
    marker.click()
    assert card_of(browser)["claim"] == marker.get_attribute("data-claim")
    assert errors(browser) == []


def test_served_queries_open_in_the_live_editor(browser, served):
    open_page(browser, served + "/queries.html")
    link = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, "p.run a"))  # once /query answers
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link.get_attribute("href")).query)["query"][0]
    section = link.find_element(By.XPATH, "ancestor::section")
    assert query == section.find_element(By.CSS_SELECTOR, "code.sparql").get_attribute("textContent")
    assert link.get_attribute("href").startswith(served + "/?query=")  # the editor, at /


def run_in_editor(browser) -> str:
    """Click the editor's run button; what its results pane then says (a count, or an error). A
    click that lands while Yasgui is still drawing its tab does nothing, so it is given again."""
    def said(b):
        shown = [y.text for y in b.find_elements(By.CSS_SELECTOR, ".yasr") if y.is_displayed()]
        return next((t for t in shown if "result" in t or "rror" in t), None)

    for _ in range(8):
        buttons = [b for b in browser.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed()]
        if buttons:
            buttons[0].click()
            try:
                return WebDriverWait(browser, 4).until(said)
            except selenium.common.exceptions.TimeoutException:
                continue
        time.sleep(0.5)
    raise AssertionError("the editor showed no answer")


def test_the_editor_runs_a_query_on_its_first_click(browser, served):
    # It posted to /sparql, which the gateway answered "read-only".
    open_page(browser, served + "/")
    shown = run_in_editor(browser)
    assert "results in" in shown and "read-only" not in shown


def test_each_run_it_link_fills_in_its_query_and_runs_it(browser, served):
    open_page(browser, served + "/queries.html")
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.CSS_SELECTOR, "p.run a"))
    links = [(a.get_attribute("href"), a.find_element(By.XPATH, "ancestor::section").find_element(
        By.CSS_SELECTOR, "code.sparql").get_attribute("textContent")) for a in browser.find_elements(By.CSS_SELECTOR, "p.run a")]
    assert len(links) >= 10
    for href, text in links:
        open_page(browser, href)
        filled = WebDriverWait(browser, 10).until(
            lambda b: b.execute_script("const c = document.querySelector('.CodeMirror'); return c && c.CodeMirror.getValue()"))
        assert filled == text
        shown = run_in_editor(browser)
        assert "result" in shown and "rror" not in shown, (href, shown)


@pytest.fixture()
def elsewhere():
    """Another server on 127.0.0.1, a free port, recording every request that reaches it."""
    import http.server
    import threading

    heard: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def _any(self):
            heard.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(b'{"head":{},"boolean":false}')

        do_GET = do_POST = do_OPTIONS = _any

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", heard
    finally:
        server.shutdown()
        server.server_close()


def test_the_editor_asks_its_own_server_whatever_the_link_says(browser, served, elsewhere):
    # A link could point the editor at another endpoint, whose answer Yasgui rendered in our origin
    # (its datatype unescaped) and which it kept in localStorage for the next visit.
    other, heard = elsewhere
    link = served + "/?" + urllib.parse.urlencode({"endpoint": other, "query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"})
    open_page(browser, link)
    shown = run_in_editor(browser)
    assert "rror" not in shown
    assert heard == []
    assert browser.execute_script("return Object.keys(window.localStorage).filter(k => /yagui/.test(k))") == []
    open_page(browser, served + "/")  # a second visit: nothing of the link is kept
    run_in_editor(browser)
    assert heard == []


def test_the_editor_page_may_reach_its_own_server_only(browser, served, elsewhere):
    """Were the endpoint taken from the link again, the page's policy would still stop the request."""
    other, heard = elsewhere
    open_page(browser, served + "/")
    sent = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {method: 'POST', body: 'query=ASK%7B%7D'}).then(() => done('sent'), () => done('refused'));",
        other)
    assert sent == "refused" and heard == []
