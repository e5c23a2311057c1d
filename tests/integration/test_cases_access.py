"""Who may see and do what with a case: the authorisation matrix, through the cases function.

A case is visible to the unit that handles it, to the leaders above it, to city leaders and to
the city Inspectorate; others get 404. Only the assigned handler moves it forward; only a
leader of the handling unit accepts, refuses, extends or decides. The identity is read only by
the inspector assigned and the resolver, and every read is audited."""

from __future__ import annotations

import pytest

from tests.integration.test_cases_support import (
    SECRET_WORDS,
    complaint,
    world_fixture,  # noqa: F401 (the world fixture)
)

SEES = ["sotc_clerk", "sotc_officer", "sotc_leader", "chairman", "inspector", "ttr_clerk"]
BLIND = ["soxd_officer", "soxd_leader", "hoankiem_officer", "vp_clerk", "ns_officer", "admin"]


@pytest.fixture
def case(world):
    """A complaint received by the Department of Finance (SO-TC)."""
    return world.create("sotc_clerk", **complaint())


@pytest.mark.parametrize("who", SEES)
def test_the_handling_unit_city_leaders_and_the_inspectorate_see_the_case(world, case, who):
    status, headers, body = world.get(who, f"/v1/cases/{case['id']}")
    assert status == 200 and body["id"] == case["id"] and headers["ETag"] == '"1"'
    assert world.get(who, f"/v1/cases/{case['id']}/history")[0] == 200


@pytest.mark.parametrize("who", BLIND)
def test_anyone_else_gets_404_for_the_case_its_history_identity_and_actions(world, case, who):
    for path in ("", "/history", "/identity"):
        status, _, problem = world.get(who, f"/v1/cases/{case['id']}{path}")
        assert status == 404 and problem["detail"] == "Không có vụ việc này.", path
    status, _, _ = world.act(who, case, "accept", {}, version=1)
    assert status == 404
    assert world.case("chairman", case["id"])["status"] == "received"


def test_the_leader_of_a_parent_unit_sees_a_case_of_its_division_and_its_members_do_not(world):
    case = world.create("sotc_clerk", **complaint())
    world.ok(
        "sotc_clerk",
        case,
        "classify",
        {"decision": "transfer", "to_unit_id": world.unit("SO-TC.NS")},
    )
    world.ok("sotc_clerk", case, "forward", {})
    assert world.get("ns_officer", f"/v1/cases/{case['id']}")[0] == 200
    assert world.get("sotc_leader", f"/v1/cases/{case['id']}")[0] == 200
    assert world.get("sotc_officer", f"/v1/cases/{case['id']}")[0] == 404  # no longer its unit
    assert world.get("sotc_clerk", f"/v1/cases/{case['id']}")[0] == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sotc_leader", 200),
        ("sotc_officer", 403),
        ("sotc_clerk", 403),
        ("chairman", 403),  # a city leader sees it, but is not a leader of the handling unit
        ("inspector", 403),  # the Inspectorate sees it, but does not handle it
        ("soxd_leader", 404),
    ],
)
def test_only_a_leader_of_the_handling_unit_accepts(world, case, who, expected):
    status, _, _ = world.act(who, case, "accept", {})
    assert status == expected
    assert world.case("chairman", case["id"])["status"] == (
        "accepted" if expected == 200 else "received"
    )


@pytest.mark.parametrize("action", ["refuse", "extend", "decide", "suspend", "assign"])
def test_officers_cannot_take_a_leaders_decisions(world, case, action):
    bodies = {
        "refuse": {"ground": "unsigned", "note": "x"},
        "extend": {"criteria": ["several_sites"], "days": 5, "reason": "x", "decision_number": "1"},
        "decide": {"result": "rejected", "decision_number": "1", "summary": "x"},
        "suspend": {"reason": "x", "related_matter": "y"},
        "assign": {"handler_id": "sub-sotc_officer"},
    }
    status, _, problem = world.act("sotc_officer", case, action, bodies[action])
    assert status == 403 and "Chỉ lãnh đạo" in problem["detail"]


def test_only_the_assigned_handler_moves_the_case_forward(world, case):
    world.ok("sotc_leader", case, "accept", {})
    world.ok("sotc_leader", case, "assign", {"handler_id": "sub-sotc_officer"})
    for who in ("sotc_officer2", "sotc_leader", "chairman"):
        status, _, problem = world.act(who, case, "verify", {})
        assert status == 403 and "người xử lý được giao" in problem["detail"]
    assert world.ok("sotc_officer", case, "verify", {})["status"] == "verifying"
    status, _, _ = world.act("sotc_officer2", case, "dialogue", {"held_on": "2027-02-01"})
    assert status == 403


def test_clerks_of_the_receiving_unit_route_cases_but_do_not_accept_them(world):
    case = world.create("vp_clerk")
    status, _, _ = world.act("vp_clerk", case, "accept", {})
    assert status == 403
    routed = world.ok(
        "vp_clerk", case, "classify", {"decision": "transfer", "to_unit_id": world.unit("TTR-HN")}
    )
    assert routed["status"] == "forwarding"
    assert world.act("soxd_officer", case, "forward", {})[0] == 404
    assert world.ok("vp_clerk", case, "forward", {})["handling_unit_id"] == world.unit("TTR-HN")
    assert world.get("vp_clerk", f"/v1/cases/{case['id']}")[0] == 404  # it left the Office


