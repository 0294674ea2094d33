"""Each package's docstring says what it may import ("May import: ..."); this holds the code to it,
so the layout the README describes stays the layout there is."""

import ast
import re
from pathlib import Path

import pytest

import medkg

PACKAGE = Path(medkg.__file__).parent
PACKAGES = sorted(p.parent for p in PACKAGE.glob("*/__init__.py"))


def _allowed(package: Path) -> set[str]:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    found = re.search(r"May import:(.*?)(?:\(never|\.\s*$|\n\n)", doc, re.S)
    assert found, f"{package.name}/__init__.py does not say what it may import"
    return set(re.findall(r"medkg(?:\.\w+)*", found.group(1)))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("medkg"):
            names |= {node.module} if node.module != "medkg" else {f"medkg.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("medkg")}
    return names


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_a_package_imports_only_what_its_docstring_allows(package):
    allowed = _allowed(package) | {f"medkg.{package.name}", "medkg.__version__"}
    wrong = sorted(
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in package.glob("*.py")
        for name in _imports(path)
        if not any(name == a or name.startswith(a + ".") for a in allowed)
    )
    assert not wrong, "\n".join(wrong)


def test_every_package_says_what_it_may_import():
    assert len(PACKAGES) >= 9  # article endpoint io query rdf release serve shacl site validate
    for package in PACKAGES:
        assert _allowed(package), package.name


def test_there_is_one_module_of_each_name_a_newcomer_looks_for():
    # Three paths.py (project files, SHACL paths, tests) once took a newcomer three tries.
    names = [p.name for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"]
    names += [p.name for p in (PACKAGE.parent / "tests").glob("*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []
