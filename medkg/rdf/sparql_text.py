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


_OPTIONAL = re.compile(r"\bOPTIONAL\s*\{", re.IGNORECASE)
_UNBOUND = re.compile(r"\s*FILTER\s*\(\s*!\s*BOUND\s*\(\s*\?(\w+)\s*\)\s*\)", re.IGNORECASE)


def optional_as_not_exists(query: str) -> str:
    r"""The query with each anti-join written `OPTIONAL { P } FILTER (!BOUND(?v))` as
    `FILTER NOT EXISTS { P }`, where ?v is bound by P (the same answers).

    Oxigraph evaluates an OPTIONAL's pattern once for all rows, and a NOT EXISTS once per row:
    over the whole graph the first is fast and the second slow, and the other way round when a
    few focus nodes are bound first (validate --changed).

    >>> optional_as_not_exists('SELECT ?x WHERE { ?x a ?t OPTIONAL { ?x <p> ?v } FILTER (!BOUND(?v)) }')
    'SELECT ?x WHERE { ?x a ?t FILTER NOT EXISTS { ?x <p> ?v } }'
    >>> optional_as_not_exists('SELECT ?x WHERE { ?x a ?t OPTIONAL { ?x <p> ?v } }')
    'SELECT ?x WHERE { ?x a ?t OPTIONAL { ?x <p> ?v } }'
    """
    code = mask(query)
    for m in reversed(list(_OPTIONAL.finditer(code))):
        depth, end = 0, None
        for i in range(m.end() - 1, len(code)):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            if depth == 0:
                end = i + 1
                break
        unbound = _UNBOUND.match(code, end) if end else None
        if not unbound or not re.search(rf"\?{unbound.group(1)}\b", code[m.end():end - 1]):
            continue
        query = query[: m.start()] + "FILTER NOT EXISTS " + query[m.end() - 1: end] + query[unbound.end():]
        code = mask(query)
    return query


def union_branches(query: str, where: int) -> list[tuple[int, int]]:
    """(open, close) brace positions of the UNION branches directly inside the group that
    opens at `where` (a nested branch of a branch is not listed).

    >>> q = "SELECT * WHERE { { ?a <p> ?b } UNION { ?a <q> ?b } ?a <r> ?c }"
    >>> [q[o:c + 1] for o, c in union_branches(q, q.index("{"))]
    ['{ ?a <p> ?b }', '{ ?a <q> ?b }']
    """
    code = mask(query)
    groups, stack, depth_of = {}, [], {}
    for i, ch in enumerate(code):
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            opened = stack.pop()
            groups[opened] = i
            depth_of[opened] = len(stack)
    base = depth_of.get(where)
    end = groups.get(where, len(code))
    children = sorted(o for o, d in depth_of.items() if base is not None and d == base + 1 and where < o < end)
    branches = set()
    for first, second in zip(children, children[1:], strict=False):  # pairs
        between = code[groups[first] + 1: second]
        if re.fullmatch(r"\s*UNION\s*", between, re.IGNORECASE):
            branches.update({first, second})
    return [(o, groups[o]) for o in sorted(branches)]


_REGEX = re.compile(r"\bREGEX\s*\(", re.IGNORECASE)
_STRING = re.compile(r'("""|\'\'\'|"|\')([\s\S]*)\1\Z')


def grouped_regex_patterns(query: str) -> str:
    r"""The query with each REGEX's pattern, where it is a string, in a group `(?:...)`: the same
    matches. For Virtuoso 7.2, which reads a pattern with no special character but `|` as the
    plain text it spells ("times|twice" matched neither word); a group makes it a pattern again.

    >>> grouped_regex_patterns('SELECT * { FILTER (REGEX(LCASE(?t), "a|b", "i") && !regex(?t, ?p)) }')
    'SELECT * { FILTER (REGEX(LCASE(?t), "(?:a|b)", "i") && !regex(?t, ?p)) }'
    """
    code = mask(query)
    for m in reversed(list(_REGEX.finditer(code))):
        depth, comma = 0, None
        for i in range(m.end() - 1, len(code)):
            depth += {"(": 1, ")": -1}.get(code[i], 0)
            if depth == 0:
                break
            if depth == 1 and code[i] == ",":
                comma = i
                break
        if comma is None:
            continue
        start = comma + 1
        while start < len(query) and query[start].isspace():
            start += 1
        literal = _NOT_SYNTAX.match(query, start)
        quoted = _STRING.match(literal.group(0)) if literal else None
        if quoted:
            grouped = f"{quoted.group(1)}(?:{quoted.group(2)}){quoted.group(1)}"
            query = query[: literal.start()] + grouped + query[literal.end():]
    return query
