"""The local stack's reading of template.yaml and its schedule expressions."""

from __future__ import annotations

from datetime import datetime

from cron import cron_matches, rate_seconds
from template import Template


def test_every_route_of_the_template_is_served_and_only_health_is_public():
    routes = Template().routes()
    assert ("GET", "/v1/units/{unit_id}") in {(r.method, r.path) for r in routes}
    assert {r.path for r in routes if r.public} >= {"/v1/health"}
    assert all(not r.public for r in routes if r.path.startswith("/v1/units"))


def test_path_parameters_are_matched_and_specific_routes_win():
    routes = Template().routes()
    unit = next(r for r in routes if r.path == "/v1/units/{unit_id}" and r.method == "GET")
    assert unit.pattern.match("/v1/units/01ABC").groups() == ("01ABC",)
    assert not unit.pattern.match("/v1/units/01ABC/history")
    ordered = [r.path for r in routes]
    assert ordered.index("/v1/units") < ordered.index("/v1/units/{unit_id}")


def test_intrinsic_functions_resolve_against_local_resources():
    tpl = Template()
    tpl.refs["UserPool"] = "ap-southeast-1_pool"
    tpl.refs["UserPoolClient"] = "client1"
    config = tpl.authorizer()
    assert config == {
        "issuer": "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_pool",
        "audience": ["client1"],
    }
    assert tpl.resolve({"Fn::If": ["IsProd", True, False]}) is False
    tpl.parameters["Environment"] = "prod"
    assert tpl.resolve({"Fn::If": ["IsProd", True, False]}) is True


def test_a_weekday_morning_cron_fires_on_weekdays_only():
    expression = "cron(0 7 ? * MON-FRI *)"
    assert cron_matches(expression, datetime(2026, 11, 27, 7, 0))  # a Friday
    assert not cron_matches(expression, datetime(2026, 11, 28, 7, 0))  # a Saturday
    assert not cron_matches(expression, datetime(2026, 11, 27, 7, 1))


def test_an_hourly_cron_and_rates():
    assert cron_matches("cron(0 * * * ? *)", datetime(2026, 11, 28, 13, 0))
    assert cron_matches("cron(0/15 8-17 ? * * *)", datetime(2026, 11, 28, 9, 45))
    assert not cron_matches("cron(0/15 8-17 ? * * *)", datetime(2026, 11, 28, 18, 0))
    assert rate_seconds("rate(1 hour)") == 3600 and rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("cron(0 * * * ? *)") is None


def test_a_function_past_its_timeout_is_stopped_waiting_for_and_a_fast_one_answers():
    import time
    from pathlib import Path

    import pytest
    from stack import FunctionTimedOut, call_within_timeout
    from template import Function

    fn = Function("SlowFunction", Path("."), "app.lambda_handler", {}, 1, {})
    with pytest.raises(FunctionTimedOut):
        call_within_timeout(fn, lambda _event, _context: time.sleep(3), {})
    assert call_within_timeout(fn, lambda event, context: event["n"] + 1, {"n": 1}) == 2
    with pytest.raises(KeyError):  # the handler's own error reaches the caller
        call_within_timeout(fn, lambda event, _context: event["missing"], {})


def test_each_invocation_reads_its_own_environment_and_os_environ_is_never_swapped():
    import os
    import threading
    from pathlib import Path

    from cityops.core.settings import environment, get_settings
    from stack import call_within_timeout
    from template import Function

    before = dict(os.environ)
    seen: dict[str, str] = {}
    both_inside = threading.Barrier(2)

    def invoke(table: str) -> None:
        with environment({"TASKS_TABLE": table}):
            both_inside.wait()  # two invocations at once, each with its own variables
            seen[table] = get_settings().tasks_table

    threads = [threading.Thread(target=invoke, args=(t,)) for t in ("TasksA", "TasksB")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"TasksA": "TasksA", "TasksB": "TasksB"} and dict(os.environ) == before
    fn = Function("TasksFunction", Path("."), "app.lambda_handler", {}, 5, {})
    with environment({"TASKS_TABLE": "TasksC"}):  # the handler's own thread sees it too
        assert call_within_timeout(fn, lambda _e, _c: get_settings().tasks_table, {}) == "TasksC"
    assert get_settings().tasks_table == before.get("TASKS_TABLE", "TasksTable")
