"""Hostile IRIs: a minted IRI whose local name is no safe file name (dot segments, '/', percent-
escapes, characters a file name cannot hold, too long) is a validation finding at its file and
line (the site builder's own guard is tested in test_site_paths.py)."""

import pytest

from medkg.cli import main
from medkg.project_files import DATA_DIR
from medkg.rdf import minted
from medkg.validate.pipeline import validate

KG = "https://w3id.org/medkg/id/"
CONDITION = """@prefix medkg: <https://w3id.org/medkg/vocab#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .

<{iri}> a schema:MedicalCondition ;
    rdfs:label "fixture condition {n}"@en ;
    medkg:unmappedReason "A fixture."@en .
"""

HOSTILE = {  # id -> (IRI, words the finding must say)
    "dot-segments": (KG + "../../ontology/shapes/claim", "'..' segment"),
    "dot-segment-in-the-middle": (KG + "a/../../../etc/x", "'..' segment"),
    "single-dot-segment": (KG + "./x", "'.' segment"),
    "the-folder-itself": (KG + "..", "'..' segment"),
    "slash": (KG + "a/b", "holds a '/'"),
    "percent-escaped-dots": (KG + "%2e%2e%2fontology", "percent-escape"),
    "percent-escaped-slash": (KG + "a%2Fb", "percent-escape"),
    "dot": (KG + "baclofen.ttl", "holds '.'"),
    "colon": (KG + "c:on", "holds ':'"),
    "asterisk": (KG + "a*b", "holds '*'"),
    "query-mark": (KG + "a?b", "holds '?'"),
    "non-ascii": (KG + "m\u00e9ni\u00e8re", "holds '\u00e9'"),
    "too-long": (KG + "x" * 300, "300 characters long"),
    "empty": (KG, "no local name"),
    "claim-namespace": ("https://w3id.org/medkg/claim/../../../victim", "'..' segment"),
    "outside-the-namespaces": ("https://w3id.org/medkg/../../victim", "none of the project's namespaces"),
    "unknown-namespace": ("https://w3id.org/medkg/ids/baclofen", "none of the project's namespaces"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE), ids=str)
def test_a_hostile_minted_iri_is_a_finding_at_its_line(case, tmp_path):
    iri, words = HOSTILE[case]
    fixture = tmp_path / f"{case}.ttl"
    fixture.write_text(CONDITION.format(iri=iri, n=case), encoding="utf-8")
    report = validate([DATA_DIR, fixture])
    found = [f for f in report.findings if f.shape in ("medkg:MintedName", "medkg:ClosedVocabulary")]
    assert len(found) == 1, [f.message for f in report.findings]
    assert found[0].file.endswith(fixture.name) and found[0].line == 5
    assert words in found[0].message
    assert ("Mint one path segment" if found[0].shape == "medkg:MintedName" else "prefixes.ttl") in found[0].message


def test_an_object_outside_the_namespaces_is_found_too(tmp_path):
    # As a subject, the closed vocabulary reports it (one finding, not two); as an object, this check.
    fixture = tmp_path / "pointer.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "fixture-pointer", n="pointer").replace(
        "medkg:unmappedReason", "schema:about <https://w3id.org/medkg/../../x> ;\n    medkg:unmappedReason"), encoding="utf-8")
    found = [f for f in validate([DATA_DIR, fixture]).findings if f.shape == "medkg:MintedName"]
    assert [(f.line, f.path, "none of the namespaces" in f.message) for f in found] == [(7, "schema:about", True)]


def test_a_hostile_iri_as_an_object_is_found_at_the_line_that_names_it(tmp_path):
    fixture = tmp_path / "pointer.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "fixture-pointer", n="pointer").replace(
        "medkg:unmappedReason", f"schema:about <{KG}../../../x> ;\n    medkg:unmappedReason"), encoding="utf-8")
    found = [f for f in validate([DATA_DIR, fixture]).findings if f.shape == "medkg:MintedName"]
    assert [(f.line, f.focus, f.path) for f in found] == [(7, "kg:fixture-pointer", "schema:about")]


@pytest.mark.parametrize("local", ["baclofen", "a", "x" * minted.MAX_LOCAL, "claim_2-b", "A9"])
def test_safe_local_names_pass(local):
    assert minted.problem(KG + local) is None


def test_validate_cli_reports_it_with_file_and_line(tmp_path, capsys):
    fixture = tmp_path / "climb.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "../../ontology/shapes/claim", n="cli"), encoding="utf-8")
    assert main(["validate", str(DATA_DIR), str(fixture)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if "MintedName" in line]
    assert len(lines) == 1 and f"{fixture}:5 " in lines[0] and "'..' segment" in lines[0]


def test_validate_changed_finds_it_as_a_full_run_does(tmp_path):
    """--changed reads the edited nodes' triples from its store: the same finding as a full run."""
    import shutil
    import subprocess

    shutil.copytree(DATA_DIR, tmp_path / "data")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "data"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    data = tmp_path / "data"
    (data / "climb.ttl").write_text(CONDITION.format(iri=KG + "../../ontology/shapes/claim", n="changed"), encoding="utf-8")
    conditions = data / "conditions.ttl"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace(
        "kg:alcohol-dependence a schema:MedicalCondition ;",
        f"kg:alcohol-dependence a schema:MedicalCondition ;\n    schema:about <{KG}a%2Fb> ;", 1), encoding="utf-8")
    changed = [(f.file, f.line, f.focus, f.value) for f in validate([data], changed="HEAD").findings if f.shape == "medkg:MintedName"]
    full = [(f.file, f.line, f.focus, f.value) for f in validate([data]).findings if f.shape == "medkg:MintedName"]
    assert len(changed) == 2 and changed == full


def test_two_iris_that_differ_only_in_case_are_each_a_finding_naming_the_other(tmp_path):
    # kg:Baclofen beside the shipped kg:baclofen: one file on a case-insensitive file system.
    fixture = tmp_path / "case.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "Baclofen", n="case"), encoding="utf-8")
    found = [f for f in validate([DATA_DIR, fixture]).findings if f.component == "medkg:MintedNameCaseComponent"]
    assert sorted((f.focus, f.value) for f in found) == [("kg:Baclofen", "kg:baclofen"), ("kg:baclofen", "kg:Baclofen")]
    ours = next(f for f in found if f.focus == "kg:Baclofen")
    assert ours.file.endswith("case.ttl") and ours.line == 5
    assert "differ only in letter case" in ours.message and "kg:baclofen" in ours.message


def test_the_shipped_data_has_no_two_names_differing_only_in_case():
    assert [f for f in validate().findings if f.component == "medkg:MintedNameCaseComponent"] == []


def test_with_a_focus_the_collision_is_found_against_the_whole_store(tmp_path):
    # validate --changed reads the focus nodes' triples only: the other spelling is in the store.
    from medkg.io.parse import load
    from medkg.validate import minted_names

    fixture = tmp_path / "case.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "BACLOFEN", n="case"), encoding="utf-8")
    data = load([DATA_DIR, fixture])
    found = minted_names.findings(data, {KG + "BACLOFEN"}, data.store())
    # Both; the pipeline keeps the focus node's.
    assert sorted((f.focus, f.value) for f in found if f.component == "medkg:MintedNameCaseComponent") == \
        [("kg:BACLOFEN", "kg:baclofen"), ("kg:baclofen", "kg:BACLOFEN")]
