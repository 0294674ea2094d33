"""validate --watch on a data file that is a symbolic link: a save writes the link's target, in a
folder the watch on data/ does not see, and the findings went stale. The real command, as a
curator runs it; the helpers are test_watch.py's."""

import os
import shutil
import signal

import pytest

from medkg.project_files import DATA_DIR
from tests.test_watch import _wait_for, watch_command


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
    with watch_command(data, tmp_path) as (process, out, _, seen):
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
    assert not any("Traceback" in line for line in seen), "\n".join(seen)
