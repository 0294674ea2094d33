"""validate --profile: the time each check of one validation took, named for people.

Each compiled Core constraint, SHACL-SPARQL constraint and QC check is one job in the engine's
thread pool (medkg/shacl/engine.py, Engine.run with profile); a job's seconds are its wall time
there, where the jobs share the machine's cores, so the seconds add up to more than the run took.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckTime:
    check: str  # "mkgsh:ClaimShape-quote sh:MinCountConstraintComponent", "... sh:sparql ...", "qc:NAME"
    seconds: float


def named(timings: list[tuple[tuple, float]], name: Callable, qc_names: list[str]) -> list[CheckTime]:
    """Outcome.timings with each job named: shape and component, shape and SPARQL constraint, or
    the QC check (`qc_names`: the names of the engine's `alongside` jobs, in their order)."""
    labels = {"core": lambda shape, component: f"{name(shape)} {name(component)}",
              "sparql": lambda shape, constraint: f"{name(shape)} sh:sparql {name(constraint)}",
              "pyshacl": lambda: "SHACL Core on pySHACL (one job)",
              "alongside": lambda i: f"qc:{qc_names[i]}"}
    return [CheckTime(labels[kind](*rest), seconds) for (kind, *rest), seconds in timings]


def slowest(times: list[CheckTime], n: int) -> tuple[list[CheckTime], float]:
    """The n slowest checks, slowest first (ties by name), and the summed seconds of all of them."""
    return sorted(times, key=lambda t: (-t.seconds, t.check))[:n], sum(t.seconds for t in times)


def render(times: list[CheckTime], n: int, elapsed: float | None = None) -> str:
    """The table `validate --profile N` prints on stderr."""
    top, total = slowest(times, n)
    lines = [f"The {len(top)} slowest of {len(times)} checks (wall seconds per job; the jobs share the cores):",
             f"{'seconds':>8}  {'share':>6}  check"]
    for t in top:
        lines.append(f"{t.seconds:8.3f}  {100 * t.seconds / total if total else 0:5.1f}%  {t.check}")
    said = f"; the checks ran in {elapsed:.3f} s" if elapsed is not None else ""
    lines.append(f"{total:8.3f}  100.0%  total, all {len(times)} checks{said}")
    return "\n".join(lines)
