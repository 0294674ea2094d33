"""The compiler's registry of SHACL Core components (medkg/shacl/core.py): one entry per
parameter, each a real term of the SHACL vocabulary and citing its section of the specification."""

import re
from importlib import resources

from rdflib import RDF, Graph, URIRef

from medkg.rdf.namespaces import SH
from medkg.shacl.core import COMPONENTS, CoreShapes, Unsupported


def shacl_vocabulary() -> Graph:
    return Graph().parse(str(resources.files("pyshacl") / "assets" / "shacl.ttl"), format="turtle")


def test_every_entry_is_a_parameter_and_components_of_the_shacl_vocabulary():
    vocabulary = shacl_vocabulary()
    components = set(vocabulary.subjects(RDF.type, SH.ConstraintComponent))
    for parameter, entry in COMPONENTS.items():
        assert (None, SH.path, parameter) in vocabulary, f"{parameter} is not a SHACL parameter"
        for name in entry.names:
            assert SH[name] in components, name
        number, cited = entry.section.split(" ")
        assert re.fullmatch(r"4\.\d\.\d", number) and cited == f"sh:{parameter.removeprefix(str(SH))}"


def test_a_parameter_outside_the_registry_is_refused_not_skipped():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property ex:P .
        ex:P sh:path ex:p ; sh:maxInclusive 3 .
        """, format="turtle")
    try:
        CoreShapes(shapes)
    except Unsupported as e:
        assert "maxInclusive" in str(e)
    else:
        raise AssertionError("sh:maxInclusive is not compiled, so the shapes must go to the reference engine")


def test_every_entry_says_what_its_parameter_s_values_must_be():
    """The syntax-rule check (check_parameters) reads each entry's value kind; the spec's own shapes
    graph for shapes (shacl-shacl.ttl) says which parameters are for property shapes only."""
    from medkg.shacl.syntax_rules import KINDS as _VALUE_KINDS

    meta = Graph().parse(str(resources.files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    node_shape_shape = URIRef("http://www.w3.org/ns/shacl-shacl#NodeShapeShape")
    forbidden_on_node_shapes = {meta.value(p, SH.path) for p in meta.objects(node_shape_shape, SH.property)} - {SH.path}
    for parameter, entry in COMPONENTS.items():
        assert entry.value in _VALUE_KINDS, parameter
        assert entry.property_only == (parameter in forbidden_on_node_shapes), parameter
