"""`medkg shacl`: any data, any shapes; exit 0 conforms, 1 does not, 2 cannot be validated; the
turtle format is a standard sh:ValidationReport another SHACL tool can read."""

import json

import pyoxigraph as ox
import pytest
import rdflib

from medkg.cli import main
from medkg.io.parse import rdflib_graph
from medkg.project_files import relative
from medkg.shacl.property_paths import sparql_path
from tests.material import FIXTURES

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
CASES = FIXTURES / "shacl"


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["shacl", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_names_what_fails_and_exit_1(capsys):
    case = CASES / "datatype.ttl"
    code, out, _ = run(capsys, "--shapes", case, case)
    assert code == 1
    assert out.splitlines()[-1].startswith("3 violations, 0 warnings, 0 infos in 1 file (1 files, ")
    # The same line as `medkg validate` writes: where the focus node is written, then what fails.
    assert f'VIOLATION {relative(case)}:11 ex:a ex:p: fails sh:datatype xsd:integer (value: "1"^^xsd:int) (ex:S)' in out


def test_conforming_data_exits_0(capsys, tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <http://example.org/> . ex:a ex:p 1 .\n", encoding="utf-8")
    assert run(capsys, "--shapes", CASES / "datatype.ttl", data)[:2] == (0, "conforms (1 files, 1 triples checked against 1 shapes)\n")


def test_turtle_is_a_standard_report_with_blank_node_paths_written_out(capsys):
    case = FIXTURES / "shacl-found" / "zero-length-path.ttl"
    code, out, _ = run(capsys, "--shapes", case, "--format", "turtle", case)
    assert code == 1
    # Read by pyoxigraph: rdflib's Turtle parser reads the number 05 as 5.
    report = rdflib_graph([q.triple for q in ox.parse(out, format=ox.RdfFormat.TURTLE)])
    [node] = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    results = list(report.objects(node, SH.result))
    assert len(results) == 2
    for result in results:
        assert sparql_path(report, report.value(result, SH.resultPath)) == "(<http://example.org/r>)*"
        assert report.value(result, SH.sourceShape) == rdflib.URIRef("http://example.org/S"), "the shape itself, as SHACL says"
    assert {str(report.value(r, SH.value)) for r in results} == {"05", "http://example.org/a"}


def test_any_rdf_format_and_several_files_make_one_graph(capsys, tmp_path):
    shapes = tmp_path / "shapes.nt"
    shapes.write_text("<http://example.org/S> <http://www.w3.org/ns/shacl#targetNode> <http://example.org/a> .\n"
                      "<http://example.org/S> <http://www.w3.org/ns/shacl#property> _:p .\n"
                      "_:p <http://www.w3.org/ns/shacl#path> <http://example.org/p> .\n"
                      "_:p <http://www.w3.org/ns/shacl#minCount> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
                      encoding="utf-8")
    one = tmp_path / "one.jsonld"
    one.write_text('{"@id": "http://example.org/a", "http://example.org/p": 1}', encoding="utf-8")
    two = tmp_path / "two.ttl"
    two.write_text("<http://example.org/a> <http://example.org/p> 2 .\n", encoding="utf-8")
    assert run(capsys, "--shapes", shapes, one)[0] == 1
    code, out, _ = run(capsys, "--shapes", shapes, one, two)
    assert (code, out.startswith("conforms (2 files, 2 triples")) == (0, True)


def test_both_engines_give_the_same_json(capsys):
    case = CASES / "in.ttl"
    answers = []
    for engine in ("oxigraph", "pyshacl"):
        code, out, _ = run(capsys, "--shapes", case, "--format", "json", "--engine", engine, case)
        assert code == 1
        answers.append(sorted((r["focus"], r["value"]) for r in json.loads(out)["findings"]))
    assert answers[0] == answers[1] == [("ex:b", '"05"^^xsd:integer'), ("ex:c", '"a"@en')]


def test_input_that_cannot_be_validated_exits_2_with_file_and_line(capsys, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p \"unclosed .\n", encoding="utf-8")
    code, out, err = run(capsys, "--shapes", CASES / "in.ttl", bad)
    assert code == 2 and out == "" and "bad.ttl:2:" in err and "Traceback" not in err
    odd = tmp_path / "data.xyz"
    odd.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "--shapes", CASES / "in.ttl", odd)
    assert code == 2 and "unknown RDF format '.xyz'" in err
    code, _, err = run(capsys, "--shapes", CASES / "in.ttl", tmp_path / "missing.ttl")
    assert code == 2 and "no such file" in err


def test_a_shapes_graph_shacl_says_to_refuse_exits_2(capsys, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n'
                      'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select """\n'
                      '  SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p 1 } }""" ] .\n', encoding="utf-8")
    code, out, err = run(capsys, "--shapes", shapes, shapes)
    assert code == 2 and out == "" and "may not use MINUS" in err


def test_a_file_not_utf8_is_refused_cleanly(capsys, tmp_path):
    data = tmp_path / "latin1.nt"
    data.write_bytes('<http://example.org/a> <http://example.org/p> "caf\xe9" .\n'.encode("latin-1"))
    code, _, err = run(capsys, "--shapes", CASES / "in.ttl", data)
    assert code == 2 and "latin1.nt" in err and "Traceback" not in err


MALFORMED = {  # the shape's statements -> what the one-line refusal names (shape, parameter, SHACL's syntax rule)
    "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:minCount 1 .": ("ex:S: sh:minCount", "minCount-scope"),
    "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:uniqueLang true .": ("ex:S: sh:uniqueLang", "uniqueLang-scope"),
    "ex:S sh:targetNode ex:a ; sh:lessThan ex:q .": ("ex:S: sh:lessThan", "lessThan-scope"),
    "ex:S sh:targetNode ex:a ; sh:qualifiedValueShape [ sh:class ex:C ] ; sh:qualifiedMinCount 1 .":
        ("ex:S: sh:qualifiedValueShape", "qualifiedValueShape-scope"),
    'ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:minCount "one" .': ('ex:S: sh:minCount "one"', "minCount-datatype"),
    "ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:maxCount 1.5 .": ("ex:S: sh:maxCount", "maxCount-datatype"),
    'ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:minLength "2"^^xsd:int .': ("ex:S: sh:minLength", "minLength-datatype"),
    "ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:maxCount 1, 2 .": ("ex:S: 2 values of sh:maxCount", "maxCount-maxCount"),
    'ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:uniqueLang "yes" .': ("ex:S: sh:uniqueLang", "uniqueLang-datatype"),
    "ex:S sh:targetNode ex:a ; sh:in ex:notAList .": ("ex:S: sh:in ex:notAList", "in-node"),
    'ex:S sh:targetNode ex:a ; sh:datatype "xsd:string" .': ("ex:S: sh:datatype", "datatype-nodeKind"),
    "ex:S sh:targetNode ex:a ; sh:nodeKind sh:Thing .": ("ex:S: sh:nodeKind sh:Thing", "nodeKind-in"),
    "ex:S sh:targetNode ex:a ; sh:pattern 5 .": ('ex:S: sh:pattern "5"^^xsd:integer', "pattern-datatype"),
    'ex:S sh:targetNode ex:a ; sh:class "C" .': ('ex:S: sh:class "C"', "class-nodeKind"),
    "ex:S sh:targetNode ex:a ; sh:minInclusive ex:b .": ("ex:S: sh:minInclusive ex:b", "minInclusive-nodeKind"),
    'ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:C ] ; sh:qualifiedMaxCount "x" .':
        ("ex:S: sh:qualifiedMaxCount", "qualifiedMaxCount-datatype"),
    'ex:S sh:targetNode ex:a ; sh:pattern "^a" ; sh:flags true .': ("ex:S: sh:flags", "flags-datatype"),
    "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:maxCount -1, 3 ] .":
        ("ex:S's sh:property [sh:path ex:p]: 2 values of sh:maxCount", "maxCount-maxCount"),
    "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node [ sh:minCount 1 ] .": ("sh:minCount", "minCount-scope"),
}


@pytest.mark.parametrize("shape", MALFORMED, ids=[rule for _, rule in MALFORMED.values()])
def test_a_parameter_shacl_s_syntax_rules_forbid_is_refused_in_one_line(capsys, tmp_path, shape):
    """sh:minCount on a node shape printed a traceback (it compiled to a query that did not parse),
    sh:minCount "one" too (int("one")): each component's parameters are checked as SHACL defines them."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
                      f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n{shape}\nex:a ex:p 1 .\n", encoding="utf-8")
    code, out, err = run(capsys, "--shapes", shapes, shapes)
    named, rule = MALFORMED[shape]
    assert (code, out) == (2, ""), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert named in err and f"syntax rule {rule})" in err and "SHACL 4." in err


VALIDATORS = {
    "propertyValidator-select": 'sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:select """\n'
                                '  SELECT $this WHERE { $this $PATH ?value . FILTER (STRLEN(STR(?value)) > $maxLen) }""" ]',
    "validator-ask": 'sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (STRLEN(STR($value)) <= $maxLen) }" ]',
}


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("validator", VALIDATORS, ids=list(VALIDATORS))
def test_a_sparql_based_component_on_a_property_shape_reports_each_value(capsys, tmp_path, validator, engine):
    """SHACL 6.3: each result of a property shape's validator has its value node as sh:value (an ASK
    validator's value node; a SELECT validator's ?value). pySHACL left sh:value out on property shapes
    unless the SELECT projected ?value."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      "ex:MaxLenComponent a sh:ConstraintComponent ; sh:parameter [ sh:path ex:maxLen ] ;\n"
                      f"  {VALIDATORS[validator]} .\n"
                      "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:property [ sh:path ex:name ; ex:maxLen 3 ] .\n"
                      'ex:a ex:name "abcdef", "ab" .\nex:b ex:name "xyzw", "x" .\n', encoding="utf-8")
    code, out, _ = run(capsys, "--shapes", shapes, "--format", "json", "--engine", engine, shapes)
    assert code == 1
    found = sorted((r["focus"], r["value"], r["path"]) for r in json.loads(out)["findings"])
    assert found == [("ex:a", '"abcdef"', "ex:name"), ("ex:b", '"xyzw"', "ex:name")]


def test_an_ill_typed_literal_is_reported_without_rdflib_s_noise_on_stderr(tmp_path):
    import subprocess
    import sys

    case = tmp_path / "case.ttl"
    case.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                    "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:boolean ] .\n"
                    'ex:a ex:p "none"^^xsd:boolean, "x"^^xsd:integer .\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "shacl", "--shapes", str(case), "--format", "turtle", str(case)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr == "", done.stderr
    assert '"none"^^xsd:boolean' in done.stdout


def test_a_malformed_parameter_is_refused_even_where_pyshacl_takes_the_shapes(capsys, tmp_path):
    """sh:or sends the Core shapes to pySHACL, which takes sh:datatype "xsd:string" without a word."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      "ex:A sh:targetNode ex:a ; sh:or ( [ sh:class ex:C ] [ sh:class ex:D ] ) .\n"
                      'ex:B sh:targetNode ex:a ; sh:datatype "xsd:string" .\n'
                      "ex:a ex:p 1 .\n", encoding="utf-8")
    code, out, err = run(capsys, "--shapes", shapes, shapes)
    assert (code, out) == (2, "") and "syntax rule datatype-nodeKind" in err


