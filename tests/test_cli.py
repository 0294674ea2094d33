"""The command line: exit codes, report lines, syntax errors with their line, help for every command."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from medkg.cli import main
from medkg.project_files import ROOT
from medkg.rdf.namespaces import MKGSH, SH
from tests.material import FIXTURES

LINE = re.compile(r"^(VIOLATION|WARNING|INFO) (\S+):(\d+) (\S+)( \S+)?: .+ \((mkgsh|medkg):\S+(; also qc:\S+)*\)$")
SYNTAX = sorted((FIXTURES / "syntax").glob("*.ttl"))


def test_validate_conforming_data_exits_0(capsys):
    assert main(["validate"]) == 0
    assert "conforms" in capsys.readouterr().out


def test_validate_invalid_data_exits_1_with_one_line_per_finding(capsys):
    fixture = FIXTURES / "invalid" / "off-label-stated-as-treats.ttl"
    assert main(["validate", "data", str(fixture)]) == 1
    out = capsys.readouterr().out.splitlines()
    findings = [line for line in out if LINE.match(line)]
    assert len(findings) == 3
    assert any(line.startswith("VIOLATION tests/fixtures/invalid/off-label-stated-as-treats.ttl:28 "
                               "claim:fixture-off-label-as-treats rdf:predicate: ") for line in findings)
    assert out[-1].startswith("3 violations, 0 warnings, 0 infos in 2 files")


def test_reference_engine_prints_the_same_report(capsys):
    fixture = str(FIXTURES / "engine" / "dose-edge-cases.ttl")
    assert main(["validate", fixture]) == 1
    fast = capsys.readouterr().out
    assert main(["validate", "--engine", "pyshacl", fixture]) == 1
    assert capsys.readouterr().out == fast
    assert "(mkgsh:DoseScheduleShape-doseUnit)" in fast


def test_findings_are_grouped_by_file(capsys):
    main(["validate", "data", str(FIXTURES / "invalid")])
    files = [LINE.match(line).group(2) for line in capsys.readouterr().out.splitlines() if LINE.match(line)]
    assert len(set(files)) > 5
    assert files == sorted(files, key=lambda f: (f == "-", f))


def test_warning_exits_0_unless_fail_on_warning(capsys, monkeypatch):
    # No shipped shape is a warning now (a quoted claim-free sentence became a violation): make one so.
    import pyoxigraph as ox

    from medkg.validate import pipeline

    shapes = pipeline.load_shapes()
    shape, severity = ox.NamedNode(str(MKGSH.ClaimFreeSentenceShape)), ox.NamedNode(str(SH.severity))
    shapes.triples = [t for t in shapes.triples if not (t.subject == shape and t.predicate == severity)] + [
        ox.Triple(shape, severity, ox.NamedNode(str(SH.Warning)))]
    monkeypatch.setattr(pipeline, "load_shapes", lambda: shapes)
    fixture = str(FIXTURES / "invalid" / "claim-free-sentence-quoted.ttl")
    assert main(["validate", "data", fixture]) == 0
    assert "WARNING data/sentences.ttl:" in capsys.readouterr().out
    assert main(["validate", "data", fixture, "--fail-on", "warning"]) == 1


def test_json_report_is_machine_readable(capsys):
    assert main(["validate", "data", str(FIXTURES / "invalid" / "dose-without-unit.ttl"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    assert report["counts"] == {"violation": 1, "warning": 0, "info": 0}
    [finding] = report["findings"]
    assert finding["focus"] == "kg:fixture-dose-no-unit"
    assert finding["file"].endswith("dose-without-unit.ttl") and finding["line"] == 20


@pytest.mark.parametrize("fixture", SYNTAX, ids=lambda p: p.stem)
def test_syntax_error_names_file_line_and_column_and_exits_2(fixture, capsys):
    expected = re.search(r"^# expect-line: (\d+)$", fixture.read_text(encoding="utf-8"), re.M).group(1)
    assert main(["validate", str(fixture)]) == 2
    err = capsys.readouterr().err.strip()
    assert re.match(rf"^tests/fixtures/syntax/{fixture.name}:{expected}:\d+: Turtle syntax error: .+", err), err
    assert "Traceback" not in err


def test_syntax_fixture_folder_is_not_empty():
    assert len(SYNTAX) >= 5


def test_missing_path_exits_2(capsys):
    assert main(["validate", "no-such-folder"]) == 2
    assert "no-such-folder: no such file or folder" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    assert main(["validate", "--format", "yaml"]) == 2
    assert main(["no-such-command"]) == 2


@pytest.mark.parametrize("value", ["0", "12", "1.5", "-1", "lots", "99999999"])
def test_a_serve_memory_bound_out_of_range_is_a_usage_error(value, capsys):
    # A worker holds about 110 MiB at rest: a bound below 256 would refuse every query.
    assert main(["serve", "--memory", value]) == 2
    assert "give whole MiB between 256 and 1048576" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["validate"], ["run"], ["summary"], ["anchor"], ["sync-article"], ["query"],
                                     ["catalog"], ["serve"], ["load"], ["export"], ["diff"], ["mutate"], ["vocab"], ["site"],
                                     ["shacl"]])
def test_every_command_prints_help_and_exits_0(command, capsys):
    assert main([*command, "--help"]) == 0
    assert "usage: medkg" in capsys.readouterr().out


def _exit_codes_the_code_returns() -> set[int]:
    """Every exit code main() can return, read from the code: the medkg.errors constants cli.py
    returns, each MedkgError's exit_code, any number returned as it is, and argparse's 0 and 2."""
    import ast

    from medkg import errors

    constants = {name: value for name, value in vars(errors).items() if name.isupper() and isinstance(value, int)}
    tree = ast.parse((ROOT / "medkg" / "cli.py").read_text(encoding="utf-8"))
    codes = {0, 2}  # argparse: --help, a usage error
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "errors" \
                and node.attr in constants:
            codes.add(constants[node.attr])
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int):
            codes.add(node.value.value)
    codes |= {cls.exit_code for cls in vars(errors).values()
              if isinstance(cls, type) and issubclass(cls, errors.MedkgError)}
    return codes


def test_help_and_the_module_docstring_name_every_exit_code(capsys):
    import medkg.cli

    codes = _exit_codes_the_code_returns()
    assert {0, 1, 2, 3, 130} <= codes
    assert main(["--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for where, text in (("medkg --help", help_text), ("medkg/cli.py's docstring", " ".join(medkg.cli.__doc__.split()))):
        listed = text.partition("Exit codes")[2]
        named = {int(n) for n in re.findall(r"(?:^|[:;,] )(\d+) [a-z]", listed)}
        assert named == codes, f"{where} lists exit codes {sorted(named)}; the code returns {sorted(codes)}"


def test_anchor_prints_selectors_that_locate_the_words(capsys):
    from medkg.article.sync import read_text

    assert main(["anchor", "moderately safe drug", "--id", "x"]) == 0
    out = capsys.readouterr().out
    start, end = int(re.search(r"oa:start (\d+) ;", out).group(1)), int(re.search(r"oa:end (\d+) \.", out).group(1))
    prefix = re.search(r'oa:prefix "(.*)" ;', out).group(1)
    text = read_text()
    assert text[start:end] == "moderately safe drug"
    assert text[:start].endswith(prefix) and prefix
    assert 'oa:exact "moderately safe drug"' in out and "quote:x-position a oa:TextPositionSelector" in out


def test_anchor_picks_the_requested_occurrence(capsys):
    from medkg.article.sync import read_text

    main(["anchor", "baclofen pump", "--occurrence", "2"])
    start = int(re.search(r"oa:start (\d+) ;", capsys.readouterr().out).group(1))
    text = read_text()
    assert start == text.find("baclofen pump", text.find("baclofen pump") + 1)


def test_anchor_says_how_many_times_the_words_occur_and_how_to_pick(capsys):
    assert main(["anchor", "baclofen pump", "--id", "x"]) == 0
    err = capsys.readouterr().err
    assert "the words occur 2 times" in err and "--occurrence N (1 to 2)" in err
    assert main(["anchor", "baclofen pump", "--occurrence", "99"]) == 2
    err = capsys.readouterr().err
    assert "occurs 2 time(s)" in err and "not 99" in err and "copy the words" not in err


def test_anchor_of_words_not_in_the_article_exits_2(capsys):
    assert main(["anchor", "cures everything"]) == 2
    assert "does not occur" in capsys.readouterr().err


def test_sync_article_check_passes_on_shipped_data():
    assert main(["sync-article", "--check"]) == 0


def test_run_validates_and_summarises(capsys):
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "conforms" in out
    assert re.search(r"labelled use claim\s+3", out) and re.search(r"MedicineNet\s+1", out)


def test_validate_py_as_a_real_subprocess():
    """Once for real: the curator's command, a fresh interpreter, the exit code and output."""
    ok = subprocess.run([sys.executable, "validate.py"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "conforms" in ok.stdout and ok.stderr == ""
    bad = subprocess.run(
        [sys.executable, "validate.py", str(FIXTURES / "syntax" / "missing-dot.ttl")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "missing-dot.ttl:7:1:" in bad.stderr and "Traceback" not in bad.stderr


def test_medkg_console_script_is_installed():
    exe = ROOT / ".venv" / "bin" / "medkg"
    if not exe.exists():
        pytest.skip("the console script is installed by `make test` into .venv")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("medkg ")


def test_turtle_report_is_a_standard_validation_report(capsys):
    import pyoxigraph as ox

    fixture = str(FIXTURES / "invalid" / "off-label-stated-as-treats.ttl")
    assert main(["validate", "data", fixture, "--format", "turtle"]) == 1
    store = ox.Store()
    store.load(capsys.readouterr().out.encode(), format=ox.RdfFormat.TURTLE)
    sh = "http://www.w3.org/ns/shacl#"
    [conforms] = list(store.query(f"SELECT ?c WHERE {{ ?r a <{sh}ValidationReport> ; <{sh}conforms> ?c }}"))
    assert conforms["c"].value == "false"
    results = list(store.query(f"""
        SELECT ?focus ?shape WHERE {{ ?r <{sh}result> ?x . ?x a <{sh}ValidationResult> ; <{sh}focusNode> ?focus ;
            <{sh}sourceShape> ?shape ; <{sh}resultSeverity> <{sh}Violation> ; <{sh}resultMessage> ?m ;
            <{sh}sourceConstraintComponent> ?c }}"""))
    assert len(results) == 3
    assert {r["shape"].value.rsplit("#", 1)[1] for r in results} == {"OffLabelUseShape", "OffLabelUseClaimShape-predicate"}


def test_report_order_does_not_follow_the_hash_seed():
    # Two findings on one node, line and message differ only in their component: with a sort key
    # short of the whole finding, their order changed with PYTHONHASHSEED.
    fixture = str(FIXTURES / "invalid" / "dose-value-as-string.ttl")
    reports = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "validate.py", "data", fixture, "--format", "json"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 1, run.stderr
        reports.add(run.stdout)
    assert len(reports) == 1


# --- Input that used to give a traceback, silence, or the wrong sentence ---

def test_a_symlink_loop_in_a_data_folder_is_named(tmp_path, capsys):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "claims" / "up").symlink_to("..")
    assert main(["validate", "--syntax-only", str(tmp_path / "data")]) == 2
    assert "claims/up: a symbolic link back into a folder above it (a loop)" in capsys.readouterr().err


def test_a_dangling_or_looping_link_is_not_reported_as_missing(tmp_path, capsys):
    (tmp_path / "loop.ttl").symlink_to("loop.ttl")
    assert main(["validate", "--syntax-only", str(tmp_path / "loop.ttl")]) == 2
    err = capsys.readouterr().err
    assert "a symbolic link that leads nowhere" in err and "no such file" not in err


def test_an_unreadable_folder_is_an_error_not_skipped(tmp_path, monkeypatch, capsys):
    # Tests run as root in CI, where chmod cannot make a folder unreadable: os.walk is told what
    # the operating system would say.
    (tmp_path / "data" / "locked").mkdir(parents=True)
    (tmp_path / "data" / "ok.ttl").write_text('<urn:a> <urn:b> "c" .\n', encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["validate", "--syntax-only", str(tmp_path / "data")]) == 2
    assert "data/locked: cannot read this folder (Permission denied)" in capsys.readouterr().err


def test_a_byte_order_mark_is_named_in_words(tmp_path, capsys):
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + (ROOT / "data" / "drug.ttl").read_bytes())
    assert main(["validate", "--syntax-only", str(path)]) == 2
    err = capsys.readouterr().err
    assert ":1:1: the file starts with a byte-order mark" in err and "remove the byte-order mark" in err
    assert "\ufeff" not in err


def test_an_empty_data_file_is_a_warning(tmp_path, capsys):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "empty.ttl").write_text("@prefix kg: <https://w3id.org/medkg/id/> .\n# nothing yet\n",
                                                 encoding="utf-8")
    assert main(["validate", str(tmp_path / "data")]) == 0
    assert "medkg: warning: " in (err := capsys.readouterr().err) and "empty.ttl holds no triples" in err


def test_a_lone_surrogate_in_a_param_is_refused_in_words(capsys):
    assert main(["query", "claims-about", "--param", "entity=\udcff"]) == 2
    err = capsys.readouterr().err
    assert "not valid UTF-8 text" in err and "Traceback" not in err


def test_catalog_into_a_folder_that_cannot_exist_exits_2(tmp_path, capsys):
    assert main(["catalog", "-o", str(tmp_path / "no" / "such" / "catalog.ttl")]) == 2
    assert "cannot write it" in capsys.readouterr().err


def test_a_base_that_is_not_an_iri_is_a_usage_error(capsys):
    assert main(["validate", "--syntax-only", "--base", "not an iri"]) == 2
    assert "is not an absolute IRI" in capsys.readouterr().err


def test_the_readme_s_vocabulary_is_the_ontology_s(capsys):
    # A researcher writing a query reads the README; it must say what ontology/medkg.ttl says.
    assert main(["vocab", "--format", "md"]) == 0
    generated = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- vocab:begin (generated by `medkg vocab --format md`) -->\n", 1)[1].split("<!-- vocab:end -->")[0]
    assert section == generated
    assert "| `medkg:LabelIndication` | label indication |" in generated and generated.count("\n| `") >= 80


def test_the_vocabulary_query_runs_as_one_s_own(tmp_path, capsys):
    assert main(["vocab", "--query"]) == 0
    query = tmp_path / "vocab.rq"
    query.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["query", str(query), "--format", "csv"]) == 0
    assert "https://w3id.org/medkg/vocab#StatedUseClaim" in capsys.readouterr().out


