"""medkg diff: a real edit is reported as exactly that edit, in the graph's own terms."""

import json
import re
import shutil

import pytest

from medkg.cli import main
from medkg.paths import DATA_DIR
from medkg.release import diff
from tests.paths import FIXTURES


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(copy) -> diff.Diff:
    return diff.diff(diff.side(str(DATA_DIR)), diff.side(str(copy)))


def test_same_data_has_no_differences(copy, capsys):
    assert run(copy).empty()
    assert main(["diff", str(DATA_DIR), str(copy)]) == 0
    assert capsys.readouterr().out == "No differences.\n"


def test_a_changed_quote_is_named_as_that(copy):
    edit(copy / "claims" / "classification.ttl", 'oa:exact "Baclofen is a muscle relaxant drug" ;', 'oa:exact "Baclofen is a muscle relaxant" ;')
    d = run(copy)
    assert d.claims_changed == {"claim:baclofen-is-muscle-relaxant": [
        {"field": "quote", "old": ['"Baclofen is a muscle relaxant drug"'], "new": ['"Baclofen is a muscle relaxant"']}]}
    assert not (d.claims_added or d.claims_removed or d.triples_added or d.triples_removed or d.entities_added)


def test_an_added_claim_is_named_as_that(copy):
    shutil.copy(FIXTURES / "valid" / "new-risk-claim.ttl", copy / "claims" / "new.ttl")
    d = run(copy)
    assert d.claims_added == ["claim:fixture-side-effects-of-pill"]
    assert not (d.claims_changed or d.claims_removed or d.triples_added or d.entities_added)


def test_certainty_and_source_changes(copy):
    path = copy / "claims" / "forms-and-dosage.ttl"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"claim:baclofen-starting-dose a [\s\S]*?\n\n", text).group(0)
    changed = block.replace("medkg:certainty-established", "medkg:certainty-qualified").replace("kg:medicinenet", "kg:webmd")
    path.write_text(text.replace(block, changed), encoding="utf-8")
    [(claim, changes)] = run(copy).claims_changed.items()
    assert claim == "claim:baclofen-starting-dose"
    assert {c["field"]: (c["old"], c["new"]) for c in changes} == {
        "certainty": (["medkg:certainty-established"], ["medkg:certainty-qualified"]),
        "source": (["kg:medicinenet"], ["kg:webmd"]),
    }


def test_identifier_change_and_entity_removal(copy):
    edit(copy / "conditions.ttl", "skos:exactMatch obo:HP_0012531, mesh:D010146 .", "skos:exactMatch obo:HP_0012531 .")
    text = (copy / "conditions.ttl").read_text(encoding="utf-8")
    block = re.search(r"kg:treatment-retention a [\s\S]*?\.\n", text).group(0)
    (copy / "conditions.ttl").write_text(text.replace(block, ""), encoding="utf-8")
    d = run(copy)
    assert d.identifiers_changed == {"kg:pain": {"added": [], "removed": ["mesh:D010146"]}}
    assert d.entities_removed == ["kg:treatment-retention"]


def test_plain_triples_are_listed_as_such(copy):
    edit(copy / "conditions.ttl", 'rdfs:label "seizures"@en ;', 'rdfs:label "seizure"@en ;')
    d = run(copy)
    assert d.triples_added == ['kg:seizure rdfs:label "seizure"@en']
    assert d.triples_removed == ['kg:seizure rdfs:label "seizures"@en']
    assert not d.claims_changed


def test_json_output_lists_the_changed_triple_as_text(copy, capsys):
    edit(copy / "conditions.ttl", 'rdfs:label "seizures"@en ;', 'rdfs:label "seizure"@en ;')
    assert main(["diff", str(DATA_DIR), str(copy), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["triples_added"] == ['kg:seizure rdfs:label "seizure"@en']


def test_blank_nodes_are_refused(copy, capsys):
    shutil.copy(FIXTURES / "invalid" / "blank-node.ttl", copy / "blank.ttl")
    assert main(["diff", str(DATA_DIR), str(copy)]) == 2
    assert "blank nodes" in capsys.readouterr().err


def test_a_revision_against_itself_differs_in_nothing_and_an_unknown_one_exits_2(capsys):
    assert main(["diff", "HEAD", "HEAD"]) == 0
    assert capsys.readouterr().out == "No differences.\n"
    assert main(["diff", "no-such-revision", "HEAD"]) == 2
    assert "neither a file, a folder, nor a git revision" in capsys.readouterr().err
