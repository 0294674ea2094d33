"""Writing Turtle: by hand where a person reads the layout (`medkg anchor`, the article's copy in
data/), through pyoxigraph's serializer everywhere else; prefixes always from the registry."""

import pyoxigraph as ox

from medkg.rdf.prefixes import prefixes

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string(value: str, lang: str | None = None) -> str:
    """A Turtle string literal on one line, with an optional language tag.

    >>> print(string('say "hi"\\n', "en"))
    "say \\"hi\\"\\n"@en
    """
    body = "".join(_ESCAPES.get(ch, ch) for ch in value)
    return f'"{body}"' + (f"@{lang}" if lang else "")


def prefix_lines(*names: str) -> str:
    """`@prefix` lines for registered prefixes, in the order given.

    >>> print(prefix_lines("kg"), end="")
    @prefix kg: <https://w3id.org/medkg/id/> .
    """
    registry = prefixes()
    return "".join(f"@prefix {name}: <{registry[name]}> .\n" for name in names)


def serialize(statements, fmt: ox.RdfFormat, namespaces: dict[str, str], only_used: bool = False) -> bytes:
    """pyoxigraph's Turtle/TriG of the statements, with its @prefix lines sorted (it writes them in
    hash-map order); with `only_used`, only the prefixes the statements use."""
    statements = list(statements)
    if only_used:
        iris = {t.value for s in statements for t in (s.subject, s.predicate, s.object, getattr(s, "graph_name", None))
                if isinstance(t, ox.NamedNode)}
        iris |= {s.object.datatype.value for s in statements if isinstance(s.object, ox.Literal)}
        namespaces = {p: ns for p, ns in namespaces.items() if any(iri.startswith(ns) for iri in iris)}
    text = ox.serialize(statements, format=fmt, prefixes=namespaces).decode("utf-8")
    lines = text.splitlines(keepends=True)
    head = [line for line in lines if line.startswith("@prefix ")]
    return ("".join(sorted(head)) + "".join(lines[len(head):])).encode("utf-8")
