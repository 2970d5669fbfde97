"""The incident example runs against the real Fillbook and shows every duplicate entry refused."""

import os
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "incident_102_9_113_8.py")


def test_the_incident_replay_refuses_the_duplicate_entries(live):
    done = subprocess.run([sys.executable, EXAMPLE], capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith("entry of")] == ["entry of 102", "entry of   9", "entry of 113", "entry of  93", "entry of   8"]
    assert "entry of   9: REFUSED FILLBOOK_ERR_EXPOSURE_EXCEEDED (target 102, filled 9, working 93)" in lines
    assert "entry of 113: REFUSED FILLBOOK_ERR_EXPOSURE_EXCEEDED (target 102, filled 9, working 0)" in lines
    assert "entry of   8: REFUSED FILLBOOK_ERR_EXPOSURE_EXCEEDED (target 102, filled 9, working 93)" in lines
    assert "fill of 9 (delivery 2): duplicate; order 9/102 filled" in lines
    assert lines[-1] == "duplicate entries refused: exposure never exceeded the target"