def test_the_text_report_shows_the_offending_value_and_one_line_per_mistake(capsys):
    # A misspelt certainty IRI showed only the rule; a missing label gave a shape's line and a QC line.
    main(["validate", "data", str(FIXTURES / "invalid" / "certainty-not-on-scale.ttl")])
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "claim:fixture-bad-certainty medkg:certainty" in line]
    assert "(value: medkg:certainty-probable)" in line
    assert line.endswith("(mkgsh:ClaimShape-certainty; also qc:undefined-reference)")
    # Two mistakes, not three lines: the probable level, and the claim restating a shipped one (StatementShape-twice).
    assert out.splitlines()[-1].startswith("2 violations, 0 warnings")
    main(["validate", "data", str(FIXTURES / "invalid" / "entity-without-label.ttl")])
    lines = [line for line in capsys.readouterr().out.splitlines() if "kg:fixture-unlabelled" in line]
    assert len(lines) == 1 and lines[0].endswith("(mkgsh:EntityShape-label; also qc:entity-without-label)")


def test_a_quote_that_is_not_the_article_s_text_says_what_the_article_has_and_where_the_quote_is(capsys):
    main(["validate", "data", str(FIXTURES / "invalid" / "quote-not-verbatim.ttl")])
    [line] = [line for line in capsys.readouterr().out.splitlines() if "(mkgsh:QuoteShape" in line]
    assert 'which read "Baclofen is a muscle relaxant drug"' in line and "occurs nowhere in the article" in line
    assert "-1" not in line
    main(["validate", "data", str(FIXTURES / "invalid" / "quote-offsets-off-by-one.ttl")])
    [line] = [line for line in capsys.readouterr().out.splitlines() if "(mkgsh:QuoteShape" in line]
    assert "the quote itself starts at character 187" in line and "system.\\n\"" in line  # one line, newline shown


