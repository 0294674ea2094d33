"""The example query catalogue (queries/examples/*.rq): headers, parameters, and safe binding.

A query file opens with grlc-style `#+ key: value` lines: summary, description, tags
([a, b]), `param: NAME iri|literal required|optional` (one per parameter), and
`example: NAME=VALUE` (the binding the expected result was made with).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from medkg.errors import InputError
from medkg.project_files import QUERIES_DIR, relative
from medkg.rdf import sparql_parse
from medkg.rdf.namespaces import KG
from medkg.rdf.prefixes import prefixes
from medkg.rdf.sparql_parse import Parsed, SparqlRefused
from medkg.rdf.sparql_text import mask, union_branches
from medkg.text_input import read_text

EXAMPLES_DIR = QUERIES_DIR / "examples"
_HEADER = re.compile(r"^#\+\s*([\w-]+)\s*:\s*(.*?)\s*$")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)  # the query form keyword


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # iri | literal
    required: bool


@dataclass
class Query:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: dict[str, Param] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword outside strings and IRIs."""
        m = _FORM.search(mask(self.text))
        return m.group(1).upper() if m else ""


def read(path: Path) -> Query:
    # Strictly UTF-8, naming the file, line and column of a bad byte (was a UnicodeDecodeError traceback);
    # line ends as Python's text mode reads them.
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    query = Query(path.stem, path, text)
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key in ("summary", "description"):
            setattr(query, key, value)
        elif key == "tags":
            query.tags = [t.strip() for t in value.strip("[]").split(",") if t.strip()]
        elif key == "param":
            words = value.split()
            if len(words) != 3 or words[1] not in ("iri", "literal") or words[2] not in ("required", "optional"):
                raise InputError(f"{relative(path)}:{number}: write a parameter as `#+ param: NAME iri|literal required|optional`")
            query.params[words[0]] = Param(words[0], words[1], words[2] == "required")
        elif key == "example":
            name, _, example = value.partition("=")
            query.example[name.strip()] = example.strip()
    return query


def catalogue() -> dict[str, Query]:
    """Every example query, by name (the file stem)."""
    return {p.stem: read(p) for p in sorted(EXAMPLES_DIR.glob("*.rq"))}


def resolve(name_or_path: str) -> Query:
    """A catalogue name (`uses`) or a path to a .rq file."""
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise InputError(f"{name_or_path}: no such query file")
        return read(path)
    queries = catalogue()
    if name_or_path not in queries:
        raise InputError(
            f"{name_or_path}: no such query in the catalogue; `medkg query --list` shows them "
            f"({', '.join(queries)})"
        )
    return queries[name_or_path]


def parse(query: Query, text: str, *, allow_service: bool = False) -> Parsed:
    """The query's text (bound, prefixes added) as rdflib's parser read it: the text to run. Refused
    (exit 2) when it does not parse, is SPARQL Update (`medkg query` only reads), or has a SERVICE
    clause anywhere, unless allowed: SERVICE makes the engine fetch any URL the query names.

    >>> parse(Query("q", Path("q.rq"), ""), "SELECT ?service WHERE { ?service <urn:p> 'SERVICE' }").form
    'SELECT'
    >>> parse(Query("q", Path("q.rq"), ""), "SELECT * WHERE { FILTER(1<2)SERVICE<http://h/s>{ ?s ?p ?o } }")
    Traceback (most recent call last):
    medkg.errors.InputError: q: the query uses SERVICE (it would fetch data from another server); pass --allow-service to run it
    """
    try:
        parsed = sparql_parse.read(text)
    except SparqlRefused as e:
        raise InputError(f"{relative(query.path)}: {e}") from None  # says which: it does not parse, or a limit
    if parsed.update:
        raise InputError(f"{query.name}: this is SPARQL Update; `medkg query` only reads (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    if parsed.service and not allow_service:
        raise InputError(f"{query.name}: the query uses SERVICE (it would fetch data from another server); "
                         "pass --allow-service to run it")
    return parsed


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w?$:/.-])([A-Za-z][\w-]*(?:\.[\w-]+)*):(?=[\w])")


def with_registry_prefixes(text: str) -> str:
    """The query with a PREFIX line for each registered prefix it uses without declaring, so a
    researcher's own query can write kg: or medkg: as the tables and the catalogue do.

    >>> with_registry_prefixes("SELECT * WHERE { ?c a medkg:Claim }").splitlines()[0]
    'PREFIX medkg: <https://w3id.org/medkg/vocab#>'
    """
    code = mask(text)
    declared = set(_DECLARED.findall(code))
    registry = prefixes()
    missing = sorted({p for p in _USED.findall(code) if p in registry and p not in declared})
    return "".join(f"PREFIX {p}: <{registry[p]}>\n" for p in missing) + text


