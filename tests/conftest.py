"""Shared fixtures: the shipped graph, loaded once per session."""

import pytest

from medkg.io.parse import load_data, load_ontology, load_shapes
from medkg.validate.pipeline import validate


@pytest.fixture(scope="session")
def data():
    return load_data()


@pytest.fixture(scope="session")
def ontology():
    return load_ontology()


@pytest.fixture(scope="session")
def shapes():
    return load_shapes()


@pytest.fixture(scope="session")
def store(data, ontology):
    """The shipped data plus the ontology in pyoxigraph, for SPARQL checks."""
    import pyoxigraph as ox

    s = data.store()
    s.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology.triples)
    return s


@pytest.fixture(scope="session")
def report():
    return validate()


@pytest.fixture(scope="session")
def oxigraph_server():
    """A real Oxigraph server (read-write, in memory) on a free loopback port, for this session.

    Started from the `oxigraph` package the project installs; stopped when the session ends.
    Yields its base URL (http://127.0.0.1:PORT); /query, /update and /store are its endpoints.
    """
    import subprocess

    from medkg.serve.oxigraph_server import free_port, oxigraph_binary, wait_until_ready

    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + "/query", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
