"""The query flow: the example catalogue, running it locally or on an endpoint, results and their
formats, the read-only Oxigraph server, and the summary of what the graph holds.

May import: medkg.io, medkg.rdf, medkg.paths, medkg.errors.
"""