def test_where_pyshacl_stops_the_reference_engine_says_so_in_one_line(capsys, tmp_path):
    """pySHACL raises NotImplementedError for $shapesGraph (the W3C suite's shapesGraph-001) and
    rdflib's bare Exception for an undeclared prefix (prefixes-001): both printed a traceback."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n'
                      'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select """\n'
                      '  SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }""" ] .\nex:a ex:p 1 .\n', encoding="utf-8")
    code, out, err = run(capsys, "--shapes", shapes, "--engine", "pyshacl", shapes)
    assert (code, out) == (2, "") and len(err.splitlines()) == 1 and "NotImplementedError" in err
    assert run(capsys, "--shapes", shapes, shapes)[0] == 1, "the default engine binds $shapesGraph (ex:a is in it)"


OPTIONAL_ANTI_JOIN = """SELECT $this WHERE {
    OPTIONAL { ?v <http://example.org/p> ?n . FILTER (?v = $this && ?n > 1) }
    FILTER (!BOUND(?v)) }"""


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_flat_optional_sees_this_as_pre_binding_does(capsys, tmp_path, engine):
    """medkg/shacl/sparql_constraints.py: an OPTIONAL with no group inside is "flat" (all focus nodes bound at
    once by the targets); its filter sees $this, as SHACL's pre-binding (pySHACL) has it."""
    from medkg.shacl.sparql_constraints import _is_flat

    assert _is_flat(OPTIONAL_ANTI_JOIN)
    assert not _is_flat(OPTIONAL_ANTI_JOIN.replace("?n > 1) }", "?n > 1) { ?n ?q ?r } }"))  # a group inside
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      f'ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:select """{OPTIONAL_ANTI_JOIN}""" ] .\n'
                      "ex:a a ex:T ; ex:p 5 .\nex:b a ex:T ; ex:p 0 .\nex:c a ex:T .\n", encoding="utf-8")
    code, out, _ = run(capsys, "--shapes", shapes, "--format", "json", "--engine", engine, shapes)
    assert code == 1
    assert sorted(r["focus"] for r in json.loads(out)["findings"]) == ["ex:b", "ex:c"]


