"""medkg/io/folders.py's `replace`, the staging swap the export and the site share: the previous
folder is left as it was whatever goes wrong, nothing half-written stays beside it, and a folder
that is not the caller's is never touched. Small cases on plain folders; test_export.py,
test_site.py and test_hostile_input.py run the same through the commands."""

import errno
import os
from pathlib import Path

import pytest

from medkg.errors import InputError
from medkg.io.folders import OWNER, replace


def _old(target: Path) -> dict[str, str]:
    target.mkdir()
    (target / "page.html").write_text("old\n")
    return _files(target)


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def _mine(target: Path) -> None:
    """Replaceable: absent, empty, or holding page.html only (as a site holds its mark)."""
    if target.exists() and {p.name for p in target.iterdir()} - {"page.html"}:
        raise InputError(f"{target}: not mine")


def _write_new(staging: Path) -> str:
    (staging / "page.html").write_text("new\n")
    (staging / "more.html").write_text("more\n")
    return "written"


def test_the_new_folder_replaces_the_old_whole(tmp_path):
    target = tmp_path / "out"
    _old(target)
    assert replace(target, _write_new, _mine) == "written"
    assert _files(target) == {"more.html": "more\n", "page.html": "new\n"}  # no OWNER mark either
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_missing_parent_is_made(tmp_path):
    target = tmp_path / "a" / "b" / "out"
    replace(target, _write_new, _mine)
    assert _files(target)["page.html"] == "new\n"


def test_a_parent_that_cannot_be_made_is_one_input_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match=r"cannot create the folder .*; choose another -o"):
        replace(tmp_path / "file" / "out", _write_new, _mine)


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), InputError("bad data")],
                         ids=["full disk", "bad input"])
def test_a_write_that_fails_leaves_the_old_folder_intact(tmp_path, failure):
    target = tmp_path / "out"
    before = _old(target)

    def half(staging: Path):
        assert (staging / OWNER).read_text() == f"{os.getpid()}\n"  # marked while it is written
        (staging / "page.html").write_text("half\n")
        raise failure

    with pytest.raises(InputError) as raised:
        replace(target, half, _mine)
    if isinstance(failure, OSError):
        assert str(raised.value) == (f"{target}: cannot write the new folder (No space left on device); "
                                     "the previous one is left as it was")
    else:
        assert raised.value is failure
    assert _files(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the staging folder is gone


def test_a_folder_that_is_not_the_caller_s_is_refused_before_anything_is_written(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "thesis.tex").write_text("mine\n")
    called = []
    with pytest.raises(InputError, match="not mine"):
        replace(target, lambda staging: called.append(staging), _mine)
    assert called == [] and _files(target) == {"thesis.tex": "mine\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_that_changed_while_the_new_one_was_written_is_left(tmp_path):
    target = tmp_path / "out"
    _old(target)

    def meanwhile(staging: Path):
        _write_new(staging)
        (target / "thesis.tex").write_text("written meanwhile\n")  # someone else's now

    with pytest.raises(InputError, match="not mine"):
        replace(target, meanwhile, _mine)
    assert _files(target) == {"page.html": "old\n", "thesis.tex": "written meanwhile\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_stale_staging_folders_are_removed_and_said(tmp_path):
    from medkg.io.folders import staging_prefix

    target = tmp_path / "out"
    stale = tmp_path / (staging_prefix(target) + "killed")
    stale.mkdir()
    (stale / OWNER).write_text(f"{2 ** 22 + 12345}\n")  # above Linux's largest process id: gone
    notes: list[str] = []
    replace(target, _write_new, _mine, notes)
    assert not stale.exists()
    assert notes == [f"removed 1 folder left by a medkg run that was killed: {stale}"]


GONE = 2 ** 22 + 12345  # above Linux's largest process id: a process that is gone


@pytest.mark.parametrize("mark", ["fifo", "symlink"])
def test_an_owner_mark_that_is_no_regular_file_is_skipped_without_blocking(tmp_path, mark):
    """Anyone can write in the temporary folder: a FIFO named OWNER hung `medkg serve` and `export`
    for ever (a plain read waits for a writer), and a link would be followed. Such a folder is left."""
    import threading

    from medkg.io.folders import remove_stale

    planted = tmp_path / "medkg-site-planted"
    planted.mkdir()
    if mark == "fifo":
        os.mkfifo(planted / OWNER)
    else:
        (tmp_path / "elsewhere").write_text(f"{GONE}\n")
        (planted / OWNER).symlink_to(tmp_path / "elsewhere")
    plain = tmp_path / "medkg-site-killed"
    plain.mkdir()
    (plain / OWNER).write_text(f"{GONE}\n")
    found: list = []
    reader = threading.Thread(target=lambda: found.append(remove_stale(tmp_path, "medkg-site-")), daemon=True)
    reader.start()
    reader.join(60)
    if reader.is_alive():  # unblock the hung read so the test run goes on
        with open(planted / OWNER, "w"):
            pass
        reader.join(10)
        pytest.fail("remove_stale blocked on the owner mark")
    assert found == [[plain]]
    assert planted.exists() and not plain.exists()
