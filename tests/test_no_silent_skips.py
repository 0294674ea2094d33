"""No silent skips: a check that reads something outside the graph, or a node the graph should
have, gives a finding when that thing is not there, never a pass. Each test breaks one thing in a
copy of data/ (or of the project's checks) and looks for the finding that says so."""

import shutil

import pytest

from medkg.project_files import DATA_DIR
from medkg.validate import qc
from medkg.validate.pipeline import Validator, validate

ARTICLE = "source/baclofen-article.txt"


@pytest.fixture(scope="module")
def validator():
    return Validator()


@pytest.fixture
def data(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _components(report) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in report.findings:
        found.setdefault(f.component, []).append(f)
    return found


def test_the_shipped_data_runs_every_check_and_conforms(validator):
    assert validate([DATA_DIR], validator=validator).findings == []


def test_article_text_file_missing_is_a_finding(data, validator):
    (data / ARTICLE).unlink()
    found = _components(validate([data], validator=validator))
    [missing] = found["medkg:ArticleFileMissingComponent"]
    assert missing.focus == "kg:article" and "not there" in missing.message and "restore" in missing.message


def test_text_file_renamed_in_the_graph_is_a_finding(data, validator):
    text = (data / "article-text.ttl").read_text(encoding="utf-8")
    (data / "article-text.ttl").write_text(text.replace('"data/source/baclofen-article.txt"',
                                                       '"data/source/baclofen.txt"'), encoding="utf-8")
    assert "medkg:ArticleFileMissingComponent" in _components(validate([data], validator=validator))


def test_full_text_edited_in_the_graph_alone_is_a_finding(data, validator):
    """The checksum still matches the file: only the comparison with medkg:fullText sees the edit."""
    path = data / "article-text.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.count("muscle relaxant drug") == 1
    path.write_text(text.replace("muscle relaxant drug", "muscle-relaxant drug"), encoding="utf-8")
    found = _components(validate([data], validator=validator))
    [edited] = found["medkg:ArticleFullTextComponent"]
    assert "sync-article" in edited.message
    assert "medkg:ArticleCopyComponent" not in found  # the file itself did not change


def test_article_file_edited_is_found_by_checksum_and_full_text(data, validator):
    path = data / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("muscle relaxant", "muscle-relaxing"), encoding="utf-8")
    found = _components(validate([data], validator=validator))
    assert {"medkg:ArticleCopyComponent", "medkg:ArticleFullTextComponent"} <= set(found)


def test_graph_copy_of_the_article_missing_is_a_finding(data, validator):
    """Without data/article-text.ttl no quote could be checked: the article's shape says so."""
    (data / "article-text.ttl").unlink()
    found = validate([data], validator=validator).findings
    shapes = {f.shape for f in found if f.focus == "kg:article"}
    assert {"mkgsh:SourceArticleShape-fullText", "mkgsh:SourceArticleShape-textFile"} <= shapes


def test_claim_free_marks_without_their_sentences_are_findings(data, validator):
    (data / "sentences.ttl").unlink()
    found = [f for f in validate([data], validator=validator).findings
             if f.shape == "mkgsh:ClaimFreeSentenceShape" and "no sentence of the article" in f.message]
    marked = (data / "claim-free.ttl").read_text(encoding="utf-8").count("medkg:claimFreeReason")
    assert len({f.focus for f in found}) == marked


def test_quote_with_a_trailing_space_is_a_finding(data, validator):
    path = data / "claims/risks.ttl"
    text = path.read_text(encoding="utf-8")
    old = 'withdrawal when they stop" ;\n    oa:prefix "nd physical dependence. " ;\n    oa:suffix ". Baclofen comes in two " .'
    assert old in text
    path.write_text(text.replace(old, 'withdrawal when they stop. " ;\n    oa:prefix "nd physical dependence. " ;\n'
                                      '    oa:suffix "Baclofen comes in two " .'), encoding="utf-8")
    found = [f for f in validate([data], validator=validator).findings if f.shape == "mkgsh:TextQuoteSelectorShape"]
    assert found and "white space" in found[0].message


def test_no_qc_checks_is_a_finding(tmp_path, monkeypatch, validator):
    monkeypatch.setattr(qc, "QC_DIR", tmp_path)
    found = _components(validate([DATA_DIR], validator=validator))
    [missing] = found["medkg:ChecksMissingComponent"]
    assert "restore" in missing.message
