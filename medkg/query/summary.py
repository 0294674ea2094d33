"""What the graph holds, in a few lines: the second half of `make run`.

The counts come from the SPARQL files in queries/summary/, run on pyoxigraph.
"""

import pyoxigraph as ox

from medkg.io.parse import Source
from medkg.project_files import QUERIES_DIR

SUMMARY_QUERIES = QUERIES_DIR / "summary"


def run_query(store: ox.Store, name: str) -> list[dict[str, str]]:
    query = (SUMMARY_QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in solutions]


def summarise(data: Source, ontology: Source) -> str:
    store = data.store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology.triples)
    totals = run_query(store, "totals")[0]
    lines = [
        f"The graph holds {totals['claims']} claims from the article and {totals['notes']} curator notes, "
        f"about {totals['entities']} entities; {totals['mappedEntities']} nodes carry "
        f"{totals['identifiers']} external identifiers.",
        f"Article coverage: {totals['sentences']} sentences, "
        f"{int(totals['sentences']) - int(totals['claimFreeSentences'])} quoted by claims, "
        f"{totals['claimFreeSentences']} marked claim-free.",
        "",
        "Claims per kind:",
        *_table(run_query(store, "claims-per-kind"), "kindLabel", "claims"),
        "",
        "Sources the article credits (claims credited to each):",
        *_table(run_query(store, "credited-sources"), "sourceLabel", "claims"),
        "",
        "Curator notes per kind:",
        *_table(run_query(store, "curator-notes-per-kind"), "kindLabel", "notes"),
    ]
    return "\n".join(lines)


def _table(rows, label: str, count: str) -> list[str]:
    width = max((len(r[label]) for r in rows), default=0)
    return [f"  {r[label]:<{width}}  {r[count]:>3}" for r in rows] or ["  (none)"]
