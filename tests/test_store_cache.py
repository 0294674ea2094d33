"""The persistent store behind validate --changed holds exactly what the files say, edit after edit."""

import json
import shutil

import pyoxigraph as ox
import pytest

from medkg.errors import InputError
from medkg.io.parse import load
from medkg.project_files import DATA_DIR
from medkg.rdf import as_written
from medkg.validate.changed_cache import LABEL_KEYS, CacheUnavailable, StoreCache
from tests.material import FIXTURES


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    return tmp_path


def files(root):
    return sorted((root / "data").rglob("*.ttl"))


def default_graph(store):
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def assert_matches_files(cache, root):
    store = cache.refresh(files(root))
    expected = set(load([root / "data"]).triples)
    # Every literal as written ("5.0"^^xsd:decimal, not the 5 a store would make of it).
    held = default_graph(store)
    assert {ox.Triple(t.subject, t.predicate, as_written.decode(t.object)) for t in held} == expected
    assert cache.triples == len(expected)
    private = {t for t in held if as_written.is_private(t.object)}
    assert private, "the shipped doses (5.0, 80.0) are among the literals a store would rewrite"
    assert {q.triple for q in cache.written()} == private


def test_first_build_holds_the_files(copy):
    assert_matches_files(StoreCache(copy), copy)


def test_edits_added_and_removed_files(copy):
    cache = StoreCache(copy)
    cache.refresh(files(copy))
    uses = copy / "data" / "claims" / "uses.ttl"
    uses.write_text(uses.read_text(encoding="utf-8").replace("oa:start 1083 ;", "oa:start 1084 ;"), encoding="utf-8")
    (copy / "data" / "extra.ttl").write_text(
        "@prefix kg: <https://w3id.org/medkg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kg:extra rdfs:label "extra"@en .\n', encoding="utf-8")
    (copy / "data" / "claim-free.ttl").unlink()
    assert_matches_files(cache, copy)


def test_a_triple_written_twice_stays_while_one_file_states_it(copy):
    cache = StoreCache(copy)
    twice = copy / "data" / "twice.ttl"
    twice.write_text("@prefix kg: <https://w3id.org/medkg/id/> .\n@prefix schema: <https://schema.org/> .\n"
                     "kg:baclofen a schema:Drug .\n", encoding="utf-8")
    triple = ox.Triple(ox.NamedNode("https://w3id.org/medkg/id/baclofen"),
                       ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                       ox.NamedNode("https://schema.org/Drug"))
    cache.refresh(files(copy))
    drug = copy / "data" / "drug.ttl"
    drug.write_text(drug.read_text(encoding="utf-8").replace("kg:baclofen a schema:Drug ;", "kg:baclofen"),
                    encoding="utf-8")
    assert triple in default_graph(cache.refresh(files(copy)))  # twice.ttl still says it
    twice.unlink()
    assert triple not in default_graph(cache.refresh(files(copy)))  # now nobody does
    assert_matches_files(cache, copy)


def test_bad_syntax_changes_nothing(copy):
    cache = StoreCache(copy)
    cache.refresh(files(copy))
    manifest = (copy / ".medkg_cache" / "manifest.json").read_text(encoding="utf-8")
    (copy / "data" / "drug.ttl").write_text("kg:x kg:y", encoding="utf-8")
    with pytest.raises(InputError, match="drug.ttl"):
        cache.refresh(files(copy))
    assert (copy / ".medkg_cache" / "manifest.json").read_text(encoding="utf-8") == manifest


def test_a_run_that_stopped_half_way_is_rebuilt(copy):
    cache = StoreCache(copy)
    store = cache.refresh(files(copy))
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/medkg/id/stray"), ox.NamedNode("http://x/p"), ox.Literal("x")))
    store.flush()
    del store, cache
    manifest_path = copy / ".medkg_cache" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "dirty": True}), encoding="utf-8")
    assert_matches_files(StoreCache(copy), copy)


def test_a_store_in_use_elsewhere_is_reported(copy):
    holder = StoreCache(copy)
    holder.refresh(files(copy))
    with pytest.raises(CacheUnavailable, match="in use"):
        StoreCache(copy).refresh(files(copy))


