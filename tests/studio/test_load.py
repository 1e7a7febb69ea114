"""The load bench, bounded: a few authors and players at once for a few seconds, nothing failed or lost.

bench/load.py runs the full 50 users for two minutes; this runs the same script, as a separate
process (locust patches the standard library with gevent), against its own servers.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_load_run_has_no_failures_and_loses_no_acknowledged_write():
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--users", "8", "--authors", "3", "--duration", "8", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = run.stdout.strip().splitlines()
    assert "goal (0 failures): met" in summary and "goal (0 lost writes): met" in summary
    totals = [line.split() for line in summary if line.startswith("Aggregated")]
    assert len(totals) == 2 and all(int(total[1]) > 0 for total in totals)  # requests made by both shapes
