"""The validation flow curators run: the data against the shapes on the SHACL engine (medkg.shacl,
which also places each finding at its file:line and writes the reports), the project's own checks
(QC, the closed vocabulary, minted names, the article copy), --profile (check_profile.py: the
slowest checks), --changed (changed_nodes.py: the git
diff; changed_cache.py: the persistent store), mutation testing of the shapes, the same checks on a
SPARQL server (on_endpoint.py, validate --endpoint), live validation (watch.py, with edited_region.py,
class_targets.py and check_reads.py), and the generators of shapes from declarations
(property_constraints.py) and of the registries' patterns (registry_patterns.py).

May import: medkg.shacl, medkg.io, medkg.rdf, medkg.progress, medkg.project_files, medkg.errors,
medkg.endpoint (the bounded client, for --endpoint) (never query, release or article).
"""
