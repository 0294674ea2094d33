"""Namespaces are written once (medkg/rdf/namespaces.py, and ontology/prefixes.ttl for the project's
own), and the version once per file that must state it, tied together by these tests."""

import ast
import re
import tomllib

import pyoxigraph as ox

from medkg import __version__
from medkg.project_files import ONTOLOGY_DIR, ROOT
from medkg.rdf import namespaces

# An IRI in code: http(s)://, not a loopback address (a server's URL is not an RDF namespace).
IRI = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[A-Za-z0-9-]+\.[^\s\"'<>]+")


def strings_in_code(path):
    """(line, text) of each string constant that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_iri_is_spelled_out_outside_the_namespace_module():
    found = []
    for path in sorted((ROOT / "medkg").rglob("*.py")):
        if path.name == "namespaces.py":
            continue
        for line, text in strings_in_code(path):
            for iri in IRI.findall(text):
                if "e.g." not in text:  # an example in a help text, for people
                    found.append(f"{path.relative_to(ROOT)}:{line}: {iri}")
    assert found == [], "name these through medkg.rdf.namespaces:\n" + "\n".join(found)


def test_the_project_namespaces_are_the_registry_s():
    from medkg.rdf.prefixes import prefixes

    registry = prefixes()
    assert (str(namespaces.MEDKG), str(namespaces.KG), str(namespaces.MKGSH)) == (
        registry["medkg"], registry["kg"], registry["mkgsh"])
    assert namespaces.GRAPHS["data"].startswith(namespaces.BASE) and namespaces.BASE == "https://w3id.org/medkg/"


def test_the_version_is_the_same_in_the_package_the_project_file_and_the_ontology():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    store = ox.Store()
    store.load(path=str(ONTOLOGY_DIR / "medkg.ttl"), format=ox.RdfFormat.TURTLE)
    [row] = store.query(f"""SELECT ?info ?iri WHERE {{ ?o a <{namespaces.OWL.Ontology}> ;
        <{namespaces.OWL.versionInfo}> ?info ; <{namespaces.OWL.versionIRI}> ?iri }}""")
    assert project == __version__ == row["info"].value
    assert row["iri"].value.endswith(f"/{__version__}")
