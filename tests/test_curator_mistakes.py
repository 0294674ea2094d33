"""Each realistic curator mistake (tests/curator_mistakes.py), made in a copy of data/, gives the
finding it must: the mistakes that keep the Turtle well formed and the two layers in step but
change what the graph means (issue 13). The shipped data conforming is tested elsewhere
(tests/test_data.py), so each finding here is the edit's."""

import re
import shutil

import pytest
from rdflib import RDF, URIRef

from medkg.project_files import DATA_DIR
from medkg.rdf.namespaces import MKGSH
from medkg.rdf.prefixes import compact
from medkg.validate.model import SH
from medkg.validate.pipeline import Validator, validate
from tests.curator_mistakes import MISTAKES


@pytest.fixture(scope="module")
def validator():
    return Validator()


def _rule(validator, expect: str) -> tuple[str, str]:
    """(shape, words of its message) for a SPARQL constraint named mkgsh:SHAPE-NAME, whose
    findings carry the node shape's name and the constraint's message; (expect, "") otherwise."""
    constraint = URIRef(MKGSH + expect)
    if (constraint, RDF.type, SH.SPARQLConstraint) not in validator.shapes:
        return expect, ""
    message = validator.shapes.value(constraint, SH.message)
    shape = next(validator.shapes.subjects(SH.sparql, constraint))
    return compact(str(shape)), re.split(r"\{[?$]\w+\}", str(message))[0].strip()


def test_the_corpus_covers_every_kind_of_mistake():
    assert len(MISTAKES) >= 60
    assert len({m.name for m in MISTAKES}) == len(MISTAKES)
    kinds = {m.expect.split("-")[0] for m in MISTAKES}
    assert {"ClosedVocabulary", "ProjectNamespace", "ClaimSubjectShape", "CueShape", "QuoteOwnerShape",
            "DoseNumberShape", "EntityConsistencyShape", "ArticleCopy", "ClaimFreeSentenceShape",
            # issue 24: identifiers by their registries' rules, terms, closed kinds, no silent skips
            "MappingShape", "HttpNamespace", "UnknownDatatype", "WebAddressAsString", "ClaimShape",
            "DoseScheduleShape", "CuratorNoteShape", "QuoteShape", "TextQuoteSelectorShape", "ArticleFullText",
            # issue 24, this round: units, agreement between nodes, the label, property constraints
            "DoseUnitShape", "NoteAgreementShape", "OwnWordsShape", "ClaimNamespaceShape", "LabelAuthorityShape",
            "StudyEvidenceShape", "Constraint",
            # from a blind corpus: checked identifiers, white space, label wording, a dose's label, a note's kinds
            "label", "EvidenceShape", "NoteStatementShape"} <= kinds


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_is_caught(mistake, tmp_path, validator):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    path = copy / mistake.file
    text = path.read_text(encoding="utf-8")
    assert mistake.old in text, f"the edit no longer applies to {mistake.file}"
    path.write_text(text.replace(mistake.old, mistake.new, -1 if mistake.everywhere else 1), encoding="utf-8")
    for file, old, new in mistake.more:
        text = (copy / file).read_text(encoding="utf-8")
        assert old in text, f"the edit no longer applies to {file}"
        (copy / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    report = validate([copy], validator=validator)
    shape, words = _rule(validator, mistake.expect)
    caught = [f for f in report.findings if (shape in f.shape or shape in f.component) and words in f.message]
    assert caught, f"{mistake.name}: found only {sorted({(f.shape, f.message[:60]) for f in report.findings})}"
    assert all(f.severity == "violation" for f in caught), "a contradiction is a violation, not a warning"
