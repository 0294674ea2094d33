"""Every namespace the code names, written once: a test fails on an IRI spelled out elsewhere.

The standard ones are the W3C's and the vocabularies' own; the project's are read from the
prefix registry (ontology/prefixes.ttl), which queries, shapes and data files share, and the
project's other IRIs (graphs, releases, QC checks) hang off its base.
"""

from rdflib import Namespace

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SH = Namespace("http://www.w3.org/ns/shacl#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("https://schema.org/")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
BIOREGISTRY = "https://bioregistry.io/registry/"  # the registry of identifier schemes (ontology/registry-patterns.ttl)
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
SHACL_SPEC = "https://www.w3.org/TR/shacl/"  # the compiler's registry cites its sections
SVG = "http://www.w3.org/2000/svg"  # the XML namespace of the site's drawings, not an RDF one

# The registry is read with SH above (medkg/rdf/prefixes.py imports it from here).
from medkg.rdf.prefixes import prefixes  # noqa: E402

_REGISTRY = prefixes()
MEDKG = Namespace(_REGISTRY["medkg"])
KG = Namespace(_REGISTRY["kg"])
MKGSH = Namespace(_REGISTRY["mkgsh"])
QC = Namespace(_REGISTRY["qc"])
QUERY = Namespace(_REGISTRY["mkgq"])
BASE = str(KG).removesuffix("id/")  # https://w3id.org/medkg/
# Where the data's own nodes are minted (id/, claim/, quote/, note/, sentence/): each gets a page.
MINTED = tuple(_REGISTRY[p] for p in ("kg", "claim", "quote", "note", "sent"))
GRAPH = BASE + "graph"  # the named graph `medkg load` fills
GRAPHS = {part: f"{GRAPH}/{part}" for part in ("ontology", "shapes", "data")}  # a release's named graphs
DATASET = BASE + "dataset"
RELEASE = BASE + "release/"
