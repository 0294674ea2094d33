"""The mutation operators' registry (medkg/validate/mutation_operators.py): every entry makes
mutants of the shipped data and says what it changes and why a survivor matters, and the registry
is what the mutation run runs. Fast: making the mutants validates none of them."""

import pytest

from medkg.io.parse import load_data
from medkg.validate import mutation
from medkg.validate.mutant_graph import Edit
from medkg.validate.mutation_operators import OPERATORS, Operator
from medkg.validate.pipeline import Validator


@pytest.fixture(scope="module")
def made():
    validator = Validator()
    return load_data(), validator


@pytest.fixture(scope="module")
def every(made):
    data, validator = made
    return mutation.mutants(data, validator.shapes, validator.ontology_graph)


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_makes_at_least_one_mutant_of_the_shipped_data(every, name):
    assert any(m.operator == name for m in every), f"{name} makes no mutant: an operator nothing exercises"


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_operator_says_what_it_changes_and_why_a_survivor_matters(name):
    op = OPERATORS[name]
    assert op.name == name
    assert op.family in ("form", "meaning")
    assert len(op.changes.split()) >= 4 and len(op.survivor_matters.split()) >= 4, name


def test_the_operators_are_the_form_s_and_the_curator_s():
    assert {n for n, op in OPERATORS.items() if op.family == "form"} == {
        "remove-required", "wrong-datatype", "dangling-object", "swap-use", "corrupt-quote"}
    assert len(OPERATORS) == 16


def test_a_mutant_is_named_by_the_operator_that_made_it(every):
    assert {m.operator for m in every} == set(OPERATORS)


def test_a_new_entry_in_the_registry_is_run(made, monkeypatch):
    data, validator = made
    first = sorted(data.triples, key=str)[0]
    extra = Operator("drop-first", "form", "drops the first triple of the data", "a test of the registry, nothing more",
                     lambda g: iter([Edit("only", "drop the first triple", (first,), ())]))
    monkeypatch.setitem(OPERATORS, extra.name, extra)
    made_now = [m for m in mutation.mutants(data, validator.shapes, validator.ontology_graph) if m.operator == "drop-first"]
    assert [(m.key, m.description, m.removed) for m in made_now] == [("only", "drop the first triple", (first,))]


def test_an_unexplained_survivor_says_why_it_matters(every):
    data = load_data()
    gap = next(m for m in every if m.operator == "dangling-object" and not m.why)
    text = mutation.summary([mutation.Outcome(gap, False, "")], data)
    assert f"NOT EXPLAINED: a gap; it matters: {OPERATORS['dangling-object'].survivor_matters}" in text
    assert "0 of 1 mutants caught" in text


def test_a_per_property_sample_takes_at_most_n_of_each_operator_and_key(made, every):
    data, validator = made
    sample = mutation.mutants(data, validator.shapes, validator.ontology_graph, per_property=1)
    keys = [(m.operator, m.key) for m in sample]
    assert len(keys) == len(set(keys)) == len({(m.operator, m.key) for m in every})
