"""Releases: byte-stable files that independent parsers accept, with true metadata, written atomically."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from medkg.cli import main
from medkg.project_files import ROOT
from medkg.release import export, jsonld

PARTS = ("ontology", "shapes", "data")
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    folder = tmp_path_factory.mktemp("release") / "dist"
    export.export(folder, date="2026-11-26")
    return folder


def files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def source_graph(part: str) -> rdflib.Graph:
    return export.parts()[part].rdflib_graph()


def test_release_has_every_format_and_part(release):
    names = set(files(release))
    for part in PARTS:
        assert {f"medkg-{part}.{ext}" for ext in ("ttl", "nt", "jsonld")} <= names
    assert {"medkg.trig", "context.jsonld", "void.ttl", "medkg.rdfc10.sha256"} <= names


def test_two_exports_in_processes_with_different_hash_seeds_are_byte_identical(tmp_path):
    outputs = []
    for seed in ("1", "4242"):
        target = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1764115200"}
        subprocess.run([sys.executable, "-m", "medkg.cli", "export", "-o", str(target)], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=120)
        outputs.append(files(target))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 13


def test_file_reading_order_does_not_change_the_bytes(tmp_path, monkeypatch, release):
    import medkg.io.parse as load

    original = load.collect
    monkeypatch.setattr(load, "collect", lambda paths: list(reversed(original(paths))))
    export.export(tmp_path / "reversed", date="2026-11-26")
    assert files(tmp_path / "reversed") == files(release)


@pytest.mark.parametrize("ext", ["ttl", "nt", "jsonld"])
@pytest.mark.parametrize("part", PARTS)
def test_each_file_parses_in_both_parsers_and_equals_the_source(release, part, ext):
    path = release / f"medkg-{part}.{ext}"
    graph = rdflib.Graph().parse(path, format=RDFLIB_FORMATS[ext])
    assert isomorphic(graph, source_graph(part))
    strict = list(ox.parse(path=str(path), format=OX_FORMATS[ext]))
    assert len(strict) == len(graph)


def test_trig_holds_the_three_parts_as_named_graphs(release):
    dataset = rdflib.Dataset()
    dataset.parse(release / "medkg.trig", format="trig")
    for part in PARTS:
        assert isomorphic(dataset.graph(rdflib.URIRef(export.GRAPHS[part])), source_graph(part))
    quads = list(ox.parse(path=str(release / "medkg.trig"), format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == set(export.GRAPHS.values())


def test_canonical_hash_is_recognisable_in_another_serialisation(release):
    recorded = (release / "medkg.rdfc10.sha256").read_text().split()[0]
    quads = list(ox.parse(path=str(release / "medkg.trig"), format=ox.RdfFormat.TRIG))
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert export.canonical_hash(list(dataset)) == recorded
    changed = ox.Dataset(quads[1:])
    changed.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert export.canonical_hash(list(changed)) != recorded


def test_jsonld_reads_as_plain_json(release):
    document = json.loads((release / "medkg-data.jsonld").read_text(encoding="utf-8"))
    baclofen = next(n for n in document["@graph"] if n["@id"] == "kg:baclofen")
    assert baclofen["@type"] == ["schema:Drug"] and baclofen["label"] == ["baclofen"]  # keys that can hold several: arrays
    assert "kg:substance-dependence" in baclofen["applied_to_treat"]
    context = json.loads((release / "context.jsonld").read_text(encoding="utf-8"))
    assert context["@context"] == document["@context"]
    claims = [n for n in document["@graph"] if "medkg_quote" in n]
    assert len(claims) == 51 and all(isinstance(c["medkg_quote"], dict) for c in claims)
    assert not any(n["@id"].startswith("quote:") for n in document["@graph"]), "quote parts are nested, not top level"
    for claim in claims:
        assert isinstance(claim["subject"], str), "an IRI is a compact string"
        assert isinstance(claim["object"], str) or "@value" in claim["object"], "never an {'@id': ...} object"
        position = next(s for s in claim["medkg_quote"]["hasSelector"] if "start" in s)
        assert isinstance(position["start"], int) and isinstance(position["end"], int)
    keys = {k for n in document["@graph"] for k in n} | {k for c in claims for s in c["medkg_quote"]["hasSelector"] for k in s}
    assert {"prefix", "suffix", "exact", "articleWording", "evidenceBasis"} <= keys and "certainty" not in keys
    assert not {k for k in keys if k.startswith(("medkg_", "oa_"))} - {"medkg_quote"}


@pytest.mark.parametrize("part", PARTS)
def test_jsonld_means_the_same_to_an_independent_processor(release, part):
    """PyLD (the JSON-LD reference implementation's Python port) turns each file into the same RDF."""
    from pyld import jsonld as pyld

    document = json.loads((release / f"medkg-{part}.jsonld").read_text(encoding="utf-8"))
    nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(rdflib.Graph().parse(data=nquads, format="nt"), source_graph(part))


def test_jsonld_keeps_every_literal_as_written():
    """Integers written canonically become JSON numbers; everything else keeps its lexical form."""
    written = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:n 5, 05, +5, -0, -12 ; ex:d 5.0, 5 ; ex:e 1e0 ; ex:i "5"^^xsd:int ; ex:s "5" ;
             ex:mixed ex:b, "b"@en, 7 ; ex:link ex:b .
        ex:b ex:n 0 ; ex:list (1 "two") ."""
    triples = list(ox.parse(written, format=ox.RdfFormat.TURTLE))
    text = jsonld.document(triples, jsonld.context(triples, {"ex": "http://example.org/", "xsd": "http://www.w3.org/2001/XMLSchema#"}))
    back = list(ox.parse(text, format=ox.RdfFormat.JSON_LD))
    literals = sorted(str(t.object) for t in triples if isinstance(t.object, ox.Literal))
    assert sorted(str(t.object) for t in back if isinstance(t.object, ox.Literal)) == literals
    # Not rdflib (its Turtle parser reads 05 as 5) nor PyLD (2.0.4 formats the string "1e0" as a
    # double and fails): pyoxigraph's parser keeps every literal as written.
    assert '"-12"' not in text and "-12" in text and '"05"' in text and '"5.0"' in text


def test_readme_javascript_lists_the_claims_with_their_quotes(release):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (apt-get install nodejs); the README's JavaScript is not run")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = "<!-- tested: tests/test_export.py::test_readme_javascript_lists_the_claims_with_their_quotes -->"
    block = readme.split(marker, 1)[1].split("```js\n", 1)[1].split("```", 1)[0]
    assert len(block.strip().splitlines()) == 3
    result = subprocess.run([node, "-e", block], cwd=release.parent, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    printed = {line.split(" ", 1)[0]: line for line in result.stdout.splitlines()}
    store = ox.Store()
    store.load(path=str(release / "medkg-data.nt"), format=ox.RdfFormat.N_TRIPLES)
    quotes = {str(row["c"].value): row["exact"].value for row in store.query(
        "PREFIX medkg: <https://w3id.org/medkg/vocab#> PREFIX oa: <http://www.w3.org/ns/oa#> "
        "SELECT ?c ?exact WHERE { ?c medkg:quote/oa:hasSelector/oa:exact ?exact }")}
    assert len(printed) == len(quotes) >= 49
    for iri, exact in quotes.items():
        curie = "claim:" + iri.rsplit("/", 1)[1]
        assert printed[curie].endswith(json.dumps(exact, ensure_ascii=False))


def test_a_key_that_can_hold_several_values_is_always_an_array(release):
    """Issue 21: `@type`, `exactMatch`, `applied_to_treat`, `about` were a string or an array by count."""
    document = json.loads((release / "medkg-data.jsonld").read_text(encoding="utf-8"))
    ctx = document["@context"]
    many = {k for k, v in ctx.items() if isinstance(v, dict) and v.get("@container") == "@set"} | {"@type"}
    assert {"exactMatch", "applied_to_treat", "about", "treats", "label"} <= many
    assert {"start", "end", "exact", "medkg_quote"}.isdisjoint(many)  # one value by the shapes (sh:maxCount 1)
    seen: dict[str, set[str]] = {}

    def walk(node):
        for key, value in node.items():
            if key in ("@id", "@context"):
                continue
            seen.setdefault(key, set()).add("array" if isinstance(value, list) else "single")
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, dict) and "@id" in v:
                    walk(v)

    for node in document["@graph"]:
        walk(node)
    assert {k for k, forms in seen.items() if k in many and forms != {"array"}} == set()
    assert {k for k, forms in seen.items() if k not in many and forms != {"single"}} == set()
    baclofen = next(n for n in document["@graph"] if n["@id"] == "kg:baclofen")
    assert baclofen["treats"] == ["kg:spasticity"]  # one value, still an array; and the key exists


def test_a_failed_export_leaves_the_previous_release_intact(tmp_path, monkeypatch):
    target = tmp_path / "dist"
    export.export(target, date="2026-11-26")
    before = files(target)

    def fail(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(jsonld, "document", fail)
    with pytest.raises(export.InputError, match="simulated"):  # one line for the user, not a traceback
        export.export(target, date="2026-11-26")
    assert files(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_metadata_counts_sizes_and_checksums_are_true(release):
    store = ox.Store()
    store.load(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE)
    prefix = """PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
                PREFIX spdx: <http://spdx.org/rdf/terms#> PREFIX medkg: <https://w3id.org/medkg/vocab#>
                PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcterms: <http://purl.org/dc/terms/>"""
    [row] = list(store.query(prefix + """SELECT ?triples ?claims ?entities ?version ?versionIRI ?licence WHERE {
        ?d a void:Dataset ; void:triples ?triples ; medkg:claimCount ?claims ; void:entities ?entities ;
           owl:versionInfo ?version ; owl:versionIRI ?versionIRI ; dcterms:license ?licence }"""))
    sources = export.parts()
    assert int(row["triples"].value) == sum(len(s.triples) for s in sources.values())
    claims = {t.subject for t in sources["data"].triples if t.predicate.value.endswith("#quote")}
    assert int(row["claims"].value) == len(claims) == 51
    # VoID's entities: the described resources in the dataset's declared uriSpace.
    [space] = [r["s"].value for r in store.query(prefix + "SELECT ?s WHERE { ?d void:uriSpace ?s }")]
    kg = {t.subject for t in sources["data"].triples if t.subject.value.startswith(space)}
    assert space == "https://w3id.org/medkg/id/" and int(row["entities"].value) == len(kg)
    assert row["versionIRI"].value.endswith("/0.1.0/2026-11-26")
    distributions = list(store.query(prefix + """SELECT ?d ?size ?sum ?media WHERE {
        ?d a dcat:Distribution ; dcat:byteSize ?size ; dcat:mediaType ?media ; spdx:checksum/spdx:checksumValue ?sum }"""))
    names = {d["d"].value.rsplit("/", 1)[1] for d in distributions}
    assert names == set(files(release)) - {"void.ttl"}
    for d in distributions:
        data = (release / d["d"].value.rsplit("/", 1)[1]).read_bytes()
        assert int(d["size"].value) == len(data)
        assert d["sum"].value == hashlib.sha256(data).hexdigest()


def test_each_distribution_has_the_media_type_of_its_format(release):
    store = ox.Store()
    store.load(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE)
    media = {r["d"].value.rsplit("/", 1)[1]: r["m"].value.removeprefix("https://www.iana.org/assignments/media-types/")
             for r in store.query("SELECT ?d ?m { ?d <http://www.w3.org/ns/dcat#mediaType> ?m }")}
    by_suffix = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
                 ".trig": "application/trig", ".sha256": "text/plain"}
    assert media == {name: by_suffix[Path(name).suffix] for name in files(release) if name != "void.ttl"}


