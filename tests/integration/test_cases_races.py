"""Bad input and races on cases: invalid transitions 409, stale If-Match 412, missing 428,
malformed or oversize input 4xx, and nothing changes; concurrent updates lose nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.test_cases_support import (
    count_items,
    obligation_rows,
    world_fixture,  # noqa: F401 (the world fixture)
)


@pytest.fixture
def case(world):
    return world.create("ttr_clerk")


def unchanged(world, case) -> None:
    now = world.case("chairman", case["id"])
    assert now["version"] == case["version"] and now["status"] == case["status"]


def test_a_stale_if_match_is_412_and_changes_nothing(world, case):
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector"})
    current = world.case("chairman", case["id"])
    status, _, problem = world.act("inspector", case, "accept", {}, version=1)
    assert status == 412 and problem["status"] == 412
    unchanged(world, current)
    assert [r["kind"] for r in obligation_rows(case["id"])] == ["denunciation.accept"]


def test_a_missing_if_match_is_428_and_a_malformed_one_is_422(world, case):
    path = f"/v1/cases/{case['id']}/accept"
    assert world.request("POST", path, "inspector", body={})[0] == 428
    status, _, _ = world.request("POST", path, "inspector", body={}, headers={"if-match": "abc"})
    assert status == 422
    unchanged(world, case)


def test_an_invalid_transition_is_409_and_changes_nothing(world, case):
    status, _, problem = world.act(
        "inspector",
        case,
        "conclude",
        {"result": "founded", "conclusion_number": "1", "summary": "x"},
    )
    assert (
        status == 409
        and "Không thể kết luận nội dung đơn tố cáo đang ở trạng thái «Mới tiếp nhận»"
        in problem["detail"]
    )
    unchanged(world, case)


@pytest.mark.parametrize(
    ("raw", "headers", "expected"),
    [
        ("{not json", {}, 422),
        ('{"complexity": "galactic"}', {}, 422),
        ('{"note": 5}', {}, 422),
        ('{"unknown": 1}', {}, 422),
        ('{"note": "' + "x" * 70000 + '"}', {}, 413),
    ],
    ids=["malformed", "bad-enum", "bad-type", "unknown-field", "oversize"],
)
def test_malformed_or_oversize_bodies_are_refused_and_change_nothing(
    world, case, raw, headers, expected
):
    table = world.tpl.functions()["CasesFunction"].environment["CASES_TABLE"]
    before = count_items(table)
    status, reply_headers, _ = world.request(
        "POST",
        f"/v1/cases/{case['id']}/accept",
        "inspector",
        raw_body=raw,
        headers={"if-match": '"1"', **headers},
    )
    assert status == expected
    assert reply_headers["Content-Type"] == "application/problem+json"
    assert count_items(table) == before
    unchanged(world, case)


def test_a_malformed_case_id_is_refused_and_an_unknown_one_is_not_found(world):
    assert world.get("chairman", "/v1/cases/not-an-id")[0] == 422
    assert world.get("chairman", "/v1/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV")[0] == 404
    status, _, _ = world.act("inspector", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "accept", {}, version=1)
    assert status == 404


# Concurrency goes through the service, where the version guard lives: Powertools' resolver
# keeps the current event on the app object, so one process cannot serve two HTTP requests at
# once (Lambda never does).


def test_parallel_acceptances_with_the_same_version_accept_once(world, case):
    from cityops.cases import handling
    from cityops.cases.models import CaseAccept
    from cityops.core.errors import PreconditionFailed

    def accept(_):
        try:
            handling.accept(world.people["inspector"], case["id"], CaseAccept(), 1)
        except PreconditionFailed:
            return 412
        return 200

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(accept, range(8)))
    assert statuses.count(200) == 1 and statuses.count(412) == 7
    kinds = sorted(r["kind"] for r in obligation_rows(case["id"]))
    assert kinds == ["denunciation.accept", "denunciation.notify", "denunciation.resolve"]
    _, _, history = world.get("chairman", f"/v1/cases/{case['id']}/history")
    assert [e["action"] for e in history["items"]].count("case.accept") == 1


def test_concurrent_updates_that_read_again_on_412_all_land(world, case):
    """Eight people reassign the handler at once, each retrying with a fresh read on 412:
    every change is kept, one version each, each with its audit record."""
    from cityops.cases import handling, reads
    from cityops.cases.models import CaseAssign
    from cityops.core.errors import PreconditionFailed

    inspector = world.people["inspector"]
    handlers = ["sub-inspector", "sub-inspector2"] * 4

    def assign(handler):
        for _ in range(100):
            version = reads.get_case(inspector, case["id"]).version
            try:
                handling.assign(inspector, case["id"], CaseAssign(handler_id=handler), version)
            except PreconditionFailed:
                continue
            return 200
        return 412

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(assign, handlers))
    assert statuses == [200] * 8
    assert world.case("chairman", case["id"])["version"] == 1 + 8
    _, _, history = world.get("chairman", f"/v1/cases/{case['id']}/history")
    assert [e["action"] for e in history["items"]].count("case.assign") == 8


def test_without_if_match_a_caller_who_may_not_see_the_case_gets_404_and_one_who_may_not_act_403(
    world, case
):
    path = f"/v1/cases/{case['id']}/accept"
    assert world.request("POST", path, "soxd_officer", body={})[0] == 404
    assert world.request("POST", path, "ttr_clerk", body={})[0] == 403
    assert world.request("POST", path, "inspector", body={})[0] == 428
    unchanged(world, case)
