"""The local stack's memory while cases are created over HTTP (issue 11's probe: it grew
17–28 MB per case when moto backed up whole tables per transaction).

    .venv/bin/python bench/stack_memory.py [cases, default 1000]

Starts `make run` on free ports, creates the cases as the Office's clerk and prints the stack
process's resident memory (MB) at each quarter."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cases_bodies import complaint  # noqa: E402
from tests.e2e.conftest import running_stack  # noqa: E402


class _Temp:
    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"cityops-bench-{name}-"))


def resident_mb(group: int) -> int:
    """The largest Python process of the stack's process group (the stack itself), in MB."""
    out = subprocess.run(
        ["ps", "-o", "rss=,args=", "-g", str(group)], capture_output=True, text=True, check=True
    ).stdout
    return max(int(line.split()[0]) for line in out.splitlines() if "python" in line) // 1024


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with running_stack(_Temp()) as stack:
        clerk = stack.as_user("vp.clerk")
        start, began = resident_mb(stack.process.pid), time.monotonic()
        print(f"stack memory: {start} MB at the start")
        for n in range(1, cases + 1):
            body = complaint(summary=f"Khiếu nại số {n}", received_on="2026-12-01",
                             learned_on="2026-11-20")  # fmt: skip
            reply = clerk.post("/v1/cases", json=body)
            if reply.status_code != 201:
                raise SystemExit(f"case {n}: {reply.status_code} {reply.text}")
            if n % max(1, cases // 4) == 0:
                now = resident_mb(stack.process.pid)
                print(f"{n} cases, {time.monotonic() - began:.0f} s: {now} MB (+{now - start} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
