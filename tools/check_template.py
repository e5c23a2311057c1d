"""Check that template.yaml and the code agree:
- every function's handler module and attribute exist;
- every HttpApi route of a function is a route of that function's resolver, and the other way
  round (no route in code that the API does not expose);
- every folder under functions/ is a function of the template;
- the committed OpenAPI document (docs/openapi.json) is what the code generates, and the state
  diagrams (docs/workflows.md) what the workflow tables draw.
Exits non-zero with one line per problem."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra" / "local"))
sys.path.insert(0, str(ROOT / "tools"))
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
os.environ.setdefault("CURSOR_SECRET", "check")

from template import Template  # noqa: E402


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def code_routes(module) -> set[tuple[str, str]] | None:
    app = getattr(module, "app", None)
    if app is None or not hasattr(app, "_route_keys"):
        return None
    routes = set()
    for route in app._static_routes + app._dynamic_routes:
        path = re.sub(r"<(\w+)>", r"{\1}", route.path)
        for method in route.method if isinstance(route.method, list | tuple) else [route.method]:
            routes.add((method.upper(), path))
    return routes


def main() -> int:
    tpl = Template()
    problems: list[str] = []
    functions = tpl.functions()
    declared_dirs = {fn.code_dir.resolve() for fn in functions.values()}
    for folder in sorted((ROOT / "functions").iterdir()):
        hidden = folder.name.startswith((".", "_"))
        if folder.is_dir() and not hidden and folder.resolve() not in declared_dirs:
            problems.append(f"functions/{folder.name} is not a function of template.yaml")
    api_routes: dict[str, set[tuple[str, str]]] = {}
    for route in tpl.routes():
        api_routes.setdefault(route.function, set()).add((route.method, route.path))
    for name, fn in functions.items():
        module_name, attr = fn.handler.rsplit(".", 1)
        path = fn.code_dir / f"{module_name.replace('.', '/')}.py"
        if not path.exists():
            problems.append(f"{name}: handler module {path.relative_to(ROOT)} does not exist")
            continue
        if not (fn.code_dir / "Makefile").exists():
            problems.append(f"{name}: {fn.code_dir.relative_to(ROOT)}/Makefile is missing")
        module = load_module(f"check_{name}", path)
        if not callable(getattr(module, attr, None)):
            problems.append(f"{name}: {fn.handler} is not a function")
        in_code = code_routes(module)
        in_api = api_routes.get(name, set())
        if in_code is None:
            if in_api:
                problems.append(f"{name}: has HttpApi routes but no resolver named app")
            continue
        for method, route in sorted(in_api - in_code):
            problems.append(f"{name}: {method} {route} is in template.yaml but not in the code")
        for method, route in sorted(in_code - in_api):
            problems.append(f"{name}: {method} {route} is in the code but not in template.yaml")
    import openapi

    committed = ROOT / "docs" / "openapi.json"
    if not committed.exists() or json.loads(committed.read_text()) != openapi.build():
        problems.append("docs/openapi.json is not what the code generates: run `make openapi`")
    import diagrams

    drawn = ROOT / "docs" / "workflows.md"
    if not drawn.exists() or drawn.read_text(encoding="utf-8") != diagrams.build():
        problems.append("docs/workflows.md is not what the code draws: run `make diagrams`")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        count = sum(len(v) for v in api_routes.values())
        print(f"template.yaml and the code agree: {len(functions)} functions, {count} routes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
