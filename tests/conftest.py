"""Shared fixtures: the shipped graph, loaded once per session."""

import pytest

from medkg.load import load_data, load_ontology, load_shapes
from medkg.project import ROOT
from medkg.validation import validate

SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"


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


def shared(relative_path: str):
    """A path under ../shared/, or skip: that folder is for development and CI, not for users."""
    path = SHARED / relative_path
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared/ is only beside the project in development and CI")
    return path
