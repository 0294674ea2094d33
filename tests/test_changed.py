"""validate --changed: the nodes a git diff touched get the same findings as a full validation.

Each test copies data/ into a fresh git repository, commits it, makes a real edit, and compares
`--changed HEAD` with a full validation restricted to the nodes --changed checked.
"""

import re
import shutil
import subprocess
import sys

import pytest

from medkg.cli import main
from medkg.project_files import DATA_DIR
from medkg.validate.pipeline import validate
from tests.material import FIXTURES


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "data"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    return tmp_path / "data"


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def compare(data):
    changed = validate([data], changed="HEAD")
    full = validate([data])
    assert changed.focus is not None
    restricted = [f for f in full.findings if str(f.terms.focus) in changed.focus]
    assert changed.findings == restricted
    return changed


def test_no_edit_checks_nothing_and_conforms(repo):
    report = validate([repo], changed="HEAD")
    assert report.focus == set() and report.findings == []


def test_changed_finds_what_a_full_run_finds_after_a_shifted_quote_offset(repo):
    edit(repo / "claims" / "uses.ttl", "    oa:start 1083 ;", "    oa:start 1084 ;")
    report = compare(repo)
    assert {f.shape for f in report.findings} >= {"mkgsh:QuoteShape"}


def test_changed_finds_what_a_full_run_finds_after_a_removed_label(repo):
    edit(repo / "conditions.ttl", '    rdfs:label "pain"@en ;\n', "")
    report = compare(repo)
    assert ("kg:pain", "mkgsh:EntityShape-label") in {(f.focus, f.shape) for f in report.findings}


def test_changed_finds_what_a_full_run_finds_after_an_added_bad_claim(repo):
    shutil.copy(FIXTURES / "invalid" / "claim-missing-quote.ttl", repo / "claims" / "new.ttl")
    report = compare(repo)
    assert {f.focus for f in report.findings} == {"claim:fixture-no-quote"}


def test_changed_reads_literals_as_written_for_the_vocabulary_check(repo):
    """The persistent store keeps "5.0"^^xsd:decimal under a private datatype; the closed
    vocabulary's datatype check must see xsd:decimal there, as a full run does."""
    edit(repo / "claims" / "forms-and-dosage.ttl", 'rdfs:label "starting dose: 5 mg three times daily"@en ;',
         'rdfs:label "starting dose: 5 mg, three times daily"@en ;')
    report = compare(repo)
    assert "https://w3id.org/medkg/id/dose-starting-5mg-tid" in report.focus and report.findings == []


def test_changed_checks_the_article_file_though_no_node_changed(repo):
    """An edit of the article's text file touches no node of the graph; --changed still compares
    the file with the graph's copy, as a full run does (no silent skip)."""
    edit(repo / "source" / "baclofen-article.txt", "muscle relaxant", "muscle-relaxing")
    report = validate([repo], changed="HEAD")
    assert {f.component for f in report.findings} == {"medkg:ArticleCopyComponent", "medkg:ArticleFullTextComponent"}


@pytest.mark.parametrize("fixture", sorted((FIXTURES / "qc").glob("*.ttl")), ids=lambda p: p.stem)
def test_each_qc_check_on_the_edited_nodes_alone(repo, fixture):
    # The QC checks run differently on a few focus nodes (medkg.rdf.sparql_text.optional_as_not_exists):
    # each must still report what a full run reports on those nodes.
    shutil.copy(fixture, repo / "new.ttl")
    report = compare(repo)
    assert any(f.shape == "qc:" + fixture.stem for f in report.findings)


def test_removed_entity_fails_the_nodes_pointing_at_it(repo):
    edit(repo / "substances.ttl", re.search(r"kg:ethanol a [\s\S]*?\.\n", (repo / "substances.ttl").read_text()).group(0), "")
    report = compare(repo)
    assert "claim:baclofen-interacts-with-alcohol" in {f.focus for f in report.findings}


def test_unknown_revision_exits_2(repo, capsys):
    assert main(["validate", str(repo), "--changed", "no-such-rev"]) == 2
    assert "no such git revision" in capsys.readouterr().err
    assert not (repo.parent / ".medkg_cache").exists(), "refused before the store is filled"


