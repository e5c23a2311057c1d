"""Handling cases against moto, through the cases function: every step opens, moves or closes
its legal time limits as obligations in the same transaction, across Tết 2027 (4–10 Feb)."""

from __future__ import annotations

from tests.integration.test_cases_support import (
    closed_obligations,
    obligation_rows,
    open_obligations,
    set_day,
    world_fixture,  # noqa: F401 (the world fixture)
)


def accepted_denunciation(world, **fields):
    """A denunciation received by the Inspectorate on Monday 1/2/2027, accepted on Wed 3/2."""
    case = world.create("ttr_clerk", **fields)
    set_day("2027-02-03")
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector"})
    return world.ok("inspector", case, "accept", {})


# --- denunciations ---------------------------------------------------------------------------


def test_routing_to_the_inspectorate_runs_the_forwarding_limit_then_a_new_acceptance_limit(world):
    receipt = world.submit()
    _, _, page = world.get("vp_clerk", "/v1/cases", query={"kind": "denunciation"})
    case = page["items"][0]
    assert open_obligations(case["id"]) == {"denunciation.accept": "2027-02-17"}

    routed = world.ok(
        "vp_clerk", case, "classify", {"decision": "transfer", "to_unit_id": world.unit("TTR-HN")}
    )
    assert routed["status"] == "forwarding" and routed["competent"] is False
    assert open_obligations(case["id"]) == {"case.forward": "2027-02-15"}
    assert closed_obligations(case["id"]) == {"denunciation.accept": "cancelled"}

    set_day("2027-02-02")
    arrived = world.ok("vp_clerk", case, "forward", {})
    assert arrived["status"] == "received"
    assert arrived["handling_unit_id"] == world.unit("TTR-HN")
    assert arrived["received_on"] == "2027-02-02"
    assert arrived["transfers"] == [
        {
            "from_unit_id": world.unit("VP-UBND"),
            "to_unit_id": world.unit("TTR-HN"),
            "on": "2027-02-02",
        }
    ]
    # The Inspectorate's seven working days run from the day it received it: 3/2, then 11/2.
    assert open_obligations(case["id"]) == {"denunciation.accept": "2027-02-18"}
    assert closed_obligations(case["id"])["case.forward"] == "met_on_time"
    assert receipt["tracking_code"] == arrived["tracking_code"]


# --- suspension and withdrawal -----------------------------------------------------------------


def test_suspension_pauses_the_clock_and_resuming_moves_each_deadline_in_its_own_unit(world):
    case = accepted_denunciation(world)  # on 3/2: resolve by 5/3, notify by 17/2
    suspended = world.ok(
        "inspector",
        case,
        "suspend",
        {"reason": "Chờ kết quả giải quyết vụ án liên quan", "related_matter": "Vụ án 12/2027"},
    )
    assert suspended["status"] == "suspended" and suspended["suspended_on"] == "2027-02-03"
    assert suspended["due_at"] == "2027-02-17T16:59:59.999999Z"  # unchanged while paused
    # Nothing is chased while suspended: the rows leave the sweep's index of open deadlines.
    rows = obligation_rows(case["id"])
    assert rows and all(r["status"] != "open" and "open_shard" not in r for r in rows)
    set_day("2027-02-12")
    resumed = world.ok("inspector", case, "resume", {})
    assert resumed["status"] == "accepted" and resumed["suspended_on"] is None
    # Paused nine calendar days (4–12/2), two of them working days (11, 12/2, after Tết):
    # 5/3 + 9 days = Sunday 14/3 → 15/3; 17/2 + 2 working days → 19/2.
    assert open_obligations(case["id"]) == {
        "denunciation.resolve": "2027-03-15",
        "denunciation.notify": "2027-02-19",
    }


def test_a_suspended_case_is_not_listed_as_overdue(world):
    paused = accepted_denunciation(world)
    running = world.create("ttr_clerk")
    world.ok("inspector", running, "accept", {})
    world.ok("inspector", paused, "suspend", {"reason": "Chờ", "related_matter": "Vụ án"})
    set_day("2027-03-20")
    _, _, page = world.get("chairman", "/v1/cases", query={"unit_id": "all", "overdue": "true"})
    listed = [c["id"] for c in page["items"]]
    assert running["id"] in listed and paused["id"] not in listed


# --- complaints --------------------------------------------------------------------------------


# --- voter petitions ---------------------------------------------------------------------------


def test_reassigning_the_handler_sends_the_reminders_to_the_new_one(world):
    case = accepted_denunciation(world)
    rows = [r for r in obligation_rows(case["id"]) if r["status"] == "open"]
    assert rows and {r["responsible_user_id"] for r in rows} == {"sub-inspector"}
    world.ok("inspector", case, "assign", {"handler_id": "sub-inspector2"})
    rows = [r for r in obligation_rows(case["id"]) if r["status"] == "open"]
    assert rows and {r["responsible_user_id"] for r in rows} == {"sub-inspector2"}
