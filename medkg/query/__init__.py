"""The query flow: the example catalogue, running it locally or on an endpoint, results and their
formats, the direct-layer projection, and the summary of what the graph holds.

May import: medkg.endpoint, medkg.io, medkg.rdf, medkg.worker, medkg.project_files, medkg.errors.
"""
