"""Benchmarks: how each part's cost grows with the graph, beside the tool a user would otherwise use.

    make bench                      # or: python benchmarks/run.py [--sizes 10k,100k,1M] [--runs 3]
    python benchmarks/run.py --only diff --sizes 100k,1M   # one group, merged into the last results
    python benchmarks/run.py --only validation --sizes 100k,1M --baseline REV   # and the code at REV (on its generator's graph), same run
    python benchmarks/run.py --only site --sizes 1M   # the site of the shipped graph and of 10k drugs
    python benchmarks/run.py --only endpoint --sizes 100k --runs 1   # validate --endpoint on Oxigraph and Virtuoso
    python benchmarks/run.py --only serve             # 200 clients at once through medkg serve (benchmarks/serve_load.py)
    python benchmarks/run.py --only watch --sizes 100k,1M   # validate --watch: 20 one-drug saves each
    python benchmarks/run.py --only queries --sizes 1M   # the catalogue: Python rows, streamed CSV, the server

Every measurement is a whole process where a user would run one (a cold CLI), at least --runs
times, reporting median, min, max and peak memory (the process's maximum resident set); query
latency is measured in-process (5 timed runs per query after a warm-up, in a process of its own).
Writes benchmarks/results.json and benchmarks/RESULTS.md. Nothing here is a test.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from benchmarks.jena import command as jena_command  # noqa: E402
from benchmarks.jena import version as jena_version  # noqa: E402

PY = sys.executable
BIN = Path(sys.executable).parent
SIZES = {"10k": 100, "100k": 1000, "1M": 10000, "10M": 100000}
DATA = HERE / "data"
# Bare pySHACL runs each SHACL-SPARQL constraint once per focus node on rdflib: on this model
# it needs 14 s for the shipped graph and over 11 minutes for 10k triples. Cut it, and do not
# start it on a larger size once it has been cut.
PYSHACL_CUT = 300
RDFLIB_CUT = 180


def run_process(cmd, timeout=None, cwd=ROOT, env=None):
    """(seconds, peak MB, return code, stdout); seconds is None when cut at `timeout`."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if timer:
        timer.cancel()
    killed = os.WIFSIGNALED(status)
    return (None if killed else elapsed), usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out


def measure(cmd, runs, timeout=None, cwd=ROOT, env=None, before=None):
    """`before(i)`, if given, runs ahead of run i, untimed (a fresh edit for --changed)."""
    times, peaks, out = [], [], b""
    for i in range(runs):
        if before:
            before(i)
        seconds, peak, code, out = run_process(cmd, timeout, cwd, env)
        if seconds is None:
            return {"cut": timeout, "peak_mb": round(peak), "runs": len(times) + 1}
        if code not in (0, 1):
            raise RuntimeError(f"{' '.join(map(str, cmd))} exited {code}")
        times.append(seconds)
        peaks.append(peak)
    return {"median": round(statistics.median(times), 3), "min": round(min(times), 3), "max": round(max(times), 3),
            "peak_mb": round(max(peaks)), "runs": runs, "stdout": out.decode(errors="replace").strip()}


def made_by_today(folder: Path, code: Path = ROOT) -> bool:
    """Whether the graph in `folder` was made by `code`'s generate.py as it is now; if not, its
    stamp is made ready for the new one and the files merged from the old one are removed. A graph
    made once and kept went on being measured after the generator changed (the peers' 10k graph
    of 07:49 gave 397 findings the generator of 15:00 no longer makes)."""
    import hashlib

    stamp = folder.parent / f".{folder.name}.generator-sha256"
    today = hashlib.sha256((code / "benchmarks" / "generate.py").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == today and folder.exists():
        return True
    shutil.rmtree(folder, ignore_errors=True)
    for merged in (folder.parent / f"{folder.name}.nt", folder.parent / f"{folder.name}-with-ontology.ttl"):
        merged.unlink(missing_ok=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(today)
    return False


def prepare(size: str, code: Path | None = None, name: str | None = None) -> Path:
    """The synthetic graph of one size, in a git repository (for --changed), made once by each
    version of the generator; with `code` (a checkout), by that checkout's own
    benchmarks/generate.py into DATA/`name`."""
    folder = DATA / (name or size)
    if not made_by_today(folder, code or ROOT) or not (folder / ".git").exists():
        shutil.rmtree(folder, ignore_errors=True)
        if code is None:
            generate(SIZES[size], folder, seed=1)
        else:
            subprocess.run([PY, str(code / "benchmarks" / "generate.py"), "--drugs", str(SIZES[size]), "--out", str(folder),
                            "--seed", "1"], cwd=code, check=True, capture_output=True)
        (folder / "expected-violations.tsv").unlink(missing_ok=True)
        for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@medkg", "commit", "-qm", "synthetic"]):
            subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)
    return folder


def model_files() -> Path:
    """Shapes and ontology as one file each, for bare pySHACL and the peers: exported again whenever
    ontology/ changed since the last export, so that every engine runs today's shapes."""
    import hashlib

    folder = DATA / "model"
    source = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "ontology").rglob("*.ttl")))).hexdigest()
    stamp = folder / ".ontology-sha256"
    if not stamp.exists() or stamp.read_text() != source:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([PY, "-m", "medkg.cli", "export", "--format", "ttl", "-o", str(folder)], cwd=ROOT, check=True, capture_output=True)
        stamp.write_text(source)
        for stale in DATA.glob("*-with-ontology.ttl"):  # data + the old ontology
            stale.unlink()
    return folder


