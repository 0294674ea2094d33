"""SHACL for any data graph and any shapes graph: the engine behind `medkg shacl` and `medkg validate`.

engine.py runs it (check); core.py compiles each SHACL Core constraint component to SPARQL (its
registry COMPONENTS: sh:minCount, sh:class, ... one entry each); sparql_constraints.py runs
SHACL-SPARQL (prebinding.py writes a focus node into a query, as SHACL's pre-binding does);
property_paths.py reads sh:path; targets.py the targets; syntax_rules.py and patterns.py refuse
shapes no engine can run; pyshacl_reference.py is pySHACL, the reference engine;
constraint_result.py is what an engine finds; report.py reads `medkg shacl`'s RDF files and
writes its reports.

May import: medkg.io, medkg.rdf, medkg.progress, medkg.project_files, medkg.errors (never validate or a flow package).
"""
