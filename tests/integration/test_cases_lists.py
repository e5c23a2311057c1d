"""Lists, statistics and the time-limit rules, through the cases function: each list is one
Query on an index, pages follow a signed cursor, statistics count per unit and kind, and an
administrator changes a time limit from a date without moving deadlines already set."""

from __future__ import annotations

import pytest

from tests.integration.test_cases_support import (
    complaint,
    open_obligations,
    petition,
    set_day,
    world_fixture,  # noqa: F401 (the world fixture)
)


def ids(page) -> list[str]:
    return [c["id"] for c in page["items"]]


# --- lists ----------------------------------------------------------------------------------------


def test_a_units_cases_are_filtered_by_kind_and_status(world):
    denunciation = world.create("sotc_clerk")
    received = world.create("sotc_clerk", **complaint())
    accepted = world.create("sotc_clerk", **complaint())
    world.ok("sotc_leader", accepted, "accept", {})
    query = {"kind": "complaint", "status": "accepted"}
    assert ids(world.get("sotc_officer", "/v1/cases", query=query)[2]) == [accepted["id"]]
    complaints = ids(world.get("sotc_officer", "/v1/cases", query={"kind": "complaint"})[2])
    assert sorted(complaints) == sorted([received["id"], accepted["id"]])
    received_only = ids(world.get("sotc_officer", "/v1/cases", query={"status": "received"})[2])
    assert sorted(received_only) == sorted([denunciation["id"], received["id"]])


def test_pages_follow_the_cursor_and_a_cursor_of_another_list_is_refused(world):
    created = {world.create("sotc_clerk")["id"] for _ in range(5)}
    seen, cursor = [], None
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        status, _, page = world.get("sotc_officer", "/v1/cases", query=query)
        assert status == 200 and len(page["items"]) <= 2
        seen += ids(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created)
    _, _, first = world.get("sotc_officer", "/v1/cases", query={"limit": "2"})
    status, _, problem = world.get(
        "sotc_officer",
        "/v1/cases",
        query={"limit": "2", "kind": "complaint", "cursor": first["next_cursor"]},
    )
    assert status == 422 and problem["errors"][0]["loc"] == ["query", "cursor"]


def test_cases_are_listed_by_due_date_and_overdue_ones_can_be_asked_for(world):
    early = world.create("sotc_clerk")  # accept by 17/2
    late = world.create("sotc_clerk", several_sites=True)  # accept by 22/2
    query = {"due_from": "2027-02-15", "due_to": "2027-02-20"}
    assert ids(world.get("sotc_officer", "/v1/cases", query=query)[2]) == [early["id"]]
    query = {"due_from": "2027-02-01", "due_to": "2027-02-28"}
    assert ids(world.get("sotc_officer", "/v1/cases", query=query)[2]) == [early["id"], late["id"]]
    set_day("2027-02-19")
    overdue = world.get("sotc_officer", "/v1/cases", query={"overdue": "true"})[2]
    assert ids(overdue) == [early["id"]]
    overdue_complaints = world.get(
        "sotc_officer", "/v1/cases", query={"overdue": "true", "kind": "complaint"}
    )[2]
    assert ids(overdue_complaints) == []


def test_a_handlers_cases_are_listed(world):
    mine = world.create("sotc_clerk")
    world.create("sotc_clerk")
    world.ok("sotc_leader", mine, "assign", {"handler_id": "sub-sotc_officer"})
    status, _, page = world.get(
        "sotc_officer", "/v1/cases", query={"handler_id": "sub-sotc_officer"}
    )
    assert status == 200 and ids(page) == [mine["id"]]


def test_a_leader_lists_only_the_cases_of_a_person_in_a_unit_they_see(world):
    """Paging another unit's person's cases would count them, and their cursors name them."""
    case = world.create("ttr_clerk")
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector"})
    query = {"handler_id": "sub-inspector", "limit": "1"}
    status, _, page = world.get("soxd_leader", "/v1/cases", query=query)
    assert status == 404 and "cursor" not in str(page)
    assert world.get("soxd_leader", "/v1/cases", query={"handler_id": "sub-nobody"})[0] == 404
    status, _, page = world.get("chairman", "/v1/cases", query=query)
    assert status == 200 and ids(page) == [case["id"]]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "201"},
        {"kind": "petition"},
        {"status": "lost"},
        {"due_from": "2027-02-30"},
        {"due_from": "2027-03-01", "due_to": "2027-02-01"},
        {"unit_id": "not-a-ulid"},
        {"handler_id": "sub-x", "overdue": "true"},
        {"cursor": "forged.cursor"},
    ],
)
def test_a_bad_list_query_is_a_422_problem(world, query):
    status, headers, _ = world.get("sotc_officer", "/v1/cases", query=query)
    assert status == 422 and headers["Content-Type"] == "application/problem+json"


# --- statistics -----------------------------------------------------------------------------------


def stats_rows(world, who, **query):
    status, _, body = world.get(who, "/v1/cases/stats", query=query)
    assert status == 200, body
    return {(row["unit_code"], row["kind"]): row for row in body["items"]}


