"""What a function's import leaves for its first request: no model of ours built yet, no
route pattern compiled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTTP_FUNCTIONS = ("directory", "tasks", "cases", "documents", "reports", "deadlines")
ENV = {
    "PYTHONPATH": str(ROOT / "layers" / "cityops"),
    "AWS_DEFAULT_REGION": "ap-southeast-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "CITYOPS_ENV": "local",
}

# Loads the handler as Lambda does, then lists the layer's pydantic models whose schema is
# already built (`__pydantic_complete__` in the class itself, not inherited).
PROBE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
from pydantic import BaseModel
seen, todo = set(), [BaseModel]
while todo:
    for sub in todo.pop().__subclasses__():
        if sub not in seen:
            seen.add(sub)
            todo.append(sub)
built = sorted(
    f"{c.__module__}.{c.__qualname__}"
    for c in seen
    if c.__module__.startswith("cityops") and c.__dict__.get("__pydantic_complete__")
)
print("\\n".join(built))
"""


@pytest.mark.parametrize("name", HTTP_FUNCTIONS)
def test_a_function_builds_none_of_its_models_at_import(name: str) -> None:
    probe = [sys.executable, "-c", PROBE, str(ROOT / "functions" / name / "app.py")]
    result = subprocess.run(probe, env=ENV, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [], f"built at import (defer_build=True): {result.stdout}"


ROUTES_PROBE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
routes = module.app._static_routes + module.app._dynamic_routes
print(len(routes), sum(type(r.rule).__name__ != "RoutePattern" or r.rule.compiled for r in routes))
"""


@pytest.mark.parametrize("name", HTTP_FUNCTIONS)
def test_a_function_compiles_none_of_its_route_patterns_at_import(name: str) -> None:
    probe = [sys.executable, "-c", ROUTES_PROBE, str(ROOT / "functions" / name / "app.py")]
    result = subprocess.run(probe, env=ENV, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    routes, compiled = map(int, result.stdout.split())
    assert routes > 0 and compiled == 0, f"{compiled} of {routes} route patterns compiled"
