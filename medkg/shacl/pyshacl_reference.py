"""The reference path: SHACL Core on pySHACL (`validate --engine pyshacl`, and wherever the
compiler in medkg/shacl/core.py meets a feature it does not know). The fast path is tested
against it.

Two pySHACL 0.40 behaviours are worked around by patching it, for the length of medkg's own call
only (_workarounds): each patch is undone when the call returns or raises, so any other user of
pySHACL in the process gets pySHACL as it is. Each is written up for upstream in docs/upstream/.
A third patch, for the call too, bounds the regular expressions rdflib's REGEX runs on Python's re
(_bounded_regex): not a pySHACL bug, but Python's re has no time bound.
"""

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from rdflib import BNode, Graph

from medkg.errors import ShapesRefused
from medkg.progress import Progress
from medkg.rdf.namespaces import SH
from medkg.shacl.constraint_result import ConstraintResult


def results(data_graph: Graph, shapes_graph: Graph) -> list[ConstraintResult]:
    """pySHACL's results, as the standard report gives them (sh:sourceShape as it is)."""
    import pyshacl  # 0.4 s to import: only for the reference engine
    from pyshacl.errors import ReportableRuntimeError, ShapeLoadError, ValidationFailure

    try:
        with _workarounds(), Progress("validating with pySHACL, the reference engine (about 15 s for data/)"):
            _, report, _ = pyshacl.validate(
                data_graph, shacl_graph=shapes_graph, inference="none", allow_warnings=True, allow_infos=True
            )
    except (ValidationFailure, ShapeLoadError, ReportableRuntimeError) as e:
        # Its first line: "Validation path too deep!" goes on with the whole path, thousands of lines.
        said = str(getattr(e, "message", e)).strip().splitlines() or [type(e).__name__]
        raise ShapesRefused(f"pySHACL cannot validate this: {said[0]}") from None
    except Exception as e:  # noqa: BLE001 - pySHACL stops on what it does not support (NotImplementedError
        # for $shapesGraph, rdflib's Exception for a prefix a query does not declare): one line, exit 2
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ShapesRefused(f"pySHACL stopped on these shapes ({type(e).__name__}: {first}); "
                            "the default engine (--engine oxigraph) may validate them") from None
    if not isinstance(report, Graph):  # pySHACL returns a ValidationFailure instead of raising, at times
        raise ShapesRefused(f"pySHACL cannot validate this: {getattr(report, 'message', report)}")
    found = []
    # Top-level results only: those nested under sh:detail explain a parent result already reported.
    for result in report.objects(None, SH.result):
        found.append(ConstraintResult(
            report.value(result, SH.sourceShape), report.value(result, SH.sourceConstraintComponent),
            report.value(result, SH.resultSeverity), report.value(result, SH.focusNode),
            _path(report, report.value(result, SH.resultPath), shapes_graph), report.value(result, SH.value),
            tuple(sorted(str(m) for m in report.objects(result, SH.resultMessage))),
        ))
    return found


# One medkg call into pySHACL at a time: the patches are process-wide while they last, and two
# overlapping calls would each restore what the other had patched.
_PATCHING = threading.RLock()


@contextmanager
def _workarounds() -> Iterator[None]:
    """pySHACL with medkg's two workarounds, for the length of the `with` block only."""
    import rdflib

    with _PATCHING, ExitStack() as undo:
        normalize = rdflib.NORMALIZE_LITERALS
        undo.callback(setattr, rdflib, "NORMALIZE_LITERALS", normalize)
        _keep_literals_as_written(undo)
        _give_each_result_its_value(undo)
        _bounded_regex(undo)
        yield


def _patch(undo: ExitStack, owner, name: str, replacement) -> None:
    """Set owner.name to `replacement` until `undo` closes, then put back exactly what was there."""
    missing = object()
    own = vars(owner).get(name, missing)  # a name a class only inherits is removed again, not copied down

    def restore():
        if own is missing:
            delattr(owner, name)
        else:
            setattr(owner, name, own)

    setattr(owner, name, replacement)
    undo.callback(restore)


