"""`medkg serve`: the read-only Oxigraph server (oxigraph_server.py), the gateway in front of it
that checks every query and serves the site's files (gateway.py), content negotiation
(negotiate.py), and medkg's query editor at / (editor.html). cli.py's _serve builds the site and
the graph (medkg.site, medkg.query) and hands them to these.

May import: medkg.io, medkg.rdf, medkg.errors (never site or query: they are built first, then served).
"""
