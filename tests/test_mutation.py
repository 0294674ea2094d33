"""Mutation testing of the shapes: at least 95 % of single edits to the shipped data are caught,
those that break the form and those a curator makes that change what the graph means.

The suite runs a deterministic sample (one mutant per operator and key, about 200 mutants);
`medkg mutate --report` runs all of them (see the README for the latest full figure).
"""

import pytest

from medkg.io.parse import load_data
from medkg.validate import mutation
from medkg.validate.pipeline import Validator

pytestmark = pytest.mark.slow  # pySHACL comparisons / the mutation run: `make quick` skips them


@pytest.fixture(scope="module")
def outcomes():
    return mutation.run(per_property=1)


def test_every_operator_makes_mutants():
    validator = Validator()
    every = mutation.mutants(load_data(), validator.shapes, validator.ontology_graph)
    assert {m.operator for m in every} == {
        "remove-required", "wrong-datatype", "dangling-object", "swap-use", "corrupt-quote",  # the form
        "swap-subject-object", "retarget-other-kind", "retarget-same-kind", "move-kind", "change-certainty",  # the meaning
        "drop-source", "swap-source", "add-source", "change-number", "misspell-term", "reuse-quote",
    }
    assert len(every) > 3000


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


def test_curator_mistakes_that_no_reading_excuses_are_always_caught(outcomes):
    """A misspelt term, a reused quote, a number or a credited source that the words contradict: the
    quote leaves no room for another reading, so none may pass."""
    for o in outcomes:
        if o.mutant.operator in ("misspell-term", "reuse-quote", "change-number", "drop-source", "swap-source", "add-source"):
            assert o.caught, o.mutant.description


def test_a_survivor_s_reason_is_read_off_the_data():
    """The reasons curator-level survivors give are computed from the graph: a retarget to a thing
    the quote also names says so, one to a thing it does not name has no excuse."""
    validator = Validator()
    every = {m.description: m for m in mutation.mutants(load_data(), validator.shapes, validator.ontology_graph)}
    both = every["retarget baclofen-pill-form from pill-form to injectable-form"]
    assert "names both pill-form and injectable-form" in both.why
    assert every["retarget baclofen-pill-form from pill-form to intrathecal-route (AdministrationRoute)"].why == ""
