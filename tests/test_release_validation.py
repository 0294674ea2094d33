"""A release validates with other SHACL processors, by the command the README gives: the data and
the ontology merged into one data graph, against the released shapes. One deliberate mistake in
the merged graph must be the only result each processor reports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medkg.project_files import ROOT
from medkg.release import export

sys.path.insert(0, str(ROOT / "benchmarks"))
import jena  # noqa: E402  (benchmarks/jena.py: Debian's Jena needs an explicit classpath)

CLAIM = "<https://w3id.org/medkg/claim/baclofen-starting-dose>"
CERTAINTY = "<https://w3id.org/medkg/vocab#certainty>"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("release") / "dist"
    export.export(folder, date="2026-11-26", formats=("ttl", "nt"))
    return folder


def merged(release: Path, drop: str | None = None) -> Path:
    """The README's `cat dist/medkg-ontology.nt dist/medkg-data.nt > graph.nt`, less one line."""
    lines = []
    for name in ("medkg-ontology.nt", "medkg-data.nt"):
        lines += (release / name).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not (drop and line.startswith(drop))]
    assert len(kept) == len(lines) - (1 if drop else 0)
    path = release.parent / ("graph-broken.nt" if drop else "graph.nt")
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_the_shapes_file_says_what_it_needs(release):
    shapes = (release / "medkg-shapes.ttl").read_text(encoding="utf-8")
    assert "dcterms:requires <https://w3id.org/medkg/vocab>" in shapes


@pytest.mark.slow
def test_pyshacl_command_line_reports_exactly_the_one_mistake(release):
    """pySHACL's own CLI (about 30 s): one run on the merged graph with one certainty removed."""
    pyshacl = Path(sys.executable).parent / "pyshacl"
    graph = merged(release, drop=f"{CLAIM} {CERTAINTY} ")
    result = subprocess.run([str(pyshacl), "-s", str(release / "medkg-shapes.ttl"), "-f", "turtle", str(graph)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr
    report = result.stdout
    assert report.count("sh:focusNode ") == 1, report
    assert "ClaimShape-certainty" in report and "baclofen-starting-dose" in report


def test_jena_shacl_validate_agrees(release, tmp_path):
    command = jena.command(tmp_path)
    if command is None:
        pytest.skip("Apache Jena is not installed (apt-get install default-jre-headless libapache-jena-java)")
    shapes = str(release / "medkg-shapes.ttl")
    intact = subprocess.run(command + ["validate", "--text", "--shapes", shapes, "--data", str(merged(release))],
                            capture_output=True, text=True, timeout=300)
    assert intact.stdout.strip() == "Conforms", intact.stdout + intact.stderr
    broken = subprocess.run(command + ["validate", "--text", "--shapes", shapes, "--data",
                                       str(merged(release, drop=f"{CLAIM} {CERTAINTY} "))],
                            capture_output=True, text=True, timeout=300)
    assert broken.stdout.count("Node=") == 1 and CLAIM in broken.stdout, broken.stdout


def test_medkg_shacl_takes_the_release_files_as_they_are(release, capsys):
    from medkg.cli import main

    shapes = str(release / "medkg-shapes.ttl")
    assert main(["shacl", "--shapes", shapes, str(release / "medkg-ontology.nt"), str(release / "medkg-data.ttl")]) == 0
    assert capsys.readouterr().out.startswith("conforms (2 files, ")
    broken = merged(release, drop=f"{CLAIM} {CERTAINTY} ")
    assert main(["shacl", "--shapes", shapes, "--format", "json", str(broken)]) == 1
    [result] = json.loads(capsys.readouterr().out)["findings"]
    assert result["focus"] == "claim:baclofen-starting-dose" and result["shape"] == "mkgsh:ClaimShape-certainty"
