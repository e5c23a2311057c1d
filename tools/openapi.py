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
sys.path.insert(0, str(ROOT / "tools"))
OUTPUT = ROOT / "docs" / "openapi.json"
PROBLEM = "application/problem+json"


VALIDATION_ERROR = {
    "type": "object",
    "description": "One field that is missing or not valid: where it is, and what is wrong.",
    "required": ["loc", "msg"],
    "properties": {
        "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
        "msg": {"type": "string"},
        "type": {"type": "string"},
    },
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
    },
}

# What each header means, by name (which operation reads or sends one is read from the code).
REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "if-match": {
        "description": "The ETag of the version last read: a change to another version is "
        "refused (412); a change without it, where it is needed, gets 428.",
        "schema": {"type": "string", "pattern": '^(W/)?"[0-9]+"$'},
    },
    "idempotency-key": {
        "description": "Sent again with the same body, the first reply comes back and nothing "
        "is created twice; with another body, 422.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 128},
    },
    "x-tracking-secret": {
        "description": "The secret given with the tracking code when the case was submitted.",
        "schema": {"type": "string", "maxLength": 200},
    },
}
RESPONSE_HEADERS: dict[str, str] = {
    "ETag": "The entity's version: send it back in If-Match to change it.",
    "Location": "Where the created entity is read.",
    "Cache-Control": "no-store: the reply is not kept by caches.",
    "Content-Disposition": "attachment, with the file's name.",
    "Retry-After": "Seconds until the next attempt is accepted.",
    "WWW-Authenticate": "Bearer: send a valid Cognito ID token.",
}
PROBLEMS: dict[int, str] = {
    400: "The request could not be read.",
    401: "No valid bearer token (the JWT authorizer's reply).",
    403: "The caller may see the object but not do this, or their account is disabled.",
    404: "No such object, or one the caller may not see.",
    409: "The object's state does not allow this now.",
    412: "If-Match names a version that is no longer current.",
    413: "The body is too large.",
    415: "The body is not JSON.",
    422: "Some fields are missing or not valid.",
    428: "If-Match is needed for this change.",
}


def _header_name(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _headers(names: set[str]) -> dict[str, Any]:
    return {
        n: {"description": RESPONSE_HEADERS.get(n, n), "schema": {"type": "string"}}
        for n in sorted(names)
    }


def _problem_ref(status: int) -> dict[str, str]:
    """An operation's problem reply: one shared response per status (`components.responses`)."""
    return {
        "$ref": f"#/components/responses/{'Unauthorized' if status == 401 else f'Problem{status}'}"
    }


def _problem(status: int, headers: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    out: dict[str, Any] = {
        "description": PROBLEMS.get(status, "A problem (RFC 9457)."),
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if headers:
        out["headers"] = _headers(set(headers))
    return out


UNAUTHORIZED = {
    "description": PROBLEMS[401],
    "headers": _headers({"WWW-Authenticate"}),
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["message"],
                "properties": {"message": {"type": "string"}},
            }
        }
    },
}


def describe(operation: dict[str, Any], route: Any, app: Any, public: bool) -> None:
    """Fill one operation's request headers and responses with what its handler does."""
    from openapi_code import read_handler

    facts = read_handler(route.func)
    generated = operation.pop("responses")
    model = generated.get(str(route.status_code)) or generated.get("200") or {}
    model_json = model.get("content", {}).get("application/json")
    answers = facts.statuses or {route.status_code: {"application/json"}}
    if -1 in answers:
        raise ValueError(f"{route.method} {route.path}: a reply whose status the code hides")
    responses: dict[str, Any] = {}
    for status, media_types in sorted(answers.items()):
        content: dict[str, Any] = {}
        for media in sorted(media_types or {"*/*"}):
            if media == "application/json":
                content[media] = model_json or {"schema": {}}
            else:
                content[media] = {"schema": {"type": "string", "format": "binary"}}
        response: dict[str, Any] = {"description": model.get("description") or "Success"}
        if status != 204:
            response["content"] = content
        if facts.response_headers.get(status):
            response["headers"] = _headers(facts.response_headers[status])
        responses[str(status)] = response
    has_body = "requestBody" in operation
    problems = {400, 404, 422}
    if facts.calls_caller:
        problems.add(403)
    if route.method != "GET":
        problems.add(409)
    if facts.reads_if_match:
        problems |= {412, 428}
    if has_body:
        problems |= {413, 415}
    for status in sorted(problems):
        responses[str(status)] = _problem_ref(status)
    if not public:
        responses["401"] = _problem_ref(401)
    for exc_class, handler in app.exception_handler_manager.get_registered_handlers().items():
        status = getattr(exc_class, "status", None)
        if isinstance(status, int) and exc_class.__module__ in facts.modules_called:
            extra = read_handler(handler).response_headers.get(-1, set())
            responses[str(status)] = _problem(status, extra) | {"description": exc_class.title}
    operation["responses"] = dict(sorted(responses.items()))
    parameters = operation.setdefault("parameters", [])
    for name, required in sorted(facts.request_headers.items()):
        parameters.append(
            {"name": _header_name(name), "in": "header", "required": required}
            | REQUEST_HEADERS.get(name, {"schema": {"type": "string"}})
        )
    if not parameters:
        del operation["parameters"]


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
            "problem details. Each operation's statuses, headers and problems are read from "
            "its handler's code (tools/openapi_code.py).",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "the local stack"}],
        "paths": {},
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA, "ValidationError": VALIDATION_ERROR},
            "responses": {
                "Unauthorized": UNAUTHORIZED,
                **{
                    f"Problem{status}": _problem(status)
                    for status in sorted(PROBLEMS)
                    if status != 401
                },
            },
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "security": [{"cognito": []}],
    }
    for name, fn in sorted(tpl.functions().items()):
        app = load_app(name, fn)
        if app is None:
            continue
        schema = json.loads(app.get_openapi_json_schema(title="CityOps", version="x"))
        paths = schema.get("paths", {})
        for route in app._static_routes + app._dynamic_routes:
            operation = paths.get(route.openapi_path, {}).get(route.method.lower())
            if operation is None:
                continue
            operation.setdefault("tags", [fn.code_dir.name])
            is_public = (route.method, route.openapi_path) in public
            describe(operation, route, app, is_public)
            if is_public:
                operation["security"] = []
        for route_path, operations in paths.items():
            document["paths"].setdefault(route_path, {}).update(operations)
        for key, value in schema.get("components", {}).get("schemas", {}).items():
            if key not in ("HTTPValidationError", "ValidationError"):  # ours are above
                document["components"]["schemas"][key] = value
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def load_app(name: str, fn: Any) -> Any:
    """The resolver of one function of the template (None for a function without routes)."""
    module_name, _ = fn.handler.rsplit(".", 1)
    path = fn.code_dir / f"{module_name.replace('.', '/')}.py"
    spec = importlib.util.spec_from_file_location(f"openapi_{name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    app = getattr(module, "app", None)
    return app if app is not None and hasattr(app, "get_openapi_schema") else None


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