# $this inside a UNION branch's FILTER, inside NOT EXISTS: joined on the row, not pre-bound, the
# filter would see it unbound and every focus node with a q-value would pass.
UNION_IN_NOT_EXISTS = """SELECT $this WHERE { $this <http://example.org/p> ?n .
    FILTER NOT EXISTS { { ?x <http://example.org/q> ?n FILTER (?x = $this) } UNION { $this <http://example.org/r> ?n } } }"""
EXISTS_IN_OPTIONAL = """SELECT $this WHERE { $this <http://example.org/p> ?n .
    OPTIONAL { ?x <http://example.org/q> ?n . FILTER EXISTS { { ?x <http://example.org/by> $this } UNION { $this <http://example.org/r> ?n } } }
    FILTER (!BOUND(?x)) }"""
# A UNION whose branches hold $this in triple patterns only: joined on it.
UNION_OF_PATTERNS = """SELECT $this WHERE { $this <http://example.org/p> ?n .
    { $this <http://example.org/r> ?n } UNION { ?x <http://example.org/q> ?n . ?x <http://example.org/by> $this } }"""


@pytest.mark.parametrize("query, found", [(UNION_IN_NOT_EXISTS, ["ex:b", "ex:e"]), (EXISTS_IN_OPTIONAL, ["ex:b", "ex:e"]),
                                          (UNION_OF_PATTERNS, ["ex:a", "ex:d"])])
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_groups_inside_exists_see_this_as_pre_binding_does(capsys, tmp_path, engine, query, found):
    """medkg/shacl/sparql_constraints.py: groups inside an EXISTS block (here a UNION, and a FILTER
    inside its branch) keep a query "flat" (one query for all focus nodes): SPARQL substitutes the
    row's $this into the whole block, as SHACL's pre-binding has it. A subquery does not see it,
    nor an expression in a UNION branch or a BIND in an OPTIONAL: those run once per focus node."""
    from medkg.shacl.sparql_constraints import _is_flat

    assert _is_flat(query)
    assert not _is_flat(UNION_OF_PATTERNS.replace("?n } UNION", "?n FILTER (?n != $this) } UNION"))
    assert not _is_flat(EXISTS_IN_OPTIONAL.replace("FILTER EXISTS", "BIND (EXISTS").replace("?n } } }", "?n } } AS ?b) }"))
    assert not _is_flat(UNION_OF_PATTERNS.replace("{ $this <http://example.org/r> ?n }", "GRAPH ?g { $this <http://example.org/r> ?n }"))
    assert not _is_flat(query.replace("?x <http://example.org/q> ?n", "{ SELECT ?x ?n WHERE { ?x <http://example.org/q> ?n } }", 1))
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      f'ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:select """{query}""" ] .\n'
                      "ex:a a ex:T ; ex:p 1 . ex:qa ex:q 1 ; ex:by ex:a . ex:a ex:q 1 .\n"
                      "ex:b a ex:T ; ex:p 2 . ex:c ex:q 2 ; ex:by ex:c .\n"
                      "ex:d a ex:T ; ex:p 3 ; ex:r 3 . ex:qd ex:q 3 .\n"
                      "ex:e a ex:T ; ex:p 4 .\n", encoding="utf-8")
    code, out, _ = run(capsys, "--shapes", shapes, "--format", "json", "--engine", engine, shapes)
    assert code == 1
    assert sorted(r["focus"] for r in json.loads(out)["findings"]) == found


