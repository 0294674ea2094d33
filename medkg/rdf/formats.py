"""File suffixes, RDF formats and media types, in one place: pyoxigraph's RdfFormat knows every RDF
syntax's extension and media type, so only what it cannot say is written here (the site's pages,
stylesheet and script, the checksum file; .owl for RDF/XML).

>>> rdf_format(".TTL"), rdf_format(".owl"), rdf_format(".html"), rdf_format(".txt")
(<RdfFormat Turtle>, <RdfFormat RDF/XML>, None, None)
>>> rdf_suffixes()
['.jsonld', '.n3', '.nq', '.nt', '.owl', '.rdf', '.trig', '.ttl']
>>> media_type(".jsonld"), media_type(".sha256"), media_type(".txt"), media_type(".exe")
('application/ld+json', 'text/plain', 'text/plain', None)
>>> content_type(".ttl"), content_type(".nt"), content_type(".svg")
('text/turtle; charset=utf-8', 'application/n-triples', 'image/svg+xml')
"""

import pyoxigraph as ox

# What RdfFormat.from_extension does not know: RDF/XML's other common suffix.
_RDF_ALIASES = {".owl": ox.RdfFormat.RDF_XML}
# The files medkg writes that are not RDF, by suffix.
OTHER_MEDIA_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
    ".sha256": "text/plain", ".txt": "text/plain",
}
# Non-text media types whose registration has a charset parameter (TriG's, RFC-style, like Turtle's);
# N-Triples and JSON-LD are UTF-8 by definition and registered without one.
_CHARSET_PARAMETER = {"application/trig"}


def rdf_format(suffix: str) -> ox.RdfFormat | None:
    """The RDF format a file suffix (".ttl", any case) names; None where it names none."""
    suffix = suffix.lower()
    if suffix in _RDF_ALIASES:
        return _RDF_ALIASES[suffix]
    if suffix in OTHER_MEDIA_TYPES:  # RdfFormat reads .txt as N-Triples (an old habit): ours is plain text
        return None
    return ox.RdfFormat.from_extension(suffix[1:]) if suffix.startswith(".") and len(suffix) > 1 else None


def rdf_suffixes() -> list[str]:
    """The suffixes rdf_format knows, each RdfFormat's own and the aliases (for a message); it also
    reads the others pyoxigraph knows (.json, .xml)."""
    known = (getattr(ox.RdfFormat, name) for name in dir(ox.RdfFormat))
    return sorted({"." + f.file_extension for f in known if isinstance(f, ox.RdfFormat)} | set(_RDF_ALIASES))


def media_type(suffix: str) -> str | None:
    """The media type, without parameters, of a file medkg writes with this suffix; None if unknown."""
    fmt = rdf_format(suffix)
    return fmt.media_type if fmt is not None else OTHER_MEDIA_TYPES.get(suffix.lower())


def content_type(suffix: str) -> str | None:
    """The Content-Type header for such a file: its media type, with `charset=utf-8` where the type
    takes one (text/*, TriG), as every file medkg writes is UTF-8."""
    media = media_type(suffix)
    if media is not None and (media.startswith("text/") or media in _CHARSET_PARAMETER):
        return f"{media}; charset=utf-8"
    return media
