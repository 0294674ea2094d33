"""`medkg vocab`: every class and property of the vocabulary (ontology/medkg.ttl), with its label
and definition, read from the ontology itself, so that a researcher writing a query need not open
the Turtle. The README's vocabulary section is this output (a test keeps the two equal)."""

import pyoxigraph as ox

from medkg.project_files import ONTOLOGY_DIR
from medkg.rdf.namespaces import OWL, RDFS, SKOS
from medkg.rdf.prefixes import compact

VOCABULARY = ONTOLOGY_DIR / "medkg.ttl"
# How to ask the ontology the same thing, in the README and in --help.
QUERY = f"""SELECT ?term ?kind ?label ?definition WHERE {{
  VALUES ?kind {{ <{OWL.Class}> <{OWL.ObjectProperty}> <{OWL.DatatypeProperty}> }}
  ?term a ?kind ; <{RDFS.label}> ?label ; <{SKOS.definition}> ?definition .
}} ORDER BY ?kind ?term"""
KINDS = {str(OWL.Class): "Classes", str(OWL.ObjectProperty): "Object properties",
         str(OWL.DatatypeProperty): "Datatype properties"}


def terms() -> list[tuple[str, str, str, str]]:
    """(kind, term, label, definition) for every term the vocabulary defines or reuses."""
    store = ox.Store()
    store.load(path=str(VOCABULARY), format=ox.RdfFormat.TURTLE)
    rows = store.query(QUERY)
    return [(KINDS[r["kind"].value], compact(r["term"].value), r["label"].value, r["definition"].value) for r in rows]


def markdown() -> str:
    """The vocabulary as Markdown tables, one per kind of term."""
    out = []
    for kind in KINDS.values():
        rows = [t for t in terms() if t[0] == kind]
        out += [f"**{kind}** ({len(rows)})", "", "| term | label | definition |", "|---|---|---|"]
        out += [f"| `{term}` | {label} | {_cell(definition)} |" for _, term, label, definition in rows]
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def text() -> str:
    """The vocabulary for a terminal: one term a line, its definition under it."""
    out = []
    for kind in KINDS.values():
        out.append(f"{kind}:")
        out += [f"  {term} ({label})\n      {definition}" for k, term, label, definition in terms() if k == kind]
        out.append("")
    return "\n".join(out)
