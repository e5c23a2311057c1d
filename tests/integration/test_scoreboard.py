"""The on-time record over HTTP (GET /v1/scoreboard): counts per unit and system for a
window, read from the counters with one Query per month; who sees which units; the ranking
for city leaders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cityops.core import clock
from cityops.core.aws import client
from cityops.core.calendar import WorkingCalendar
from cityops.core.obligations import Outcome

from tests.aws_calls import counting
from tests.integration.test_sweep_support import World

LAW = WorkingCalendar()
TODAY = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri 27/11/2026 in Hanoi
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def eod(day: date) -> datetime:
    return LAW.due_end_of_day(day)


@pytest.fixture
def world(seeded, aws):
    clock.set_now(TODAY)
    w = World(aws, seeded)

    def record(unit, day, outcome=None, system="tasks"):
        ob = w.open(w.obligation(eod(day), unit, system=system))
        if outcome:
            w.close(ob, outcome)

    record("SO-TC", date(2026, 11, 10), Outcome.MET_ON_TIME)
    record("SO-TC", date(2026, 11, 12), Outcome.MET_LATE)
    record("SO-TC", date(2026, 11, 20))  # missed: open, due before today
    record("SO-TC", date(2026, 11, 30))  # still open: not yet due
    record("SO-TC", date(2026, 11, 5), Outcome.CANCELLED)
    record("SO-TC", date(2026, 11, 18), Outcome.MET_ON_TIME, system="cases")
    record("SO-TC.NS", date(2026, 11, 16), Outcome.MET_ON_TIME)
    record("SO-XD", date(2026, 11, 19))  # missed
    record("P-HOANKIEM", date(2026, 12, 3), system="documents")  # after the window
    return w


def who(world, principal, username):
    code, roles = {
        "chairman": ("UBND-HN", ["city_leader"]),
        "sotc.leader": ("SO-TC", ["unit_leader"]),
        "sotc.officer": ("SO-TC", ["officer"]),
        "soxd.officer": ("SO-XD", ["officer"]),
        "admin": ("VP-UBND", ["admin"]),
    }[username]
    return principal(
        world.units[code], *roles, sub=world.id(username) if username in world.people else username
    )


def board(call, user, **query):
    status, _, body = call("deadlines", "GET", "/v1/scoreboard", who=user, query=query)
    assert status == 200, body
    return body


def by_code(body):
    return {u["code"]: u for u in body["units"]}


def test_each_unit_s_record_per_system_counts_on_time_late_missed_and_still_open(
    world, call, principal
):
    body = board(call, who(world, principal, "chairman"), **NOVEMBER)
    sotc = by_code(body)["SO-TC"]
    assert sotc["systems"]["tasks"] == {
        "due": 4,
        "met_on_time": 1,
        "met_late": 1,
        "missed": 1,
        "still_open": 1,
        "cancelled": 1,
        "on_time_rate": 0.3333,
    }
    assert sotc["systems"]["cases"]["met_on_time"] == 1
    assert sotc["systems"]["documents"]["due"] == sotc["systems"]["reports"]["due"] == 0
    assert sotc["total"]["on_time_rate"] == 0.5  # 2 on time of 4 judged
    assert body["as_of"] == "2026-11-27" and body["from_date"] == "2026-11-01"


def test_city_leaders_see_every_unit_and_the_ranking(world, call, principal):
    body = board(call, who(world, principal, "chairman"), **NOVEMBER)
    assert set(by_code(body)) == {"SO-TC", "SO-TC.NS", "SO-XD"}  # Hoàn Kiếm: December
    assert [(r["rank"], r["code"], r["on_time_rate"]) for r in body["ranking"]] == [
        (1, "SO-TC.NS", 1.0),
        (2, "SO-TC", 0.5),
        (3, "SO-XD", 0.0),
    ]
    assert body["total"]["missed"] == 2 and body["total"]["due"] == 7


def test_an_officer_sees_their_own_unit_only_and_no_ranking(world, call, principal):
    body = board(call, who(world, principal, "sotc.officer"), **NOVEMBER)
    assert list(by_code(body)) == ["SO-TC"] and body["ranking"] is None


def test_a_unit_leader_sees_their_subtree(world, call, principal):
    body = board(call, who(world, principal, "sotc.leader"), **NOVEMBER)
    assert list(by_code(body)) == ["SO-TC", "SO-TC.NS"] and body["ranking"] is None
    only_ns = board(
        call, who(world, principal, "sotc.leader"), unit_id=world.unit("SO-TC.NS"), **NOVEMBER
    )
    assert list(by_code(only_ns)) == ["SO-TC.NS"]


def test_administrators_see_every_unit_but_the_ranking_is_for_city_leaders(world, call, principal):
    body = board(call, who(world, principal, "admin"), **NOVEMBER)
    assert set(by_code(body)) == {"SO-TC", "SO-TC.NS", "SO-XD"} and body["ranking"] is None


def test_a_unit_one_may_not_see_is_not_found(world, call, principal):
    for user, unit in (("soxd.officer", "SO-TC"), ("sotc.leader", "SO-XD")):
        status, _, _ = call(
            "deadlines",
            "GET",
            "/v1/scoreboard",
            who=who(world, principal, user),
            query={"unit_id": world.unit(unit), **NOVEMBER},
        )
        assert status == 404


@pytest.mark.parametrize("unit_id", ["01KNOSUCHUNIT0000000000000", "SO-TC", "x"])
def test_an_unknown_unit_is_not_found(world, call, principal, unit_id):
    status, _, _ = call(
        "deadlines",
        "GET",
        "/v1/scoreboard",
        who=who(world, principal, "chairman"),
        query={"unit_id": unit_id},
    )
    assert status == 404


def test_a_unit_with_nothing_due_shows_zeros(world, call, principal):
    body = board(
        call, who(world, principal, "soxd.officer"), **{"from": "2026-10-01", "to": "2026-10-31"}
    )
    (soxd,) = body["units"]
    assert soxd["code"] == "SO-XD" and soxd["total"]["due"] == 0
    assert soxd["total"]["on_time_rate"] is None


def test_a_window_is_one_query_per_month_and_never_a_scan(world, call, principal):
    names = []
    client("dynamodb").meta.events.register(
        "before-parameter-build.dynamodb",
        lambda model, params, **_: names.append((model.name, params.get("TableName"))),
    )
    board(call, who(world, principal, "chairman"), **{"from": "2026-10-15", "to": "2026-12-15"})
    assert ("Scan", "ObligationsTable") not in names
    assert [n for n in names if n[1] == "ObligationsTable"] == [("Query", "ObligationsTable")] * 3


def test_a_window_across_months_adds_them_up(world, call, principal):
    body = board(
        call, who(world, principal, "chairman"), **{"from": "2026-11-15", "to": "2026-12-31"}
    )
    codes = by_code(body)
    assert codes["P-HOANKIEM"]["systems"]["documents"]["still_open"] == 1
    assert codes["SO-TC"]["systems"]["tasks"]["due"] == 2  # 20/11 and 30/11


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-11-31"},
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"from": "2024-01-01", "to": "2026-11-30"},
        {"to": "yesterday"},
    ],
)
def test_a_bad_window_is_refused(world, call, principal, query):
    status, headers, problem = call(
        "deadlines", "GET", "/v1/scoreboard", who=who(world, principal, "chairman"), query=query
    )
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert problem["errors"]


def _summed(*bodies):
    out: dict = {}
    for body in bodies:
        for unit in body["units"]:
            for system, record in unit["systems"].items():
                row = out.setdefault((unit["code"], system), {})
                for name in ("due", "met_on_time", "met_late", "missed", "still_open"):
                    row[name] = row.get(name, 0) + record[name]
    return {k: v for k, v in out.items() if any(v.values())}


def test_a_past_month_read_whole_from_its_roll_ups_counts_what_its_days_count(
    world, call, principal
):
    clock.set_now(datetime(2026, 12, 15, 2, 0, tzinfo=UTC))
    chairman = who(world, principal, "chairman")
    with counting() as calls:
        whole = board(call, chairman, **NOVEMBER)
    read_whole = calls.read["ObligationsTable"]
    with counting() as calls:
        halves = [
            board(call, chairman, **{"from": "2026-11-01", "to": "2026-11-15"}),
            board(call, chairman, **{"from": "2026-11-16", "to": "2026-11-30"}),
        ]
    assert _summed(whole) == _summed(*halves) and _summed(whole)[("SO-TC", "tasks")]["missed"] == 2
    # The whole month: one roll-up per unit and system (4), not one row per day (8).
    assert calls.queried["ObligationsTable"] == 2 and read_whole == 4


def test_a_units_own_board_reads_only_that_units_rows(world, call, principal):
    with counting() as calls:
        board(call, who(world, principal, "soxd.officer"), **NOVEMBER)
    assert calls.queried["ObligationsTable"] == 1 and calls.read["ObligationsTable"] == 1
    with counting() as calls:
        board(call, who(world, principal, "chairman"), unit_id=world.unit("SO-TC.NS"), **NOVEMBER)
    assert calls.queried["ObligationsTable"] == 1 and calls.read["ObligationsTable"] == 1


def test_a_twelve_month_board_is_one_query_per_month(world, call, principal):
    from cityops.core.access import vouched

    chairman = who(world, principal, "chairman")
    vouched(chairman)  # the caller's profile and unit, one BatchGetItem per container
    with counting() as calls:
        board(call, chairman, **{"from": "2025-12-01", "to": "2026-11-30"})
    assert calls.queried["ObligationsTable"] == 12
    assert calls.of("dynamodb.BatchGetItem") == 0 and calls.queried["GSI1"] == 1  # the units