def test_a_folder_that_cannot_be_written_is_reported(copy):
    (copy / ".medkg_cache").write_text("a file where the cache folder goes", encoding="utf-8")
    with pytest.raises(CacheUnavailable, match=".medkg_cache"):
        StoreCache(copy).refresh(files(copy))


def test_validate_changed_falls_back_to_reading_every_file(copy, capsys):
    import subprocess

    from medkg.validate.pipeline import validate

    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "d"]):
        subprocess.run(["git", "-C", str(copy), *args], check=True, capture_output=True)
    (copy / ".medkg_cache").write_text("in the way", encoding="utf-8")
    conditions = copy / "data" / "conditions.ttl"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace('    rdfs:label "pain"@en ;\n', ""),
                          encoding="utf-8")
    report = validate([copy / "data"], changed="HEAD")
    assert any("reading every file instead" in note for note in report.notes)
    assert ("kg:pain", "mkgsh:EntityShape-label") in {(f.focus, f.shape) for f in report.findings}


def keys_of(store, iri):
    graph = ox.NamedNode(LABEL_KEYS)
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, graph)}


def test_the_label_keys_follow_the_labels(copy):
    cache = StoreCache(copy)
    pain = "https://w3id.org/medkg/id/pain"
    assert keys_of(cache.refresh(files(copy)), pain) == {"pain@en"}
    conditions = copy / "data" / "conditions.ttl"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace('rdfs:label "pain"@en', 'rdfs:label "Pain, chronic"@en'),
                          encoding="utf-8")
    assert keys_of(cache.refresh(files(copy)), pain) == {"pain, chronic@en"}
    conditions.unlink()
    assert keys_of(cache.refresh(files(copy)), pain) == set()


def test_the_focused_duplicate_label_check_uses_the_keys_and_agrees(copy):
    from medkg.validate import qc

    shutil.copy(FIXTURES / "qc" / "duplicate-label.ttl", copy / "data" / "duplicate-label.ttl")
    store = StoreCache(copy).refresh(files(copy))
    check = next(c for c in qc.checks() if c.name == "duplicate-label")
    everything = qc.run(check, store)
    entities = {row[0].value for row in everything}
    assert entities and store.contains_named_graph(ox.NamedNode(LABEL_KEYS))
    assert sorted(map(str, qc.run(check, store, entities))) == sorted(map(str, everything))
    one = sorted(entities)[0]
    assert {row[0].value for row in qc.run(check, store, {one})} == {one}


def test_the_cache_keeps_itself_out_of_git(copy):
    StoreCache(copy).refresh(files(copy))
    assert (copy / ".medkg_cache" / ".gitignore").read_text(encoding="utf-8") == "*\n"


def _git_repo_with_an_edit(root):
    import subprocess

    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "d"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    conditions = root / "data" / "conditions.ttl"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace('    rdfs:label "pain"@en ;\n', ""),
                          encoding="utf-8")


def test_two_changed_validations_at_once_never_corrupt_the_cache(copy):
    # Both used to rebuild, each deleting the store under the other: the cache was left corrupt
    # with a clean manifest, and every later run crashed. Now one holds the lock, the other reads
    # every file, and both report the same findings.
    import subprocess
    import sys

    from medkg.project_files import ROOT

    _git_repo_with_an_edit(copy)
    command = [sys.executable, "-m", "medkg.cli", "validate", "--changed", "HEAD", str(copy / "data"), "--format", "json"]
    expected = None
    for trial in range(3):
        cache = copy / ".medkg_cache"
        if trial == 1:  # a half-filled cache: a run stopped while writing
            (cache / "manifest.json").write_text(json.dumps({"version": 2, "files": {}, "triples": 0, "dirty": True}))
        elif trial == 2:  # a cold cache
            shutil.rmtree(cache)
        pair = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in pair]
        for p in pair:
            p.stdout.close()
            p.stderr.close()
        after = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        for code, out, err in [*outcomes, (after.returncode, after.stdout, after.stderr)]:
            assert code == 1 and "Traceback" not in err, err
            findings = json.loads(out)["findings"]
            expected = expected or findings
            assert findings == expected and any(f["focus"] == "kg:pain" for f in findings)
        assert "reading every file" not in after.stderr  # the lock was let go, the cache is sound
        assert json.loads((cache / "manifest.json").read_text())["dirty"] is False


