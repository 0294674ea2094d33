"""RDF ground shared by every flow: the prefix registry, Turtle literals, SPARQL text handling, file
formats and media types (formats.py).

May import: medkg.project_files and medkg.errors only (never a flow package).
"""
