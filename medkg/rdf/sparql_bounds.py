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

# The catalogue's largest query counts 493 here (its registry prefixes added, IRIs counted inside,
# their slashes as operators) and 7 levels of brackets; the shapes' largest sh:select 422 with its
# prologue. The slowest texts within the bounds (a flat CONCAT or IN list, a chain of `+`) parse in
# about 1.8 s on this busy 2-core machine; counting operators as single tokens let a chain of `+`
# take 4.1 s at 1,000, and 20,000 characters of it took 18 s.
MAX_TOKENS = 1_200
# Each operator character counts as this many tokens: the parser descends every level of the
# expression grammar for each operand, some 4 ms a `+` against 0.8 ms a token of triple patterns.
OPERATOR_WEIGHT = 3
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
_OPERATORS = set("+*/=<>!&|")  # `-` is read as part of a word: a name or number may hold it


def measure(text: str) -> tuple[int, int]:
    """(tokens, deepest bracket nesting) of a SPARQL text: an upper bound on what the parser reads.

    >>> measure('SELECT ?x { ?x <http://a/b#c> "{ (" } # ( ( (')
    (21, 1)
    >>> measure("ASK { FILTER(1<2+3>0) }")[0]  # the IRI-like <2+3> counted inside, its + as 3
    14
    """
    tokens = depth = deepest = 0
    for m in _LEXEME.finditer(text):
        kind = m.lastgroup
        if kind == "comment":
            continue
        if kind == "iri":
            parts = _IRI_PART.findall(m.group("iri"))
            tokens += 1 + len(parts)
            for part in parts:  # operators and brackets inside an IRI count too: rdflib may read it as an expression
                tokens += (OPERATOR_WEIGHT - 1) * (part in _OPERATORS)
                depth += (part in _OPEN) - (part in _CLOSE)
                deepest = max(deepest, depth)
            continue
        tokens += 1
        if kind == "other":
            ch = m.group("other")
            if ch in _OPERATORS:
                tokens += OPERATOR_WEIGHT - 1
            elif ch in _OPEN:
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
        return (f"the query has {tokens} tokens (names, numbers, brackets; an operator counts as {OPERATOR_WEIGHT}); "
                f"at most {MAX_TOKENS} are parsed: split it into smaller queries, or pass long lists of values in fewer terms")
    return None
