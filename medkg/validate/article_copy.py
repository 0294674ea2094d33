"""The graph's copy of the article text against the text file it was made from: an article
edited without `medkg sync-article` leaves every quote checked against the old words (a test
caught this; now validate does, with file and line)."""

import functools
import hashlib
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from medkg.io.parse import Source, to_rdflib
from medkg.rdf.namespaces import MEDKG
from medkg.validate.model import SH, Finding, compactor, make_finding

TEXT_FILE, SHA256, FULL_TEXT = str(MEDKG.textFile), str(MEDKG.textSha256), str(MEDKG.fullText)
SYNC = "run `medkg sync-article` to regenerate data/article-text.ttl and data/sentences.ttl, then `medkg anchor` for any quote that moved."


def findings(data: Source, store: ox.Store | None = None) -> list[Finding]:
    """The file against its recorded checksum and against the graph's medkg:fullText. A check
    that cannot run (the file is not there) is a finding, never a pass; a missing checksum or
    full text is the SourceArticleShape's (ontology/shapes/sources.ttl). With `store` (validate
    --changed, which reads no triples into `data`), the three values are read from it."""
    found = []
    if store is not None:
        def values(predicate: str) -> dict:
            return {q.subject: q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None)}
    else:
        nodes = {ox.NamedNode(p) for p in (TEXT_FILE, SHA256, FULL_TEXT)}
        mine = [t for t in data.triples if t.predicate in nodes]  # one pass over the data, not three

        def values(predicate: str) -> dict:
            return {t.subject: t.object.value for t in mine if t.predicate.value == predicate}
    files, digests, texts = values(TEXT_FILE), values(SHA256), values(FULL_TEXT)

    def finding(subject, predicate: str, message: str, component: str) -> Finding:
        return make_finding(data, compactor(), SH.Violation, to_rdflib(subject), URIRef(predicate), None, [message],
                            URIRef(MEDKG + "ArticleCopy"), URIRef(MEDKG + component))

    folders = _folders(tuple(sorted(str(f) for f in data.files)))  # once: per article it was 14 s of 42 at 10M (--changed)
    for subject, name in sorted(files.items(), key=lambda kv: str(kv[0])):
        path = _find(folders, name)
        if path is None:
            found.append(finding(subject, TEXT_FILE, f"The article's text file {name} is not there (looked for from the "
                                 "folders of the files read, upwards), so the graph's copy of it cannot be checked: "
                                 "restore the file, or correct medkg:textFile to where it is kept.",
                                 "ArticleFileMissingComponent"))
            continue
        raw = path.read_bytes()
        actual = hashlib.sha256(raw).hexdigest()
        if subject in digests and actual != digests[subject]:
            found.append(finding(subject, SHA256, f"{name} has changed since the graph's copy of it was made (its SHA-256 "
                                 f"is now {actual[:12]}...): {SYNC}", "ArticleCopyComponent"))
        if subject in texts and raw.decode("utf-8", errors="replace") != texts[subject]:
            found.append(finding(subject, FULL_TEXT, f"The graph's medkg:fullText is not the text of {name} (edited by "
                                 f"hand, or left from an older copy), so quotes are checked against other words: {SYNC}",
                                 "ArticleFullTextComponent"))
    return found


def _find(folders: tuple[Path, ...], name: str) -> Path | None:
    """The text file, named relative to the project (data/source/...): looked for from the folders
    of the files read, upwards (_folders). Not through the line index of the triples (data.locations),
    which would be built for this alone (20 s at 1M triples, where validation is otherwise 30 s)."""
    for folder in folders:
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