def test_one_format_writes_its_three_parts_and_the_metadata_only(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "nt"), "--format", "nt"]) == 0
    assert sorted(p.name for p in (tmp_path / "nt").iterdir()) == [
        "medkg-data.nt", "medkg-ontology.nt", "medkg-shapes.nt", "medkg.rdfc10.sha256", "void.ttl"]


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor's rapper is not installed (Debian package raptor2-utils; .ci/run installs it)")
@pytest.mark.parametrize("ext", ["ttl", "nt"])
def test_raptor_parses_every_file(release, ext):
    for part in PARTS:
        path = release / f"medkg-{part}.{ext}"
        result = subprocess.run(["rapper", "-i", {"ttl": "turtle", "nt": "ntriples"}[ext], "-c", str(path)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        # rapper: Parsing returned N triples
        assert int(result.stderr.split("returned")[1].split()[0]) == len(source_graph(part))


# --- Export never deletes what is not a release (these lost a whole checkout before) ---

def test_export_into_a_checkout_is_refused_and_touches_nothing(tmp_path, capsys):
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "queries", checkout / "queries")
    (checkout / "notes.txt").write_text("uncommitted work\n", encoding="utf-8")
    before = sorted(p.relative_to(checkout) for p in checkout.rglob("*"))
    assert main(["export", "-o", str(checkout)]) == 2
    assert "not a medkg release" in capsys.readouterr().err
    assert sorted(p.relative_to(checkout) for p in checkout.rglob("*")) == before


def test_export_onto_a_file_is_refused_and_the_file_kept(tmp_path, capsys):
    target = tmp_path / "release.ttl"
    target.write_text("keep me\n", encoding="utf-8")
    assert main(["export", "-o", str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_a_release_with_one_foreign_file_is_not_a_release(tmp_path, release, capsys):
    target = tmp_path / "dist"
    shutil.copytree(release, target)
    (target / "README.txt").write_text("mine\n", encoding="utf-8")
    assert main(["export", "-o", str(target)]) == 2
    assert (target / "README.txt").exists()


def test_an_earlier_release_and_an_empty_folder_are_replaced(tmp_path, release):
    earlier = tmp_path / "dist"
    shutil.copytree(release, earlier)
    (earlier / "medkg-data.jsonld").unlink()  # an earlier release may hold fewer files
    export.export(earlier, formats=("ttl",), date="2026-11-27")
    assert "medkg-data.jsonld" not in files(earlier) and "2026-11-27" in (earlier / "void.ttl").read_text()
    empty = tmp_path / "empty"
    empty.mkdir()
    export.export(empty, formats=("nt",), date="2026-11-27")
    assert "medkg-data.nt" in files(empty)


def test_the_swap_exchanges_old_and_new_in_one_step(tmp_path, release, monkeypatch):
    # A reader must see a whole release at every instant: no moment without `dist`. On Linux the
    # two folders are exchanged by renameat2; a rename of the target away would open that gap.
    target = tmp_path / "dist"
    shutil.copytree(release, target)
    renamed = []
    original = type(target).rename
    monkeypatch.setattr(type(target), "rename", lambda self, to: (renamed.append(self), original(self, to))[1])
    export.export(target, formats=("ttl",), date="2026-11-28")
    assert target not in renamed
    assert "2026-11-28" in (target / "void.ttl").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_staging_folders_left_by_a_killed_export_are_removed_next_time(tmp_path):
    killed = tmp_path / ".dist.medkg-staging-abc123"
    killed.mkdir()
    (killed / "medkg-data.ttl").write_text("half\n", encoding="utf-8")
    mine = tmp_path / ".dist.medkg-staging-mine"  # not only release files: not ours to remove
    mine.mkdir()
    (mine / "thesis.tex").write_text("x\n", encoding="utf-8")
    export.export(tmp_path / "dist", formats=("nt",), date="2026-11-27")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.medkg-staging-mine", "dist"]
    ignored = subprocess.run(["git", "check-ignore", "-q", str(ROOT / ".dist.medkg-staging-x1")], cwd=ROOT)
    assert ignored.returncode == 0  # ignored by git in the checkout too


@pytest.mark.parametrize("option", [["--version", "1.0 beta<>"], ["--date", "2020-13-45"], ["--date", "20201231"]])
def test_bad_release_version_or_date_exits_2_and_writes_nothing(tmp_path, option, capsys):
    assert main(["export", "-o", str(tmp_path / "dist"), *option]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{option[0]} ") and "write it as" in err
    assert list(tmp_path.iterdir()) == []


def test_export_into_a_folder_that_cannot_exist_exits_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["export", "-o", str(blocker / "dist")]) == 2
    assert "cannot create the folder" in capsys.readouterr().err


def test_a_release_file_that_does_not_parse_is_never_swapped_in(tmp_path, release, monkeypatch):
    target = tmp_path / "dist"
    shutil.copytree(release, target)
    before = files(target)
    from medkg.release import void

    monkeypatch.setattr(void, "describe", lambda *a, **k: b"<broken")
    with pytest.raises(export.InputError, match="void.ttl: the release file does not parse"):
        export.export(target, date="2026-11-26")
    assert files(target) == before
