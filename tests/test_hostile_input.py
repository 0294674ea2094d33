"""Hostile input gets one line on stderr and exit 2, never a traceback: each case through the
command line in-process (main returns the exit code), and the same cases once as a real process."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from medkg import errors
from medkg.cli import main

SHAPES_PROLOGUE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
DATA = '@prefix ex: <http://example.org/> .\nex:a ex:p "hello" .\n'


def _nested(inner: str, wrap: str, depth: int) -> str:
    for _ in range(depth):
        inner = wrap.format(inner)
    return inner


# name -> (shapes graph's statements, data graph, extra arguments)
SHACL_CASES = {
    "pattern-unclosed": ('ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern "(unclosed" ] .',
                         DATA, []),
    "select-update": ('ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "DELETE WHERE { ?s ?p ?o }" ] .',
                      DATA, []),
    "select-missing": ('ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:message "no query" ] .', DATA, []),
    "rest-cycle": ('ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:in _:l1 ] .\n'
                   '_:l1 rdf:first "a" ; rdf:rest _:l2 .\n_:l2 rdf:first "b" ; rdf:rest _:l1 .', DATA, []),
    "inverse-path-3000-deep": ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path "
                               + _nested("ex:p", "[ sh:inversePath {} ]", 3000) + " ; sh:minCount 1 ] .", DATA, []),
}


def _shacl_files(tmp_path: Path, case: str) -> list[str]:
    statements, data, extra = SHACL_CASES[case]
    (tmp_path / "shapes.ttl").write_text(SHAPES_PROLOGUE + statements + "\n", encoding="utf-8")
    (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
    return ["shacl", "--shapes", str(tmp_path / "shapes.ttl"), str(tmp_path / "data.ttl"), *extra]


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-2000:]
    return lines[0]


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", sorted(SHACL_CASES))
def test_shacl_refuses_hostile_shapes_and_data_in_one_line(case, engine, tmp_path, capsys):
    assert main([*_shacl_files(tmp_path, case), "--engine", engine]) == errors.INPUT
    _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_shacl_pattern_with_a_unicode_category_runs_on_both_engines(engine, tmp_path, capsys):
    # \p{L} is valid XPath (SHACL's regex syntax); Python's re, which both engines use, lacks it.
    (tmp_path / "shapes.ttl").write_text(SHAPES_PROLOGUE + r"""
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:word ; sh:pattern "^\\p{L}+$" ] ;
    sh:property [ sh:path ex:number ; sh:pattern "^[\\p{Nd}]+$" ] ;
    sh:property [ sh:path ex:none ; sh:pattern "^\\P{L}*$" ] .
