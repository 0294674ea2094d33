"""`medkg serve`: the read-only Oxigraph server (oxigraph_server.py), the gateway in front of it
that checks every query and serves the site (gateway.py), and content negotiation (negotiate.py).

May import: medkg.site, medkg.query, medkg.io, medkg.rdf, medkg.errors.
"""
