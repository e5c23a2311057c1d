"""The amendments in force from 1 July 2026 (Law 136/2025/QH15; Decree 155/2026), on fakes:
a complaint's suspension on a recorded ground, its two notice obligations and its time limit
running on from the resumption decision; withdrawal by some of several complainants, and by
all; a complex complaint only on its written record of the criteria. Dates are counted by
hand on Hanoi's calendar (Tết 2027: 4–10 February; 30/4, 1/5 and Monday 3/5/2027 off)."""

from __future__ import annotations

from tests.unit.test_cases_fakes import (
    complaint,
    desk_fixture,  # noqa: F401 (the desk fixture)
    set_day,
)

SUSPENSION = {"ground": "illness", "reason": "Người khiếu nại ốm nặng, điều trị dài ngày"}


def accepted_complaint(desk, **fields):
    """A first-time complaint received by the Department of Construction on Monday 1/2/2027
    and accepted on Monday 15/2: resolve within 30 days, by Wednesday 17/3."""
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01", **fields))
    set_day("2027-02-15")
    desk.ok("soxd_leader", case, "assign", {"handler_id": "sub-soxd_officer"})
    return desk.ok("soxd_leader", case, "accept", {})


# --- suspension and resumption ----------------------------------------------------------------


def test_a_suspended_complaint_must_send_its_suspension_decision_within_three_working_days(desk):
    case = accepted_complaint(desk)
    set_day("2027-02-25")  # Thursday
    suspended = desk.ok("soxd_leader", case, "suspend", SUSPENSION | {"decision_number": "5/QĐ"})
    assert suspended["status"] == "suspended" and suspended["suspension_ground"] == "illness"
    assert suspended["suspension_decision"] == "5/QĐ" and suspended["related_matter"] is None
    # Thu 25/2: Fri 26, Mon 1/3, Tue 2/3. The resolution limit is paused, not chased.
    assert desk.open_obligations(case["id"]) == {"complaint.suspension_notice": "2027-03-02"}
    paused = [r for r in desk.rows(case["id"]) if r["kind"] == "complaint.resolve"]
    assert [r["status"] for r in paused] == ["paused"]
    notified = desk.ok("soxd_officer", case, "notify", {"note": "Đã gửi các bên"})
    assert notified["status"] == "suspended"
    assert desk.closed_obligations(case["id"])["complaint.suspension_notice"] == "met_on_time"
    status, _, _ = desk.act("soxd_officer", case, "notify", {})
    assert status == 409  # nothing left to send


def test_a_resumed_complaints_time_limit_runs_on_from_the_resumption_decision(desk):
    case = accepted_complaint(desk)  # resolve by Wed 17/3 (30 days from 15/2)
    set_day("2027-02-25")
    desk.ok("soxd_leader", case, "suspend", SUSPENSION)
    desk.ok("soxd_officer", case, "notify", {})
    set_day("2027-04-05")  # Monday
    resumed = desk.ok("soxd_leader", case, "resume", {"decision_number": "9/QĐ"})
    assert resumed["status"] == "accepted" and resumed["suspension_ground"] is None
    # 20 days were left on 25/2 (to 17/3): from Mon 5/4 they end on Sunday 25/4, a day off,
    # so on Monday 26/4. The resumption decision goes out by Thursday 8/4 (3 working days).
    assert desk.open_obligations(case["id"]) == {
        "complaint.resolve": "2027-04-26",
        "complaint.resumption_notice": "2027-04-08",
    }


def test_a_resumed_limit_runs_on_for_the_days_left_to_its_end_not_to_where_tet_moved_it(desk):
    case = desk.create(
        "soxd_officer", **complaint(received_on="2027-01-04", learned_on="2027-01-02")
    )
    set_day("2027-01-07")  # Thursday: 30 days end on Saturday 6/2, in Tết, so on Thursday 11/2
    desk.ok("soxd_leader", case, "assign", {"handler_id": "sub-soxd_officer"})
    desk.ok("soxd_leader", case, "accept", {})
    assert desk.open_obligations(case["id"])["complaint.resolve"] == "2027-02-11"
    set_day("2027-02-01")  # 5 days left, to Saturday 6/2 (the 4 days of Tết after it are not)
    desk.ok("soxd_leader", case, "suspend", SUSPENSION)
    desk.ok("soxd_officer", case, "notify", {})
    set_day("2027-03-01")
    desk.ok("soxd_leader", case, "resume", {})
    # from Monday 1/3 the 5 days end on Saturday 6/3, a day off, so on Monday 8/3
    assert desk.open_obligations(case["id"])["complaint.resolve"] == "2027-03-08"
    set_day("2027-03-03")  # and again: 3 days left, to Saturday 6/3
    desk.ok("soxd_leader", case, "suspend", SUSPENSION)
    desk.ok("soxd_officer", case, "notify", {})
    set_day("2027-03-10")
    desk.ok("soxd_leader", case, "resume", {})
    assert desk.open_obligations(case["id"])["complaint.resolve"] == "2027-03-15"  # Sat 13 → Mon


