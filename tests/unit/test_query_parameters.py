"""Unknown query parameters are refused with a 422 on every GET route of every HTTP function (the
one middleware of `cityops.core.api.make_resolver`), before anything is read: a misspelt
filter never answers with the unfiltered list."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import FakeContext, http_event, load_function

HTTP_FUNCTIONS = ("cases", "deadlines", "directory", "documents", "tasks")
ULID = "01J0000000000000000000000Z"
SAMPLES = {"year": "2026", "rule": "case.forward"}  # path parameters that are not ids


def routes(name: str) -> list[tuple[str, str]]:
    app = load_function(name).app
    found = []
    for route in app._static_routes + app._dynamic_routes:
        path = re.sub(r"<([a-z_]+)>", lambda m: SAMPLES.get(m[1], ULID), route.path)
        for method in (m for m in route.method.split("|") if m == "GET"):
            found.append((method, path))
    return found


CASES = [(name, method, path) for name in HTTP_FUNCTIONS for method, path in routes(name)]


@pytest.mark.parametrize(("name", "method", "path"), CASES, ids=[f"{m} {p}" for _, m, p in CASES])
def test_an_unknown_query_parameter_is_refused_on_every_route(name, method, path):
    event = http_event(method, path, body={}, query={"reference_typo": "KN-2027-X"})
    reply = load_function(name).lambda_handler(event, FakeContext())
    assert reply["statusCode"] == 422, (path, reply.get("body"))
    problem = json.loads(reply["body"])
    assert problem["errors"][0]["loc"] == ["query", "reference_typo"]
