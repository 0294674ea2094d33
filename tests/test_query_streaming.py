"""`medkg query --format csv|tsv|json` on the local graph writes the answer with pyoxigraph's own
SPARQL results serializer (no Python row per solution): the answer must be the one medkg's own
writer gives, for every catalogue query."""

import io
import subprocess
import sys

import pyoxigraph as ox
import pytest

from medkg.query import catalogue, render
from medkg.query.results import from_oxigraph_solutions
from medkg.query.run import STREAMED, local_store, run_local, serialize_local

QUERIES = sorted(catalogue.catalogue().values(), key=lambda q: q.name)


@pytest.fixture(scope="module")
def store():
    return local_store()


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_the_streamed_answer_is_the_answer(query, store):
    expected = run_local(query, query.example, store)
    assert expected.rows or expected.boolean is not None, f"{query.name}: no rows on the shipped graph, nothing compared"
    for fmt, results_format in STREAMED.items():
        streamed = serialize_local(query, query.example, fmt, store)
        if fmt == "csv":  # CSV drops the terms' types: compare the bytes with medkg's own writer
            assert streamed.decode("utf-8") == render.render(expected, "csv"), query.name
        else:  # TSV and JSON keep the terms: read them back
            read = from_oxigraph_solutions(ox.parse_query_results(io.BytesIO(streamed), results_format))
            assert read == expected, f"{query.name} as {fmt}"


def test_the_command_streams_and_ends_its_output_with_a_newline():
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "query", "is-opioid", "--format", "json"],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(b"\n")
    read = from_oxigraph_solutions(ox.parse_query_results(io.BytesIO(done.stdout), ox.QueryResultsFormat.JSON))
    assert [row[2].value for row in read.rows] == ["no"]