def merged_data(folder: Path) -> Path:
    """The size's data as one N-Triples file, for bare pySHACL (one data file per run)."""
    path = folder.parent / f"{folder.name}.nt"
    if not path.exists():
        import pyoxigraph as ox

        store = ox.Store()
        for f in sorted(folder.glob("*.ttl")):
            store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE)
        store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return path


def triples_in(folder: Path) -> int:
    from medkg.io.parse import load

    return len(load([folder]).triples)


def edit_one_drug(folder: Path):
    """A curator's edit: (edit(i), undo), where edit(i) gives one drug's label a new wording, so
    that each run finds a file it has not seen (and the persistent store must be updated)."""
    path = folder / "drugs-0000000.ttl"
    original = path.read_text(encoding="utf-8")

    def edit(i: int) -> None:
        path.write_text(original.replace('"synthetic drug 7"@en', f'"synthetic drug seven, edit {i}"@en', 1),
                        encoding="utf-8")

    return edit, lambda: path.write_text(original, encoding="utf-8")


def jena_data(data_file: Path, shapes: Path, name: str) -> Path:
    """Data and ontology as one file, for Jena's single --data."""
    path = DATA / f"{name}-with-ontology.ttl"
    if not path.exists():
        # Turtle files (N-Triples is Turtle) concatenate into one valid Turtle file.
        path.write_bytes(data_file.read_bytes() + b"\n" + (shapes / "medkg-ontology.ttl").read_bytes())
    return path


