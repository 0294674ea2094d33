"""Where the project's parts live: the embedded default graph, ontology and shapes.

The package is installed in editable mode from the clone (see the Makefile), so the
data ships beside it rather than inside it: curators edit data/ and the tools see it.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
PREFIXES_FILE = ONTOLOGY_DIR / "prefixes.ttl"
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
ARTICLE_TEXT = DATA_DIR / "source" / "baclofen-article.txt"


def turtle_files(folder: Path) -> list[Path]:
    """Every Turtle file below a folder, in a stable order."""
    return sorted(folder.rglob("*.ttl"))


def relative(path: Path) -> str:
    """A path as a curator would type it: relative to the project root when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
