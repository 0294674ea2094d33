"""The closed vocabulary: every class, property and datatype the data uses is declared in the
ontology (ontology/medkg.ttl, or ontology/external-terms.ttl for other vocabularies' terms), and
every language tag is one the graph uses. A misspelt term would otherwise enter the graph silently
(`schema:drugclass` beside `schema:drugClass`, `xsd:interger`); the finding names the nearest
known term. Two slips of the same kind are caught here too, wherever they are in a triple: the
project's namespace written with `http:` (another IRI to every RDF tool), and a web address
written as a string where an IRI belongs (`schema:url "https://..."`)."""

import difflib

import pyoxigraph as ox
from rdflib import URIRef

from medkg.io.parse import Source, to_rdflib
from medkg.rdf import as_written
from medkg.rdf.namespaces import BASE, DCTERMS, MEDKG, OWL, RDF, RDFS, XSD
from medkg.rdf.prefixes import compact, prefixes
from medkg.validate.model import SH, Finding, compactor, make_finding

_DECLARED = {str(OWL.Class), str(RDFS.Class), str(RDF.Property), str(OWL.ObjectProperty),
             str(OWL.DatatypeProperty), str(OWL.AnnotationProperty)}
_DATATYPE = str(RDFS.Datatype)
_TYPE = str(RDF.type)
_LANGUAGE = str(DCTERMS.language)  # once: rdflib builds the term anew at each lookup (20 ms a focused run)
_TYPE_NODE = ox.NamedNode(_TYPE)
# Where the data's own nodes live: a subject elsewhere came from a prefix bound differently.
NAMESPACES = ("kg", "claim", "quote", "note", "sent")
PROJECT = tuple(prefixes()[p] for p in NAMESPACES)
# Every namespace the project mints (vocabulary, shapes, entities ...) and the same written with http:.
HTTPS_BASE = BASE
HTTP_BASE = "http://" + HTTPS_BASE.removeprefix("https://")
_WEB = ("http://", "https://", "www.")
_WEB_FIRST = {"h", "H", "w", "W", " ", "\t", "\n", "\r"}


def _web_address(text: str) -> bool:
    """The whole literal is one web address (a sentence that mentions one is not)."""
    if text[:1] not in _WEB_FIRST:  # most literals: one comparison
        return False
    text = text.strip()
    return text.lower().startswith(_WEB) and not any(c.isspace() for c in text)


def findings(data: Source, ontology: Source, focus: set[str] | None = None, store: ox.Store | None = None) -> list[Finding]:
    """With `focus` (validate --changed), the triples of those nodes, read from `store`."""
    known = {t.subject.value for t in ontology.triples if t.predicate.value == _TYPE and t.object.value in _DECLARED}
    datatypes = {t.subject.value for t in ontology.triples if t.predicate.value == _TYPE and t.object.value == _DATATYPE}
    languages = {t.object.value.lower() for t in ontology.triples if t.predicate.value == _LANGUAGE}
    if focus is None:
        triples = data.triples
    else:
        # The store keeps some literals under a private datatype (medkg/rdf/as_written.py): decoded here.
        triples = [ox.Triple(q.subject, q.predicate, as_written.decode(q.object)) for iri in sorted(focus)
                   for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph())]
    # One cheap pass for what is used (about 0.4 s at ~1 M triples); the triples are looked at
    # one by one only when something unknown is there.
    used = {t.predicate for t in triples}
    kinds = {t.object for t in triples if t.predicate == _TYPE_NODE}
    objects = {t.object for t in triples}  # each distinct term once: about 0.9 s at ~1 M triples
    literals = [o for o in objects if type(o) is ox.Literal]
    tags = {o.language for o in literals if o.language}
    subjects = {t.subject for t in triples}
    subjects_outside = any(not s.value.startswith(PROJECT) for s in subjects if type(s) is ox.NamedNode)
    http = any(p.value.startswith(HTTP_BASE) for p in used) \
        or any(o.value.startswith(HTTP_BASE) for o in objects if type(o) is ox.NamedNode)
    if all(p.value in known for p in used) and all(k.value in known for k in kinds if type(k) is ox.NamedNode) \
            and all(tag.lower() in languages for tag in tags) and not subjects_outside and not http \
            and all(d.value in datatypes for d in {o.datatype for o in literals}) \
            and not any(_web_address(o.value) for o in literals):
        return []
    return _locate(data, triples, known, languages, datatypes)


