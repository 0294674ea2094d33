"""The benchmark generator: its graph follows the model and passes the shapes, and each injected
violation is found. (No timings here: those are in benchmarks/RESULTS.md.)"""

import importlib.util

import pytest

from medkg.project_files import ROOT
from medkg.validate.pipeline import validate


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _generator()


def test_synthetic_graph_conforms_and_has_about_100_triples_per_drug(tmp_path):
    generator.generate(30, tmp_path / "g", seed=3)
    report = validate([tmp_path / "g"])
    assert report.findings == []
    assert 95 <= report.triples / 30 <= 125  # 118 since each claim carries its evidence basis (issue 21)


def test_generator_is_deterministic(tmp_path):
    generator.generate(12, tmp_path / "a", seed=5)
    generator.generate(12, tmp_path / "b", seed=5)
    generator.generate(12, tmp_path / "c", seed=6)
    read = lambda d: {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}  # noqa: E731
    assert read(tmp_path / "a") == read(tmp_path / "b") != read(tmp_path / "c")


def test_every_injected_violation_is_found(tmp_path):
    expected = generator.generate(40, tmp_path / "g", seed=2, violations=2)
    assert all(len(nodes) == 2 for nodes in expected.values())
    report = validate([tmp_path / "g"])
    found = {(f.shape, f.focus) for f in report.findings}
    for kind, nodes in expected.items():
        shape = generator.VIOLATIONS[kind][1]
        for node in nodes:
            assert (shape, node) in found, f"{kind}: {shape} did not report {node}"
    # Nothing is reported on drugs that were left intact.
    broken = {n.split(":")[1].split("-")[1] for nodes in expected.values() for n in nodes}
    assert {f.focus.split(":")[1].split("-")[1] for f in report.findings if "syn-" in f.focus} <= broken


@pytest.mark.parametrize("drugs", [6])
@pytest.mark.slow
def test_findings_equal_bare_pyshacl_on_a_small_synthetic_graph(tmp_path, drugs):
    generator.generate(drugs, tmp_path / "g", seed=4, violations=1)
    fast = validate([tmp_path / "g"])
    reference = validate([tmp_path / "g"], sparql_engine="pyshacl")
    key = lambda f: (f.file, f.line, f.focus, f.path, f.shape, f.component, f.severity)  # noqa: E731
    assert sorted(map(key, fast.findings)) == sorted(map(key, reference.findings))
    assert fast.findings


def test_the_benchmark_records_the_ten_slowest_checks_and_writes_their_table(tmp_path):
    from benchmarks import report, run

    generator.generate(10, tmp_path / "g", seed=2)
    profile = run.profile(tmp_path / "g")
    assert len(profile["rows"]) == 10 and profile["checks"] > 10
    assert sum(r["seconds"] for r in profile["rows"]) <= profile["total_seconds"] + 0.005
    assert all(r["check"].startswith(("mkgsh:", "qc:")) for r in profile["rows"]), profile["rows"]
    results = {"measurements": [], "profiles": {"1M": profile}}
    lines = report._profiles(results)
    assert "## Ten slowest checks at 1M" in lines
    assert [line.split(" | ")[0].removeprefix("| ") for line in lines if line.startswith("| mkgsh:") or line.startswith("| qc:")] \
        == [r["check"] for r in profile["rows"]]
    assert report._profiles({"measurements": []}) == []


def test_a_graph_made_by_an_earlier_generator_is_made_again(tmp_path):
    """The benchmarks keep their synthetic graphs; one made before generate.py changed must not be
    measured as today's (the peers' 10k graph was, with 397 findings the new generator never makes)."""
    from benchmarks.run import made_by_today

    code = tmp_path / "code"
    (code / "benchmarks").mkdir(parents=True)
    (code / "benchmarks" / "generate.py").write_text("# version 1\n")
    folder = tmp_path / "data" / "10k"
    assert not made_by_today(folder, code), "no graph yet"
    folder.mkdir(parents=True)
    (folder / "drugs.ttl").write_text("made by version 1")
    (tmp_path / "data" / "10k.nt").write_text("merged from version 1")
    assert made_by_today(folder, code) and (folder / "drugs.ttl").exists(), "kept while the generator is the same"
    (code / "benchmarks" / "generate.py").write_text("# version 2\n")
    assert not made_by_today(folder, code)
    assert not folder.exists() and not (tmp_path / "data" / "10k.nt").exists(), "the old graph and what was merged from it are gone"
