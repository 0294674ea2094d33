"""medkg/rdf/formats.py: suffixes, RDF formats and media types from pyoxigraph's RdfFormat, and
the few it cannot say; what the site is served with, and what `medkg shacl` reads, pinned."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.errors import InputError
from medkg.rdf import formats
from medkg.serve import negotiate
from medkg.shacl import rdf_files


def test_the_site_s_files_are_served_with_the_media_types_browsers_and_clients_were_given():
    # What `medkg serve` sent before RdfFormat became the source: a change here is a change of the
    # served headers, to be made on purpose.
    assert negotiate.MEDIA_TYPES == {
        ".html": "text/html; charset=utf-8", ".ttl": "text/turtle; charset=utf-8", ".jsonld": "application/ld+json",
        ".nt": "application/n-triples", ".trig": "application/trig; charset=utf-8", ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".sha256": "text/plain; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
    }
    assert list(negotiate.REPRESENTATIONS.items()) == [
        (".html", "text/html"), (".ttl", "text/turtle"), (".jsonld", "application/ld+json")]


@pytest.mark.parametrize("suffix", formats.rdf_suffixes())
def test_every_rdf_suffix_names_a_format_whose_media_type_it_has(suffix):
    fmt = formats.rdf_format(suffix)
    assert fmt is not None
    assert formats.media_type(suffix) == fmt.media_type
    assert ox.RdfFormat.from_media_type(formats.content_type(suffix)) == fmt  # the header reads back as the format


def test_plain_text_is_not_read_as_n_triples():
    # pyoxigraph's RdfFormat.from_extension("txt") is N-Triples; the site's .txt files are prose.
    assert ox.RdfFormat.from_extension("txt") == ox.RdfFormat.N_TRIPLES
    assert formats.rdf_format(".txt") is None and formats.media_type(".txt") == "text/plain"


@pytest.mark.parametrize("suffix", [".txt", ".html", ".xyz", ""])
def test_shacl_refuses_a_file_of_no_rdf_format_and_lists_the_suffixes_it_reads(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    path.write_text("<a:b> <a:c> <a:d> .\n")
    with pytest.raises(InputError) as raised:
        rdf_files.read([path])
    assert f"unknown RDF format {suffix!r}; use one of .jsonld, .n3, .nq, .nt, .owl, .rdf, .trig, .ttl" in str(raised.value)


@pytest.mark.parametrize(("suffix", "text"), [
    (".OWL", '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
             'rdf:about="http://example.org/a"><rdf:type rdf:resource="http://example.org/B"/></rdf:Description></rdf:RDF>'),
    (".json", '{"@id": "http://example.org/a", "@type": "http://example.org/B"}'),
    (".nt", "<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/B> .\n"),
])
def test_shacl_reads_each_format_by_its_suffix(tmp_path, suffix, text):
    path = tmp_path / f"data{suffix}"
    path.write_text(text)
    [triple] = rdf_files.read([path])
    assert (triple.subject.value, triple.object.value) == ("http://example.org/a", "http://example.org/B")


def test_no_module_keeps_its_own_suffix_table():
    # The tables this module replaced: a new one would drift from RdfFormat again.
    root = Path(formats.__file__).parents[1]
    for path in root.rglob("*.py"):
        if path.name != "formats.py":
            text = path.read_text(encoding="utf-8")
            assert '".ttl": ox.RdfFormat' not in text and '".ttl": "text/turtle' not in text, path
