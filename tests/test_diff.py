"""medkg diff: a real edit is reported as exactly that edit, in the graph's own terms."""

import json
import re
import shutil

import pytest

from medkg.cli import main
from medkg.project_files import DATA_DIR
from medkg.rdf.prefixes import prefixes
from medkg.rdf.turtle import prefix_lines
from medkg.release import diff
from tests.material import FIXTURES


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
        "article wording": (["medkg:certainty-established"], ["medkg:certainty-qualified"]),
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


# --- The CLI's diff reads only what the edit touched: it must say what the whole-graph diff says ---

PREFIXES = prefix_lines(*prefixes())


def same_as_the_whole_graph_diff(old, new) -> diff.Diff:
    fast = diff.compare(diff.version(str(old)), diff.version(str(new)))
    assert fast == diff.diff(diff.side(str(old)), diff.side(str(new)))
    return fast


def test_a_triple_that_left_one_file_but_stands_in_a_shared_one_is_not_removed(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(DATA_DIR, side)
        (side / "also.ttl").write_text(PREFIXES + '\n\nkg:pain rdfs:label "pain"@en .\n', encoding="utf-8")
    edit(new / "conditions.ttl", '    rdfs:label "pain"@en ;\n', "")
    assert same_as_the_whole_graph_diff(old, new).empty()


def test_a_changed_selector_is_read_with_its_claim_from_a_shared_file(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        shutil.copytree(DATA_DIR, side)
        claims = side / "claims" / "classification.ttl"
        text = claims.read_text(encoding="utf-8")
        selector = re.search(r"quote:baclofen-is-muscle-relaxant-text a [\s\S]*?\.\n", text).group(0)
        claims.write_text(text.replace(selector, ""), encoding="utf-8")
        (side / "selector.ttl").write_text(PREFIXES + "\n\n" + selector, encoding="utf-8")
    edit(new / "selector.ttl", 'oa:exact "Baclofen is a muscle relaxant drug" ;', 'oa:exact "Baclofen is a muscle relaxant" ;')
    d = same_as_the_whole_graph_diff(old, new)
    assert list(d.claims_changed) == ["claim:baclofen-is-muscle-relaxant"] and not d.triples_added


@pytest.mark.parametrize("change", ["quote", "identifier", "new claim", "renamed file"])
def test_the_cli_diff_equals_the_whole_graph_diff(copy, change):
    if change == "quote":
        edit(copy / "claims" / "uses.ttl", 'oa:exact "One of the original uses for baclofen was epilepsy." ;',
             'oa:exact "One of the original uses was epilepsy." ;')
    elif change == "identifier":
        edit(copy / "conditions.ttl", "skos:exactMatch obo:HP_0012531, mesh:D010146 .", "skos:exactMatch obo:HP_0012531 .")
    elif change == "new claim":
        shutil.copy(FIXTURES / "valid" / "new-risk-claim.ttl", copy / "claims" / "new.ttl")
    else:
        (copy / "drug.ttl").rename(copy / "medicine.ttl")
    assert not same_as_the_whole_graph_diff(DATA_DIR, copy).empty() or change == "renamed file"


def test_a_revision_holds_files_whose_names_git_quotes(tmp_path):
    # git's line output quotes "é.ttl" and a space splits "a b.ttl": both were lost from OLD.
    import subprocess

    from medkg.validate.changed_nodes import files_at

    (tmp_path / "data").mkdir()
    names = ["é.ttl", "a b.ttl", "plain.ttl"]
    for name in names:
        (tmp_path / "data" / name).write_text(f"<urn:x:{len(name)}> <urn:x:p> {json.dumps(name)} .\n", encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "data"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    held = files_at(tmp_path, "HEAD", tmp_path / "data")
    assert {name: held.get(name) for name in names} == {name: (tmp_path / "data" / name).read_bytes() for name in names}
