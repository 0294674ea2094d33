"""validate --watch follows the files whatever the events: a folder moved out of data/ or in is one
event for the folder (its files were missed), and a file edited through a hard link's other name,
outside data/, is no event the watch sees (found by the periodic re-listing, RESYNC_SECONDS). The
real command, as a curator runs it; the helpers are test_watch.py's."""

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading

from medkg.project_files import DATA_DIR, ROOT
from tests.material import FIXTURES
from tests.test_watch import _reader, _wait_for


def test_folders_moved_out_and_in_and_a_hard_links_edit_are_validated(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "bad").mkdir()
    shutil.copy(FIXTURES / "invalid" / "claim-missing-quote.ttl", data / "bad" / "claim.ttl")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other_name = elsewhere / "conditions.ttl"
    os.link(data / "conditions.ttl", other_name)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "validate", "--watch", str(data)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err, seen = queue.Queue(), queue.Queue(), []
    for stream, into in ((process.stdout, out), (process.stderr, err)):
        threading.Thread(target=_reader, args=(stream, into), daemon=True).start()
    try:
        _wait_for(err, seen, lambda line: line.startswith("medkg: watching"))
        shutil.move(data / "bad", elsewhere / "bad")  # a folder with a violating file moved out
        gone = _wait_for(out, seen, lambda line: line.startswith("- "), seconds=30)
        assert "fixture-no-quote" in gone
        shutil.move(elsewhere / "bad", data / "bad")  # and moved back in
        back = _wait_for(out, seen, lambda line: line.startswith("+ "), seconds=30)
        assert back == "+ " + gone[2:]
        text = other_name.read_text(encoding="utf-8")
        other_name.write_text(text.replace('    rdfs:label "pain"@en ;\n', "", 1), encoding="utf-8")  # same inode
        added = _wait_for(out, seen, lambda line: line.startswith("+ "), seconds=30)
        assert added.startswith("+ VIOLATION ") and " kg:pain rdfs:label: " in added and "elsewhere" not in added
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not any("Traceback" in line for line in seen), "\n".join(seen)