def _locate(data: Source, triples: list[ox.Triple], known: set[str], languages: set[str], datatypes: set[str]) -> list[Finding]:
    names = sorted(compact(iri) for iri in known)
    found, seen = [], set()
    for t in triples:
        for position, term in enumerate((t.subject, t.predicate, t.object)):
            key = term if position == 0 else (t.subject, t.predicate, term)  # a subject once, not per triple
            if isinstance(term, ox.NamedNode) and term.value.startswith(HTTP_BASE) and key not in seen:
                seen.add(key)
                if term == t.predicate:
                    seen.add((t.subject, term.value))  # the one finding for it, not also "unknown term"
                found.append(_finding(data, t, term.value, f"{term.value} is the project's namespace written with http: "
                                      f"(another IRI to every RDF tool): write {HTTPS_BASE}{term.value.removeprefix(HTTP_BASE)}, "
                                      "or use the prefixes of ontology/prefixes.ttl.", "HttpNamespaceComponent"))
        if isinstance(t.subject, ox.NamedNode) and not t.subject.value.startswith(PROJECT + (HTTP_BASE,)) \
                and t.subject not in seen:
            seen.add(t.subject)
            found.append(_finding(data, t, t.subject.value,
                                  f"{t.subject.value} is in none of the project's namespaces "
                                  f"({', '.join(p + ':' for p in sorted(NAMESPACES))}): a prefix bound differently at "
                                  "the top of the file? ontology/prefixes.ttl lists the bindings.", "ProjectNamespaceComponent"))
        if isinstance(t.object, ox.Literal):
            _literal_findings(data, t, datatypes, seen, found)
        checks = [(t.predicate.value, "property")]
        if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode) and not t.object.value.startswith(HTTP_BASE):
            checks.append((t.object.value, "class"))
        for iri, kind in checks:
            if iri not in known and (t.subject, iri) not in seen:
                seen.add((t.subject, iri))
                nearest = difflib.get_close_matches(compact(iri), names, n=1, cutoff=0.75)
                hint = f"did you mean {nearest[0]}? " if nearest else ""
                found.append(_finding(data, t, iri, f"{compact(iri)} is not a {kind} of the vocabulary: {hint}"
                                      "Fix the spelling, or declare the term (ontology/medkg.ttl for medkg's own, "
                                      "ontology/external-terms.ttl for another vocabulary's) with where it is defined.",
                                      "UnknownTermComponent"))
        language = t.object.language if isinstance(t.object, ox.Literal) else None
        if language and language.lower() not in languages and (t.subject, t.predicate, language) not in seen:
            seen.add((t.subject, t.predicate, language))
            nearest = difflib.get_close_matches(language.lower(), sorted(languages), n=1, cutoff=0.4)
            hint = f"did you mean @{nearest[0]}? " if nearest else ""
            found.append(_finding(data, t, None, f"@{language} is not a language of the graph "
                                  f"({', '.join('@' + x for x in sorted(languages))}): {hint}Fix the tag, or add the "
                                  "language to ontology/external-terms.ttl (dcterms:language).",
                                  "UnknownLanguageComponent", value=t.object))
    return found


def _literal_findings(data: Source, t: ox.Triple, datatypes: set[str], seen: set, found: list[Finding]) -> None:
    """A literal typed with an unknown datatype, or a web address written as a string."""
    literal = t.object
    if literal.datatype.value not in datatypes and (t.subject, t.predicate, literal.datatype) not in seen:
        seen.add((t.subject, t.predicate, literal.datatype))
        nearest = difflib.get_close_matches(literal.datatype.value, sorted(datatypes), n=1, cutoff=0.75)
        hint = f"did you mean {compact(nearest[0])}? " if nearest else ""
        if any(d.startswith(literal.datatype.value.rstrip("#") + "#") for d in datatypes):
            hint = "that is a vocabulary's namespace, not one of its datatypes (xsd:integer, xsd:decimal, xsd:string ...). "
        found.append(_finding(data, t, literal.datatype.value,
                              f"^^{literal.datatype.value} is not a datatype RDF knows: {hint}Fix the spelling "
                              f"(the xsd: prefix is {XSD} with its #); "
                              "ontology/external-terms.ttl lists the datatypes.", "UnknownDatatypeComponent", value=literal))
    if _web_address(literal.value) and (t.subject, t.predicate, literal) not in seen:
        seen.add((t.subject, t.predicate, literal))
        found.append(_finding(data, t, None, "The value is a web address written as a string, which links nowhere: "
                              "write it as an IRI between angle brackets (with https:// if it has none).",
                              "WebAddressAsStringComponent", value=literal))


def _finding(data: Source, t: ox.Triple, term: str | None, message: str, component: str, value=None) -> Finding:
    shown = to_rdflib(value) if value is not None else URIRef(term)
    return make_finding(data, compactor(), SH.Violation, to_rdflib(t.subject), URIRef(t.predicate.value), shown,
                        [message], URIRef(MEDKG + "ClosedVocabulary"), URIRef(MEDKG + component))
