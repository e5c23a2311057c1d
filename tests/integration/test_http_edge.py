"""The shared HTTP edge (`core.api.make_resolver`), over a body route of every function:
media types, nesting, and nothing hostile answered with a 500."""

from __future__ import annotations

import pytest

# One body route per function, and who calls it ("" is nobody: the anonymous intake).
BODY_ROUTES = [
    ("directory", "POST", "/v1/units", "admin"),
    ("cases", "POST", "/v1/public/cases", ""),
    ("tasks", "POST", "/v1/tasks", "unit_leader"),
    ("documents", "POST", "/v1/documents/incoming", "clerk"),
    ("reports", "POST", "/v1/report-forms", "admin"),
    ("deadlines", "PUT", "/v1/me/notifications", "officer"),
]


@pytest.fixture
def send(call, principal):
    """No AWS: everything here is answered before a route reads or writes anything."""

    def _send(route, raw_body, headers=None, **kwargs):
        name, method, path, role = route
        who = principal(None, role) if role else None
        return call(name, method, path, who=who, raw_body=raw_body, headers=headers, **kwargs)

    return _send


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r[0])
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "APPLICATION/JSON",
        "Application/Json; charset=utf-8",
        'application/json;charset="UTF-8"',
    ],
)
def test_json_in_any_case_and_with_a_utf8_charset_reaches_the_route(send, route, content_type):
    status, _, problem = send(route, "{}", {"content-type": content_type})
    assert status == 422, problem  # the route's own validation: the body misses its fields
    assert problem["type"].endswith("/invalid-input")


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r[0])
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/merge-patch+json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "application/jsonp",
    ],
)
def test_any_other_media_type_is_a_415_problem(send, route, content_type):
    status, headers, problem = send(route, '{"a": 1}', {"content-type": content_type})
    assert status == 415, problem
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["status"] == 415 and problem["type"].endswith("/unsupported-media-type")


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r[0])
def test_json_nested_beyond_32_levels_is_refused_before_it_is_parsed(send, route):
    deep = "[" * 970 + "]" * 970  # a RecursionError once, from a 2 KB body
    status, _, problem = send(route, deep)
    assert status == 422 and "32" in problem["detail"]
    status, _, problem = send(route, '{"a": ' * 33 + "1" + "}" * 33)
    assert status == 422 and "32" in problem["detail"]


def test_brackets_inside_strings_do_not_count_as_nesting():
    from cityops.core.api import json_depth

    assert json_depth('{"a": "[[[[{{{{\\"[[["}') == 1
    assert json_depth('[[1], {"b": [2]}]') == 3
    assert json_depth('"just a string"') == 0


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: r[0])
def test_a_base64_body_that_does_not_decode_is_a_422_not_a_500(function, route):
    import json

    from tests.conftest import FakeContext, http_event

    name, method, path, _ = route
    event = http_event(method, path, raw_body="not base64!!")
    event["isBase64Encoded"] = True
    reply = function(name).lambda_handler(event, FakeContext())
    assert reply["statusCode"] == 422, reply
    assert json.loads(reply["body"])["type"].endswith("/invalid-input")
