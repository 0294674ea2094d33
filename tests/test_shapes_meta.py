"""Checks of the checks: the shapes use real SHACL terms, say what to do, and cover the model.

Validators silently ignore a misspelt sh: term (sh:minCout is just another triple), so a shape
can look strict and check nothing; these tests stop that.
"""

import re
from importlib import resources

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Namespace, URIRef

from medkg.io.parse import load
from medkg.project_files import DATA_DIR, SHAPES_DIR
from medkg.rdf.sparql_text import mask

SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = "https://schema.org/"
MEDKG = "https://w3id.org/medkg/vocab#"


def asset(name: str) -> Graph:
    return Graph().parse(str(resources.files("pyshacl") / "assets" / name), format="turtle")


@pytest.fixture(scope="module")
def shapes_graph(shapes):
    return shapes.rdflib_graph()


@pytest.fixture(scope="module")
def ontology_graph(ontology):
    return ontology.rdflib_graph()


@pytest.fixture(scope="module")
def data_graph(data):
    return data.rdflib_graph()


def test_every_sh_term_exists_in_the_shacl_vocabulary(shapes_graph):
    vocabulary = {s for s in asset("shacl.ttl").subjects() if isinstance(s, URIRef)}
    used = {t for triple in shapes_graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(SH))}
    assert used, "no SHACL terms found: the shapes were not loaded"
    assert used - vocabulary == set()


def test_every_schema_org_term_exists(shapes_graph, ontology_graph, data_graph):
    """A misspelt schema.org term (schema:doseSchedual) would be a new, unchecked predicate."""
    # pySHACL ships schema.org as SHACL: classes are subjects, properties are sh:path values.
    schema = asset("schema.ttl")
    vocabulary = {str(t).replace("http://schema.org/", SCHEMA) for t in set(schema.subjects()) | set(schema.objects(None, SH.path))}
    used = {
        str(t) for g in (shapes_graph, ontology_graph, data_graph) for triple in g for t in triple
        if isinstance(t, URIRef) and str(t).startswith(SCHEMA) and str(t) != SCHEMA
    }
    assert used and used - vocabulary == set()


def test_shapes_graph_conforms_to_shacl_for_shacl(shapes_graph):
    conforms, _, text = pyshacl.validate(shapes_graph, shacl_graph=asset("shacl-shacl.ttl"), inference="none")
    assert conforms, text


def test_every_shape_has_an_iri_label_message_and_severity(shapes_graph):
    shapes = set(shapes_graph.subjects(RDF.type, SH.NodeShape)) | set(shapes_graph.subjects(RDF.type, SH.PropertyShape))
    referenced = set(shapes_graph.objects(None, SH.property)) | set(shapes_graph.objects(None, SH.node)) | set(
        shapes_graph.objects(None, SH.qualifiedValueShape)
    )
    assert referenced <= shapes, f"shapes used but not declared: {referenced - shapes}"
    assert len(shapes) > 50
    for shape in shapes:
        assert isinstance(shape, URIRef), f"blank-node shape {shape}: give it an IRI so reports can name it"
        assert shapes_graph.value(shape, RDFS.label), f"{shape} has no rdfs:label"
        assert shapes_graph.value(shape, SH.message), f"{shape} has no sh:message"
        assert shapes_graph.value(shape, SH.severity), f"{shape} has no sh:severity"


def test_every_sparql_constraint_has_a_label_and_message(shapes_graph):
    constraints = set(shapes_graph.objects(None, SH.sparql))
    assert len(constraints) >= 10
    for c in constraints:
        assert shapes_graph.value(c, RDFS.label) and shapes_graph.value(c, SH.message), c
        assert shapes_graph.value(c, SH.prefixes) is not None, f"{c} declares no sh:prefixes"


