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
        [sys.executable, "bench/load.py", "--users", "8", "--authors", "3", "--duration", "8"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = run.stdout.strip().splitlines()
    assert summary[-1].endswith("lost or different: 0")
    total = next(line for line in summary if line.startswith("Aggregated")).split()
    assert int(total[1]) > 0 and total[-1] == "0"  # requests made, no failure
