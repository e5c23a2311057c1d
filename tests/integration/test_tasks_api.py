"""The tasks function against moto: assigning, reading, history, lists and statistics, and
who may see what (the visibility half of the authorisation matrix)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cityops.core import clock

from tests.integration.test_tasks_support import NOW, TEN_WORKING_DAYS, City


@pytest.fixture
def city(seeded, call) -> City:
    return City(seeded, call)


# --- assigning ---------------------------------------------------------------------------------


def test_the_chairman_assigns_a_task_due_in_ten_working_days(city):
    status, headers, task = city.call("POST", "/v1/tasks", "chairman", body=city.new_task())
    assert status == 201 and headers["ETag"] == '"1"'
    assert headers["Location"] == f"/v1/tasks/{task['id']}"
    assert task["due_date"] == task["original_due_date"] == TEN_WORKING_DAYS
    assert task["deadline"] == "2026-12-11T16:59:59.999999Z"  # the end of that day in Hanoi
    assert task["status"] == "in_progress" and task["status_class"] == "in_progress_on_time"
    assert task["lead_unit_id"] == city.unit("SO-TC")
    assert task["coordinating_unit_ids"] == [city.unit("SO-XD")]
    assert task["assigned_by"] == {"id": "chairman", "name": "Người dùng chairman"}
    assert task["on_behalf_of"] is None and task["assigning_unit_id"] == city.unit("UBND-HN")
    assert task["source_document"]["number_symbol"] == "123/QĐ-UBND"
    assert task["extension_count"] == 0 and task["on_time_policy"] == "extended"


def test_a_task_may_have_a_due_date_or_no_deadline_at_all(city):
    dated = city.assign(due_in_working_days=None, due_date="2026-12-31")
    assert dated["due_date"] == "2026-12-31"
    assert dated["deadline"] == "2026-12-31T16:59:59.999999Z"
    undated = city.assign(due_in_working_days=None)
    assert undated["due_date"] is None and undated["status_class"] == "no_deadline"
    assert "task.complete" not in city.obligations(undated["id"])


def test_assigning_opens_the_completion_obligation_of_the_lead_unit(city):
    task = city.assign()
    row = city.obligations(task["id"])["task.complete"]
    assert row["status"] == "open" and row["kind"] == "task.complete"
    assert row["due_at"] == task["deadline"]
    assert row["responsible_unit_id"] == city.unit("SO-TC")
    assert row["assigned_by"] == "chairman"
    # the one convention of every system: the units above the responsible unit, nearest first
    assert row["escalation_chain"] == [city.unit("UBND-HN")]
    assert city.counters(TEN_WORKING_DAYS)["due"] == 1


def test_assigning_puts_task_assigned_on_the_bus(city):
    task = city.assign()
    events = city.events()
    assert [e["detail-type"] for e in events] == ["TaskAssigned"]
    detail = events[0]["detail"]
    assert detail["task_id"] == task["id"] and detail["lead_unit_id"] == city.unit("SO-TC")
    assert detail["coordinating_unit_ids"] == [city.unit("SO-XD")]
    assert detail["due_date"] == TEN_WORKING_DAYS and detail["assigned_by"] == "chairman"


def test_an_office_clerk_assigns_on_the_chairmans_behalf(city):
    task = city.assign("vp.clerk", on_behalf_of="chairman")
    assert task["created_by"]["id"] == "vp.clerk"
    assert task["on_behalf_of"] == {"id": "chairman", "name": "Người dùng chairman"}
    assert task["assigned_by"]["id"] == "chairman"
    assert task["assigning_unit_id"] == city.unit("UBND-HN")
    assert city.obligations(task["id"])["task.complete"]["assigned_by"] == "vp.clerk"
    # the clerk who entered it sees it; another clerk of the Office does not
    assert city.get(task["id"], "vp.clerk")[0] == 200
    assert city.get(task["id"], "vp.clerk2")[0] == 404


def test_an_office_clerk_must_name_a_city_leader_to_assign_for(city):
    before = city.snapshot()
    missing = city.call("POST", "/v1/tasks", "vp.clerk", body=city.new_task())
    not_a_leader = city.call(
        "POST", "/v1/tasks", "vp.clerk", body=city.new_task(on_behalf_of="sotc.leader")
    )
    unknown = city.call("POST", "/v1/tasks", "vp.clerk", body=city.new_task(on_behalf_of="nobody"))
    for status, _, body in (missing, not_a_leader, unknown):
        assert status == 422 and body["errors"][0]["loc"] == ["body", "on_behalf_of"]
    assert city.snapshot() == before


def test_a_city_leader_assigns_in_their_own_name_only(city):
    status, _, body = city.call(
        "POST", "/v1/tasks", "chairman", body=city.new_task(on_behalf_of="vice.chairman")
    )
    assert status == 422 and body["errors"][0]["loc"] == ["body", "on_behalf_of"]


@pytest.mark.parametrize(
    "username",
    [
        "sotc.leader",
        "sotc.officer",
        "sotc.clerk",
        "vp.officer",
        "admin",
        "inspector",
        "ubnd.leader",
    ],
)
def test_nobody_but_city_leaders_and_office_clerks_assigns_tasks(city, username):
    before = city.snapshot()
    status, headers, body = city.call(
        "POST", "/v1/tasks", username, body=city.new_task(on_behalf_of="chairman")
    )
    assert status == 403 and headers["Content-Type"] == "application/problem+json"
    assert body["status"] == 403
    assert city.snapshot() == before


def test_the_same_idempotency_key_and_body_assigns_the_task_once(city):
    headers = {"idempotency-key": "assign-1"}
    first = city.call("POST", "/v1/tasks", "chairman", body=city.new_task(), headers=headers)
    again = city.call("POST", "/v1/tasks", "chairman", body=city.new_task(), headers=headers)
    assert first[0] == again[0] == 201 and first[2]["id"] == again[2]["id"]
    assert len(city.listing("chairman", unit_id=city.unit("SO-TC"), role="lead")) == 1
    other = city.call(
        "POST", "/v1/tasks", "chairman", body=city.new_task(title="Khác"), headers=headers
    )
    assert other[0] == 422


def test_units_that_do_not_exist_are_refused(city):
    ghost = "01JAAAAAAAAAAAAAAAAAAAAAAA"
    before = city.snapshot()
    status, _, body = city.call(
        "POST", "/v1/tasks", "chairman", body=city.new_task(coordinating_unit_ids=[ghost])
    )
    assert status == 422 and body["errors"][0]["loc"] == ["body", "coordinating_unit_ids", 0]
    status, _, body = city.call(
        "POST", "/v1/tasks", "chairman", body=city.new_task(lead_unit_id=ghost)
    )
    assert status == 422 and body["errors"][0]["loc"] == ["body", "lead_unit_id"]
    assert city.snapshot() == before


# --- who sees a task ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        "chairman",  # assigned it
        "vice.chairman",  # a city leader
        "sotc.leader",  # lead unit
        "sotc.officer",  # lead unit
        "soxd.leader",  # coordinating unit
        "soxd.officer",  # coordinating unit
        "ubnd.leader",  # a leader of the root unit leads every unit under it
    ],
)
def test_the_task_is_visible_to_its_units_and_to_the_assigning_side(city, username):
    task = city.assign()
    status, headers, body = city.get(task["id"], username)
    assert status == 200 and body["id"] == task["id"] and headers["ETag"] == '"1"'


@pytest.mark.parametrize(
    "username",
    [
        "hoankiem.officer",
        "hoankiem.leader",
        "ns.officer",  # a sub-unit of the lead unit sees nothing above it
        "ns.leader",
        "vp.clerk",  # did not enter this one
        "vp.officer",
        "admin",  # runs the system, not in the chain of command
        "inspector",
    ],
)
def test_everyone_else_gets_404_for_the_task_and_its_history(city, username):
    task = city.assign()
    status, headers, body = city.get(task["id"], username)
    assert status == 404 and headers["Content-Type"] == "application/problem+json"
    assert body["detail"] == "Không có nhiệm vụ này."
    assert city.call("GET", f"/v1/tasks/{task['id']}/history", username)[0] == 404
    assert city.call("GET", f"/v1/tasks/{task['id']}/progress", username)[0] == 404
    assert city.call("GET", f"/v1/tasks/{task['id']}/subtasks", username)[0] == 404


def test_a_leader_above_a_sub_unit_sees_the_sub_units_task(city):
    task = city.assign(lead_unit_id=city.unit("SO-TC.NS"), coordinating_unit_ids=[])
    assert city.get(task["id"], "sotc.leader")[0] == 200
    assert city.get(task["id"], "ns.officer")[0] == 200
    assert city.get(task["id"], "sotc.officer")[0] == 404


def test_an_unknown_task_and_a_malformed_id_are_not_found_or_invalid(city):
    assert city.get("01JAAAAAAAAAAAAAAAAAAAAAAA")[0] == 404
    assert city.get("not-a-task")[0] == 422


def test_the_history_records_who_did_what(city):
    task = city.assign()
    clock.set_now(NOW + timedelta(hours=1))
    city.report(task["id"], "sotc.officer", 40)
    status, _, history = city.call("GET", f"/v1/tasks/{task['id']}/history", "sotc.leader")
    assert status == 200
    actions = [e["action"] for e in history["items"]]
    assert actions == ["task.assigned", "task.progress_reported"]
    assert history["items"][0]["actor_id"] == "chairman"
    assert history["items"][1]["actor_id"] == "sotc.officer"
    assert history["items"][1]["changes"]["percent"] == [0, 40]


# --- lists -------------------------------------------------------------------------------------


def test_a_unit_lists_the_tasks_it_leads_and_those_it_coordinates(city):
    led = city.assign()
    coordinated = city.assign(
        lead_unit_id=city.unit("SO-XD"), coordinating_unit_ids=[city.unit("SO-TC")]
    )
    other = city.assign(lead_unit_id=city.unit("P-HOANKIEM"), coordinating_unit_ids=[])
    mine = city.listing("sotc.officer")  # default: the caller's unit
    assert [(t["id"], t["role"]) for t in mine] == [
        (led["id"], "lead"),
        (coordinated["id"], "coordinating"),
    ]
    assert other["id"] not in {t["id"] for t in mine}
    leads = city.listing("sotc.officer", role="lead")
    assert [t["id"] for t in leads] == [led["id"]]
    coordinates = city.listing("soxd.leader", unit_id=city.unit("SO-XD"), role="coordinating")
    assert [t["id"] for t in coordinates] == [led["id"]]


def test_a_unit_list_pages_follow_the_cursor_newest_first(city):
    ids = []
    for n in range(5):
        clock.set_now(NOW + timedelta(seconds=n))  # ids sort by creation, to the millisecond
        ids.append(city.assign(title=f"Nhiệm vụ {n}")["id"])
    status, _, first = city.call(
        "GET", "/v1/tasks", "sotc.officer", query={"role": "lead", "limit": "2"}
    )
    assert status == 200 and len(first["items"]) == 2 and first["next_cursor"]
    seen = city.listing("sotc.officer", role="lead", limit=2)
    assert [t["id"] for t in seen] == list(reversed(ids))


def test_a_unit_list_filters_by_status_class_source_and_due_range(city):
    soon = city.assign()
    later = city.assign(due_in_working_days=None, due_date="2027-01-29", source="government")
    city.assign(due_in_working_days=None)  # no deadline
    cancelled = city.assign()
    assert city.cancel(cancelled["id"])[0] == 200
    unit = city.unit("SO-TC")
    by_class = city.listing("chairman", unit_id=unit, status_class="cancelled")
    assert [t["id"] for t in by_class] == [cancelled["id"]]
    by_source = city.listing("chairman", unit_id=unit, source="government")
    assert [t["id"] for t in by_source] == [later["id"]]
    by_due = city.listing("chairman", unit_id=unit, due_from="2026-12-01", due_to="2026-12-31")
    assert {t["id"] for t in by_due} == {soon["id"], cancelled["id"]}
    undated = city.listing("chairman", unit_id=unit, role="lead", status_class="no_deadline")
    assert len(undated) == 1 and undated[0]["due_date"] is None
    clock.set_now(datetime(2026, 12, 14, 2, 0, tzinfo=UTC))  # past the first deadline
    overdue = city.listing("chairman", unit_id=unit, status_class="in_progress_overdue")
    assert [t["id"] for t in overdue] == [soon["id"]]


def test_a_unit_list_filters_by_creation_window(city):
    old = city.assign()
    clock.set_now(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    new = city.assign()
    december = city.listing("sotc.officer", role="lead", created_from="2026-12-01")
    november = city.listing("sotc.officer", role="lead", created_to="2026-11-30")
    assert [t["id"] for t in december] == [new["id"]]
    assert [t["id"] for t in november] == [old["id"]]


def test_nobody_lists_a_unit_they_may_not_see(city):
    city.assign()
    for username in ("hoankiem.officer", "hoankiem.leader", "ns.leader", "admin"):
        status, _, _ = city.call(
            "GET", "/v1/tasks", username, query={"unit_id": city.unit("SO-TC")}
        )
        assert status == 404, username


def test_a_leader_lists_a_sub_units_tasks(city):
    task = city.assign(lead_unit_id=city.unit("SO-TC.NS"), coordinating_unit_ids=[])
    listed = city.listing("sotc.leader", unit_id=city.unit("SO-TC.NS"))
    assert [t["id"] for t in listed] == [task["id"]]


def test_city_leaders_list_every_task_by_creation_month(city):
    first = city.assign()
    clock.set_now(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    second = city.assign(lead_unit_id=city.unit("P-HOANKIEM"), coordinating_unit_ids=[])
    everything = city.listing("vice.chairman", limit=1)
    assert [t["id"] for t in everything] == [second["id"], first["id"]]
    november = city.listing("vice.chairman", created_from="2026-11-01", created_to="2026-11-30")
    assert [t["id"] for t in november] == [first["id"]]


def test_the_assigning_side_lists_what_it_assigned(city):
    entered = city.assign("vp.clerk", on_behalf_of="chairman")
    clock.set_now(NOW + timedelta(minutes=1))
    own = city.assign()
    assert [t["id"] for t in city.listing("vp.clerk", assigned_by_me="true")] == [entered["id"]]
    chairman = city.listing("chairman", assigned_by_me="true")
    assert [t["id"] for t in chairman] == [own["id"], entered["id"]]
    assert {t["role"] for t in chairman} == {"assigner"}


@pytest.mark.parametrize(
    "query",
    [
        {"role": "chief"},
        {"status_class": "late"},
        {"source": "ministry"},
        {"due_from": "tomorrow"},
        {"due_from": "2026-12-31", "due_to": "2026-12-01"},
        {"unit_id": "not-a-unit"},
        {"limit": "0"},
        {"limit": "201"},
        {"cursor": "forged.cursor"},
        {"assigned_by_me": "true", "role": "lead"},
    ],
)
def test_bad_list_queries_are_refused(city, query):
    status, headers, body = city.call("GET", "/v1/tasks", "sotc.officer", query=query)
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert body["errors"]


def test_a_cursor_from_one_list_is_refused_by_another(city):
    for _ in range(3):
        city.assign()
    _, _, page = city.call("GET", "/v1/tasks", "sotc.officer", query={"limit": "1"})
    status, _, _ = city.call(
        "GET",
        "/v1/tasks",
        "sotc.officer",
        query={"limit": "1", "role": "lead", "cursor": page["next_cursor"]},
    )
    assert status == 422


# --- statistics --------------------------------------------------------------------------------


def test_stats_count_each_units_tasks_per_status_class(city):
    on_time = city.assign()
    city.assign(due_in_working_days=None)
    done = city.assign()
    assert city.complete(done["id"])[0] == 200
    assert city.confirm(done["id"])[0] == 200
    cancelled = city.assign(lead_unit_id=city.unit("SO-XD"), coordinating_unit_ids=[])
    assert city.cancel(cancelled["id"])[0] == 200
    status, _, stats = city.call(
        "GET", "/v1/tasks/stats", "chairman", query={"from": "2026-11-01", "to": "2026-11-30"}
    )
    assert status == 200 and stats["from"] == "2026-11-01" and stats["to"] == "2026-11-30"
    rows = {r["code"]: r for r in stats["units"]}
    assert set(rows) == set(city.units)  # a city leader sees every unit
    assert rows["SO-TC"]["counts"] == {
        "in_progress_on_time": 1,
        "in_progress_overdue": 0,
        "done_on_time": 1,
        "done_late": 0,
        "no_deadline": 1,
        "cancelled": 0,
    }
    assert rows["SO-TC"]["total"] == 3
    assert rows["SO-XD"]["counts"]["cancelled"] == 1  # coordinating parts are not counted
    assert stats["total"] == 4 and stats["counts"]["done_on_time"] == 1
    assert on_time["id"]


def test_stats_follow_the_clock(city):
    city.assign()
    query = {"from": "2026-11-27", "to": "2026-11-27", "unit_id": city.unit("SO-TC")}
    _, _, before = city.call("GET", "/v1/tasks/stats", "chairman", query=query)
    assert before["counts"]["in_progress_on_time"] == 1
    clock.set_now(datetime(2026, 12, 12, 2, 0, tzinfo=UTC))
    _, _, after = city.call("GET", "/v1/tasks/stats", "chairman", query=query)
    assert after["counts"]["in_progress_overdue"] == 1
    assert after["counts"]["in_progress_on_time"] == 0


def test_stats_refuse_a_window_outside_2000_to_2100_before_reading_a_month_of_it(city):
    """`?from=0889-10-03` once read 13,000 months of counters (one Query each) for a minute:
    schemathesis found it. The shared date bounds refuse it with 422."""
    for query in ({"from": "0889-10-03"}, {"to": "9999-12-31"}, {"from": "0"}):
        status, _, problem = city.call("GET", "/v1/tasks/stats", "chairman", query=query)
        assert status == 422, (query, problem)


def test_stats_cover_only_the_units_the_caller_may_see(city):
    city.assign(lead_unit_id=city.unit("SO-TC.NS"), coordinating_unit_ids=[])
    city.assign(lead_unit_id=city.unit("P-HOANKIEM"), coordinating_unit_ids=[])
    _, _, leader = city.call("GET", "/v1/tasks/stats", "sotc.leader")
    assert [r["code"] for r in leader["units"]] == ["SO-TC", "SO-TC.NS"]
    assert leader["total"] == 1
    _, _, officer = city.call("GET", "/v1/tasks/stats", "sotc.officer")
    assert [r["code"] for r in officer["units"]] == ["SO-TC"] and officer["total"] == 0
    status, _, _ = city.call(
        "GET", "/v1/tasks/stats", "sotc.leader", query={"unit_id": city.unit("P-HOANKIEM")}
    )
    assert status == 404
    _, _, narrowed = city.call(
        "GET", "/v1/tasks/stats", "chairman", query={"unit_id": city.unit("SO-TC")}
    )
    assert [r["code"] for r in narrowed["units"]] == ["SO-TC", "SO-TC.NS"]


def test_stats_count_only_tasks_assigned_in_the_window(city):
    city.assign()
    _, _, stats = city.call(
        "GET", "/v1/tasks/stats", "chairman", query={"from": "2026-12-01", "to": "2026-12-31"}
    )
    assert stats["total"] == 0
    status, _, _ = city.call(
        "GET", "/v1/tasks/stats", "chairman", query={"from": "2026-12-31", "to": "2026-12-01"}
    )
    assert status == 422


def test_the_time_window_defaults_to_this_year_until_today(city):
    city.assign()
    _, _, stats = city.call("GET", "/v1/tasks/stats", "chairman")
    assert stats["from"] == "2026-01-01" and stats["to"] == "2026-11-27"
    assert stats["total"] == 1 and stats["as_of"] == clock.iso(NOW)
