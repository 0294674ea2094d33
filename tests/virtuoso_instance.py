"""A throwaway Virtuoso (Debian's virtuoso-opensource) for tests and benchmarks: its own ini and
database in a temporary folder, SQL and HTTP on free ports of 127.0.0.1, stopped and removed on exit.

Loading: Virtuoso's Graph Store endpoint /sparql-graph-crud runs as its SPARQL user, which may only
read; the instance grants that user SPARQL_UPDATE (through isql-vt, as dba), so `medkg load` PUTs
to /sparql-graph-crud as to any Graph Store. Never do this on a server others can reach: anyone
could then replace its graphs.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from medkg.serve.oxigraph_server import free_port, stop, wait_until_ready

BINARY, ISQL = "virtuoso-t", "isql-vt"

INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {folder}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
; The default (10,000) silently cuts longer answers: a validation would lose findings.
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""


def missing() -> str | None:
    """Why no instance can be started here, or None."""
    absent = [name for name in (BINARY, ISQL) if shutil.which(name) is None]
    if absent:
        return f"{' and '.join(absent)} not installed (apt-get install virtuoso-opensource; .ci/run does)"
    return None


class VirtuosoInstance:
    """`with VirtuosoInstance() as v:` v.sparql is the query endpoint, v.graph_store the Graph Store one."""

    def __init__(self, start_within: float = 90):
        self.start_within = start_within
        self.process = None
        self._folder = None

    def __enter__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="medkg-virtuoso-")
        folder = Path(self._folder.name)
        self.sql_port = free_port()
        self.http_port = free_port()
        while self.http_port == self.sql_port:  # each probe's port is free again once it is closed
            self.http_port = free_port()
        (folder / "virtuoso.ini").write_text(INI.format(folder=folder, sql_port=self.sql_port, http_port=self.http_port))
        base = f"http://127.0.0.1:{self.http_port}"
        self.sparql, self.graph_store = base + "/sparql", base + "/sparql-graph-crud"
        self.process = subprocess.Popen([BINARY, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_ready(self.sparql, self.process, self.start_within, name="virtuoso")
            self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        except BaseException:
            self.__exit__()
            raise
        return self

    def isql(self, statement: str) -> str:
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt {statement!r}: {(done.stdout + done.stderr).strip()[-300:]}")
        return done.stdout

    def __exit__(self, *exc_info):
        stop(self.process, within=30)
        if self._folder:
            self._folder.cleanup()
        return False
