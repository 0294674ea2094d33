"""What a minted IRI's local name may hold: it becomes a file name in the site (id/NAME.html) and
a path in the w3id.org rules, so it is one path segment of letters, digits, '-' and '_'.

One rule, read by validation (which says where and what to do) and by the site builder (which
refuses to build from data that breaks it). A dot is refused too: '.' and '..' climb folders,
and the w3id.org rules and `medkg serve` read any dot as the start of a suffix (.ttl, .html).
"""

import re

from medkg.rdf.namespaces import BASE, MINTED

MAX_LOCAL = 200  # a file name is at most 255 bytes; the site adds .jsonld, staging adds more
_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_UNSAFE_CHAR = re.compile(r"[^A-Za-z0-9_-]")
ALLOWED = "letters a-z and A-Z, digits, '-' and '_'"


def problem(iri: str) -> str | None:
    """What is wrong with a project IRI as a page name (None: nothing, or not the project's to judge).
    IRIs with a '#' are terms of the vocabularies, anchors of a page rather than pages.

    >>> problem("https://w3id.org/medkg/id/baclofen") is None
    True
    >>> problem("https://w3id.org/medkg/id/../../ontology/shapes/claim")
    "its local name '../../ontology/shapes/claim' holds a '..' segment, which climbs out of its folder"
    >>> problem("https://w3id.org/medkg/ids/baclofen")
    'it is under https://w3id.org/medkg/ but in none of the namespaces medkg mints (id/, claim/, quote/, note/, sentence/)'
    """
    if not iri.startswith(BASE) or "#" in iri:
        return None
    namespace = next((ns for ns in MINTED if iri.startswith(ns)), None)
    if namespace is None:
        names = ", ".join(ns[len(BASE):] for ns in MINTED)
        return f"it is under {BASE} but in none of the namespaces medkg mints ({names})"
    local = iri[len(namespace):]
    shown = local if len(local) <= 60 else local[:57] + "..."
    if not local:
        return f"it has no local name after {namespace}"
    if len(local) > MAX_LOCAL:
        return f"its local name is {len(local)} characters long (at most {MAX_LOCAL}: it is a file name)"
    if _SAFE.fullmatch(local):
        return None
    segments = local.split("/")
    if ".." in segments or "." in segments:
        segment = ".." if ".." in segments else "."
        return f"its local name {shown!r} holds a {segment!r} segment, which climbs out of its folder"
    if "/" in local:
        return f"its local name {shown!r} holds a '/', which makes a folder of it"
    if re.search(r"%[0-9A-Fa-f]{2}", local):
        return f"its local name {shown!r} holds a percent-escape, which names another file once decoded"
    char = _UNSAFE_CHAR.search(local).group(0)
    return f"its local name {shown!r} holds {char!r}, which a page's file name may not ({ALLOWED} only)"
