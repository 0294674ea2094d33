"""Regular expressions the data supplies are checked where they are read: an identifier scheme's
medkg:localIdPattern when its file is loaded. One that does not compile in both engines, or that
nests quantifiers (catastrophic backtracking in Python's re, which `--engine pyshacl` runs it on),
is refused in one line naming the file and line; never run, and never silently passing the values
it should have checked (a REGEX that fails in a FILTER drops the row). sh:pattern has its own
checks: tests/test_shacl_cli.py and test_hostile_input.py."""

import pytest

from medkg import errors
from medkg.cli import main
from medkg.errors import InputError
from medkg.io.parse import load, load_ontology
from medkg.rdf import regex_check

SCHEME = """@prefix medkg: <https://w3id.org/medkg/vocab#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

medkg:scheme-test a medkg:IdentifierScheme ; rdfs:label "Test" ;
    medkg:iriPrefix "http://example.org/T" ; medkg:localIdPattern {pattern} .
"""


@pytest.mark.parametrize(("pattern", "said"), [
    ('"(unclosed"', "Python cannot compile it"),
    ('"^(a+)+$"', "nested quantifiers"),
    ('"^([0-9]{1,3})*$"', "nested quantifiers"),
    ('"^(?=T)[0-9]+$"', "Oxigraph's REGEX cannot compile it"),
    ('"' + "a" * 1001 + '"', "at most 1000"),
    ("<http://example.org/pattern>", "not a plain string"),
    ('"^[0-9]+$"@en', "not a plain string"),
])
def test_a_bad_local_id_pattern_is_refused_at_load_naming_file_and_line(pattern, said, tmp_path):
    path = tmp_path / "schemes.ttl"
    path.write_text(SCHEME.format(pattern=pattern), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load([path])
    message = str(caught.value)
    assert said in message and "\n" not in message
    assert message.startswith(f"{path}:4:") or message.startswith(f"{path}:5:")


def test_the_shipped_identifier_patterns_pass():
    patterns = [t.object.value for t in load_ontology().triples if t.predicate.value.endswith("#localIdPattern")]
    assert len(patterns) >= 10
    assert [p for p in patterns if regex_check.problem(p)] == []


def test_validate_refuses_a_data_file_with_a_catastrophic_pattern(tmp_path, capsys):
    path = tmp_path / "schemes.ttl"
    path.write_text(SCHEME.format(pattern='"^(T+)+$"'), encoding="utf-8")
    assert main(["validate", str(path)]) == errors.INPUT
    err = capsys.readouterr().err.strip()
    assert "nested quantifiers" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("pattern", ["^[0-9]{7}$", "(a|b)*c", "([0-9]{3})+", "^[DC]([0-9]{6}|[0-9]{9})$", "a{2,5}b*"])
def test_patterns_without_nested_repeats_pass(pattern):
    assert regex_check.problem(pattern) is None
