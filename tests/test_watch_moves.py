"""validate --watch follows the files whatever the events: a folder moved out of data/ or in is one
event for the folder (its files were missed), and a file edited through a hard link's other name,
outside data/, is no event the watch sees (found by the periodic re-listing, RESYNC_SECONDS). The
real command, as a curator runs it; the helpers are test_watch.py's."""

import os
import shutil
import signal

from medkg.project_files import DATA_DIR
from tests.material import FIXTURES
from tests.test_watch import _wait_for, watch_command


def test_folders_moved_out_and_in_and_a_hard_links_edit_are_validated(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "bad").mkdir()
    shutil.copy(FIXTURES / "invalid" / "claim-missing-quote.ttl", data / "bad" / "claim.ttl")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other_name = elsewhere / "conditions.ttl"
    os.link(data / "conditions.ttl", other_name)
    with watch_command(data, tmp_path) as (process, out, _, seen):
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
    assert not any("Traceback" in line for line in seen), "\n".join(seen)
