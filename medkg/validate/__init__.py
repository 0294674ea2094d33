"""The validation flow curators run: the data against the shapes on the SHACL engine (medkg.shacl),
the QC checks, file:line of each finding, --changed (changed_nodes.py: the git diff;
changed_cache.py: the persistent store), reports, mutation testing of the shapes, and the same checks
on a SPARQL server (on_endpoint.py, validate --endpoint).

May import: medkg.shacl, medkg.io, medkg.rdf, medkg.progress, medkg.project_files, medkg.errors,
medkg.endpoint (the bounded client, for --endpoint) (never query, release or article).
"""
