"""What `validate --watch` last read of each file: its status and content hash, so that the watch
can re-list its folders and find every file added, gone or changed, whatever event (or none) said
so: a folder moved out or in is one event for the folder, and a file edited through a hard link's
other name is an event in another folder, or none the watch sees."""

import hashlib
from pathlib import Path


def _status(path: Path) -> tuple:
    try:
        s = path.stat()
    except OSError:
        return ()
    return s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns


class FileStates:
    def __init__(self):
        self.seen: dict[Path, tuple[tuple, str]] = {}  # path -> (status, SHA-256 of the bytes read)

    def record(self, path: Path, raw: bytes | None) -> None:
        """`path` as just read (`raw` its bytes; None: not a regular file)."""
        self.seen[path] = (_status(path), hashlib.sha256(raw).hexdigest() if raw is not None else "")

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)

    def stale(self, files: list[Path]) -> list[Path]:
        """The files of `files` new or changed since recorded, then those recorded and no longer among
        them. Only a file whose status (inode, size, modification and change times in nanoseconds,
        which an edit through a hard link's other name changes too) is not as recorded is hashed: at
        ~1 M triples, hashing every file at each save would cost more than the save's check."""
        listed = set(files)
        stale = []
        for path in files:
            known = self.seen.get(path)
            if known is None:
                stale.append(path)
                continue
            status, digest = known
            if _status(path) == status:
                continue
            try:
                with open(path, "rb") as f:
                    now = hashlib.file_digest(f, "sha256").hexdigest()
            except OSError:
                now = None
            if now != digest:
                stale.append(path)
            elif _status(path) != status:
                self.seen[path] = (_status(path), digest)  # same bytes: only the times changed
        stale.extend(path for path in self.seen if path not in listed)
        return stale
