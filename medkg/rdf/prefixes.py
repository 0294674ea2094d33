"""The prefix registry (ontology/prefixes.ttl), read once for code, queries and output."""

from functools import cache

import pyoxigraph as ox

from medkg.project_files import PREFIXES_FILE


@cache
def prefixes() -> dict[str, str]:
    """Map each registered prefix to its namespace, sorted by prefix."""
    # Here, not at the top: medkg.rdf.namespaces reads this registry when it is first imported.
    from medkg.rdf.namespaces import SH

    store = ox.Store()
    store.load(path=str(PREFIXES_FILE), format=ox.RdfFormat.TURTLE)
    found = {}
    for row in store.query(
        f"SELECT ?p ?ns WHERE {{ ?d <{SH.prefix}> ?p ; <{SH.namespace}> ?ns }}"
    ):
        found[row["p"].value] = row["ns"].value
    return dict(sorted(found.items()))


def compact(iri: str) -> str:
    """A prefixed name where a registered namespace fits (longest first), else <iri>.

    >>> compact("https://w3id.org/medkg/id/baclofen"), compact("http://example.org/x y")
    ('kg:baclofen', '<http://example.org/x y>')
    """
    for prefix, ns in _longest_first():
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"


@cache
def _longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(prefixes().items(), key=lambda kv: -len(kv[1])))
