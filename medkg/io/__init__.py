"""File input: strict parsing of the Turtle files into a store, and file:line locations of nodes.

May import: medkg.rdf, medkg.project_files, medkg.errors.
"""
