"""How much work a SPARQL text can be for rdflib's parser, measured before it is parsed.

rdflib's parser (pyparsing, pure Python) spends milliseconds on each operator of an expression:
`SELECT (1+1+...+1 AS ?x) {}` of 20,000 characters took 18 s, and deep nesting recurses until the
stack runs out. So the text is counted first, in one linear pass, and refused past MAX_TOKENS
tokens or MAX_DEPTH brackets deep, whatever its length in characters.

The count is an upper bound on what the parser can see, whichever way it reads the text: a string
is one token (a quote always opens one), a comment none, and an IRI's inside is counted as tokens
too, because `1<2+1+...+1>0` is an IRI to a lexer that takes the longest match and a chain of
sums to rdflib. (A mask that read anything between `<` and `>` as an IRI once hid a SERVICE.)
"""

import re

# The catalogue's largest query has 385 tokens here (its registry prefixes added, IRIs counted
# inside) and 7 levels of brackets; the shapes' largest sh:select 362 with its prologue. The
# slowest text of 1,000 tokens, a chain of `+`, parsed in 4.1 s on this busy 2-core machine (an
# OR of 200 comparisons 1.7 s, 200 triple patterns 0.8 s); 2,000 tokens took 9.6 s.
MAX_TOKENS = 1_000
MAX_DEPTH = 32

# In the order a SPARQL lexer takes them: strings, a comment, a strict IRIREF (SPARQL 1.1 [139]:
# no <, >, ", {, }, |, ^, `, \ or space inside), a name or number, any other character.
_LEXEME = re.compile(
    r'(?P<string>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r"|(?P<comment>#[^\n\r]*)"
    r'|<(?P<iri>[^<>"{}|^`\\\x00-\x20]*)>'
    r"|(?P<word>[\w.:$?-]+)"
    r"|(?P<other>\S)"
)
_IRI_PART = re.compile(r"[\w.:-]+|[^\w.:-]")
_OPEN, _CLOSE = "({[", ")}]"


def measure(text: str) -> tuple[int, int]:
    """(tokens, deepest bracket nesting) of a SPARQL text: an upper bound on what the parser reads.

    >>> measure('SELECT ?x { ?x <http://a/b#c> "{ (" } # ( ( (')
    (15, 1)
    >>> measure("ASK { FILTER(1<2+3>0) }")[0]
    12
    """
    tokens = depth = deepest = 0
    for m in _LEXEME.finditer(text):
        kind = m.lastgroup
        if kind == "comment":
            continue
        if kind == "iri":
            parts = _IRI_PART.findall(m.group("iri"))
            tokens += 1 + len(parts)
            for part in parts:  # brackets inside an IRI count too: rdflib may read it as an expression
                depth += (part in _OPEN) - (part in _CLOSE)
                deepest = max(deepest, depth)
            continue
        tokens += 1
        if kind == "other":
            ch = m.group("other")
            if ch in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif ch in _CLOSE:
                depth -= 1
    return tokens, deepest


def refusal(text: str) -> str | None:
    """Why the text is too much to parse, with what to do; None when it is within the bounds."""
    tokens, deepest = measure(text)
    if deepest > MAX_DEPTH:
        return (f"the query is nested too deeply: brackets {deepest} levels deep, at most {MAX_DEPTH} are parsed; "
                "write it flatter")
    if tokens > MAX_TOKENS:
        return (f"the query has {tokens} tokens (names, numbers, operators, brackets); at most {MAX_TOKENS} are "
                "parsed: split it into smaller queries, or pass long lists of values in fewer terms")
    return None
