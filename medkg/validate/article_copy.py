"""The graph's copy of the article text against the text file it was made from: an article
edited without `medkg sync-article` leaves every quote checked against the old words (a test
caught this; now validate does, with file and line)."""

import functools
import hashlib
from pathlib import Path

from rdflib import URIRef

from medkg.io.load import Source, to_rdflib
from medkg.rdf.namespaces import MEDKG
from medkg.validate.model import SH, Finding, compactor, make_finding

TEXT_FILE, SHA256 = str(MEDKG.textFile), str(MEDKG.textSha256)


def findings(data: Source) -> list[Finding]:
    found = []
    files = {t.subject: t.object.value for t in data.triples if t.predicate.value == TEXT_FILE}
    digests = {t.subject: t.object.value for t in data.triples if t.predicate.value == SHA256}
    for subject, name in sorted(files.items(), key=lambda kv: str(kv[0])):
        text = _find(data, name)
        if text is None or subject not in digests:
            continue
        actual = hashlib.sha256(text.read_bytes()).hexdigest()
        if actual != digests[subject]:
            found.append(make_finding(
                data, compactor(), SH.Violation, to_rdflib(subject), URIRef(SHA256), None,
                [f"{name} has changed since the graph's copy of it was made (its SHA-256 is now {actual[:12]}...): "
                 "run `medkg sync-article` to regenerate data/article-text.ttl and data/sentences.ttl, then "
                 "`medkg anchor` for any quote that moved."],
                URIRef(MEDKG + "ArticleCopy"), URIRef(MEDKG + "ArticleCopyComponent")))
    return found


def _find(data: Source, name: str) -> Path | None:
    """The text file, named relative to the project (data/source/...): looked for from the folders
    of the files read, upwards. Not through the line index of the triples (data.locations), which
    would be built for this alone (20 s at 1M triples, where validation is otherwise 30 s)."""
    for folder in _folders(tuple(sorted(str(f) for f in data.files))):
        if (folder / name).is_file():
            return folder / name
    return None


@functools.lru_cache(maxsize=8)
def _folders(files: tuple[str, ...]) -> tuple[Path, ...]:
    """The folders of the files read and their parents, nearest first, each once."""
    seen: dict[Path, None] = {}
    for parent in sorted({Path(f).resolve().parent for f in files}):
        for folder in (parent, *parent.parents):
            seen.setdefault(folder, None)
    return tuple(seen)