def _pattern_case(tmp_path, pattern, values, flags=None):
    data = tmp_path / "pattern.ttl"
    flags = f" ; sh:flags {json.dumps(flags)}" if flags else ""
    objects = ", ".join(json.dumps(v) for v in values)
    data.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
                    f"ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:pattern {json.dumps(pattern)}{flags} .\n"
                    f"ex:a ex:p {objects} .\n", encoding="utf-8")
    return data


@pytest.mark.parametrize(("pattern", "why"), [("^(?!a)", "uses a lookaround"), ("(?<=a)b", "uses a lookaround"),
                                              ("(a{1000}){1000}", "cannot be compiled"), ("(a)\\1", "cannot be compiled")])
def test_a_pattern_oxigraph_cannot_compile_is_refused_not_dropped(capsys, tmp_path, pattern, why):
    # REGEX was an error, the filter false, the value dropped: "conforms", where pySHACL reports the
    # value (SHACL's XPath regular expressions have no lookaround).
    data = _pattern_case(tmp_path, pattern, ["a"])
    code, out, err = run(capsys, "--shapes", data, data)
    assert (code, out) == (2, "")
    assert err.startswith(f"ex:S: sh:pattern {json.dumps(pattern)} {why}") and err.count("\n") == 1


@pytest.mark.parametrize(("pattern", "flags"), [("^a$", None), ("a$", None), ("^b$", "m"), ("^B", "i"), ("^a.b$", None),
                                                ("^[0-9]+$", None), ("^$", None), ("b$", "im")])
