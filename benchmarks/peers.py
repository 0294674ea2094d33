"""Other SHACL engines on today's shapes, side by side with medkg, speed and correctness in one run.

    python benchmarks/peers.py [--sizes 10k,100k] [--cut 600]      (make bench-peers installs the peers)

Each engine validates the same synthetic graph (benchmarks/generate.py, seed 1, two injected
violations of each of the five kinds) against the same shapes (`medkg export`'s shapes file),
with the ontology in the data graph, as a whole process with a time cut. Correctness is read
from each engine's standard validation report (Turtle): the focus nodes it reports beside the
nodes the generator injected a violation into (expected-violations.tsv), so a fast engine that
reports the wrong nodes shows as such. The results merge into results.json (group "peers") and
benchmarks/RESULTS.md.

The peers: Apache Jena's `shacl validate` (Debian's libapache-jena-java, through
benchmarks/jena.py), the Rust engines on PyPI `shacl` and `pyrudof` (in their own virtual
environment, .venv-peers, so that the project never depends on them), and pySHACL (the
project's reference engine) at 10k only: it needs minutes beyond that.
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
RUST_ENGINES = {"shacl 0.3.4 (Rust, PyPI)": "rust-shacl", "pyrudof 0.3.35 (Rust, PyPI)": "pyrudof"}


def run_engine(engine: str, data: str, shapes: str) -> None:
    """Run one Rust peer in this process (the peers' virtual environment) and print its report as Turtle."""
    if engine == "rust-shacl":
        import shacl

        report = shacl.Shapes.from_file(shapes).validate_file(data)
        sys.stdout.write(report.turtle() if callable(getattr(report, "turtle", None)) else report.serialize("turtle"))
    elif engine == "pyrudof":
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(data)
        rudof.read_shacl(shapes)
        rudof.validate_shacl()
        sys.stdout.write(rudof.serialize_shacl_validation_results(pyrudof.ResultShaclValidationFormat.Turtle))
    else:
        raise SystemExit(f"unknown engine {engine}")


def focus_nodes(report: bytes) -> set[str] | None:
    """The IRIs of the focus nodes of a Turtle validation report (None: not a report we can read)."""
    import pyoxigraph as ox

    try:
        quads = list(ox.parse(report, format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        return None
    return {q.object.value for q in quads
            if q.predicate.value == "http://www.w3.org/ns/shacl#focusNode" and isinstance(q.object, ox.NamedNode)}


def expected_nodes(folder: Path) -> set[str]:
    from benchmarks.generate import PREFIXES

    prefixes = {line.split()[1][:-1]: line.split()[2][1:-1] for line in PREFIXES.splitlines() if line.startswith("@prefix")}
    nodes = set()
    for line in (folder / "expected-violations.tsv").read_text(encoding="utf-8").splitlines():
        prefix, _, local = line.split("\t")[2].partition(":")  # kind, shape, node
        nodes.add(prefixes[prefix] + local)
    return nodes


def correctness(found: set[str] | None, expected: set[str]) -> dict:
    if found is None:
        return {"report": "unreadable"}
    return {"expected_found": len(found & expected), "expected": len(expected), "other_focus_nodes": len(found - expected)}


def graph(size: str) -> tuple[Path, Path]:
    """(folder, data + ontology as one Turtle file) of the size's graph with injected violations."""
    from benchmarks.generate import generate
    from benchmarks.run import DATA, SIZES, jena_data, made_by_today, merged_data, model_files

    folder = DATA / f"{size}-violations"
    if not made_by_today(folder) or not (folder / "expected-violations.tsv").exists():
        generate(SIZES[size], folder, seed=1, violations=2)
    return folder, jena_data(merged_data(folder), model_files(), f"{size}-violations")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "engine":  # one Rust peer, in the peers' environment
        run_engine(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--cut", type=int, default=600, help="seconds before a run is stopped")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.jena import command as jena_command
    from benchmarks.report import write_markdown
    from benchmarks.run import PY, load_averages, measure, model_files

    results = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
    fresh = []
    shapes = model_files() / "medkg-shapes.ttl"
    for size in [s for s in args.sizes.split(",") if s]:
        folder, data = graph(size)
        expected = expected_nodes(folder)
        engines = {
            "python validate.py (syntax, SHACL, QC, file:line)": [PY, "validate.py", str(folder), "--format", "turtle"],
            "medkg shacl (engine only)": [PY, "-m", "medkg.cli", "shacl", "--shapes", str(shapes), str(data), "--format", "turtle"],
        }
        jena = jena_command(HERE / "data")
        if jena:
            engines["Apache Jena shacl validate"] = jena + ["validate", "--shapes", str(shapes), "--data", str(data)]
        if PEERS_PYTHON.exists():
            for name, engine in RUST_ENGINES.items():
                engines[name] = [str(PEERS_PYTHON), str(Path(__file__).resolve()), "engine", engine, str(data), str(shapes)]
        if size == "10k":
            engines["pySHACL 0.40 CLI"] = [str(Path(PY).parent / "pyshacl"), "-s", str(shapes), "-i", "none", "-f", "turtle", str(data)]
        for name, command in engines.items():
            m = measure(command, 1, timeout=args.cut)
            if "cut" not in m:
                m.update(correctness(focus_nodes(m.pop("stdout").encode()), expected))
            entry = {"group": "peers", "name": name, "size": size, **m, "load": load_averages()}
            fresh.append(entry)
            print(json.dumps(entry), flush=True)
        missing = [n for n in ("Apache Jena shacl validate", *RUST_ENGINES) if n not in engines]
        if missing:
            print(f"not measured (not installed: make bench-peers): {', '.join(missing)}", file=sys.stderr)
    keys = {(m["group"], m["name"], m["size"]) for m in fresh}
    results["measurements"] = [m for m in results["measurements"] if (m["group"], m["name"], m["size"]) not in keys] + fresh
    results["partial_runs"] = [r for r in results.get("partial_runs", []) if r["only"] != "peers"] + [
        {"only": "peers", "sizes": args.sizes.split(","), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}]
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_markdown(results, HERE / "RESULTS.md")


if __name__ == "__main__":
    main()
