"""SHACL for any data graph and any shapes graph: the engine behind `medkg shacl` and `medkg validate`.

engine.py runs it (Engine, compiled once and run on a store with a focus set and a thread pool;
check wraps it); finding.py makes each result a Finding at its file:line (locate) and
report_writer.py writes the report of either command (text, JSON, Turtle); core.py compiles each SHACL Core constraint component to SPARQL (its
registry COMPONENTS: sh:minCount, sh:class, ... one entry each); sparql_constraints.py runs
SHACL-SPARQL (prebinding.py writes a focus node into a query, as SHACL's pre-binding does);
property_paths.py reads sh:path; targets.py the targets; syntax_rules.py and patterns.py refuse
shapes no engine can run; pyshacl_reference.py is pySHACL, the reference engine;
constraint_result.py is what an engine finds; rdf_files.py reads RDF files of any format.

May import: medkg.io, medkg.rdf, medkg.progress, medkg.project_files, medkg.errors (never validate or a flow package).
"""