def test_patterns_agree_with_pyshacl_on_final_newlines_and_flags(capsys, tmp_path, pattern, flags):
    values = ["a", "a\n", "a\n\n", "ab", "b\n", "a\nb", "a\nb\n", "B", "12\n", "", "\n", "a\rb"]
    data = _pattern_case(tmp_path, pattern, values, flags)
    fast = run(capsys, "--shapes", data, "--format", "json", data)
    reference = run(capsys, "--shapes", data, "--format", "json", "--engine", "pyshacl", data)
    def found(answer):
        return sorted((r["focus"], r["value"], r["component"]) for r in json.loads(answer[1])["findings"])

    assert fast[0] == reference[0] and found(fast) == found(reference) and found(fast)


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("pattern", ["^(a+)+$", "(a|b{1,3})*c", "^([0-9]{1,3})*$", "^(\\p{L}+)+$"])
def test_a_catastrophic_pattern_is_refused_by_every_engine(tmp_path, engine, pattern):
    # pySHACL runs sh:pattern on Python's re, which backtracked for minutes on 45 a's and a b,
    # past --timeout and Ctrl-C: a quantifier inside a quantifier is refused before any engine
    # runs, as medkg:localIdPattern's is. In a child process with a bound: the old code hung.
    import subprocess
    import sys

    data = _pattern_case(tmp_path, pattern, ["a" * 45 + "b"])
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "shacl", "--engine", engine, "--timeout", "5",
                           "--shapes", data, data], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"ex:S: sh:pattern {json.dumps(pattern)} ") and done.stderr.count("\n") == 1
    assert "nested quantifiers" in done.stderr and "Traceback" not in done.stderr


