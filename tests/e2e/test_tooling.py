"""The other commands a user runs: `make build` (sam build with no Docker), `make bench` and
`make profile`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from botocore_slim import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SAM = ROOT / ".venv-tools" / "bin" / "sam"


def _run(*command: str, timeout: int, **env: str) -> subprocess.CompletedProcess[str]:
    """A command run from the project's root, with `env` added to this environment."""
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_sam_build_packages_the_layer_for_arm64_python313_without_docker(tmp_path):
    assert SAM.exists(), "make test installs .venv-tools first (make check-template)"
    build = tmp_path / "build"
    result = _run(
        str(SAM), "build", "--template", "template.yaml", "--build-dir", str(build), timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    layer = next(build.glob("CityOpsLayer*")) / "python"
    assert (layer / "cityops" / "core" / "api.py").exists()
    cores = list(layer.glob("pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so"))
    assert cores, "pydantic_core must be the arm64 / CPython 3.13 wheel"
    sources = list(layer.rglob("*.py"))
    missing = [
        p for p in sources if not (p.parent / "__pycache__" / f"{p.stem}.cpython-313.pyc").exists()
    ]
    assert sources and not missing, f"{len(missing)} modules without a Python 3.13 .pyc"
    assert not (layer / "holidays").exists(), "the runtime reads the generated holiday table"
    assert (layer / "cityops" / "core" / "holidays_vn.json").exists()
    kept = sorted(p.name for p in (layer / "botocore" / "data").iterdir() if p.is_dir())
    assert kept == sorted(SERVICES), "the layer's botocore holds the services the code uses"
    assert (layer / "boto3" / "__init__.py").exists()
    functions = [p for p in build.glob("*Function") if p.is_dir()]
    assert len(functions) == len(list(ROOT.glob("functions/*/app.py")))
    for function in functions:
        assert sorted(p.name for p in function.iterdir()) == ["__pycache__", "app.py"], function
        assert (function / "__pycache__" / "app.cpython-313.pyc").exists(), function


def test_bench_writes_its_figures_and_the_ratio_to_the_floor(tmp_path):
    result = _run(
        sys.executable,
        "bench/run.py",
        "--cold-start-only",
        timeout=900,
        BENCH_RUNS="1",
        BENCH_RESULTS=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = json.loads((tmp_path / "cold_start.json").read_text())  # by Python version
    assert runs
    for run in runs.values():
        floor, directory = run["functions"]["floor"], run["functions"]["directory"]
        assert floor["cpu"]["median"] > 0 and directory["cpu"]["median"] > 0
        # the ratio is of the CPU medians: within a rounding step of the rounded ones
        ratio = directory["cpu"]["median"] / floor["cpu"]["median"]
        assert abs(directory["ratio_cpu_median"] - ratio) < 0.02
        # its calls were counted, and the floor making them was measured against it
        assert "dynamodb.TransactWriteItems" in directory["calls"]
        own = run["calls_floors"]["directory"]["cpu"]["median"]
        assert abs(directory["ratio_calls_cpu_median"] - directory["cpu"]["median"] / own) < 0.02
    assert "ratio = CPU median" in result.stdout


def test_profile_shows_where_a_cold_start_goes():
    result = _run(sys.executable, "bench/profile.py", "floor", timeout=600, PROFILE_RUNS="2")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    counts = re.search(
        r"^floor on Python 3\.\d+\.\d+: Python calls: import ([\d,]+), first request ([\d,]+)",
        result.stdout,
        re.MULTILINE,
    )
    assert counts and all(int(n.replace(",", "")) > 1000 for n in counts.groups()), result.stdout
    start = lines.index("under our functions:") + 1
    ours = lines[start : lines.index("by our innermost function, and what it called:")]
    # the floor's route, and its first client
    assert any(line.endswith("app.py:create_note") for line in ours), result.stdout
    assert any("app.py:_client → boto3" in line for line in lines), result.stdout


def test_profile_refuses_a_name_the_bench_does_not_run():
    result = _run(sys.executable, "bench/profile.py", "nothing", timeout=60)
    assert result.returncode == 2
    assert "usage: make profile FUNCTION=<one of floor, floor-full, directory" in result.stderr
    assert result.stdout == ""
