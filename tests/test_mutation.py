"""Mutation testing of the shapes: at least 95 % of single edits to the shipped data are caught.

The suite runs a deterministic sample (one mutant per operator and property, about 90 mutants);
`medkg mutate --report` runs all of them (see the README for the latest full figure).
"""

import pytest

from medkg.io.load import load_data
from medkg.validate import mutation
from medkg.validate.engine import Validator

pytestmark = pytest.mark.slow  # pySHACL comparisons / the mutation run: `make quick` skips them


@pytest.fixture(scope="module")
def outcomes():
    return mutation.run(per_property=1)


def test_every_operator_makes_mutants():
    validator = Validator()
    every = mutation.mutants(load_data(), validator.shapes, validator.ontology_graph)
    assert {m.operator for m in every} == {"remove-required", "wrong-datatype", "dangling-object", "swap-use", "corrupt-quote"}
    assert len(every) > 1000


def test_at_least_95_percent_of_mutants_are_caught(outcomes):
    caught = sum(o.caught for o in outcomes)
    assert len(outcomes) >= 50
    assert caught / len(outcomes) >= 0.95, mutation.summary(outcomes, load_data())


def test_every_survivor_is_explained(outcomes):
    data = load_data()
    unexplained = [o.mutant.description for o in outcomes if not o.caught and not mutation.harmless(o, data)]
    assert unexplained == []


def test_swapped_uses_and_corrupted_quotes_are_always_caught(outcomes):
    for o in outcomes:
        if o.mutant.operator in ("swap-use", "corrupt-quote"):
            assert o.caught, o.mutant.description