def test_validate_with_the_reference_engine_refuses_a_catastrophic_pattern_too(tmp_path):
    # validate --shapes --engine pyshacl runs the same Engine: the same refusal, before pySHACL runs
    # (a child process: Python's re held the old code past --timeout).
    import subprocess
    import sys

    data = _pattern_case(tmp_path, "^(a+)+$", ["a" * 45 + "b"])
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "validate", "--engine", "pyshacl", "--timeout", "5",
                           "--shapes", data, data], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "nested quantifiers" in done.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_catastrophic_regex_in_sh_select_is_refused_on_pyshacl_and_linear_on_oxigraph(tmp_path, engine):
    # pySHACL runs SHACL-SPARQL on rdflib, whose REGEX is Python's re: the run held past --timeout
    # and Ctrl-C. Refused as the pattern is evaluated; Oxigraph's REGEX answers it in linear time.
    import subprocess
    import sys

    data = tmp_path / "select.ttl"
    data.write_text(SHAPE + 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select """SELECT $this WHERE { '
                    '$this <http://example.org/p> ?v FILTER(!REGEX(?v, "^(a+)+$")) }""" ] .\n'
                    f'ex:a ex:p "{"a" * 45}b" .\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "medkg.cli", "shacl", "--engine", engine, "--timeout", "20",
                           "--shapes", data, data], capture_output=True, text=True, timeout=90)
    assert "Traceback" not in done.stderr
    if engine == "pyshacl":
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.count("\n") == 1 and "REGEX pattern '^(a+)+$'" in done.stderr and "nested quantifiers" in done.stderr
    else:  # the value does not match: the query selects ex:a, a violation
        assert done.returncode == 1 and "ex:a" in done.stdout


SHAPE = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"


def _rdf_xml(tmp_path, entities: str, value: str):
    document = tmp_path / "data.rdf"
    document.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{entities}\n]>\n'
                        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
                        f'  <rdf:Description rdf:about="&ex;a"><ex:p>{value}</ex:p></rdf:Description>\n</rdf:RDF>\n',
                        encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE + "ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:maxLength 3 .\n", encoding="utf-8")
    return shapes, document


EX = '<!ENTITY ex "http://example.org/">'