def test_one_data_file_is_checked_with_the_rest_of_data_around_it(tmp_path, monkeypatch, capsys):
    # Alone, a file's references to nodes defined in other files all read as undefined (125 of them).
    assert main(["validate", str(ROOT / "data" / "claims" / "uses.ttl")]) == 0
    assert "checked with the rest of data/ around it" in capsys.readouterr().err
    from medkg.validate import pipeline

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setattr(pipeline, "DATA_DIR", data)
    conditions = data / "conditions.ttl"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace('    rdfs:label "pain"@en ;\n', ""), encoding="utf-8")
    assert main(["validate", str(conditions)]) == 1  # its own mistake is still found
    out = capsys.readouterr().out
    assert "kg:pain" in out and "uses.ttl" not in out  # and only the named file's findings are shown


@pytest.mark.parametrize("turtle, hint", [
    ('kg:x a schema:Drug\n    rdfs:label "x"@en .\n', "missing ; or . at the end of line 5"),
    ('kg:x rdfs:label "x"@en, .\n', "a trailing , before the . on line 5"),
    ('kg:x rdfs:label "x"@en ,\n\nkg:y rdfs:label "y"@en .\n', "a trailing , at the end of line 5"),
    ('kg:x rdfs:label "x@en ;\n    rdfs:comment "c"@en .\n', "unclosed string starting at line 5, column 17"),
])
def test_syntax_hints_name_the_likely_cause(tmp_path, turtle, hint, capsys):
    # A missing ; was reported as a missing . (whose fix gave a second error), a trailing , at the next
    # block, an unclosed string only as "line jumps are not allowed".
    head = "@prefix kg: <https://w3id.org/medkg/id/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    path = tmp_path / "edit.ttl"
    path.write_text(head + "@prefix schema: <https://schema.org/> .\n\n" + turtle, encoding="utf-8")
    assert main(["validate", "--syntax-only", str(path)]) == 2
    assert hint in capsys.readouterr().err


