"""What validation reports, as the project's own checks build it: findings and reports are
medkg/shacl/finding.py's (one type for `medkg shacl` and `medkg validate`); make_finding gives a
check of the project's (the closed vocabulary, minted names, the article copy, QC) the same step
a shape's result takes, finding.locate.
"""

from medkg.io.parse import Source
from medkg.rdf.namespaces import SH
from medkg.shacl.constraint_result import ConstraintResult
from medkg.shacl.finding import RANK, SEVERITIES, Finding, Report, Terms, locate, names

__all__ = ["RANK", "SEVERITIES", "SH", "Finding", "Report", "Terms", "compactor", "make_finding"]


def make_finding(data: Source, compact, severity, focus, path, value, messages, shape, component) -> Finding:
    return locate(ConstraintResult(shape, component, severity, focus, path, value, tuple(messages)),
                  data.locations, compact)


def compactor():
    """The project's names: medkg's prefix registry (the files' prefixes are the registry's)."""
    return names()
