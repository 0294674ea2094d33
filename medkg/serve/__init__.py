"""`medkg serve`: the gateway that checks every request and serves the site's files (gateway.py,
with the HTTP protocol's head limits in http_limits.py), the query workers behind it, processes on
pipes with no port (query_engine.py starts them, query_worker.py is one), content negotiation
(negotiate.py), medkg's query editor at / (editor.html, yasgui/), and a read-only Oxigraph server
(oxigraph_server.py) for the benchmarks and the tests of `--endpoint`. cli.py's _serve builds the
site and the graph (medkg.site, medkg.query) and hands them to these.

May import: medkg.io, medkg.rdf, medkg.errors (never site or query: they are built first, then served).
"""
