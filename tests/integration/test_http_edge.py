"""The shared HTTP edge (`core.api.make_resolver`), over a body route of every function:
media types, nesting, and nothing hostile answered with a 500."""

from __future__ import annotations

import json

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


# A text field of one body route per system.
TEXT_FIELDS = [
    (BODY_ROUTES[0], "name"),
    (BODY_ROUTES[1], "subject"),
    (BODY_ROUTES[2], "title"),
    (BODY_ROUTES[3], "summary"),
    (BODY_ROUTES[4], "name"),
]
REFUSED = {
    "NUL": "\x00",
    "C0 bell": "\x07",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 NEL": "\x85",
    "C1 CSI": "\x9b",
    "LRE": "\u202a",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "PDI": "\u2069",
    "BOM": "\ufeff",
    "noncharacter FFFF": "\uffff",
    "noncharacter FFFE": "\ufffe",
    "zero-width space": "\u200b",
    "line separator": "\u2028",
}


@pytest.mark.parametrize(("route", "field"), TEXT_FIELDS, ids=lambda x: x[0] if x else "")
@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_a_control_or_formatting_character_in_a_text_field_is_a_422_naming_it(
    send, route, field, char
):
    status, _, problem = send(route, json.dumps({field: f"Đơn{char}thư"}))
    assert status == 422, problem
    mine = [e for e in problem["errors"] if e["loc"] == ["body", field]]
    assert mine and f"U+{ord(char):04X}" in mine[0]["msg"], problem["errors"]


def test_characters_are_refused_in_lists_and_nested_objects_too():
    from cityops.core.models import Request
    from pydantic import BaseModel, ValidationError

    class Part(BaseModel):  # a nested model that is not itself a Request
        text: str

    class Body(Request):
        tags: list[str]
        part: Part

    Body.model_validate({"tags": ["a\nb"], "part": {"text": "c\td"}})
    with pytest.raises(ValidationError, match=r"U\+202E"):
        Body.model_validate({"tags": ["a\u202eb"], "part": {"text": "c"}})
    with pytest.raises(ValidationError, match=r"U\+0000"):
        Body.model_validate({"tags": [], "part": {"text": "c\x00"}})


def test_line_breaks_tabs_and_vietnamese_text_are_kept():
    from cityops.core.models import refused_character

    for text in ("Kính gửi:\r\n\tUBND phường", "Nguyễn Thị Ánh 👩‍👩‍👧", "số 12/2026/QĐ-UBND"):
        assert refused_character(text) is None


def test_every_body_of_every_route_is_a_request_model():
    """So that every system's text fields get the refusal above (and strip and NFC)."""
    from cityops.core.models import Request
    from cityops.reports import submission

    from tests.conftest import load_function

    seen = 0
    for name in ("cases", "directory", "tasks", "documents", "reports", "deadlines"):
        app = load_function(name).app
        for route in app._static_routes + app._dynamic_routes:
            for param in route.dependant.body_params:
                seen += 1
                model = param.field_info.annotation
                if route.path == "/v1/reports/<report_id>/<action>":
                    assert all(issubclass(m, Request) for _, m in submission.ACTIONS.values())
                    continue
                assert isinstance(model, type) and issubclass(model, Request), route.path
    assert seen > 30


def _errors_at(problem, *loc):
    return [e for e in problem.get("errors") or [] if e["loc"] == list(loc)]


@pytest.mark.parametrize(
    ("name", "path", "query", "param"),
    [
        ("deadlines", "/v1/scoreboard", {"from": "9999-12-01", "to": "9999-12-31"}, "from"),
        ("deadlines", "/v1/scoreboard", {"to": "0"}, "to"),
        ("tasks", "/v1/tasks", {"due_to": "0"}, "due_to"),
        ("tasks", "/v1/tasks", {"due_from": "1999-12-31"}, "due_from"),
        ("cases", "/v1/cases/stats", {"from": "2101-01-01"}, "from"),
        ("reports", "/v1/indicators/KTXH-01/series", {"to": "9999-12-31"}, "to"),
        ("reports", "/v1/indicators", {"on": "1"}, "on"),
    ],
)
def test_a_date_in_a_query_outside_2000_to_2100_or_not_yyyy_mm_dd_is_a_422(
    call, principal, name, path, query, param
):
    status, _, problem = call(name, "GET", path, who=principal(None, "officer"), query=query)
    assert status == 422, problem
    assert _errors_at(problem, "query", param), problem


@pytest.mark.parametrize(
    ("route", "field", "value"),
    [
        (BODY_ROUTES[3], "received_on", "0001-01-01"),
        (("cases", "POST", "/v1/cases", "clerk"), "received_on", "tomorrow"),
        (BODY_ROUTES[3], "issued_on", "0"),
        (BODY_ROUTES[2], "due_date", "9999-12-31"),
        (("cases", "POST", "/v1/cases", "clerk"), "received_on", "1999-12-31"),
    ],
)
def test_a_date_in_a_body_outside_its_bounds_is_a_422_naming_the_field(send, route, field, value):
    from datetime import timedelta

    from cityops.core import clock

    if value == "tomorrow":
        value = (clock.today() + timedelta(days=1)).isoformat()
    status, _, problem = send(route, json.dumps({field: value}))
    assert status == 422, problem
    assert _errors_at(problem, "body", field), problem["errors"]
