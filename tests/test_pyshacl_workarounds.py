"""medkg's two pySHACL workarounds (medkg/shacl/pyshacl_reference.py, docs/upstream/) last for medkg's
own call only: pySHACL is patched while medkg validates, and put back as it was when the call
returns or raises, so that anyone else using pySHACL in the process gets pySHACL as it is."""

import pyshacl
import pytest
import rdflib
from pyshacl import entrypoints
from pyshacl.constraints.sparql.sparql_based_constraint_components import (
    AskConstraintValidator,
    SelectConstraintValidator,
)
from rdflib.plugins.sparql import parser

from medkg.errors import ShapesRefused
from medkg.shacl import pyshacl_reference
from medkg.validate.model import SH

# docs/upstream/pyshacl-sparql-component-value.md: an ASK validator on a property shape.
MAX_LEN = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:MaxLenComponent a sh:ConstraintComponent ; sh:parameter [ sh:path ex:maxLen ] ;
  sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (STRLEN(STR($value)) <= $maxLen) }" ] .
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:name ; ex:maxLen 3 ] .
ex:a ex:name "abcdef", "ab" .
"""
# pySHACL cannot validate $shapesGraph (NotImplementedError): medkg's call raises ShapesRefused.
REFUSED = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:select "SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }" ] .
ex:a ex:p 1 .
"""


def _graph(turtle: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=turtle, format="turtle")


def _pyshacl_as_it_is():
    return (entrypoints.rdflib_bool_unpatch, vars(SelectConstraintValidator)["validate"],
            vars(AskConstraintValidator)["validate"], parser.RegexExpression.evalfn, rdflib.NORMALIZE_LITERALS)


@pytest.mark.parametrize("normalize", [False, True], ids=["literals-as-written", "normalised"])
def test_pyshacl_is_as_it_was_after_medkg_s_call(monkeypatch, normalize):
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", normalize)  # whatever another user chose
    before = _pyshacl_as_it_is()
    graph = _graph(MAX_LEN)
    found = pyshacl_reference.results(graph, graph)
    assert [str(r.value) for r in found] == ["abcdef"]  # the workaround was in place for the call
    assert _pyshacl_as_it_is() == before


def test_pyshacl_is_as_it_was_after_medkg_s_call_raises():
    before = _pyshacl_as_it_is()
    graph = _graph(REFUSED)
    with pytest.raises(ShapesRefused, match="NotImplementedError"):
        pyshacl_reference.results(graph, graph)
    assert _pyshacl_as_it_is() == before


def test_the_patches_hold_inside_the_block_and_go_when_it_raises():
    before = _pyshacl_as_it_is()
    with pytest.raises(RuntimeError, match="in the middle"), pyshacl_reference._workarounds():
        during = _pyshacl_as_it_is()
        assert all(d is not b for d, b in zip(during[:4], before[:4], strict=True))
        raise RuntimeError("in the middle of validating")
    assert _pyshacl_as_it_is() == before


def test_another_pyshacl_user_gets_pyshacl_s_own_report_after_medkg_s_call(monkeypatch):
    # A plain pySHACL call turns rdflib's literal normalisation on for the whole process (the bug
    # the first workaround is for): put the switch back after this test, as the user would want.
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", rdflib.NORMALIZE_LITERALS)
    graph = _graph(MAX_LEN)
    assert [str(r.value) for r in pyshacl_reference.results(graph, graph)] == ["abcdef"]
    _, report, _ = pyshacl.validate(graph, shacl_graph=graph, inference="none")
    results = list(report.objects(None, SH.result))
    # pySHACL 0.40's own answer. Should an upgrade give the value here, pySHACL has fixed it: the
    # workaround and docs/upstream/pyshacl-sparql-component-value.md can go.
    assert len(results) == 1 and report.value(results[0], SH.value) is None


# REGEX in a SHACL-SPARQL query runs on Python's re under pySHACL: a catastrophic pattern (from the
# query or from the data) is refused as it is evaluated, and REGEX is rdflib's own again afterwards.
# (20 a's and a b: a second on re, so that the code before the bound fails here rather than hangs;
# 45 took minutes.)
CATASTROPHIC = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?v ; ex:pattern ?re FILTER(REGEX(?v, ?re)) }" ] .
ex:a ex:p "aaaaaaaaaaaaaaaaaaaab" ; ex:pattern "^(a+)+$" .
"""


def test_a_catastrophic_regex_from_the_data_is_refused_and_rdflib_s_regex_is_back_after():
    before = _pyshacl_as_it_is()
    graph = _graph(CATASTROPHIC)
    with pytest.raises(ShapesRefused, match=r"REGEX pattern '\^\(a\+\)\+\$': .*nested quantifiers"):
        pyshacl_reference.results(graph, graph)
    assert _pyshacl_as_it_is() == before
    safe = _graph(CATASTROPHIC.replace('"^(a+)+$"', '"^a+b$"'))
    found = pyshacl_reference.results(safe, safe)  # a pattern within the bound runs as before: it matches
    assert [str(r.focus) for r in found] == ["http://example.org/a"]
