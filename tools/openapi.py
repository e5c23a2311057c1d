"""The OpenAPI 3.1 document of the whole HTTP API, generated from the code of every function
(Powertools' get_openapi_schema), merged, with the JWT security scheme of template.yaml.
`python tools/openapi.py --write` updates docs/openapi.json; tests check it is current."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra" / "local"))
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
os.environ.setdefault("CURSOR_SECRET", "openapi")
OUTPUT = ROOT / "docs" / "openapi.json"


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}


def build() -> dict[str, Any]:
    import cityops
    from template import Template

    tpl = Template()
    public = {(r.method, r.path) for r in tpl.routes() if r.public}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "CityOps API",
            "version": cityops.__version__,
            "description": "The HTTP API of CityOps: documents and direction, reporting, tasks "
            "and cases, behind one JWT authorizer (Cognito ID tokens). Errors are RFC 9457 "
            "problem details.",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "the local stack"}],
        "paths": {},
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "security": [{"cognito": []}],
    }
    for name, fn in sorted(tpl.functions().items()):
        module_name, _ = fn.handler.rsplit(".", 1)
        path = fn.code_dir / f"{module_name.replace('.', '/')}.py"
        spec = importlib.util.spec_from_file_location(f"openapi_{name}", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        app = getattr(module, "app", None)
        if app is None or not hasattr(app, "get_openapi_schema"):
            continue
        schema = json.loads(app.get_openapi_json_schema(title="CityOps", version="x"))
        for route, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                operation.setdefault("tags", [fn.code_dir.name])
                operation["responses"].pop("422", None)  # Powertools' shape; ours is below
                operation["responses"]["4XX"] = {
                    "description": "A problem (RFC 9457): bad input, not found, conflict, ...",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
                if (method.upper(), route) in public:
                    operation["security"] = []
            document["paths"].setdefault(route, {}).update(operations)
        for key, value in schema.get("components", {}).get("schemas", {}).items():
            if key not in ("HTTPValidationError", "ValidationError"):  # replaced by Problem
                document["components"]["schemas"][key] = value
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def main() -> int:
    document = build()
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if "--write" in sys.argv:
        OUTPUT.write_text(text)
        print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(document['paths'])} paths")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