def bind(query: Query, values: dict[str, str]) -> str:
    """The query text with parameters bound by a VALUES clause of RDF terms, never pasted text.

    Each value becomes a term through pyoxigraph (which rejects an invalid IRI) and is written
    in N-Triples syntax (which escapes a literal), so a value can never change the query.

    >>> q = Query("q", Path("q.rq"), "SELECT ?x WHERE { ?x ?p ?o }", params={"x": Param("x", "literal", False)})
    >>> bind(q, {"x": 'a" } ; DROP ALL ; #'}).splitlines()[1]
    '  VALUES ?x { "a\\\\u005C" } ; DROP ALL ; #" }'
    """
    unknown = sorted(set(values) - set(query.params))
    if unknown:
        known = ", ".join(query.params) or "none"
        raise InputError(f"{query.name}: no parameter named {', '.join(unknown)} (this query takes: {known})")
    missing = [p.name for p in query.params.values() if p.required and p.name not in values]
    if missing:
        raise InputError(f"{query.name}: give --param {missing[0]}=VALUE (required)")
    if not values:
        return query.text
    clauses = " ".join(f"VALUES ?{n} {{ {term(query.params[n], v)} }}" for n, v in sorted(values.items()))
    # The VALUES clause opens the query's WHERE group, so the whole group, its FILTERs included,
    # sees the parameter bound; a group nested below (UNION, OPTIONAL) is joined with it.
    code = mask(query.text)
    form = _FORM.search(code)
    brace = code.find("{", form.end() if form else 0)
    if brace < 0:
        raise InputError(f"{query.name}: no WHERE clause to bind parameters in")
    # The same VALUES also open each UNION branch that uses the parameter: a join with a union is
    # the union of the joins, so the answers are the same, but engines evaluate each branch on its
    # own before the join (drug-overview for one drug on the Oxigraph server at ~1 M triples:
    # 1.2 s with the outer clause alone, all of it in the branch listing every identifier).
    text = query.text
    for opened, closed in reversed(union_branches(text, brace)):
        inner = " ".join(f"VALUES ?{n} {{ {term(query.params[n], v)} }}" for n, v in sorted(values.items())
                         if re.search(rf"\?{n}\b", code[opened:closed]))
        if inner:
            text = text[: opened + 1] + f" {inner}" + text[opened + 1:]
    return text[: brace + 1] + f"\n  {clauses}\n" + text[brace + 1 :]


_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:([^\s/][^\s]*)?$")


def term(param: Param, value: str) -> str:
    """A parameter's value as an RDF term; an IRI may be given as a registered prefixed name
    (kg:epilepsy, as the tables print it).

    >>> term(Param("entity", "iri", True), "kg:epilepsy")
    '<https://w3id.org/medkg/id/epilepsy>'
    """
    if param.kind == "iri":
        m = _PREFIXED.match(value)
        if m and (m.group(1) or "") in prefixes():
            value = prefixes()[m.group(1) or ""] + (m.group(2) or "")
        try:
            return str(ox.NamedNode(value))
        except ValueError as e:
            raise InputError(f"--param {param.name}: {value!r} is not an IRI ({e}); give a full IRI such as {KG.baclofen}") from None
    # Taken literally: the query text is read with its \u escapes expanded (sparql_parse.normalise,
    # as SPARQL says), which turned a value's `\u0041` into `A`; a backslash written as the escape
    # \u005C comes out of that expansion as the backslash N-Triples escaping put there.
    return str(ox.Literal(value)).replace("\\", "\\u005C")


def without_header(text: str) -> str:
    """A query's text without its `#+` header lines: what an endpoint runs."""
    return "\n".join(line for line in text.splitlines() if not _HEADER.match(line)).strip() + "\n"


def to_turtle(queries: list[Query], target: str) -> str:
    """The catalogue in the SIB sparql-examples shape: one sh:SPARQLExecutable per query."""
    from medkg.rdf.turtle import prefix_lines, string

    out = [
        "# medkg example queries, in the shape of the SIB sparql-examples collections.",
        "# Generated by `medkg catalog` from queries/examples/*.rq.",
        "",
        prefix_lines("mkgq", "rdfs", "schema", "sh").rstrip("\n"),
    ]
    for q in sorted(queries, key=lambda q: q.name):
        kind, prop = ("SPARQLAskExecutable", "sh:ask") if q.form == "ASK" else ("SPARQLSelectExecutable", "sh:select")
        comment = q.summary + (f". {q.description}" if q.description else "")
        body = without_header(q.text).replace("\\", "\\\\").replace('"', '\\"')
        keywords = ", ".join(string(t) for t in q.tags)
        out += [
            "",
            f"mkgq:{q.name} a sh:SPARQLExecutable, sh:{kind} ;",
            f"    rdfs:label {string(q.name)} ;",
            f"    rdfs:comment {string(comment, 'en')} ;",
            f'    {prop} """{body}""" ;',
            *([f"    schema:keywords {keywords} ;"] if keywords else []),
            f"    schema:target <{target}> .",
        ]
    return "\n".join(out) + "\n"