@pytest.mark.parametrize(("entities", "value", "said"), [
    # A "billion laughs" (here a million: 1 KB of nine levels took 33 s and 9 GB, then conformed).
    ("\n".join([EX, '<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 6)]), "&l5;",
     "an entity declaration (<!ENTITY) that refers to another entity"),
    (f'{EX}\n<!ENTITY big "{"x" * 10_000}">', "&big;" * 200, "its entities would expand it to 2,000,019 bytes"),
    (f'{EX}\n<!ENTITY file SYSTEM "file:///etc/passwd">', "&file;", "refers to another entity, a file or a URL"),
], ids=["nested", "quadratic", "external"])
def test_rdf_xml_entities_are_bounded(capsys, tmp_path, entities, value, said):
    shapes, document = _rdf_xml(tmp_path, entities, value)
    code, out, err = run(capsys, "--shapes", shapes, document)
    assert (code, out) == (2, "") and said in err and err.count("\n") == 1


def test_rdf_xml_namespace_entities_still_read(capsys, tmp_path):
    shapes, document = _rdf_xml(tmp_path, EX, "abcd")  # an OWL file's habit
    code, out, _ = run(capsys, "--shapes", shapes, document)
    assert code == 1 and 'fails sh:maxLength "3"^^xsd:integer (value: "abcd")' in out


def test_a_named_pipe_is_named_not_read(capsys, tmp_path):
    import os

    pipe = tmp_path / "data.ttl"
    os.mkfifo(pipe)
    code, out, err = run(capsys, "--shapes", CASES / "datatype.ttl", pipe)
    assert (code, out) == (2, "") and f"{pipe}: a named pipe (FIFO), not a file medkg can read" in err


SLOW = SHAPE + """ex:S a sh:NodeShape ; sh:targetNode ex:n0 ; sh:sparql [ sh:select \"\"\"
  SELECT $this WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?q ?r ?s .
    FILTER(STR(?a) = CONCAT(STR(?d), STR(?g), STR(?j), STR(?m), STR(?q), STR($this))) }\"\"\" ] .
""" + "\n".join(f"ex:n{i} ex:p ex:n{(i + 1) % 30} ." for i in range(30)) + "\n"


def test_a_shacl_sparql_query_that_never_ends_stops_at_the_timeout(capsys, tmp_path):
    shapes = tmp_path / "slow.ttl"
    shapes.write_text(SLOW, encoding="utf-8")  # 30^6 rows to filter: hours
    code, out, err = run(capsys, "--timeout", "1", "--shapes", shapes, shapes)
    assert (code, out) == (3, "") and "did not finish within 1 s" in err


def test_ctrl_c_stops_a_shacl_run(tmp_path):
    # pyoxigraph held the main thread: SIGINT waited for a query that never ends.
    import signal
    import subprocess
    import sys
    import time

    shapes = tmp_path / "slow.ttl"
    shapes.write_text(SLOW, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "shacl", "--shapes", shapes, shapes],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)  # started, and in the query
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130 and err == "medkg: interrupted\n"


def _subprocess_shacl(shapes, data):
    # A subprocess: the code before the fix crashed the interpreter (a segmentation fault).
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "medkg.cli", "shacl", "--shapes", shapes, data],
                          capture_output=True, text=True, timeout=120)


def test_an_sh_in_as_long_as_the_bound_is_checked(tmp_path):
    # Compiled to a chain of `||`, which Oxigraph's parser recursed into until it crashed (at 10,000
    # members, and at 20,000); a longer list is refused (rdf_files.MAX_LIST, tests/test_list_limit.py).
    from medkg.shacl.rdf_files import MAX_LIST

    members = " ".join(f'"v{i}"' for i in range(MAX_LIST))
    shapes = tmp_path / "in.ttl"
    shapes.write_text(SHAPE + f"ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:in ({members}) .\n"
                      f'ex:a ex:p "zz", "v{MAX_LIST - 1}" .\n', encoding="utf-8")
    done = _subprocess_shacl(shapes, shapes)
    assert done.returncode == 1 and "\n\n1 violation, 0 warnings, 0 infos in 1 file (" in done.stdout
    assert '(value: "zz")' in done.stdout


def test_json_ld_nested_five_thousand_levels_is_refused(tmp_path):
    data = tmp_path / "deep.jsonld"
    data.write_text('{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * 5000 + '"x"' + "]" * 5000 + "}",
                    encoding="utf-8")
    done = _subprocess_shacl(CASES / "datatype.ttl", data)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{data}: JSON nested more than 500 levels deep; medkg reads flatter JSON-LD (flatten it)\n"
