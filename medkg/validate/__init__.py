"""The validation flow: the data against the shapes (SHACL Core compiled to SPARQL, SHACL-SPARQL,
the QC checks), --changed on a persistent store, reports, and mutation testing of the shapes.

May import: medkg.io, medkg.rdf, medkg.paths, medkg.errors (never query, release or article).
"""
