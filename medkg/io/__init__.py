"""File input and output: strict parsing of the Turtle files into a store (parse.py), file:line
locations of nodes (locations.py), and output folders replaced whole (folders.py).

May import: medkg.rdf, medkg.project_files, medkg.errors.
"""
