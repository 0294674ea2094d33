"""Replacing a folder whole (a release, the site): written beside it, then swapped in, one writer
at a time, so that a reader sees the old folder or the new one and never half of either."""

import ctypes
import fcntl
import os
import shutil
import tempfile
from pathlib import Path


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