def bench(sizes: list[str], runs: int) -> dict:
    results = {"measurements": [], "sizes": {}, "profiles": {}}

    def record(group, name, size, value, **extra):
        results["measurements"].append({"group": group, "name": name, "size": size, **value, **extra})
        shown = value.get("median", f"cut at {value.get('cut')} s")
        print(f"{group:<14} {name:<34} {size:>7}  {shown}", flush=True)

    # The shipped graph: the curator's command, cold, and every catalogue query on each engine.
    record("validate", "python validate.py (cold)", "shipped", measure([PY, "validate.py"], runs))
    _site(record, "shipped", None, runs)
    _queries(record, "shipped", ROOT / "data", ("oxigraph", "rdflib", "server"))
    _serve(record, runs)

    shapes = model_files()

    def bare_pyshacl(data_file):
        return [str(BIN / "pyshacl"), "-s", str(shapes / "medkg-shapes.ttl"), "-e", str(shapes / "medkg-ontology.ttl"),
                "-i", "none", "-f", "human", str(data_file)]

    record("validation", "bare pyshacl CLI", "shipped", measure(bare_pyshacl(shapes / "medkg-data.ttl"), runs, timeout=PYSHACL_CUT))
    pyshacl_cut = None
    jena = jena_command(DATA)
    if jena:
        record("validation", "Apache Jena shacl validate", "shipped",
               measure(jena + ["validate", "--shapes", str(shapes / "medkg-shapes.ttl"), "--data",
                               str(jena_data(shapes / "medkg-data.ttl", shapes, "shipped"))], runs))
    for size in sizes:
        folder = prepare(size)
        results["sizes"][size] = triples_in(folder)
        record("parse", "rdflib Graph.parse", size, measure([PY, str(HERE / "tasks.py"), "parse-rdflib", str(folder)], runs))
        record("parse", "pyoxigraph Store.bulk_load", size, measure([PY, str(HERE / "tasks.py"), "parse-oxigraph", str(folder)], runs))
        full = measure([PY, "validate.py", str(folder)], runs)
        record("validation", "python validate.py", size, full)
        results["profiles"][size] = profile(folder)
        if pyshacl_cut:
            record("validation", "bare pyshacl CLI", size, {"cut": PYSHACL_CUT, "peak_mb": 0, "runs": 0},
                   note=f"not started: already cut at {pyshacl_cut}")
        else:
            bare = measure(bare_pyshacl(merged_data(folder)), runs, timeout=PYSHACL_CUT)
            record("validation", "bare pyshacl CLI", size, bare)
            pyshacl_cut = size if "cut" in bare else None
        if jena:
            record("validation", "Apache Jena shacl validate", size,
                   measure(jena + ["validate", "--shapes", str(shapes / "medkg-shapes.ttl"), "--data",
                                   str(jena_data(merged_data(folder), shapes, size))], runs))
        changed = [PY, "validate.py", str(folder), "--changed"]
        shutil.rmtree(folder / ".medkg_cache", ignore_errors=True)
        record("validation", "validate --changed, first run (fills .medkg_cache)", size, measure(changed, 1))
        edit, undo = edit_one_drug(folder)
        try:
            record("validation", "validate --changed (one drug)", size, measure(changed, runs, before=edit))
        finally:
            undo()
        _watch(record, size, folder)
        # rdflib's slowest catalogue queries take seconds on the shipped graph and grow faster
        # than the graph: it runs at 10k triples only, cut at RDFLIB_CUT seconds.
        _queries(record, size, folder, ("oxigraph", "stream", "server", "rdflib") if size == "10k" else ("oxigraph", "stream", "server"))
        with tempfile.TemporaryDirectory() as out:
            record("export", "medkg export (all formats)", size,
                   measure([PY, "-m", "medkg.cli", "export", "--data", str(folder), "-o", out + "/dist"], runs))
        _diff(record, size, folder, runs)
        _site(record, size, folder, runs)
        _endpoint(record, size, folder, runs)
    return results


def _diff(record, size: str, folder: Path, runs: int) -> None:
    """medkg diff between the graph and a copy with one drug's label edited: both sides are read,
    and every claim and entity compared."""
    edited = DATA / f"{size}-edited"
    if not edited.exists():
        shutil.copytree(folder, edited, ignore=shutil.ignore_patterns(".git", ".medkg_cache"))
        edit, _ = edit_one_drug(edited)
        edit(0)
    record("diff", "medkg diff (one drug edited)", size,
           measure([PY, "-m", "medkg.cli", "diff", str(folder), str(edited)], runs))


WATCH_EDITS = 20


