"""The mutation operators, one registry: each entry names an operator, says what one of its mutants
changes in the data and why a survivor matters (what a curator's slip would then get past
validation), and holds the function that makes its edits (form_mutants.py breaks the form,
curator_mutants.py changes what the graph means). `medkg mutate` runs every entry; a new operator
is one function and one entry here.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from medkg.validate import curator_mutants, form_mutants
from medkg.validate.mutant_graph import Edit, Graph


@dataclass(frozen=True)
class Operator:
    name: str
    family: str  # "form": the data no longer says what the vocabulary allows; "meaning": well formed, but wrong
    changes: str  # what one mutant changes
    survivor_matters: str  # why a mutant that validation lets through is a gap worth closing
    make: Callable[[Graph], Iterator[Edit]]


_ALL = (
    Operator("remove-required", "form",
             "drops the only value of a property a shape requires of its subject's class (sh:minCount or sh:qualifiedMinCount >= 1)",
             "a claim, quote or entity missing a required part would be released incomplete",
             form_mutants.remove_required),
    Operator("wrong-datatype", "form",
             "gives a typed or language-tagged literal the wrong datatype (xsd:string, or no language tag)",
             "queries that filter on the datatype or the language would miss the value",
             form_mutants.wrong_datatype),
    Operator("dangling-object", "form",
             "points an object at a project IRI that nothing defines (a typo in a name)",
             "a link would lead nowhere: a page that does not exist, a join that finds nothing",
             form_mutants.dangling_object),
    Operator("swap-use", "form",
             "states a labelled use as off-label, or an off-label use with biolink:treats",
             "readers would take an off-label use for an approved one, or the reverse",
             form_mutants.swap_use),
    Operator("corrupt-quote", "form",
             "changes one character of a quote, or shifts its offsets by one",
             "a claim would no longer rest on the article's exact words",
             form_mutants.corrupt_quote),
    Operator("swap-subject-object", "meaning",
             "exchanges a claim's subject and object, in both layers",
             "the graph would state the relation backwards (a condition treating the drug)",
             curator_mutants.swap_subject_object),
    Operator("retarget-other-kind", "meaning",
             "replaces a claim's object by an entity of another type (a substance for a condition)",
             "a claim would relate things its kind cannot relate",
             curator_mutants.retarget_other_kind),
    Operator("retarget-same-kind", "meaning",
             "replaces a claim's object by another entity of its own type (the wrong condition)",
             "a claim would be about a thing its quote does not name",
             curator_mutants.retarget_same_kind),
    Operator("move-kind", "meaning",
             "records a claim as another kind, with that kind's predicate in both layers",
             "a risk could be read as a use (or the reverse) with nothing in its words to say so",
             curator_mutants.move_kind),
    Operator("change-certainty", "meaning",
             "sets a claim's certainty to another level of the scale",
             "the graph would say the article is surer, or less sure, than its words",
             curator_mutants.change_certainty),
    Operator("drop-source", "meaning",
             "removes the source a claim credits",
             "a claim the article attributes to a source would read as the article's own",
             curator_mutants.drop_source),
    Operator("swap-source", "meaning",
             "credits another source the article cites instead of the claim's own",
             "a claim would be attributed to the wrong source",
             curator_mutants.swap_source),
    Operator("add-source", "meaning",
             "credits a source on a claim whose words credit none",
             "a claim would carry an authority its words do not give it",
             curator_mutants.add_source),
    Operator("change-number", "meaning",
             "multiplies a number a claim states by ten, or adds one",
             "a wrong dose or year would be released as the article's",
             curator_mutants.change_number),
    Operator("misspell-term", "meaning",
             "misspells a predicate, a class or a language tag once, at its first use",
             "a misspelt term is silently a different term: no shape or query would see the triple",
             curator_mutants.misspell_term),
    Operator("reuse-quote", "meaning",
             "points a claim at another claim's quote (a copied medkg:quote line)",
             "a claim would rest on words that do not say it",
             curator_mutants.reuse_quote),
)
OPERATORS: dict[str, Operator] = {op.name: op for op in _ALL}