def test_every_file_s_syntax_error_is_reported_at_once(tmp_path, capsys):
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text('<urn:x> <urn:p> "unclosed .\n', encoding="utf-8")
    assert main(["validate", "--syntax-only", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "a.ttl:1:" in err and "b.ttl:1:" in err


def test_turtle_report_writes_literals_in_full_and_a_blank_node_path_out():
    """rdflib's serializer wrote "none"^^xsd:boolean as `none` (not Turtle), and a blank-node
    sh:resultPath (the shapes' [ sh:inversePath medkg:quote ]) was a node with nothing in it."""
    import pyoxigraph as ox
    from rdflib import BNode, Graph, Literal, Namespace, URIRef

    from medkg.shacl.finding import Finding, Report, Terms
    from medkg.shacl.property_paths import sparql_path
    from medkg.shacl.report_writer import render

    sh, xsd = Namespace("http://www.w3.org/ns/shacl#"), Namespace("http://www.w3.org/2001/XMLSchema#")
    shapes = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . <http://example.org/S> sh:path "
                                "[ sh:inversePath <http://example.org/p> ] .", format="turtle")
    path = shapes.value(URIRef("http://example.org/S"), sh.path)
    value = Literal("none", datatype=xsd.boolean, normalize=False)  # as the store gives it, whatever pySHACL left the global switch at
    terms = Terms(sh.Violation, URIRef("http://example.org/a"), path, value, URIRef("http://example.org/S"),
                  sh.MaxCountConstraintComponent)
    finding = Finding("violation", "", 0, "ex:a", "", '"none"^^xsd:boolean', "m", "ex:S", "sh:MaxCount", terms=terms)
    text = render(Report([finding], [], 1, 1, shapes_graph=shapes), "turtle")
    report = Graph().parse(data=text, format="turtle")
    assert [q.object for q in ox.parse(text, format=ox.RdfFormat.TURTLE) if q.predicate.value == str(sh.value)] == \
        [ox.Literal("none", datatype=ox.NamedNode(str(xsd.boolean)))]
    [written] = report.objects(None, sh.resultPath)
    assert isinstance(written, BNode) and sparql_path(report, written) == "^<http://example.org/p>"


@pytest.mark.parametrize("named", [False, True], ids=["in-a-folder", "named"])
def test_a_named_pipe_in_the_data_is_named_not_read_for_ever(tmp_path, named):
    # Reading a FIFO waits for a writer for ever: `validate` hung. (A subprocess, so that the code
    # before the fix fails the test rather than hanging it.)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ok.ttl").write_text('<urn:a> <urn:b> "c" .\n', encoding="utf-8")
    os.mkfifo(tmp_path / "data" / "pipe.ttl")
    target = tmp_path / "data" / ("pipe.ttl" if named else "")
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "validate", "--syntax-only", str(target)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "pipe.ttl: a named pipe (FIFO), not a file medkg can read" in done.stderr


def test_validate_stops_at_its_timeout_and_the_next_changed_run_is_whole(tmp_path):
    # Exit 3 as a query past --timeout; a --changed store left half-filled is rebuilt by the next run.
    shutil.copytree(ROOT / "data", tmp_path / "data")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "d"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    command = [sys.executable, "-m", "medkg.cli", "validate", str(tmp_path / "data"), "--changed"]
    stopped = subprocess.run([*command, "--timeout", "0.01"], capture_output=True, text=True, timeout=120)
    assert (stopped.returncode, stopped.stdout) == (3, "")
    assert stopped.stderr == "the validation did not finish within 0.01 s (raise --timeout)\n"
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and again.stdout.startswith("conforms")