@pytest.mark.parametrize("damage", ["[]", '{"version": 2, "files": [], "triples": 0}',
                                    '{"version": 2, "files": {"a.ttl": {}}, "triples": "x", "dirty": false}', "{"])
def test_a_hand_damaged_manifest_is_rebuilt_not_trusted(copy, damage):
    StoreCache(copy).refresh(files(copy))
    (copy / ".medkg_cache" / "manifest.json").write_text(damage, encoding="utf-8")
    assert_matches_files(StoreCache(copy), copy)


def test_a_store_that_does_not_open_is_rebuilt(copy):
    StoreCache(copy).refresh(files(copy))
    store = copy / ".medkg_cache" / "store"
    for path in store.iterdir():
        if path.is_file():
            path.write_bytes(b"\0garbage")  # RocksDB's CURRENT, MANIFEST, OPTIONS... all destroyed
    assert_matches_files(StoreCache(copy), copy)


def _bulk_file(root, n=600):
    lines = ["@prefix kg: <https://w3id.org/medkg/id/> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    lines += [f'kg:bulk-{i} rdfs:comment "bulk {i}"@en .' for i in range(n)]
    (root / "data" / "bulk.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_bulk_edit_rebuilds_the_store_instead_of_patching_it(copy):
    cache = StoreCache(copy)
    cache.refresh(files(copy))
    _bulk_file(copy)  # 600 new triples, over a fifth of the ~1,700
    assert_matches_files(cache, copy)
    assert cache.rebuilt
    small = StoreCache(copy)
    del cache
    conditions = copy / "data" / "conditions.ttl"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace('"pain"@en', '"Pain"@en'), encoding="utf-8")
    assert_matches_files(small, copy)
    assert not small.rebuilt


def test_changed_validates_everything_after_a_large_edit(copy):
    from medkg.validate.pipeline import validate

    _git_repo_with_an_edit(copy)
    StoreCache(copy).refresh(files(copy))  # the cache knows the graph's size
    _bulk_file(copy, n=200)  # over 5 % of the graph: cheaper checked whole
    report = validate([copy / "data"], changed="HEAD")
    assert any("validating everything" in note for note in report.notes)
    assert report.focus is None
    assert report.findings == validate([copy / "data"]).findings


LINKS = {".medkg_cache": "", ".medkg_cache/store": "store", ".medkg_cache/manifest.tmp": "manifest.json",
         ".medkg_cache/.gitignore": "manifest.json"}


@pytest.mark.parametrize("link", LINKS)
def test_a_symbolic_link_in_the_cache_is_refused_and_its_target_left_alone(copy, link):
    # .gitignore did not list the cache, so a link could be committed: an outdated store was
    # removed, and the manifest and .gitignore written, through it, wherever it pointed.
    target = copy / "precious"
    (target / "store").mkdir(parents=True)
    (target / "store" / "keep.txt").write_text("keep", encoding="utf-8")
    (target / "manifest.json").write_text("not a manifest", encoding="utf-8")
    if link != ".medkg_cache":
        StoreCache(copy).refresh(files(copy)).flush()
        StoreCache(copy)._write({"version": 0})  # an outdated store: the next run rebuilds it
        shutil.rmtree(copy / link, ignore_errors=True)
        (copy / link).unlink(missing_ok=True)
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    (copy / link).symlink_to(target / LINKS[link])
    with pytest.raises(InputError, match="a symbolic link"):
        StoreCache(copy).refresh(files(copy))
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_a_symbolic_link_for_the_cache_folder_is_exit_2(copy, capsys):
    import subprocess

    from medkg.cli import main

    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "d"]):
        subprocess.run(["git", "-C", str(copy), *args], check=True, capture_output=True)
    (copy / "precious").mkdir()
    (copy / "precious" / "manifest.json").write_text("{}", encoding="utf-8")
    (copy / "precious" / "store").mkdir()
    (copy / "precious" / "store" / "keep.txt").write_text("keep", encoding="utf-8")
    (copy / ".medkg_cache").symlink_to(copy / "precious")
    assert main(["validate", str(copy / "data"), "--changed"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".medkg_cache: a symbolic link" in err
    assert (copy / "precious" / "store" / "keep.txt").read_text(encoding="utf-8") == "keep"
