"""validate --watch on a data file that is a symbolic link: a save writes the link's target, in a
folder the watch on data/ does not see, and the findings went stale. The real command, as a
curator runs it; the helpers are test_watch.py's."""

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading

import pytest

from medkg.project_files import DATA_DIR, ROOT
from tests.test_watch import _reader, _wait_for


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_save_of_a_linked_files_target_is_validated(tmp_path, link):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if link == "file":  # data/conditions.ttl -> ../elsewhere/conditions.ttl
        target = elsewhere / "conditions.ttl"
        shutil.move(data / "conditions.ttl", target)
        (data / "conditions.ttl").symlink_to(os.path.relpath(target, data))
    else:  # data/more/ -> ../elsewhere/more/, holding conditions.ttl
        (elsewhere / "more").mkdir()
        target = elsewhere / "more" / "conditions.ttl"
        shutil.move(data / "conditions.ttl", target)
        (data / "more").symlink_to(elsewhere / "more", target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "medkg.cli", "validate", "--watch", str(data)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err, seen = queue.Queue(), queue.Queue(), []
    for stream, into in ((process.stdout, out), (process.stderr, err)):
        threading.Thread(target=_reader, args=(stream, into), daemon=True).start()
    try:
        _wait_for(err, seen, lambda line: line.startswith("medkg: watching"))
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace('    rdfs:label "pain"@en ;\n', "", 1), encoding="utf-8")
        added = _wait_for(out, seen, lambda line: line.startswith("+ "), seconds=30)
        assert added.startswith("+ VIOLATION ") and " kg:pain rdfs:label: " in added
        assert "conditions.ttl:" in added and "elsewhere" not in added  # named by the path validated
        target.write_text(text, encoding="utf-8")
        removed = _wait_for(out, seen, lambda line: line.startswith("- "), seconds=30)
        assert removed == "- " + added[2:]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not any("Traceback" in line for line in seen), "\n".join(seen)
