"""Remote SPARQL servers: queries (client.py, through SPARQLWrapper) and `medkg load` (load.py), every
request bounded in time and size; a failure is an EndpointError (exit code 3).

May import: medkg.query.results (the Results type answers arrive as), medkg.rdf, medkg.errors.
"""