def test_no_sparql_constraint_quotes_its_own_variables(shapes_graph):
    """A string in a query that holds one of the query's variables is syntax swallowed by a
    quote: a `\\"` in a Turtle long string reaches SPARQL as a bare quote mark, and three of them
    in a row open a long string (DoseUnitShape-perDose printed `, STR(?frequency), `)."""
    texts = [str(t) for p in (SH.select, SH.ask) for t in shapes_graph.objects(None, p)]
    assert len(texts) >= 10
    for text in texts:
        variables = set(re.findall(r"[?$](\w+)", mask(text)))
        for literal in re.finditer(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', text):
            held = {v for v in re.findall(r"[?$](\w+)", literal.group(0)) if v in variables}
            assert not held, f"the string {literal.group(0)!r} holds the query's variables {held}"


def test_no_query_text_reads_to_pyshacl_as_rebinding_this(shapes_graph):
    """pySHACL refuses a query whose first `AS ?x` (its own pattern, case-insensitive, comments
    included) names a pre-bound variable: a comment reading "in the same group as $this's patterns"
    made the released shapes fail under pySHACL's command line."""
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    texts = [str(t) for p in (SH.select, SH.ask) for t in shapes_graph.objects(None, p)]
    assert len(texts) >= 10
    for text in texts:
        found = SPARQLQueryHelper.has_as_var_regex.search(text)
        assert not found or found.group(1) not in ("this", "shapesGraph", "currentShape"), found.group(0)


def test_property_shapes_are_named_after_their_node_shape(shapes_graph):
    for node, prop in shapes_graph.subject_objects(SH.property):
        assert str(prop).startswith(str(node) + "-"), f"{prop} is not named <NodeShape>-<property>"


def test_every_class_the_data_uses_is_targeted_by_a_shape(data_graph, ontology_graph, shapes_graph):
    targeted = set(shapes_graph.objects(None, SH.targetClass))
    for cls in set(data_graph.objects(None, RDF.type)):
        ancestors = {cls} | set(ontology_graph.transitive_objects(cls, RDFS.subClassOf))
        assert ancestors & targeted, f"no shape targets {cls} or a superclass"


def test_every_property_the_data_uses_is_checked(data_graph, shapes_graph):
    paths = set(shapes_graph.objects(None, SH.path)) | set(shapes_graph.objects(None, SH.targetSubjectsOf))
    unchecked = {p for p in set(data_graph.predicates()) if p not in paths and p != RDF.type}
    # rdfs:seeAlso, skos:altLabel, skos:definition, dcterms:creator ... are free annotations; list them explicitly.
    annotations = {
        RDFS.seeAlso, SKOS.altLabel, SKOS.definition, RDFS.comment,
        URIRef("http://purl.org/dc/terms/creator"), URIRef("http://purl.org/dc/terms/bibliographicCitation"),
        URIRef("http://purl.org/dc/terms/language"), URIRef(SCHEMA + "url"), SKOS.prefLabel,
        URIRef(SCHEMA + "about"), URIRef("http://www.w3.org/ns/prov#wasAttributedTo"),
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"),
        URIRef(SCHEMA + "maximumIntake"),
    }
    assert unchecked - annotations - set(shapes_graph.objects(None, SH.path)) == set() or _only_annotations(
        unchecked, annotations
    )


def _only_annotations(unchecked, annotations):
    leftover = unchecked - annotations
    assert leftover == set(), f"properties used in data/ that no shape checks: {sorted(leftover)}"
    return True


def test_direct_layer_shape_targets_every_direct_predicate(ontology_graph, shapes_graph):
    declared = set(ontology_graph.subjects(RDF.type, URIRef(MEDKG + "DirectPredicate")))
    targeted = set(shapes_graph.objects(URIRef("https://w3id.org/medkg/shapes#DirectLayerShape"), SH.targetSubjectsOf))
    assert declared and declared == targeted


def test_every_ontology_term_has_an_english_label_and_definition(ontology_graph):
    terms = {
        s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme)
        for s in ontology_graph.subjects(RDF.type, t)
    }
    assert len(terms) > 40
    # Other vocabularies' terms (ontology/external-terms.ttl) are defined where they come from.
    terms = {t for t in terms if not any(not str(d).startswith("https://w3id.org/medkg/")
                                         for d in ontology_graph.objects(t, RDFS.isDefinedBy))}
    for term in terms:
        labels = [x for x in ontology_graph.objects(term, RDFS.label) if getattr(x, "language", None) == "en"]
        definitions = [d for d in ontology_graph.objects(term, SKOS.definition) if getattr(d, "language", None) == "en"]
        assert labels and definitions, f"{term} needs an English rdfs:label and skos:definition"


def test_shape_files_open_with_what_they_cover():
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name} has no opening comment"


def test_every_data_file_states_source_and_licence():
    for path in sorted(DATA_DIR.rglob("*.ttl")):
        head = path.read_text(encoding="utf-8")[:1200].lower()
        assert head.startswith("#") and ("licence" in head or "publisher's terms" in head), path.name


def test_shapes_load_strictly():
    assert load([SHAPES_DIR]).triples
