"""`make bench`: the figures we watch, written to bench/results/*.json.

1. Cold start of each HTTP function: a fresh process imports the function's module and
   handles its first request, against the floor of a fresh process that imports boto3 and
   Powertools' resolver alone. Median of several runs; the ratio is what we keep close to 1.
2. Every other benchmark in bench/bench_*.py, each run as `python bench/bench_x.py`, and
   bench/reports.py (reporting at 126 units x 171 indicators).
Figures are written, never asserted: timings are not tests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

FLOOR = """
import time
t0 = time.perf_counter()
import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
print(time.perf_counter() - t0)
"""

FUNCTION = """
import importlib.util, json, sys, time
sys.path.insert(0, {tests!r})
t0 = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
t1 = time.perf_counter()
from conftest import FakeContext, http_event
event = http_event("GET", {route!r}, query={query!r})
t2 = time.perf_counter()
reply = module.lambda_handler(event, FakeContext())
t3 = time.perf_counter()
assert reply["statusCode"] < 500, reply
print(json.dumps({{"import": t1 - t0, "first_call": t3 - t2, "total": (t1 - t0) + (t3 - t2),
                  "modules": len(sys.modules)}}))
"""


def fresh(code: str) -> str:
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "CURSOR_SECRET": "bench",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return (
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def cold_starts() -> dict:
    floor = statistics.median(float(fresh(FLOOR)) for _ in range(RUNS))
    # A request each function answers without calling AWS: health, or a query parameter
    # that validation refuses (import, routing and validation are all paid for).
    probes = {
        "directory": ("/v1/health", None),
        "tasks": ("/v1/tasks/stats", {"from": "not-a-date"}),
        "cases": ("/v1/cases/stats", {"from": "not-a-date"}),
        "deadlines": ("/v1/scoreboard", {"from": "not-a-date"}),
    }
    results: dict = {"floor_seconds": round(floor, 4), "runs": RUNS, "functions": {}}
    for name, (route, query) in probes.items():
        path = str(ROOT / "functions" / name / "app.py")
        code = FUNCTION.format(tests=str(ROOT / "tests"), path=path, route=route, query=query)
        runs = [json.loads(fresh(code)) for _ in range(RUNS)]
        total = statistics.median(r["total"] for r in runs)
        results["functions"][name] = {
            "route": route,
            "import_seconds": round(statistics.median(r["import"] for r in runs), 4),
            "first_call_seconds": round(statistics.median(r["first_call"] for r in runs), 4),
            "total_seconds": round(total, 4),
            "ratio_to_floor": round(total / floor, 2),
            "modules_loaded": runs[0]["modules"],
        }
    return results


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = cold_starts()
    (RESULTS / "cold_start.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"cold start floor (boto3 + Powertools resolver): {results['floor_seconds']:.3f}s")
    for name, figures in results["functions"].items():
        print(
            f"  {name:<16} import {figures['import_seconds']:.3f}s + first call "
            f"{figures['first_call_seconds']:.3f}s = {figures['total_seconds']:.3f}s "
            f"({figures['ratio_to_floor']:.2f}x the floor)"
        )
    status = 0
    if "--cold-start-only" in sys.argv:
        return status
    for bench in [*sorted((ROOT / "bench").glob("bench_*.py")), ROOT / "bench" / "reports.py"]:
        print(f"running {bench.relative_to(ROOT)} ...", flush=True)
        status |= subprocess.run([sys.executable, str(bench)], cwd=ROOT).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
