"""What the SHACL engines find: one result per failure of one constraint, as RDF terms."""

from dataclasses import dataclass

from rdflib.term import Node


@dataclass(frozen=True)
class ConstraintResult:
    """One failure of one constraint, as the engines find it (SHACL Core compiled, or SHACL-SPARQL):
    rdflib terms, before they are placed in a file and written for people."""

    shape: Node
    component: Node
    severity: Node
    focus: Node
    path: Node | None
    value: Node | None
    messages: tuple[str, ...]