def test_a_complaint_overdue_when_suspended_is_still_overdue_when_resumed(desk):
    case = accepted_complaint(desk)  # resolve by Wed 17/3
    set_day("2027-03-25")  # 8 days late: no time was left to run on
    desk.ok("soxd_leader", case, "suspend", SUSPENSION)
    desk.ok("soxd_officer", case, "notify", {})
    set_day("2027-04-05")
    desk.ok("soxd_leader", case, "resume", {})
    assert desk.open_obligations(case["id"])["complaint.resolve"] == "2027-03-17"
    desk.ok("soxd_officer", case, "verify", {})
    decision = {"result": "rejected", "decision_number": "1", "summary": "Sai"}
    desk.ok("soxd_leader", case, "decide", decision)
    assert desk.closed_obligations(case["id"])["complaint.resolve"] == "met_late"


def test_a_suspension_records_one_of_the_legal_grounds(desk):
    case = accepted_complaint(desk)
    for body in (
        {"ground": "boredom", "reason": "x"},
        {"ground": "illness", "reason": "x", "related_matter": "y"},
        {"ground": "related_matter", "reason": "x"},
    ):
        status, _, _ = desk.act("soxd_leader", case, "suspend", body)
        assert status == 422, body
    assert desk.case("soxd_leader", case["id"])["status"] == "accepted"


def test_a_complaint_suspended_before_july_2026_owes_no_notice(desk):
    set_day("2026-06-01")
    case = desk.create("soxd_officer", **complaint(received_on="2026-06-01", learned_on=None))
    desk.ok("soxd_leader", case, "accept", {})
    set_day("2026-06-10")
    desk.ok("soxd_leader", case, "suspend", SUSPENSION)
    assert desk.open_obligations(case["id"]) == {}


# --- withdrawal --------------------------------------------------------------------------------


def test_when_some_of_several_complainants_withdraw_the_complaint_goes_on_for_the_others(desk):
    case = accepted_complaint(desk, persons=3)
    assert case["persons"] == 3
    set_day("2027-02-20")
    body = {"persons": 2, "reason": "Hai người rút đơn"}
    going_on = desk.ok("soxd_officer", case, "withdraw_in_part", body)
    assert going_on["status"] == "accepted" and going_on["withdrawn_persons"] == 2
    assert going_on["withdrawals"] == [
        {"persons": 2, "reason": "Hai người rút đơn", "on": "2027-02-20"}
    ]
    assert desk.open_obligations(case["id"]) == {"complaint.resolve": "2027-03-17"}
    last = {"persons": 1, "reason": "Người cuối rút đơn"}
    status, _, problem = desk.act("soxd_officer", case, "withdraw_in_part", last)
    assert status == 409 and "rút đơn (withdraw)" in problem["detail"]


def test_when_all_complainants_withdraw_the_complaint_is_terminated(desk):
    case = accepted_complaint(desk, persons=2)
    desk.ok("soxd_officer", case, "withdraw_in_part", {"persons": 1, "reason": "Một người rút"})
    ended = desk.ok("soxd_officer", case, "withdraw", {"reason": "Người còn lại rút đơn"})
    assert ended["status"] == "withdrawn" and ended["withdrawn_persons"] == 2
    assert [w["persons"] for w in ended["withdrawals"]] == [1, 1]
    assert desk.open_obligations(case["id"]) == {}
    assert desk.closed_obligations(case["id"])["complaint.resolve"] == "cancelled"


def test_a_complaint_filed_by_one_person_cannot_be_withdrawn_in_part(desk):
    case = accepted_complaint(desk)
    status, _, _ = desk.act("soxd_officer", case, "withdraw_in_part", {"persons": 1, "reason": "x"})
    assert status == 409


# --- complex complaints -------------------------------------------------------------------------


def test_a_complex_complaint_without_its_written_record_keeps_the_normal_limit(desk):
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01"))
    set_day("2027-02-15")
    body = {"complexity": "complex", "complexity_criteria": ["several_contents"]}
    accepted = desk.ok("soxd_leader", case, "accept", body)
    assert accepted["complexity"] == "normal" and accepted["complexity_record"] is None
    assert desk.open_obligations(case["id"]) == {"complaint.resolve": "2027-03-17"}  # 30 days


def test_a_complex_complaint_with_its_written_record_gets_the_longer_limit(desk):
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01"))
    set_day("2027-02-15")
    body = {
        "complexity": "complex",
        "complexity_criteria": ["several_contents", "contradictory_evidence"],
        "complexity_record": "Biên bản 03/BB-SXD ngày 15/02/2027",
    }
    accepted = desk.ok("soxd_leader", case, "accept", body)
    assert accepted["complexity"] == "complex"
    assert accepted["complexity_criteria"] == ["contradictory_evidence", "several_contents"]
    assert desk.open_obligations(case["id"]) == {"complaint.resolve": "2027-04-01"}  # 45 days


def test_a_written_record_without_criteria_does_not_make_a_complaint_complex(desk):
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01"))
    set_day("2027-02-15")
    body = {"complexity": "complex", "complexity_record": "Biên bản 03/BB-SXD"}
    assert desk.ok("soxd_leader", case, "accept", body)["complexity"] == "normal"
