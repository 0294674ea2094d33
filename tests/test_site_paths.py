"""The site builder never writes outside its folder, whatever the data says: an IRI that cannot be a
page's file name is refused (exit 2), and every path is checked inside the folder once resolved."""

import os
from pathlib import Path

import pytest

from medkg.cli import main
from medkg.errors import INPUT, InputError
from medkg.project_files import DATA_DIR
from medkg.site.build import _Writer, build
from tests.test_minted_names import CONDITION, KG


def test_the_site_refuses_a_climbing_iri_and_writes_nothing_outside(tmp_path, capsys):
    target = tmp_path / "a" / "site"
    # The site is written in a staging folder beside the target: id/../../victim is tmp_path/victim.
    fixture = tmp_path / "climb.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "../../victim", n="site"), encoding="utf-8")
    before = sorted(p for p in tmp_path.rglob("*"))
    code = main(["site", "-o", str(target), "--data", str(DATA_DIR), "--data", str(fixture)])
    err = capsys.readouterr().err
    assert code == INPUT
    assert len(err.strip().splitlines()) == 1 and "../../victim" in err and "validate" in err
    assert not (tmp_path / "victim.html").exists() and not (tmp_path / "victim.ttl").exists()
    # Nor anything else: only the target's parent, which -o asks for, and it is left empty (no staging).
    assert sorted(p for p in tmp_path.rglob("*")) == sorted([*before, target.parent])


@pytest.mark.parametrize("path", ["../escape.html", "id/../../escape.html", "ABSOLUTE", "id/./x.html",
                                  "", "id//x.html", "id/x\\..\\..\\y.html", "id/x\0.html"])
def test_the_writer_keeps_every_path_inside_its_folder(path, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    path = str(tmp_path / "escape.html") if path == "ABSOLUTE" else path
    with pytest.raises(InputError):
        _Writer(folder).write(path, "x")
    assert [p.name for p in tmp_path.rglob("*")] == ["site"]


def test_the_writer_does_not_follow_a_link_out_of_its_folder(tmp_path):
    folder, outside = tmp_path / "site", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    os.symlink(outside, folder / "id")
    with pytest.raises(InputError):
        _Writer(folder).write("id/x.html", "x")
    assert list(outside.iterdir()) == []


def test_the_site_refuses_a_climbing_iri_in_process(tmp_path):
    fixture = tmp_path / "climb.ttl"
    fixture.write_text(CONDITION.format(iri=KG + "../x", n="inproc"), encoding="utf-8")
    with pytest.raises(InputError, match=r"python validate\.py"):
        build(Path(tmp_path / "site"), [DATA_DIR, fixture])


def test_a_name_too_long_for_the_file_system_is_one_line_not_a_traceback(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    with pytest.raises(InputError, match="cannot write"):
        _Writer(folder).write("id/" + "x" * 300 + ".html", "x")
