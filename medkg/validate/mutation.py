"""Mutation testing of the shapes: make single, systematic edits to the shipped data and check
that validation catches each one.

The operators, those that break the form and those that change what the graph means, are one
registry: medkg/validate/mutation_operators.py. This runs them all (or a deterministic sample),
validates each mutant and reports the share caught and the survivors.

A mutant is caught when validation reports any finding: the shipped data conforms.
"""

import random
from dataclasses import dataclass

import pyoxigraph as ox

from medkg.io.parse import Source, load_data
from medkg.progress import Progress
from medkg.validate.mutant_graph import Graph
from medkg.validate.mutation_operators import OPERATORS
from medkg.validate.pipeline import Validator

# Survivors that are harmless edits, with the reason they are.
HARMLESS: dict[str, str] = {
    'untype the object of intrathecal-not-between-discs object "the cerebrospinal fluid in the intra..."':
        "a curator note's stated value is free text beside its rdfs:comment; no query or check relies on its tag",
}


@dataclass(frozen=True)
class Mutant:
    operator: str  # its name in OPERATORS
    key: str  # what --per-property samples by: at most N mutants per (operator, key)
    description: str
    removed: tuple[ox.Triple, ...]
    added: tuple[ox.Triple, ...]
    why: str = ""  # why it may pass, read off the data when it is made ("": a gap if it survives)


@dataclass
class Outcome:
    mutant: Mutant
    caught: bool
    first_finding: str


def mutants(data: Source, shapes, ontology, per_property: int | None = None, seed: int = 0) -> list[Mutant]:
    """Every mutant of the data, or at most `per_property` per operator and property (a
    deterministic sample for the test suite)."""
    g = Graph(data.triples, shapes, ontology)
    groups: dict[tuple[str, str], list[Mutant]] = {}
    for operator in OPERATORS.values():
        for edit in operator.make(g):
            groups.setdefault((operator.name, edit.key), []).append(Mutant(operator.name, *edit))
    chosen = []
    rng = random.Random(seed)
    for key in sorted(groups):
        group = groups[key]
        chosen += group if per_property is None or len(group) <= per_property else rng.sample(group, per_property)
    return chosen


def run(per_property: int | None = None, seed: int = 0) -> list[Outcome]:
    validator = Validator()
    data = load_data()
    outcomes = []
    chosen = mutants(data, validator.shapes, validator.ontology_graph, per_property, seed)
    with Progress("validating mutants", total=len(chosen)) as progress:
        for mutant in chosen:
            removed = set(mutant.removed)
            triples = [t for t in data.triples if t not in removed] + list(mutant.added)
            # Same locations as the shipped files: a mutant is an edit of them.
            source = Source(files=data.files, triples=triples, locations=data.locations)
            report = validator.run(source)
            first = f"{report.findings[0].shape}: {report.findings[0].message}" if report.findings else ""
            outcomes.append(Outcome(mutant, bool(report.findings), first))
            progress.advance()
    return outcomes


def by_operator(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """The outcomes of each operator, by its name, in name order."""
    groups: dict[str, list[Outcome]] = {}
    for o in sorted(outcomes, key=lambda o: o.mutant.operator):
        groups.setdefault(o.mutant.operator, []).append(o)
    return groups


def summary(outcomes: list[Outcome], data: Source) -> str:
    caught = sum(o.caught for o in outcomes)
    lines = [f"{caught} of {len(outcomes)} mutants caught ({100 * caught / max(1, len(outcomes)):.1f} %)", ""]
    for operator, group in by_operator(outcomes).items():
        caught_here = sum(o.caught for o in group)
        lines.append(f"  {operator:<20} {caught_here:>4} of {len(group):>4} caught ({100 * caught_here / len(group):.1f} %)")
    survivors = [o for o in outcomes if not o.caught]
    lines += ["", f"Survivors ({len(survivors)}):" if survivors else "No survivors."]
    for o in survivors:
        reason = harmless(o, data)
        # An unexplained survivor says what it risks, so that the gap is weighed, not just counted.
        gap = f"  [NOT EXPLAINED: a gap; it matters: {OPERATORS[o.mutant.operator].survivor_matters}]"
        lines.append(f"  {o.mutant.operator}: {o.mutant.description}" + (f"  [why: {reason}]" if reason else gap))
    return "\n".join(lines)


def harmless(outcome: Outcome, data: Source) -> str:
    """Why a surviving mutant passes: a harmless edit, or a reading the words leave open (read off
    the data when the mutant was made); "" when it is a gap in the shapes."""
    mutant = outcome.mutant
    if mutant.description in HARMLESS:
        return HARMLESS[mutant.description]
    if mutant.why:
        return mutant.why
    return ""
