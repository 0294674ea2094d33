"""A bounded load run on `medkg serve`: CLIENTS clients at once, each sending one light query
through the gateway, ROUNDS times; latency from the moment all are released to the end of each
answer, and the connections reset or refused.

    python benchmarks/serve_load.py            # prints the measurement as JSON

`medkg serve` runs as a process of its own, as a user starts it; the clients are threads here.
Every request goes to 127.0.0.1 and has a timeout; the server is stopped at the end.
"""

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 200
ROUNDS = 3
QUERY = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
TIMEOUT = 120  # seconds a client waits for its answer: a bound, not a target


def start_server() -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "serve", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()  # printed once the gateway and Oxigraph answer
    if not line.startswith("SPARQL endpoint: http://127.0.0.1:"):
        process.kill()
        raise RuntimeError(f"medkg serve did not start (exit {process.poll()})")
    return process, int(urllib.parse.urlsplit(line.split(": ", 1)[1].strip()).port)


def one_round(port: int, clients: int) -> tuple[list[float], list[str]]:
    """(seconds of each answered request, what went wrong with the others)."""
    release = threading.Barrier(clients + 1)
    latencies: list[float] = []
    failures: list[str] = []
    started = [0.0]

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            release.wait(timeout=60)
            connection.request("GET", QUERY, headers={"Accept": "application/sparql-results+json"})
            answer = connection.getresponse()
            answer.read()
            if answer.status == 200:
                latencies.append(time.perf_counter() - started[0])
            else:
                failures.append(f"HTTP {answer.status}")
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as e:
            failures.append(type(e).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    started[0] = time.perf_counter()
    release.wait(timeout=60)
    for thread in threads:
        thread.join(timeout=TIMEOUT + 60)
    return latencies, failures


def load_run(clients: int = CLIENTS, rounds: int = ROUNDS) -> dict:
    process, port = start_server()
    try:
        latencies, failures = [], []
        for _ in range(rounds):
            answered, failed = one_round(port, clients)
            latencies += answered
            failures += failed
    finally:
        process.send_signal(signal.SIGINT)
        timer = threading.Timer(60, process.kill)  # a bound on the stop
        timer.start()
        _, _, usage = os.wait4(process.pid, 0)  # its peak memory (the gateway's process, not Oxigraph's)
        timer.cancel()
    ordered = sorted(latencies) or [float("nan")]
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return {"median": round(statistics.median(ordered), 4), "min": round(ordered[0], 4), "max": round(ordered[-1], 4),
            "p99": round(p99, 4), "clients": clients, "requests": clients * rounds, "answered": len(latencies),
            "failures": len(failures), "failed_as": sorted(set(failures)), "runs": rounds,
            "peak_mb": round(usage.ru_maxrss / 1024)}


if __name__ == "__main__":
    print(json.dumps(load_run()))