def test_statistics_count_received_accepted_resolved_open_and_overdue_by_unit_and_kind(world):
    on_time = world.create("sotc_clerk", **complaint())
    resolved_late = world.create("ttr_clerk")
    left_open = world.create("ttr_clerk")
    routed = world.create("vp_clerk", **petition())
    world.ok(
        "vp_clerk", routed, "classify", {"decision": "transfer", "to_unit_id": world.unit("SO-TC")}
    )
    world.ok("vp_clerk", routed, "forward", {})
    set_day("2027-02-03")
    world.ok("sotc_leader", on_time, "accept", {})
    world.ok("sotc_leader", on_time, "assign", {"handler_id": "sub-sotc_officer"})
    world.ok("sotc_officer", on_time, "verify", {})
    world.ok("inspector", resolved_late, "assign", {"handler_id": "sub-inspector"})
    world.ok("inspector", resolved_late, "accept", {})
    world.ok("inspector", resolved_late, "verify", {})
    set_day("2027-02-20")
    world.ok(
        "sotc_leader",
        on_time,
        "decide",
        {"result": "rejected", "decision_number": "1", "summary": "Sai"},
    )
    set_day("2027-03-10")
    world.ok(
        "inspector",
        resolved_late,
        "conclude",
        {"result": "unfounded", "conclusion_number": "2", "summary": "Sai"},
    )

    rows = stats_rows(world, "chairman", **{"from": "2027-02-01", "to": "2027-03-31"})
    fields = (
        "received",
        "transferred_out",
        "accepted",
        "resolved_on_time",
        "resolved_late",
        "open",
        "overdue",
    )

    def of(key):
        return tuple(rows[key][f] for f in fields)

    assert of(("TTR-HN", "denunciation")) == (2, 0, 1, 0, 1, 1, 1)
    assert of(("SO-TC", "complaint")) == (1, 0, 1, 1, 0, 0, 0)
    assert of(("VP-UBND", "voter_petition")) == (1, 1, 0, 0, 0, 0, 0)
    assert of(("SO-TC", "voter_petition")) == (1, 0, 0, 0, 0, 1, 0)
    assert left_open["id"]  # the open, overdue denunciation

    march = stats_rows(world, "chairman", **{"from": "2027-03-01", "to": "2027-03-31"})
    assert march[("TTR-HN", "denunciation")]["received"] == 0
    assert march[("TTR-HN", "denunciation")]["resolved_late"] == 1

    own = stats_rows(world, "sotc_leader", **{"from": "2027-02-01", "to": "2027-03-31"})
    assert {unit for unit, _ in own} == {"SO-TC"}
    complaints = stats_rows(
        world, "inspector", **{"from": "2027-02-01", "to": "2027-03-31", "kind": "complaint"}
    )
    assert set(complaints) == {("SO-TC", "complaint")}


def test_statistics_of_a_unit_the_caller_may_not_see_are_not_found(world):
    status, _, _ = world.get(
        "soxd_leader", "/v1/cases/stats", query={"unit_id": world.unit("SO-TC")}
    )
    assert status == 404
    status, _, _ = world.get(
        "chairman", "/v1/cases/stats", query={"from": "2027-03-01", "to": "2027-01-01"}
    )
    assert status == 422


# --- time limits ----------------------------------------------------------------------------------


def test_the_time_limits_are_listed_with_their_versions_and_sources(world):
    status, _, body = world.get("sotc_officer", "/v1/cases/time-limits")
    assert status == 200
    rules = {r["rule"]: r for r in body["items"]}
    assert rules["denunciation.accept"]["in_force"]["length"] == 7
    assert rules["denunciation.accept"]["in_force"]["unit"] == "working_days"
    assert "Art. 24" in rules["denunciation.accept"]["in_force"]["source"]
    assert rules["voter_petition.answer"]["in_force"]["verified"] is False


def test_an_admin_changes_the_voter_petition_default_from_a_date(world):
    before = world.create("vp_clerk", **petition(received_on="2027-02-01"))
    path = "/v1/cases/time-limits/voter_petition.answer"
    status, headers, rule = world.get("admin", path)
    assert status == 200 and headers["ETag"] == '"0"' and len(rule["versions"]) == 1
    change = {
        "length": 30,
        "unit": "days",
        "effective_from": "2027-02-01",
        "source": "Nghị quyết HĐND thành phố (thử)",
    }
    status, headers, rule = world.request(
        "PUT", path, "admin", body=change, headers={"if-match": '"0"'}
    )
    assert status == 200 and headers["ETag"] == '"1"'
    assert [(v["length"], v["effective_from"], v["origin"]) for v in rule["versions"]] == [
        (60, "2016-07-01", "default"),
        (30, "2027-02-01", "admin"),
    ]
    after = world.create("vp_clerk", **petition(received_on="2027-02-01"))
    older = world.create("vp_clerk", **petition(received_on="2027-01-29"))
    assert open_obligations(after["id"]) == {"voter_petition.answer": "2027-03-03"}  # 30 days
    assert open_obligations(older["id"]) == {"voter_petition.answer": "2027-03-30"}  # 60 days
    assert open_obligations(before["id"]) == {"voter_petition.answer": "2027-04-02"}  # unchanged
    _, _, history = world.get("chairman", f"/v1/cases/{before['id']}/history")
    assert [e["action"] for e in history["items"]] == ["case.received"]


def test_changing_a_time_limit_needs_an_admin_the_current_version_and_a_known_rule(world):
    path = "/v1/cases/time-limits/voter_petition.answer"
    change = {"length": 30, "unit": "days", "effective_from": "2027-03-01", "source": "x"}
    assert (
        world.request("PUT", path, "sotc_leader", body=change, headers={"if-match": '"0"'})[0]
        == 403
    )
    assert world.request("PUT", path, "admin", body=change)[0] == 428
    assert world.request("PUT", path, "admin", body=change, headers={"if-match": '"3"'})[0] == 412
    unknown = "/v1/cases/time-limits/complaint.forever"
    assert (
        world.request("PUT", unknown, "admin", body=change, headers={"if-match": '"0"'})[0] == 404
    )
    bad = {**change, "unit": "weeks"}
    assert world.request("PUT", path, "admin", body=bad, headers={"if-match": '"0"'})[0] == 422
    assert world.get("admin", path)[2]["version"] == 0