def _keep_literals_as_written(undo: ExitStack) -> None:
    """pySHACL 0.40 turns rdflib's literal normalisation on for the whole process after reading
    the shapes (its rdflib_bool_unpatch sets rdflib.NORMALIZE_LITERALS = True, whatever it was):
    every graph built after the first call, the data graphs of the next calls and their copies
    included, then rewrites "2011-01-01"^^xsd:dateTime as "2011-01-01T00:00:00" and
    "none"^^xsd:boolean as "false", and reports them so (the W3C suite's datatype-001 and
    or-datatypes-001, run after any other case). Keep its boolean fix-up, not the normalisation.
    Upstream: docs/upstream/pyshacl-literal-normalisation.md."""
    import rdflib
    from pyshacl import entrypoints

    unpatch = entrypoints.rdflib_bool_unpatch

    def unpatch_keeping_literals():
        unpatch()
        rdflib.NORMALIZE_LITERALS = False

    _patch(undo, entrypoints, "rdflib_bool_unpatch", unpatch_keeping_literals)


def _bounded_regex(undo: ExitStack) -> None:
    """SPARQL's REGEX, as rdflib evaluates it under pySHACL (a SHACL-SPARQL constraint's sh:select,
    a SPARQL-based component), runs Python's re, which backtracks: `REGEX(?v, "^(a+)+$")` on 45 a's
    and a b held the interpreter past --timeout and Ctrl-C. The pattern may come from the data, so
    it is checked as it is evaluated: one over regex_check's bound (a quantifier inside a
    quantifier, more than 1,000 characters) stops the run, refused in one line (results() says
    "pySHACL stopped on these shapes (...)"), as sh:pattern is refused before any engine runs.
    Not a pySHACL bug: Python's re has no time bound (rdflib's parser element, patched for queries
    parsed during the call)."""
    from rdflib.plugins.sparql import operators, parser

    from medkg.rdf import regex_check

    original = parser.RegexExpression.evalfn

    def bounded(expr, ctx):
        try:
            pattern = str(operators.string(expr.pattern))
        except Exception:  # noqa: BLE001 - not a string: rdflib's own REGEX says what is wrong
            return original(expr, ctx)
        if len(pattern) > regex_check.MAX_LENGTH or regex_check.nested_quantifiers(pattern):
            why = regex_check.NESTED if len(pattern) <= regex_check.MAX_LENGTH else "longer than 1,000 characters"
            raise ShapesRefused(f"REGEX pattern {pattern[:80]!r}: {why}")
        return original(expr, ctx)

    _patch(undo, parser.RegexExpression, "evalfn", bounded)


def _give_each_result_its_value(undo: ExitStack) -> None:
    """SHACL 6.3: a result of a SPARQL-based constraint component's validator has the value node
    as sh:value, on a property shape too (an ASK validator's $value; a SELECT validator's ?value).
    pySHACL 0.40 leaves sh:value out on property shapes (for the DASH tests, its code says) unless a
    SELECT projects ?value. It runs a validator once per value node, with $value bound to it where
    the query names it: that node is the result's value. Its validators report it so here.
    Upstream: docs/upstream/pyshacl-sparql-component-value.md."""
    import re

    from pyshacl.constraints.sparql.sparql_based_constraint_components import (
        AskConstraintValidator,
        SelectConstraintValidator,
    )

    select, ask = SelectConstraintValidator.validate, AskConstraintValidator.validate

    def select_with_values(self, *args, **kwargs):
        found = select(self, *args, **kwargs)
        if not re.search(r"[?$]value\b", self.query_text):
            return found  # the query does not name the value node: not bound, no value to give
        return {(node, (vio[0], vio[1], node if vio[2] is None else vio[2]) if isinstance(vio, tuple) else vio)
                for node, vio in found}

    def ask_with_values(self, *args, **kwargs):
        # (node, False) is reported without a value on a property shape; (this, path, value) is not.
        return {(node, (None, None, node) if vio is False else vio) for node, vio in ask(self, *args, **kwargs)}

    _patch(undo, SelectConstraintValidator, "validate", select_with_values)
    _patch(undo, AskConstraintValidator, "validate", ask_with_values)


def _path(report: Graph, path, shapes: Graph):
    """The result's path as a node of the shapes graph: pySHACL copies a blank-node path into its
    report, and the shapes graph's own node is the one the other engine reports."""
    if path is None or not isinstance(path, BNode):
        return path
    from medkg.shacl.property_paths import same_path

    for candidate in shapes.objects(None, SH.path):
        if isinstance(candidate, BNode) and same_path(report, path, shapes, candidate):
            return candidate
    return path
