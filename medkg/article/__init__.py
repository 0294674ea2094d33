"""The source article: its text as the graph stores it (sync), its sentences, and quote anchors.

May import: medkg.rdf, medkg.text_input, medkg.project_files, medkg.errors.
"""
