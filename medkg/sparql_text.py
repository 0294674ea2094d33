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
