"""The release flow: byte-stable export files, JSON-LD, VoID/DCAT metadata, and diffs between versions.

May import: medkg.query (results and their rendering), medkg.validate.changed_nodes (git revisions),
medkg.io, medkg.rdf, medkg.project_files, medkg.errors.
"""