""", encoding="utf-8")
    (tmp_path / "data.ttl").write_text('@prefix ex: <http://example.org/> .\n'
                                       'ex:a ex:word "Été", "naïve1" ; ex:number "٣4", "x" ; ex:none "12 !", "1a" .\n',
                                       encoding="utf-8")
    code = main(["shacl", "--engine", engine, "--format", "json", "--shapes", str(tmp_path / "shapes.ttl"),
                 str(tmp_path / "data.ttl")])
    out = capsys.readouterr()
    assert code == errors.FINDINGS, out.err
    import json

    report = json.loads(out.out)
    assert sorted(r["value"] for r in report["findings"]) == ['"1a"', '"naïve1"', '"x"']
    assert all("\\p" in r["message"] or "\\P" in r["message"] or "fails" in r["message"] for r in report["findings"])


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_shacl_turtle_report_of_a_value_nested_3000_deep(engine, tmp_path, capsys):
    """The value is written whole (the text and JSON reports always were): deep blank nodes apart
    under labels rather than inline, where writing them ended in RecursionError."""
    import pyoxigraph as ox

    (tmp_path / "shapes.ttl").write_text(SHAPES_PROLOGUE + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; "
                                         "sh:property [ sh:path ex:p ; sh:datatype ex:none ] .\n", encoding="utf-8")
    (tmp_path / "data.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:p "
                                       + _nested('"x"', "[ ex:r {} ]", 3000) + " .\n", encoding="utf-8")
    code = main(["shacl", "--engine", engine, "--format", "turtle", "--shapes", str(tmp_path / "shapes.ttl"),
                 str(tmp_path / "data.ttl")])
    out = capsys.readouterr()
    assert code == errors.FINDINGS, out.err[-2000:]
    report = list(ox.parse(out.out.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    assert sum(t.predicate.value == "http://example.org/r" for t in report) == 3000


def test_shacl_block_escape_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "shapes.ttl").write_text(SHAPES_PROLOGUE + r"""
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern "\\p{IsBasicLatin}" ] .
""", encoding="utf-8")
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    assert main(["shacl", "--shapes", str(tmp_path / "shapes.ttl"), str(tmp_path / "data.ttl")]) == errors.INPUT
    assert "block escapes" in _one_line(capsys.readouterr().err)


ARGUMENT_CASES = {
    "per-property-negative": ["mutate", "--per-property", "-1"],
    "per-property-zero": ["mutate", "--per-property", "0"],
    "threshold-200": ["mutate", "--threshold", "200"],
    "threshold-negative": ["mutate", "--threshold", "-5"],
    "threshold-zero": ["mutate", "--threshold", "0"],
    "threshold-nan": ["mutate", "--threshold", "nan"],
    "anchor-id-climbs": ["anchor", "--id", "../../x", "Baclofen"],
    "anchor-id-with-space": ["anchor", "--id", "a b", "Baclofen"],
    "anchor-id-empty": ["anchor", "--id", "", "Baclofen"],
}


@pytest.mark.parametrize("case", sorted(ARGUMENT_CASES))
def test_out_of_range_arguments_are_refused_at_parsing_in_one_line(case, capsys, monkeypatch):
    from medkg.validate import mutation

    monkeypatch.setattr(mutation, "run", lambda *a: pytest.fail("the run started: the value was accepted"))
    assert main(ARGUMENT_CASES[case]) == errors.INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ARGUMENT_CASES[case][1] in _one_line(captured.err)


def test_anchor_id_that_is_a_local_name_is_printed():
    assert main(["anchor", "--id", "baclofen_muscle-relaxant2", "Baclofen is a muscle relaxant"]) == errors.OK


def test_catalog_refuses_to_replace_a_symbolic_link(tmp_path, capsys):
    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    assert main(["catalog", "-o", str(link)]) == errors.INPUT
    assert "symbolic link" in _one_line(capsys.readouterr().err)
    assert link.is_symlink() and target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl"]  # no temporary file left


def test_interrupt_before_a_command_runs_is_one_line_and_130(monkeypatch, capsys):
    import medkg.cli

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(medkg.cli, "_parser", interrupted)
    try:
        code = main(["validate"])
    except KeyboardInterrupt:
        pytest.fail("the interrupt escaped main (a traceback for the user)")
    assert code == errors.INTERRUPTED
    assert _one_line(capsys.readouterr().err) == "medkg: interrupted"


def test_interrupt_while_the_console_script_starts_is_one_line_and_130():
    """A Ctrl-C while `medkg` loads what it needs (here: pyoxigraph, imported to read --default-graph)."""
    script = Path(sys.executable).parent / "medkg"
    if not script.exists():
        pytest.skip(f"{script}: the console script is not installed beside this Python")
    code = (
        "import builtins, runpy, sys\n"
        "real = builtins.__import__\n"
        "def importer(name, *args, **kwargs):\n"
        "    if name == 'pyoxigraph':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = importer\n"
        f"sys.argv = [{str(script)!r}, 'query', 'uses', '--default-graph', 'https://w3id.org/medkg/graph']\n"
        f"runpy.run_path({str(script)!r}, run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == errors.INTERRUPTED, done.stderr
    assert _one_line(done.stderr) == "medkg: interrupted"


def test_the_hostile_cases_as_a_real_process(tmp_path):
    script = Path(sys.executable).parent / "medkg"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "medkg.cli"]
    for case in sorted(SHACL_CASES):
        folder = tmp_path / case
        folder.mkdir()
        done = subprocess.run([*command, *_shacl_files(folder, case)], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
        assert done.returncode == errors.INPUT, (case, done.stderr[-2000:])
        _one_line(done.stderr)
    for case, argv in sorted(ARGUMENT_CASES.items()):
        done = subprocess.run([*command, *argv], capture_output=True, text=True, timeout=120)
        assert done.returncode == errors.INPUT, (case, done.stderr)
        _one_line(done.stderr)


# --- a full disk, and folders a killed run left -------------------------------------------------

def _previous(kind: str, folder: Path) -> dict[str, str]:
    """A previous release or site in `folder`: what must be left as it was."""
    folder.mkdir()
    files = {"void.ttl": "old\n", "medkg.rdfc10.sha256": "old\n"} if kind == "export" else \
        {".medkg-site": "", "index.html": "<p>old</p>\n"}
    for name, text in files.items():
        (folder / name).write_text(text)
    return files


def _left(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in folder.iterdir()}


@pytest.mark.parametrize("kind", ["export", "site"])
def test_a_full_disk_is_one_line_and_leaves_the_previous_folder(kind, tmp_path, capsys, monkeypatch):
    import errno

    target = tmp_path / "out"
    before = _previous(kind, target)
    real_bytes, real_text = Path.write_bytes, Path.write_text

    def full(write):
        def written(self, *args, **kwargs):
            if ".medkg-staging-" in str(self) and self.name != ".medkg-owner":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(self, *args, **kwargs)
        return written

    monkeypatch.setattr(Path, "write_bytes", full(real_bytes))
    monkeypatch.setattr(Path, "write_text", full(real_text))
    assert main([kind, "-o", str(target)]) == errors.INPUT
    assert "No space left on device" in _one_line(capsys.readouterr().err)
    assert _left(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left


def _tiny_file_system(folder: Path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")


@pytest.mark.parametrize("kind", ["export", "site"])
def test_a_full_disk_as_a_real_process(kind, tmp_path):
    disk = tmp_path / "disk"
    _tiny_file_system(disk)
    try:
        before = _previous(kind, disk / "out")
        done = subprocess.run([sys.executable, "-m", "medkg.cli", kind, "-o", str(disk / "out")],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == errors.INPUT, done.stderr[-2000:]
        assert "No space left on device" in _one_line(done.stderr)
        assert _left(disk / "out") == before
        assert [p.name for p in disk.iterdir()] == ["out"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _dead_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


@pytest.mark.parametrize("kind", ["export", "site"])
def test_staging_folders_of_a_killed_run_are_removed_and_said(kind, tmp_path, capsys):
    from medkg.io.folders import OWNER, staging_prefix

    target = tmp_path / "out"
    stale, running, unmarked = (tmp_path / (staging_prefix(target) + name) for name in ("stale", "running", "unmarked"))
    for folder, owner in ((stale, _dead_pid()), (running, 1), (unmarked, None)):
        folder.mkdir()
        (folder / "page.html").write_text("half\n")
        if owner is not None:
            (folder / OWNER).write_text(f"{owner}\n")
    assert main([kind, "-o", str(target)]) == errors.OK
    err = capsys.readouterr().err
    assert "Traceback" not in err
    note = [line for line in err.splitlines() if "killed" in line]
    assert note == [f"medkg: removed 1 folder left by a medkg run that was killed: {stale}"]
    assert not stale.exists() and running.exists() and unmarked.exists()
    assert not (target / OWNER).exists()  # the mark never reaches the release or the site


def _fifo(folder):
    fifo = folder / "out.fifo"
    os.mkfifo(fifo)
    return fifo


@pytest.mark.parametrize("command", [["catalog"], ["export"], ["site"]])
def test_output_that_is_a_fifo_is_refused_and_left(tmp_path, capsys, command):
    fifo = _fifo(tmp_path)
    assert main([*command, "-o", str(fifo)]) == errors.INPUT
    assert "a FIFO" in _one_line(capsys.readouterr().err)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]  # nothing written beside it


def test_catalog_output_that_is_a_device_node_is_refused(tmp_path, capsys):
    # A node of our own like /dev/null (never /dev/null itself: code without the check, run as
    # root, would replace the machine's /dev/null with a file).
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert main(["catalog", "-o", str(device)]) == errors.INPUT
    assert "a device node" in _one_line(capsys.readouterr().err)
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_export_output_that_is_a_regular_file_is_refused(tmp_path, capsys):
    target = tmp_path / "dist"
    target.write_text("mine\n")
    assert main(["export", "-o", str(target)]) == errors.INPUT
    assert "not a folder" in _one_line(capsys.readouterr().err)
    assert target.read_text() == "mine\n"