def test_in_the_inspectorate_an_inspector_decides_and_a_clerk_does_not(world):
    case = world.create("ttr_clerk")
    assert world.act("ttr_clerk", case, "accept", {})[0] == 403
    assert world.ok("inspector", case, "accept", {})["status"] == "accepted"


def test_a_handler_must_be_a_member_of_the_handling_unit(world, case):
    status, _, problem = world.act(
        "sotc_leader", case, "assign", {"handler_id": "sub-soxd_officer"}
    )
    assert status == 422 and problem["errors"][0]["loc"] == ["body", "handler_id"]
    status, _, _ = world.act("sotc_leader", case, "assign", {"handler_id": "nobody"})
    assert status == 422


def test_staff_intake_is_for_clerks_officers_and_inspectors(world):
    from tests.integration.test_cases_support import new_case

    for who in ("sotc_leader", "chairman", "admin"):
        status, _, _ = world.request("POST", "/v1/cases", who, body=new_case())
        assert status == 403, who


# --- the identity --------------------------------------------------------------------------------


def identity_reads(world, case_id: str) -> list[dict]:
    _, _, history = world.get("chairman", f"/v1/cases/{case_id}/history", query={"limit": "200"})
    return [e for e in history["items"] if e["action"] == "identity.read"]


def test_the_assigned_inspector_and_the_resolver_read_the_identity_and_each_read_is_audited(world):
    case = world.create("ttr_clerk")
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector2"})
    assert world.get("inspector", f"/v1/cases/{case['id']}/identity")[0] == 403  # not yet
    status, headers, identity = world.get("inspector2", f"/v1/cases/{case['id']}/identity")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert identity["name"] == "Nguyễn Thị Hồng Nhung" and identity["id_number"] == "001190012345"
    assert identity["original_text"].startswith("Tôi là Nguyễn Thị Hồng Nhung")
    world.ok("inspector", case, "accept", {})  # the inspector accepting is the resolver
    assert world.get("inspector", f"/v1/cases/{case['id']}/identity")[0] == 200
    reads = identity_reads(world, case["id"])
    assert [(r["actor_id"], r["note"]) for r in reads] == [
        ("sub-inspector2", "Người xử lý được giao đã xem danh tính."),
        ("sub-inspector", "Người giải quyết đã xem danh tính."),
    ]
    assert not any(word in str(reads) for word in SECRET_WORDS)


@pytest.mark.parametrize(
    ("who", "expected"), [("ttr_clerk", 403), ("chairman", 403), ("sotc_leader", 404)]
)
def test_no_one_else_reads_the_identity_and_a_refusal_leaves_no_read(world, who, expected):
    case = world.create("ttr_clerk")
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector2"})
    status, _, body = world.get(who, f"/v1/cases/{case['id']}/identity")
    assert status == expected
    assert not any(word in str(body) for word in SECRET_WORDS)
    assert identity_reads(world, case["id"]) == []


def test_a_handler_who_is_replaced_no_longer_reads_the_identity(world):
    case = world.create("ttr_clerk")
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector2"})
    assert world.get("inspector2", f"/v1/cases/{case['id']}/identity")[0] == 200
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector"})
    assert world.get("inspector2", f"/v1/cases/{case['id']}/identity")[0] == 403


# --- lists ----------------------------------------------------------------------------------------


def test_a_list_of_a_unit_the_caller_may_not_see_is_not_found(world, case):
    assert world.get("soxd_officer", "/v1/cases", query={"unit_id": world.unit("SO-TC")})[0] == 404
    status, _, page = world.get("sotc_officer", "/v1/cases")
    assert status == 200 and [c["id"] for c in page["items"]] == [case["id"]]
    status, _, page = world.get("inspector", "/v1/cases", query={"unit_id": world.unit("SO-TC")})
    assert status == 200 and [c["id"] for c in page["items"]] == [case["id"]]


def test_only_city_leaders_and_the_inspectorate_list_the_whole_city(world, case):
    query = {"unit_id": "all", "due_to": "2027-12-31"}
    assert world.get("sotc_leader", "/v1/cases", query=query)[0] == 403
    for who in ("chairman", "inspector"):
        status, _, page = world.get(who, "/v1/cases", query=query)
        assert status == 200 and case["id"] in [c["id"] for c in page["items"]]
    assert world.get("chairman", "/v1/cases", query={"unit_id": "all"})[0] == 422


def test_only_leaders_list_another_persons_cases(world, case):
    world.ok("sotc_leader", case, "assign", {"handler_id": "sub-sotc_officer"})
    query = {"handler_id": "sub-sotc_officer"}
    assert world.get("sotc_officer2", "/v1/cases", query=query)[0] == 403
    for who in ("sotc_officer", "sotc_leader"):
        status, _, page = world.get(who, "/v1/cases", query=query)
        assert status == 200 and [c["id"] for c in page["items"]] == [case["id"]]
    status, _, _ = world.get("soxd_leader", "/v1/cases", query=query)
    assert status == 404  # a person of a unit another unit's leader does not see
