"""Content negotiation for the site's pages, as `medkg serve` does it (and as the w3id.org rules in
the README would): a node's path without a suffix answers with the page, the Turtle or the JSON-LD,
whichever the Accept header prefers (RFC 9110 12.5.1: q-values, then specificity); an explicit
suffix (.html, .ttl, .jsonld) answers with that file whatever the header says."""

import re
from pathlib import Path

import pyoxigraph as ox

from medkg.rdf import formats

# suffix -> media type, in the order a tie is broken
REPRESENTATIONS = {suffix: formats.media_type(suffix) for suffix in (".html", ".ttl", ".jsonld")}
# The Content-Type of each kind of file the site holds (medkg/rdf/formats.py says which takes a charset).
MEDIA_TYPES = {suffix: formats.content_type(suffix)
               for suffix in (".html", ".ttl", ".jsonld", ".nt", ".trig", ".css", ".js", ".svg", ".sha256", ".txt")}


# RFC 9110 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). float() read "nan",
# "inf" and "1e0" too, and "nan" compared as no number does: q=nan came out as 1.
_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


class NotAcceptable(Exception):
    """The node exists but in none of the media types the client accepts."""


def accepted(header: str | None) -> list[tuple[str, float]]:
    """The Accept header's media ranges with their q-values, best first, ties in the header's order
    (a missing header: */*). A q that is not a qvalue (nan, 2, 0.0001) makes its range unacceptable.

    >>> accepted("text/turtle;q=0.5, text/html, application/ld+json;q=0.9, text/*;q=0.9")
    [('text/html', 1.0), ('application/ld+json', 0.9), ('text/*', 0.9), ('text/turtle', 0.5)]
    >>> accepted("text/turtle;q=nan, text/html;q=0.1")
    [('text/html', 0.1), ('text/turtle', 0.0)]
    """
    ranges = []
    for order, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                q = float(value) if _QVALUE.fullmatch(value) else 0.0
        ranges.append((media, q, order))
    return [(m, q) for m, q, _ in sorted(ranges, key=lambda r: (-r[1], r[2]))]


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value the most specific matching range gives a media type (0: not acceptable); of two
    ranges equally specific (text/html twice), the first in `ranges`, the better one."""
    kind = media.split("/")[0]
    best, specificity = 0.0, -1
    for r, q in ranges:
        s = 2 if r == media else 1 if r == f"{kind}/*" else 0 if r == "*/*" else -1
        if s > specificity:
            best, specificity = q, s
    return best if specificity >= 0 else 0.0


def choose(accept: str | None) -> str:
    """The suffix of the representation to send; NotAcceptable when none is acceptable."""
    ranges = accepted(accept)
    scored = [(_quality(media, ranges), -i, suffix) for i, (suffix, media) in enumerate(REPRESENTATIONS.items())]
    q, _, suffix = max(scored)
    if q <= 0:
        raise NotAcceptable(", ".join(REPRESENTATIONS.values()))
    return suffix


def resolve(site: Path, url_path: str, accept: str | None) -> tuple[Path, bool] | None:
    """The file answering a GET of `url_path` (and whether it was negotiated), or None when the
    site has nothing there. Never leaves the site folder."""
    relative = url_path.lstrip("/")
    if ".." in relative.split("/") or "\\" in relative:
        return None
    if relative == "":
        return None  # `/` is the query editor's
    if relative.endswith("/"):
        relative += "index.html"
    target = site / relative
    if _is_file(target):
        return target, False
    if Path(relative).suffix == "" and _is_file(site / (relative + ".html")):
        return site / (relative + choose(accept)), True
    return None


def _is_file(path: Path) -> bool:
    """Whether a file is there; a path the file system cannot hold (a name over 255 bytes: a 500
    with a traceback once, a NUL, a loop of links) holds none."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


# What a query's answer is written as, by Accept, as Oxigraph's server chose: the first is the
# default (*/* or no header). Aliases after the names Oxigraph answers with.
RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV,
           "application/json": ox.QueryResultsFormat.JSON, "application/xml": ox.QueryResultsFormat.XML}
GRAPHS = {"application/n-quads": ox.RdfFormat.N_QUADS, "text/turtle": ox.RdfFormat.TURTLE,
          "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/rdf+xml": ox.RdfFormat.RDF_XML,
          "application/trig": ox.RdfFormat.TRIG, "application/xml": ox.RdfFormat.RDF_XML}
_CHARSET = {"text/csv", "text/tab-separated-values"}


def result_format(accept: str | None, graph: bool):
    """(Content-Type, pyoxigraph format) of a query's answer: a graph (CONSTRUCT, DESCRIBE) or
    results (SELECT, ASK); NotAcceptable when the header accepts none of them.

    >>> result_format("text/html, */*;q=0.8", graph=False)[0]
    'application/sparql-results+json'
    >>> result_format("text/*", graph=True)[0]
    'text/turtle'
    """
    table = GRAPHS if graph else RESULTS
    for media, q in accepted(accept):
        if q <= 0:
            continue
        kind = media.split("/")[0]
        found = next((m for m in table if media == "*/*" or m == media or media == f"{kind}/*" and m.startswith(kind + "/")), None)
        if found:
            return (found + "; charset=utf-8" if found in _CHARSET else found), table[found]
    raise NotAcceptable(", ".join(list(table)[:4]))
