"""Shared fixtures.

- `aws`: moto in-process with every resource of template.yaml created (the same code the
  local stack uses), and the functions' settings in the environment.
- `seeded`: `aws` plus the seed units, by code.
- `principal(...)`: a caller, as the JWT authorizer would describe them.
- `function(name)`: a function's module, loaded from functions/<name>/app.py.
- `http(...)`: an API Gateway payload 2.0 event for a function's handler.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra" / "local"))

os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="ap-southeast-1",
    AWS_REGION="ap-southeast-1",
    CITYOPS_ENV="test",
    CURSOR_SECRET="test-cursor-secret",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_NAMESPACE="CityOps",
    POWERTOOLS_SERVICE_NAME="tests",
)
os.environ.pop("AWS_ENDPOINT_URL", None)

from atomic import make_dynamodb_writes_atomic  # noqa: E402

make_dynamodb_writes_atomic()


@pytest.fixture(autouse=True)
def fresh_settings():
    """Settings are read once per process (`get_settings`); each test starts from the
    environment as it is, and `setting(name, value)` changes one for the rest of the test."""
    from cityops.core.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def setting(monkeypatch):
    """Set (or with None, remove) an environment setting and read the settings again."""
    from cityops.core.settings import get_settings

    def change(name: str, value: str | None) -> None:
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    return change


@pytest.fixture
def aws():
    from cityops.core import clock
    from cityops.core.aws import reset_clients
    from cityops.core.settings import get_settings
    from cityops.directory import store as directory_store
    from moto import mock_aws

    with mock_aws():
        import resources
        from cityops.core.access import PROFILES
        from template import Template

        reset_clients()
        _known.clear()
        _known["aws"] = True
        PROFILES.forget()  # profiles are kept per container: each test is a new one
        tpl = Template()
        # Callers come as claims here (the gateway's work is tested end to end): no user pool.
        resources.create_all(
            tpl,
            skip=(
                "AWS::Cognito::UserPool",
                "AWS::Cognito::UserPoolClient",
                "AWS::Cognito::UserPoolGroup",
            ),
        )
        env = next(iter(tpl.functions().values())).environment
        for key in ("DIRECTORY_TABLE", "OBLIGATIONS_TABLE", "IDEMPOTENCY_TABLE", "EVENT_BUS_NAME"):
            os.environ[key] = env[key]
        get_settings.cache_clear()  # a test without AWS may have read the settings first
        directory_store.forget_calendar()
        yield tpl
        _known.clear()
        reset_clients()
        clock.reset()
        directory_store.forget_calendar()


@pytest.fixture
def seeded(aws) -> dict[str, dict[str, Any]]:
    """The seed's units, created through the CSV import; returns them by code."""
    from cityops.directory import importer

    text = (ROOT / "infra" / "seed" / "units.csv").read_text(encoding="utf-8")
    result = importer.import_units(text, None)
    assert not result.errors, result.errors
    return {unit["code"]: unit for unit in result.created}


def make_principal(unit: dict[str, Any] | None, *roles: str, sub: str = "", name: str = ""):
    from cityops.core.auth import Principal

    username = sub or f"{'-'.join(roles) or 'nobody'}@{unit['code'] if unit else 'none'}"
    return Principal(
        sub=sub or username,
        username=username,
        name=name or username,
        unit_id=unit["id"] if unit else "",
        roles=frozenset(roles),
    )


@pytest.fixture
def principal():
    return make_principal


_loaded: dict[str, Any] = {}
_loading = threading.Lock()


def load_function(name: str) -> Any:
    """A function's handler module, loaded once per test process (under a lock: tests call
    handlers from several threads, and two loading one module at once race in its import)."""
    with _loading:
        if name not in _loaded:
            path = ROOT / "functions" / name / "app.py"
            spec = importlib.util.spec_from_file_location(f"cityops_fn_{name}", path)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            _loaded[name] = module
        return _loaded[name]


@pytest.fixture
def function():
    return load_function


class FakeContext:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:test"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def http_event(
    method: str,
    path: str,
    *,
    who: Any = None,
    body: Any = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A payload 2.0 event as the HTTP API sends it (claims as strings, lists as "[a b]")."""
    from urllib.parse import urlencode

    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"content-type": "application/json", **(headers or {})},
        "queryStringParameters": query,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "test",
            "domainName": "test",
            "domainPrefix": "test",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pytest",
            },
            "requestId": "req",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": "27/Nov/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": raw_body
        if raw_body is not None
        else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }
    if who is not None:
        event["requestContext"]["authorizer"] = {
            "jwt": {
                "claims": {
                    "sub": who.sub,
                    "cognito:username": who.username,
                    "name": who.name,
                    "custom:unit_id": who.unit_id,
                    "cognito:groups": "[" + " ".join(sorted(who.roles)) + "]",
                },
                "scopes": None,
            }
        }
    return event


_known: dict[str, Any] = {}  # per `aws` fixture: the callers given a profile, and a client


def known_to_the_directory(who: Any) -> None:
    """Every real caller has a directory profile (the API refuses a token without one): a
    caller the test has not given one gets a profile of its username and unit, written
    as no unit's member (so it addresses no notice). A profile the test wrote is kept. Its
    own boto3 session, so that the AWS calls a test counts are the functions' alone."""
    import boto3
    from cityops.core.dynamo import serialize
    from cityops.core.settings import get_settings

    if "aws" not in _known or who.sub in _known:  # no moto: the test reads no profile
        return
    if "client" not in _known:
        _known["client"] = boto3.session.Session().client("dynamodb")
    dynamodb, table = _known["client"], get_settings().directory_table
    _known[who.sub] = True
    key = serialize({"pk": f"USER#{who.sub}", "sk": "PROFILE"})
    if "Item" in dynamodb.get_item(TableName=table, Key=key):
        return
    item = {
        **{"pk": f"USER#{who.sub}", "sk": "PROFILE", "id": who.sub},
        **{"name": who.username, "username": who.username, "unit_id": who.unit_id},
        "roles": sorted(who.roles),
    }
    dynamodb.put_item(TableName=table, Item=serialize(item))


@pytest.fixture
def call(function):
    """Call a function's handler: call("directory", "GET", "/v1/me", who=...) -> (status,
    headers, json body)."""

    def _call(name: str, method: str, path: str, **kwargs: Any):
        if kwargs.get("who") is not None:
            known_to_the_directory(kwargs["who"])
        reply = function(name).lambda_handler(http_event(method, path, **kwargs), FakeContext())
        body = reply.get("body")
        return reply["statusCode"], reply.get("headers") or {}, (json.loads(body) if body else None)

    return _call