def test_outside_git_exits_2(tmp_path, capsys):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    assert main(["validate", str(tmp_path / "data"), "--changed"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_pre_commit_hooks_run_the_changed_validation(repo):
    """The hook files name the command a curator's commit runs; it must be a real one, with the
    verdict a commit needs. Run on a copy, so the real checkout's .medkg_cache is left alone."""
    from medkg.project_files import ROOT

    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "entry: python validate.py --changed HEAD" in hooks
    assert "entry: .venv/bin/python validate.py --changed HEAD" in config
    command = [sys.executable, "validate.py", "--changed", "HEAD", str(repo)]
    assert subprocess.run(command, cwd=ROOT, capture_output=True).returncode == 0  # nothing edited
    edit(repo / "conditions.ttl", '    rdfs:label "pain"@en ;\n', "")
    assert subprocess.run(command, cwd=ROOT, capture_output=True).returncode == 1  # the commit is stopped
    assert (repo.parent / ".medkg_cache" / "manifest.json").exists()  # the copy's cache, at its git root


@pytest.mark.slow
def test_the_reference_engine_takes_the_same_changed_path_and_finds_the_same(repo):
    # One --changed path for both engines: pySHACL reads every file (the store serves the compiled
    # engine only), and says so.
    edit(repo / "conditions.ttl", '    rdfs:label "pain"@en ;\n', "")
    fast = validate([repo], changed="HEAD")
    reference = validate([repo], changed="HEAD", sparql_engine="pyshacl")
    assert reference.focus == fast.focus and fast.focus
    assert [(f.focus, f.shape, f.component) for f in reference.findings] == [
        (f.focus, f.shape, f.component) for f in fast.findings]
    assert any("these shapes need pySHACL; reading every file instead" in note for note in reference.notes)


def test_a_syntax_error_in_the_working_copy_is_not_blamed_on_head(repo, capsys):
    edit(repo / "conditions.ttl", '    rdfs:label "pain"@en ;\n', '    rdfs:label "pain"@en\n')
    assert main(["validate", "--changed", "HEAD", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "conditions.ttl:" in err and "Turtle syntax error" in err and "at HEAD" not in err
    # The edit read at the revision and now: each version is named for what it is.
    from medkg.validate.changed_nodes import touched_nodes

    assert touched_nodes([repo], "HEAD") == (None, "data/conditions.ttl does not parse in the working copy: validating everything")


def commit(repo, message="edit"):
    for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message]):
        subprocess.run(["git", "-C", str(repo.parent), *args], check=True, capture_output=True)


@pytest.mark.parametrize("name", ["é.ttl", "a b.ttl", "tab\tand \"quote\".ttl"], ids=["accent", "space", "tab-quote"])
def test_a_file_name_git_quotes_is_read_and_cached(repo, name):
    # git's line output quotes such names ("data/\303\251.ttl") and a space split them in two:
    # the bad claim was never compared, and "conforms". The store names its graphs by path too.
    validate([repo], changed="HEAD")  # the store is filled before the edit
    shutil.copy(FIXTURES / "invalid" / "claim-missing-quote.ttl", repo / name)
    for _ in range(2):  # the store's first sight of the file, then a run from the store as it was left
        report = compare(repo)
        assert {f.focus for f in report.findings} == {"claim:fixture-no-quote"}
        assert all(f.file.endswith(name) for f in report.findings)  # the store's graph names the file
    commit(repo)
    report = validate([repo], changed="HEAD~1")  # now a tracked file, in git's diff
    assert {f.focus for f in report.findings} == {"claim:fixture-no-quote"}


def test_an_edit_through_a_committed_symbolic_link_is_validated(repo):
    # git records the link, not its target: an edit of the target is in no diff.
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (outside / "extra.ttl").write_text((repo / "conditions.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "conditions.ttl").unlink()
    (repo / "conditions.ttl").symlink_to(outside / "extra.ttl")
    commit(repo)
    validate([repo], changed="HEAD")  # the store is filled before the edit
    edit(outside / "extra.ttl", '    rdfs:label "pain"@en ;\n', "")
    report = validate([repo], changed="HEAD")
    assert ("kg:pain", "mkgsh:EntityShape-label") in {(f.focus, f.shape) for f in report.findings}
    assert any("conditions.ttl is a symbolic link" in note for note in report.notes)


def test_a_renamed_file_that_lost_an_entity_fails_the_nodes_pointing_at_it(repo):
    # With git's rename detection the old name was never listed: what the file lost went unseen.
    subprocess.run(["git", "-C", str(repo), "mv", "substances.ttl", "renamed.ttl"], check=True)
    text = (repo / "renamed.ttl").read_text(encoding="utf-8")
    edit(repo / "renamed.ttl", re.search(r"kg:ethanol a [\s\S]*?\.\n", text).group(0), "")
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    report = compare(repo)
    assert "claim:baclofen-interacts-with-alcohol" in {f.focus for f in report.findings}


def test_a_file_saved_while_changed_reads_it_is_not_validated_half(repo, monkeypatch, capsys):
    # The edit is read from the working copy, then the store reads the files again: a save between
    # the two put a violation in the store that no touched node led to ("conforms").
    from medkg.validate.changed_cache import StoreCache

    validate([repo], changed="HEAD")
    refresh = StoreCache.refresh

    def saved_in_between(self, files):
        edit(repo / "conditions.ttl", '    rdfs:label "pain"@en ;\n', "")
        return refresh(self, files)

    monkeypatch.setattr(StoreCache, "refresh", saved_in_between)
    assert main(["validate", str(repo), "--changed"]) == 2
    assert "conditions.ttl: saved again while --changed was reading it; run it again" in capsys.readouterr().err
    monkeypatch.setattr(StoreCache, "refresh", refresh)
    assert main(["validate", str(repo), "--changed"]) == 1  # run again: the store is right


def _all_of_a_full_run(data):
    """--changed on data that conformed before the edit: every finding a full run has must be there
    (not only those on the nodes --changed chose, which would hide a node it failed to choose)."""
    changed, full = validate([data], changed="HEAD"), validate([data])
    assert full.findings, "the edit must make a full run fail, or there is nothing to compare"
    assert {(f.focus, f.shape, f.message) for f in changed.findings} == {(f.focus, f.shape, f.message) for f in full.findings}


def test_a_quote_moved_to_another_sentence_leaves_the_first_uncovered_and_changed_says_so(repo):
    # Found by an adversarial reader: the claim is two links from the edited selector, and the
    # sentence left unquoted points at nothing that changed; --changed said "conforms".
    path = repo / "claims" / "classification.ttl"
    edit(path, '''    oa:exact "Baclofen acts by working on the central nervous system." ;
    oa:prefix "of physical conditions. " ;
    oa:suffix "\\n\\nBaclofen has been show" .''', '''    oa:exact "Baclofen comes in two forms: a pill form and an injectable form." ;
    oa:prefix "hdrawal when they stop. " ;
    oa:suffix " According to MedicineNe" .''')
    edit(path, "    oa:start 187 ;\n    oa:end 242 .", "    oa:start 507 ;\n    oa:end 571 .")
    _all_of_a_full_run(repo)


def test_a_claim_that_lost_its_quote_and_the_sentence_it_leaves_uncovered(repo):
    edit(repo / "claims" / "classification.ttl", "    medkg:quote quote:baclofen-acts-on-cns ;\n", "")
    _all_of_a_full_run(repo)


def _git_in(folder, *args):
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


BAD_CLAIM = FIXTURES / "invalid" / "claim-missing-quote.ttl"


def test_a_git_ignored_data_file_is_validated(repo):
    # git status and diff leave it out; a full run reads it.
    (repo / ".gitignore").write_text("ignored.ttl\n", encoding="utf-8")
    shutil.copy(BAD_CLAIM, repo / "ignored.ttl")
    report = compare(repo)
    assert {f.focus for f in report.findings} == {"claim:fixture-no-quote"}


def test_a_data_file_ignored_by_core_excludes_file_is_validated(repo, tmp_path):
    excludes = tmp_path / "excludes"
    excludes.write_text("*.ttl\n", encoding="utf-8")
    _git_in(repo.parent, "config", "core.excludesFile", str(excludes))
    shutil.copy(BAD_CLAIM, repo / "claims" / "new.ttl")
    report = compare(repo)
    assert {f.focus for f in report.findings} == {"claim:fixture-no-quote"}


def test_a_data_file_in_a_nested_git_repository_is_validated(repo):
    nested = repo / "sub"
    nested.mkdir()
    shutil.copy(BAD_CLAIM, nested / "claim.ttl")
    _git_in(nested, "init", "-q")  # the outer repository's diff sees none of its files
    report = compare(repo)
    assert {f.focus for f in report.findings} == {"claim:fixture-no-quote"}


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_an_edit_of_a_file_git_is_told_not_to_look_at_is_validated(repo, flag):
    _git_in(repo, "update-index", flag, "claims/uses.ttl")
    edit(repo / "claims" / "uses.ttl", "    oa:start 1083 ;", "    oa:start 1084 ;")
    report = compare(repo)
    assert {f.shape for f in report.findings} >= {"mkgsh:QuoteShape"}


def test_a_name_differing_only_in_case_is_found_by_lookup_in_the_kept_store_and_forgotten_when_gone(repo):
    # The store keeps every minted subject's IRI in lower case (IRI_KEYS): found by a scan of every
    # triple, the collision took 45 s of a one-drug --changed at ~1 M triples. Filled on the first
    # run, updated by later ones: a collision that appears is found, one that goes is forgotten.
    assert validate([repo], changed="HEAD").findings == []  # fills the store and its keys
    conditions = repo / "conditions.ttl"
    original = conditions.read_text(encoding="utf-8")
    conditions.write_text(original + '\n<https://w3id.org/medkg/id/Spasticity> a schema:MedicalCondition ;\n'
                          '    rdfs:label "spasticity, again"@en .\n', encoding="utf-8")
    report = compare(repo)
    assert ("kg:Spasticity", "kg:spasticity") in {(f.focus, f.value) for f in report.findings
                                                   if f.component == "medkg:MintedNameCaseComponent"}
    from medkg.validate.changed_cache import IRI_KEYS, StoreCache

    cache = StoreCache(repo.parent)
    try:
        store = cache.refresh(sorted(repo.rglob("*.ttl")))
        keys = {row["s"].value for row in store.query(
            f'SELECT ?s WHERE {{ GRAPH <{IRI_KEYS}> {{ ?s ?p "https://w3id.org/medkg/id/spasticity" }} }}')}
    finally:
        cache.close()
    assert keys == {"https://w3id.org/medkg/id/spasticity", "https://w3id.org/medkg/id/Spasticity"}
    conditions.write_text(original, encoding="utf-8")
    assert [f for f in validate([repo], changed="HEAD").findings if f.component == "medkg:MintedNameCaseComponent"] == []
