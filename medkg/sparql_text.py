"""Reading SPARQL text without a parser: blank out what can hold braces or keywords harmlessly."""

import re

# Strings (long and short), comments and IRIs: braces, '#' and words inside them are not syntax.
_NOT_SYNTAX = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|<[^>\s]*>')


def mask(text: str) -> str:
    """The text with strings, comments and IRIs replaced by spaces, positions kept.

    >>> mask('SELECT ?x { ?x <http://a#b> "{" } # }')
    'SELECT ?x { ?x                  }    '
    """
    return _NOT_SYNTAX.sub(lambda m: " " * len(m.group(0)), text)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def open_where(query: str, text: str) -> str:
    r"""The query with `text` placed first in its outer WHERE group (a VALUES block or a group
    joined with everything else there: the same answers as a filter on the query's rows).

    >>> open_where('SELECT ?x WHERE { ?x ?p ?o } # WHERE {', 'VALUES ?x { <a> }')
    'SELECT ?x WHERE {\nVALUES ?x { <a> }\n ?x ?p ?o } # WHERE {'
    """
    m = _WHERE.search(mask(query))
    if m is None:
        raise ValueError("the query has no WHERE clause")
    return query[: m.end()] + "\n" + text + "\n" + query[m.end():]
