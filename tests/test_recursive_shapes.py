"""A shape that refers to itself through the shape-expecting parameters (SHACL 3.4.3: validation
of recursive shapes is undefined) is refused, naming the shapes of the cycle, on both engines;
pySHACL warns and says "conforms", and the compiled engine sent such shapes on to it."""

import pytest

from medkg import errors
from medkg.cli import main

PROLOGUE = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
DATA = PROLOGUE + "ex:a a ex:Person ; ex:knows ex:b .\nex:b ex:knows ex:a .\n"

# name -> (shapes, the cycle as the refusal names it)
CYCLES = {
    "property-node-self": ("ex:Person a sh:NodeShape ; sh:targetClass ex:Person ;\n"
                           "  sh:property [ sh:path ex:knows ; sh:node ex:Person ] .",
                           "ex:Person -> ex:Person's sh:property [sh:path ex:knows] -> ex:Person"),
    "node-self": ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:S .", "ex:S -> ex:S"),
    "two-shapes": ("ex:A a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:B .\n"
                   "ex:B a sh:NodeShape ; sh:property [ sh:path ex:knows ; sh:node ex:A ] .",
                   "ex:A -> ex:B -> ex:B's sh:property [sh:path ex:knows] -> ex:A"),
    "through-or": ("ex:A a sh:NodeShape ; sh:targetNode ex:a ; sh:or ( ex:B [ sh:class ex:Person ] ) .\n"
                   "ex:B a sh:NodeShape ; sh:not ex:A .", "ex:A -> ex:B -> ex:A"),
    "qualified": ("ex:A a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:knows ;\n"
                  "  sh:qualifiedValueShape ex:A ; sh:qualifiedMinCount 1 ] .",
                  "ex:A -> ex:A's sh:property [sh:path ex:knows] -> ex:A"),
}


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("case", sorted(CYCLES))
def test_a_recursive_shape_is_refused_naming_its_cycle(tmp_path, capsys, case, engine):
    statements, cycle = CYCLES[case]
    (tmp_path / "shapes.ttl").write_text(PROLOGUE + statements + "\n", encoding="utf-8")
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    code = main(["shacl", "--engine", engine, "--shapes", str(tmp_path / "shapes.ttl"), str(tmp_path / "data.ttl")])
    out, err = capsys.readouterr()
    assert (code, out) == (errors.INPUT, "")
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert f"a recursive shape: {cycle} (" in err and "break the cycle" in err


@pytest.mark.parametrize("length", [5, 2000])
def test_shapes_that_share_a_shape_without_a_cycle_are_not_called_recursive(tmp_path, capsys, length):
    # Two links to one shape (a diamond) and a chain of shapes are not cycles; the walk is not
    # recursive in Python (2,000 links). pySHACL itself stops on a chain that long: one line.
    chain = "\n".join(f"ex:C{i} a sh:NodeShape ; sh:node ex:C{i + 1} ." for i in range(length))
    shapes = PROLOGUE + ("ex:A a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:B, ex:C0 ;\n"
                         "  sh:property [ sh:path ex:knows ; sh:node ex:B ] .\n"
                         f"ex:B a sh:NodeShape ; sh:class ex:Person .\n{chain}\nex:C{length} a sh:NodeShape ; sh:class ex:Person .\n")
    (tmp_path / "shapes.ttl").write_text(shapes, encoding="utf-8")
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    code = main(["shacl", "--shapes", str(tmp_path / "shapes.ttl"), str(tmp_path / "data.ttl")])
    out, err = capsys.readouterr()
    assert "recursive" not in err and "Traceback" not in err
    if length == 5:
        assert code == errors.FINDINGS and "ex:b" in out  # ex:b, the value of ex:knows, is no ex:Person
    else:
        assert (code, err.count("\n")) == (errors.INPUT, 1) and "too deep" in err  # pySHACL, in one line