def _watch(record, size: str, folder: Path, edits: int = WATCH_EDITS) -> None:
    """`medkg validate --watch` as a curator runs it: the real command on the graph, then `edits`
    one-drug saves, each timed from the moment the file is written to the moment the report's status
    line is read (watchfiles' wait, the re-validation, the printing), and the time the watcher itself
    says it spent; median and p95 (nearest rank) of each. Every status line must say that nothing
    appeared or disappeared (the edit keeps the graph conforming, as a full run says)."""
    import queue
    import re
    import signal

    process = subprocess.Popen([PY, "-m", "medkg.cli", "validate", "--watch", str(folder)], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = queue.Queue(), queue.Queue()
    for stream, into in ((process.stdout, out), (process.stderr, err)):
        threading.Thread(target=lambda s=stream, q=into: [q.put(line.rstrip("\n")) for line in s], daemon=True).start()

    def wait_for(lines: queue.Queue, text: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if text in line:
                return line
        raise RuntimeError(f"validate --watch said no {text!r} within {seconds:g} s")

    started = time.perf_counter()
    edit, undo = edit_one_drug(folder)
    saved, spent, statuses, extra = [], [], [], 0
    try:
        wait_for(err, "medkg: watching", 3600)
        startup = time.perf_counter() - started
        for i in range(edits):
            edit(i)
            written = time.perf_counter()
            status = wait_for(out, " appeared, ", 120)
            saved.append(time.perf_counter() - written)
            spent.append(int(re.search(r"(\d+) ms\)$", status).group(1)) / 1000)
            statuses.append(status)
            try:  # a second event for the same save (a write in two parts) is answered before the next save
                while True:
                    if " appeared, " in out.get(timeout=0.3):
                        extra += 1
            except queue.Empty:
                pass
    finally:
        undo()
        process.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(process.pid, 0)
    clean = all(" 0 appeared, 0 disappeared" in s for s in statuses)
    if not clean:
        raise RuntimeError("validate --watch reported findings on a conforming edit: " + "; ".join(statuses))

    def stats(values):
        ordered = sorted(values)
        return {"median": round(statistics.median(values), 4), "p95": round(ordered[-(-95 * len(values) // 100) - 1], 4),
                "min": round(ordered[0], 4), "max": round(ordered[-1], 4), "peak_mb": round(usage.ru_maxrss / 1024),
                "runs": len(values)}

    note = f"start-up {startup:.1f} s; {extra} second events for one save" if extra else f"start-up {startup:.1f} s"
    record("validation", "validate --watch: save to report (one drug)", size, stats(saved), startup_s=round(startup, 1), note=note)
    record("validation", "validate --watch: re-validation in the watcher (one drug)", size, stats(spent))


def _site(record, size: str, folder: Path | None, runs: int) -> None:
    """medkg site: the whole static site (a page, a .ttl and a .jsonld per minted IRI, and the release
    files), cold CLI. The command prints its page count and size; the time per page is the median
    over the pages."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [PY, "-m", "medkg.cli", "site", "-o", out + "/site"] + (["--data", str(folder)] if folder else [])
        value = measure(cmd, runs)
        words = value["stdout"].split()  # "<folder>: N pages, F files, S MB; open ..."
        pages, files, megabytes = int(words[1]), int(words[3]), float(words[5])
        record("site", "medkg site", size, value, pages=pages, files=files, mb=megabytes,
               ms_per_page=round(1000 * value["median"] / pages, 2),
               note=f"{pages} pages ({files} files), {megabytes} MB, {1000 * value['median'] / pages:.2f} ms a page")


ENDPOINT_GRAPH = "urn:medkg:bench"


# Virtuoso at 1M may take long: a run past this is recorded as cut, not waited for.
VIRTUOSO_CUT = 900


def _endpoint(record, size: str, folder: Path, runs: int) -> None:
    """`medkg validate --endpoint` (cold CLI, every query over HTTP) on a read-only Oxigraph server and
    on a throwaway Virtuoso (tests/virtuoso_instance.py; left out, saying so, where it is not
    installed), each holding the graph and the ontology. Loading is not timed. Each row has the
    queries the run sent and the findings it reported (read from its JSON report)."""
    from medkg.endpoint.load import put_graph
    from medkg.io.parse import load, load_ontology
    from medkg.serve.oxigraph_server import ReadOnlyServer
    from tests import virtuoso_instance

    body = "".join(f"{t} .\n" for t in sorted(set(load([folder]).triples + load_ontology().triples), key=str)).encode()
    validate = [PY, "-m", "medkg.cli", "validate", "--format", "json", "--timeout", "600", "--endpoint"]
    with ReadOnlyServer(body, timeout_s=600) as server:
        record("endpoint", "validate --endpoint (Oxigraph server)", size,
               _endpoint_run(measure(validate + [server.url], runs)), load=load_averages())
    why = virtuoso_instance.missing()
    if why:
        print(f"endpoint: Virtuoso left out: {why}", flush=True)
        return
    with virtuoso_instance.VirtuosoInstance() as virtuoso:
        put_graph(virtuoso.graph_store, ENDPOINT_GRAPH, body, timeout=1800)
        record("endpoint", "validate --endpoint (Virtuoso)", size,
               _endpoint_run(measure(validate + [virtuoso.sparql, "--graph", ENDPOINT_GRAPH], runs, timeout=VIRTUOSO_CUT)),
               load=load_averages())


def _endpoint_run(m: dict) -> dict:
    """The measurement with the queries sent and the findings reported, from the run's JSON report."""
    if "stdout" not in m:
        return m
    report = json.loads(m.pop("stdout"))
    sent = next((re.match(r"(\d+) queries on", n) for n in report.get("notes", []) if re.match(r"\d+ queries on", n)), None)
    return {**m, "findings": len(report["findings"]), **({"queries": int(sent.group(1))} if sent else {})}


def load_averages() -> str:
    """The machine's load averages (1, 5, 15 minutes) as a measurement ends: it is shared."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


PROFILE_ROWS = 10
# A row of `validate --profile` (medkg/validate/check_profile.py, render): seconds, share, check.
_PROFILE_ROW = re.compile(r"^\s*(\d+\.\d+)\s+(\d+\.\d)%\s+(.+)$")
_PROFILE_TOTAL = re.compile(r"^\s*(\d+\.\d+)\s+100\.0%\s+total, all (\d+) checks; the checks ran in (\d+\.\d+) s$")


def profile(folder: Path, code: Path = ROOT) -> dict:
    """One more `validate.py DIR --profile 10`, not timed: its ten slowest checks (each job's wall
    time in the pool, where the jobs share the cores), the summed seconds of all checks, how many
    there were and how long the pool took, and the machine's load as it ended."""
    done = subprocess.run([PY, str(code / "validate.py"), str(folder), "--profile", str(PROFILE_ROWS)], cwd=code,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"validate.py {folder} --profile exited {done.returncode}: {done.stderr.strip()[-500:]}")
    rows, total = [], None
    for line in done.stderr.splitlines():
        if m := _PROFILE_TOTAL.match(line):
            total = m
        elif m := _PROFILE_ROW.match(line):
            rows.append({"check": m.group(3), "seconds": float(m.group(1)), "share": float(m.group(2))})
    if total is None:
        raise RuntimeError(f"validate.py {folder} --profile printed no total line")
    return {"rows": rows, "total_seconds": float(total.group(1)), "checks": int(total.group(2)),
            "pool_seconds": float(total.group(3)), "load": load_averages(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def _validation(record, size: str, folder: Path, runs: int, code: Path = ROOT, label: str = "", profiles: dict | None = None) -> None:
    """Full validation and `--changed` after one drug's edit, with the medkg of `code` (a checkout:
    `python validate.py` there imports its own medkg first); with `profiles`, one more run with
    --profile (today's code only: the option is new) into profiles[size]. The full run's row keeps
    its verdict line ("conforms (11 files, N triples checked ...)") and the graph's triples from it."""
    script = str(code / "validate.py")
    full = measure([PY, script, str(folder)], runs, cwd=code)
    verdict = full.get("stdout", "").splitlines()[-1:]
    triples = re.search(r"(\d+) triples", verdict[0]) if verdict else None
    record("validation", f"python validate.py{label}", size, full, load=load_averages(),
           **({"triples": int(triples.group(1))} if triples else {}), **({"verdict": verdict[0]} if verdict else {}))
    if profiles is not None:
        profiles[size] = profile(folder, code)
    changed = [PY, script, str(folder), "--changed"]
    shutil.rmtree(folder / ".medkg_cache", ignore_errors=True)
    record("validation", f"validate --changed, first run (fills .medkg_cache){label}", size, measure(changed, 1, cwd=code))
    edit, undo = edit_one_drug(folder)
    try:
        record("validation", f"validate --changed (one drug){label}", size, measure(changed, runs, before=edit, cwd=code))
    finally:
        undo()
        shutil.rmtree(folder / ".medkg_cache", ignore_errors=True)  # the two versions' caches differ


def bench_only(group: str, sizes: list[str], runs: int, baseline: str | None = None, note: str = "") -> dict:
    """One group of measurements, merged into the last full run's results (the rest kept as they were).
    With `baseline` (validation only), the code at that git revision is measured too, in the same run."""
    if group not in ("diff", "validation", "site", "endpoint", "serve", "watch", "queries"):
        raise SystemExit(f"--only {group}: only 'diff', 'validation', 'site', 'endpoint', 'serve', 'watch' and 'queries' "
                         "can be measured on their own")
    results = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
    fresh = []
    profiles = results.setdefault("profiles", {})  # the latest profile of each size stands

    def record(group, name, size, value, **extra):
        fresh.append({"group": group, "name": name, "size": size, **value, **extra})
        print(f"{group:<14} {name:<34} {size:>7}  {value.get('median')}", flush=True)

    if group == "site":
        _site(record, "shipped", None, max(runs, 5))  # seconds each: five runs cost little
    if group == "serve":
        _serve(record, runs)
        sizes = []  # the shipped graph only: the gateway's cost is per request, not per triple
    with tempfile.TemporaryDirectory() as work:
        code = None
        if baseline:
            code = Path(work) / "baseline"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(code), baseline],
                           check=True, capture_output=True)
        try:
            for size in sizes:
                folder = prepare(size)
                if group == "diff":
                    _diff(record, size, folder, runs)
                    continue
                if group == "site":
                    _site(record, size, folder, runs)
                    continue
                if group == "endpoint":
                    _endpoint(record, size, folder, runs)
                    continue
                if group == "watch":
                    _watch(record, size, folder)
                    continue
                if group == "queries":  # the catalogue in-process, streamed by pyoxigraph, and on the server
                    _queries(record, size, folder, ("oxigraph", "stream", "server"))
                    continue
                if code:
                    # The code at `baseline` on the graph its own generator makes: the model has
                    # grown since (identifiers, evidence, the article's sentences), and each version
                    # accepts only its own graph. On today's graph the code of c226df3 reported 8,000
                    # findings at 100k, and spent minutes writing 80,000 at 1M: another job.
                    own = prepare(size, code, f"{size}-at-{baseline}")
                    _validation(record, size, own, runs, code, f" (at {baseline})")
                _validation(record, size, folder, runs, profiles=profiles)
        finally:
            if code:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(code)], capture_output=True)
    keys = {(m["group"], m["name"], m["size"]) for m in fresh}
    results["measurements"] = [m for m in results["measurements"] if (m["group"], m["name"], m["size"]) not in keys] + fresh
    earlier = [r for r in results.get("partial_runs", []) if r["only"] != group]  # the latest run of a group stands
    results["partial_runs"] = earlier + [
        {"only": group, "sizes": sizes, "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
         **({"runs": runs, "note": note} if note else {}), **({"baseline": baseline} if baseline else {})}]
    return results


def _serve(record, runs: int) -> None:
    """CLIENTS light queries at once through `medkg serve`, `runs` rounds: p50 and p99 latency, failures."""
    from benchmarks.serve_load import CLIENTS, load_run

    record("serve", f"medkg serve, {CLIENTS} clients at once (ASK)", "shipped", load_run(CLIENTS, runs))


def _queries(record, size: str, folder: Path, engines) -> None:
    for engine in engines:
        if engine == "server":
            q = _server_queries(folder)
        else:
            q = measure([PY, str(HERE / "tasks.py"), "queries", engine, str(folder)], 1,
                        timeout=RDFLIB_CUT if engine == "rdflib" else 600)
        label = {"oxigraph": "pyoxigraph", "stream": "pyoxigraph streamed CSV", "rdflib": "rdflib", "server": "Oxigraph server"}[engine]
        if "cut" in q:
            record("queries", f"catalogue on {label}", size, q)
        else:
            record("queries", f"catalogue on {label} (slowest query)", size, _slowest(q), per_query=json.loads(q.pop("stdout")))


def _server_queries(folder: Path) -> dict:
    from medkg.io.parse import load, load_ontology
    from medkg.serve.oxigraph_server import ReadOnlyServer

    triples = load([folder]).triples + load_ontology().triples
    body = "".join(f"{t} .\n" for t in triples).encode("utf-8")
    with ReadOnlyServer(body) as server:
        return measure([PY, str(HERE / "tasks.py"), "queries", "server", str(folder), server.url], 1)


def _slowest(q: dict) -> dict:
    per_query = json.loads(q["stdout"])
    name = max(per_query, key=lambda n: per_query[n]["median"])
    return {"median": round(per_query[name]["median"] / 1000, 5), "min": round(per_query[name]["min"] / 1000, 5),
            "max": round(per_query[name]["max"] / 1000, 5), "peak_mb": q["peak_mb"], "query": name, "runs": 5}


def environment() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib
    import SPARQLWrapper

    oxigraph = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        "python": platform.python_version(),
        "versions": {"rdflib": rdflib.__version__, "pyshacl": pyshacl.__version__, "pyoxigraph": pyoxigraph.__version__,
                     "oxigraph server": oxigraph, "SPARQLWrapper": SPARQLWrapper.__version__,
                     "Apache Jena": jena_version()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", metavar="GROUP", help="measure one group (diff, validation, site, endpoint, serve, watch, queries) and merge it into results.json")
    parser.add_argument("--baseline", metavar="REV", help="with --only validation: measure the code at REV too, in the same run")
    parser.add_argument("--note", default="", help="with --only: said beside its rows in RESULTS.md (a shared machine)")
    args = parser.parse_args()
    started = time.perf_counter()
    sizes = [s for s in args.sizes.split(",") if s]
    if args.only:
        results = bench_only(args.only, sizes, args.runs, args.baseline, args.note)
    else:
        results = {**environment(), **bench(sizes, args.runs)}
        results["total_seconds"] = round(time.perf_counter() - started)
    for m in results["measurements"]:
        m.pop("stdout", None)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    from benchmarks.report import write_markdown

    write_markdown(results, HERE / "RESULTS.md")
    print(f"wrote benchmarks/results.json and benchmarks/RESULTS.md in {results['total_seconds']} s")


if __name__ == "__main__":
    main()
