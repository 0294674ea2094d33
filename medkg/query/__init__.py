"""The query flow: the example catalogue, running it locally or on an endpoint, results and their
formats, the direct-layer projection, the summary of what the graph holds, the vocabulary's
table (vocab.py), and the graph as N-Triples for `medkg load` and `medkg serve` (run.ntriples).

May import: medkg.endpoint, medkg.io, medkg.rdf, medkg.worker, medkg.text_input, medkg.project_files, medkg.errors.
"""
