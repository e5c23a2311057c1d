"""`make bench`: the figures we watch, written to bench/results/*.json.

1. Cold start of each HTTP function (bench/coldstart.py): import and first real request (a
   write against moto's server) in fresh processes, against a minimal real handler
   (bench/floor/app.py), interleaved round by round, CPU and wall time, min and median of
   BENCH_RUNS rounds, on Python 3.13 (.venv-bench313, made by `make bench`) and on this
   interpreter. The ratio (CPU median ÷ the floor's) is what we keep close to 1.
2. Every other benchmark in bench/bench_*.py, each run as `python bench/bench_x.py`, and
   bench/reports.py (reporting at 126 units x 171 indicators).
Figures are written, never asserted: timings are not tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    status = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "coldstart.py")], cwd=ROOT
    ).returncode
    if "--cold-start-only" in sys.argv:
        return status
    for bench in [*sorted((ROOT / "bench").glob("bench_*.py")), ROOT / "bench" / "reports.py"]:
        print(f"running {bench.relative_to(ROOT)} ...", flush=True)
        status |= subprocess.run([sys.executable, str(bench)], cwd=ROOT).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
