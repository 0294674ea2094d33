"""`medkg site`: the static site, one page per node of the graph, with its Turtle and JSON-LD.

build.py writes it; answers.py asks the catalogue's queries; claims.py, graph.py, describe.py,
article.py and chart.py read the graph for the pages.

May import: medkg.query, medkg.release, medkg.validate (the QC checks' words), medkg.io, medkg.rdf,
medkg.project_files, medkg.errors (never medkg.serve: serving is built on the site, not the reverse).
"""
