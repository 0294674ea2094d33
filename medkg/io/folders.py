"""Replacing a folder whole (a release, the site): written beside it, then swapped in, one writer
at a time, so that a reader sees the old folder or the new one and never half of either.

Every folder medkg writes to be thrown away (a staging folder, `medkg serve`'s temporary site and
store) holds OWNER, the writing process's id: a folder whose process is gone (killed with
`kill -9`, or by a power cut) is removed by the next run that looks there, and said; a folder
without one, or whose process still runs, is never touched."""

import contextlib
import ctypes
import fcntl
import glob
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from medkg.errors import InputError

OWNER = ".medkg-owner"  # inside a folder medkg throws away: the id of the process that made it
T = TypeVar("T")


def refuse_unless_output(target: Path, kind: str, what: str) -> None:
    """Raise InputError unless `target` is absent or already of `kind` ("file" or "folder"): every
    -o goes through here. A symbolic link would be replaced, not written through; a FIFO, socket or
    device node (/dev/full, /dev/null) would be replaced by a regular file (as root, even in /dev)."""
    try:
        mode = target.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there to replace; making it says why not
        return
    except OSError as e:
        raise InputError(f"{target}: cannot look at it ({e.strerror or e}); choose another -o") from None
    if stat.S_ISLNK(mode):
        raise InputError(f"{target}: a symbolic link; refusing to replace it: give -o the {kind} it points to "
                         f"({os.path.realpath(target)}) or another path")
    wanted = stat.S_ISREG(mode) if kind == "file" else stat.S_ISDIR(mode)
    if not wanted:
        raise InputError(f"{target}: {_kind_of(mode)}, not a {kind}; {what} writes a {kind}: choose a new path "
                         f"or an existing {kind} with -o")


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISREG, "a regular file"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device node"), (stat.S_ISBLK, "a device node")):
        if test(mode):
            return name
    return "not a regular file"


def staging_prefix(target: Path) -> str:
    return f".{target.name}.medkg-staging-"


def owned_folder(prefix: str, parent: Path | None = None) -> Path:
    """A new private folder named prefix..., marked with this process as its owner."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        (folder / OWNER).write_text(f"{os.getpid()}\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """The folders named prefix... in `parent` whose owner process is gone, removed; those without
    an owner mark (not medkg's to judge) or whose owner runs are left."""
    removed = []
    for folder in sorted(parent.glob(glob.escape(prefix) + "*")):
        try:
            if folder.is_symlink() or not folder.is_dir():
                continue
            owner = read_owner(folder)
        except (OSError, ValueError):
            continue
        if owner is None:
            continue
        if owner != os.getpid() and not alive(owner):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def read_owner(folder: Path) -> int | None:
    """The process id in `folder`'s OWNER mark; None when the mark is not a regular file of this
    user's. The folder sits in a temporary folder any local user can write: a FIFO named OWNER
    hung a plain read for ever, and a symbolic link would be followed. So the mark is opened
    without blocking and without following a link, and read only if fstat says it is ours."""
    fd = os.open(folder / OWNER, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return None
        return int(os.read(fd, 64).decode("ascii").strip())
    finally:
        os.close(fd)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OverflowError:
        return False
    return True


def stale_note(removed: list[Path]) -> list[str]:
    """What to tell the user about folders removed by remove_stale (none: nothing)."""
    if not removed:
        return []
    names = ", ".join(str(p) for p in removed[:3]) + (f" and {len(removed) - 3} more" if len(removed) > 3 else "")
    return [f"removed {len(removed)} folder{'s' if len(removed) > 1 else ''} left by a medkg run that was killed: {names}"]


@contextlib.contextmanager
def temporary(prefix: str) -> Iterator[tuple[Path, list[Path]]]:
    """An owned folder in the system's temporary folder, removed on leaving; with it, the stale
    folders of the same prefix that were removed first."""
    removed = remove_stale(Path(tempfile.gettempdir()), prefix)
    folder = owned_folder(prefix)
    try:
        yield folder, removed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def replace(target: Path, write: Callable[[Path], T], still_replaceable: Callable[[Path], None],
            notes: list[str] | None = None, tidy: Callable[[], None] | None = None) -> T:
    """Write a new `target` with write(staging folder) and swap it in whole; what write returns.

    `still_replaceable(target)` raises InputError where the target is not the caller's to replace:
    it is asked before anything is made, and again just before the swap. The target's parent is
    made if missing. The previous folder stays as it was if anything fails: a full disk (or any
    other OSError while writing) is one InputError. Stale staging folders beside it are removed
    first and said in `notes`; `tidy` removes any other leftovers, under the same lock."""
    still_replaceable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{target.parent}: cannot create the folder ({e.strerror or e}); choose another -o") from None
    with exclusive(target):
        if tidy is not None:
            tidy()
        removed = remove_stale(target.parent, staging_prefix(target))
        if notes is not None:
            notes += stale_note(removed)
        staging = None
        try:
            staging = owned_folder(staging_prefix(target), target.parent)
            result = write(staging)
            (staging / OWNER).unlink()
            staging.chmod(0o755)  # mkdtemp makes it private; a release or a site is for reading
            still_replaceable(target)  # again: it may have changed while we wrote
            swap(staging, target)
        except OSError as e:
            raise InputError(f"{target}: cannot write the new folder ({e.strerror or e}); the previous one is "
                             "left as it was") from None
        finally:
            if staging is not None and staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return result


class exclusive:
    """One writer at a time beside a folder: a lock on the parent folder itself, so no lock file is
    left behind (removing another writer's staging folder, or swapping at once, would lose one)."""

    def __init__(self, target: Path):
        self.folder = target.parent

    def __enter__(self):
        self.fd = os.open(self.folder, os.O_RDONLY)
        fcntl.flock(self.fd, fcntl.LOCK_EX)  # a write takes seconds: the second one waits
        return self

    def __exit__(self, *exc):
        os.close(self.fd)  # releases the lock
        return False


_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    return False  # EINVAL/ENOSYS: a file system without the exchange; fall back to two renames


def swap(staging: Path, target: Path) -> None:
    """Put the new folder in place so that a reader sees the old one or the new one, whole.

    With an old folder: exchanged in one atomic step where the system can, else two renames with
    an instant between them when `target` is absent (the README says so). Without one: one rename.
    """
    if not target.exists():
        staging.rename(target)
        return
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
        staging.rename(target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old folder
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.medkg-old-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
