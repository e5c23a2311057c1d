"""docs/openapi.json describes what the code does: every operation called on moto answers
with a status, media type and headers the document declares for it; an operation the
document says reads If-Match reads it (and one it does not, does not); creates answer 201
with ETag and Location; Idempotency-Key and X-Tracking-Secret do what the document says.
That the committed document is what `make openapi` writes is tests/unit/test_template.py's
(tools/check_template.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cityops.core.ids import new_id
from template import Template

from tests.conftest import FakeContext, http_event, load_function
from tests.integration.test_tasks_support import City

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text())
SENT_HEADERS = ("ETag", "Location", "Cache-Control", "Content-Disposition", "Retry-After")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in DOCUMENT["paths"].items()
        for method, operation in operations.items()
    ]


def _functions() -> dict[tuple[str, str], str]:
    tpl = Template()
    names = {logical: fn.code_dir.name for logical, fn in tpl.functions().items()}
    return {(r.method, r.path): names[r.function] for r in tpl.routes()}


FUNCTIONS = _functions()


def _path_value(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    if schema.get("type") == "integer":
        return str(int(schema.get("minimum", 2026)) + 26)
    if schema.get("enum"):
        return str(schema["enum"][0])
    if "ULID" in parameter.get("description", "") or "[0-7]" in schema.get("pattern", ""):
        return new_id()
    if schema.get("pattern", "").startswith("^[a-z_]+"):
        return "case.accept"
    return "X-1"


def _url(path: str, operation: dict[str, Any]) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", _path_value(parameter))
    return path


def declared(method: str, path: str, status: int, headers: dict[str, str]) -> list[str]:
    """What in one reply the document does not declare for the operation (empty: all of it)."""
    operation = DOCUMENT["paths"][path][method.lower()]
    response = operation["responses"].get(str(status))
    if response is None:
        return [f"{method} {path}: {status} is not declared ({sorted(operation['responses'])})"]
    if "$ref" in response:  # a shared problem reply (components.responses)
        response = DOCUMENT["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    wrong = []
    media = (headers.get("Content-Type") or "").split(";")[0]
    content = response.get("content", {})
    if media and content and media not in content and "*/*" not in content:
        wrong.append(f"{method} {path} {status}: {media} is not declared ({sorted(content)})")
    names = {h.lower() for h in response.get("headers", {})}
    for header in SENT_HEADERS:
        if header in headers and header.lower() not in names:
            wrong.append(f"{method} {path} {status}: the {header} header is not declared")
    return wrong


@pytest.fixture
def city(seeded, aws, setting, call) -> City:
    """The seed's people, with every function's settings (tables, key, bucket) in place."""
    values: dict[str, set[str]] = {}
    for fn in aws.functions().values():
        for key, value in fn.environment.items():
            if isinstance(value, str) and not key.startswith("POWERTOOLS_"):
                values.setdefault(key, set()).add(value)
    for key, given in values.items():
        if len(given) == 1:  # a setting of one function or the same for all
            setting(key, given.pop())
    return City(seeded, call)


def _call(method: str, path: str, url: str, **kwargs: Any):
    """Call the function that serves the operation: (status, headers, JSON body or None)."""
    handler = load_function(FUNCTIONS[(method, path)]).lambda_handler
    reply = handler(http_event(method, url, **kwargs), FakeContext())
    headers = reply.get("headers") or {}
    text = reply.get("body") or ""
    is_json = "json" in headers.get("Content-Type", "") and text and not reply["isBase64Encoded"]
    return reply["statusCode"], headers, json.loads(text) if is_json else None


def test_every_operation_of_the_document_is_a_route_of_the_template_and_back():
    assert {(m, p) for m, p, _ in _operations()} == set(FUNCTIONS)


def test_every_operation_answers_on_moto_only_with_what_the_document_declares(city):
    """Each operation as a city leader, an officer and an administrator, on objects that do
    not exist and with an empty body, then with a malformed If-Match: the 404s, 403s and
    422s, and which operations read If-Match, are what the document says."""
    wrong: list[str] = []
    seen: set[int] = set()
    for method, path, operation in _operations():
        url = _url(path, operation)
        reads_if_match = any(p["name"] == "If-Match" for p in operation.get("parameters", []))
        body = {} if "requestBody" in operation else None
        for user in ("chairman", "sotc.officer", "admin"):
            who = None if operation.get("security") == [] else city.who(user)
            status, headers, reply = _call(method, path, url, who=who, body=body)
            seen.add(status)
            wrong += declared(method, path, status, headers)
        headers = {"if-match": 'W/"not-a-version"'}
        status, _, reply = _call(method, path, url, who=who, body=body, headers=headers)
        wrong += declared(method, path, status, {})
        refused = status == 422 and any(
            e.get("loc") == ["header", "if-match"] for e in (reply or {}).get("errors", [])
        )
        body_refused = status == 422 and any(
            e.get("loc", [None])[0] == "body" for e in (reply or {}).get("errors", [])
        )  # the body is read first: then whether If-Match is read is the flows' to show
        if refused != reads_if_match and not body_refused:
            wrong.append(f"{method} {path}: reads If-Match: {refused}, declared: {reads_if_match}")
    assert not wrong, "\n".join(wrong)
    assert {404, 422} <= seen


def test_a_create_answers_201_with_etag_and_location_and_a_change_needs_if_match(city):
    body = city.new_task()
    status, headers, task = city.call("POST", "/v1/tasks", "chairman", body=body)
    assert status == 201 and not declared("POST", "/v1/tasks", status, headers)
    assert headers["Location"] == f"/v1/tasks/{task['id']}"
    item = "/v1/tasks/{task_id}"
    status, headers, _ = city.get(task["id"])
    assert status == 200 and not declared("GET", item, status, headers)
    patch = {"title": "Rà soát giải ngân vốn đầu tư công"}
    url = f"/v1/tasks/{task['id']}"
    status, headers, _ = city.call("PATCH", url, "chairman", body=patch)
    assert status == 428 and not declared("PATCH", item, status, headers)
    stale = {"if-match": '"0"'}
    status, headers, _ = city.call("PATCH", url, "chairman", body=patch, headers=stale)
    assert status == 412 and not declared("PATCH", item, status, headers)
    fresh = {"if-match": headers.get("ETag") or city.etag(task["id"])}
    status, headers, _ = city.call("PATCH", url, "chairman", body=patch, headers=fresh)
    assert status == 200 and not declared("PATCH", item, status, headers)
    assert headers["ETag"] == '"2"'


def test_an_idempotency_key_gives_the_first_reply_again_as_the_document_says(city):
    parameter = next(
        p
        for p in DOCUMENT["paths"]["/v1/tasks"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    )
    key = {"idempotency-key": "x" * parameter["schema"]["maxLength"]}
    body = city.new_task()
    first = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    again = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    assert first[0] == again[0] == 201 and first[2]["id"] == again[2]["id"]
    assert not declared("POST", "/v1/tasks", again[0], again[1])
    too_long = {"idempotency-key": "x" * (parameter["schema"]["maxLength"] + 1)}
    status, headers, _ = city.call("POST", "/v1/tasks", "chairman", body=body, headers=too_long)
    assert status == 422 and not declared("POST", "/v1/tasks", status, headers)


def test_the_tracking_secret_header_opens_the_public_status_as_the_document_says(city, call):
    from tests.cases_bodies import set_day
    from tests.integration.test_cases_support import public_case

    set_day("2027-02-01")
    body = public_case()
    status, headers, receipt = call("cases", "POST", "/v1/public/cases", body=body)
    assert not declared("POST", "/v1/public/cases", status, headers), receipt
    assert status == 201, receipt
    path = "/v1/public/cases/{tracking_code}"
    parameters = DOCUMENT["paths"][path]["get"]["parameters"]
    assert any(p["name"] == "X-Tracking-Secret" and p["in"] == "header" for p in parameters)
    url = f"/v1/public/cases/{receipt['tracking_code']}"
    secret = {"x-tracking-secret": receipt["secret"]}
    status, headers, found = call("cases", "GET", url, headers=secret)
    assert status == 200 and not declared("GET", path, status, headers), found
    status, headers, _ = call("cases", "GET", url)
    assert status == 404 and not declared("GET", path, status, headers)


def test_the_problem_schema_and_its_validation_errors_are_defined():
    text = json.dumps(DOCUMENT)
    schemas = DOCUMENT["components"]["schemas"]
    missing = {r for r in re.findall(r'"#/components/schemas/([^"]+)"', text) if r not in schemas}
    assert not missing
    assert schemas["Problem"]["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/ValidationError"
    }
