"""Handling cases on fakes (the cases pipeline on a MemoryStore, a directory in memory): every
step opens, moves or closes its legal time limits as obligations in the same change, across
Tết 2027 (4–10 Feb). Moved from the moto tests: these rules need no DynamoDB."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.unit.test_cases_fakes import (
    complaint,
    desk_fixture,  # noqa: F401 (the desk fixture)
    petition,
    set_day,
)


def accepted_denunciation(desk, **fields):
    """A denunciation received by the Inspectorate on Monday 1/2/2027, accepted on Wed 3/2."""
    case = desk.create("ttr_clerk", **fields)
    set_day("2027-02-03")
    desk.ok("inspector", case, "assign", {"handler_id": "sub-inspector"})
    return desk.ok("inspector", case, "accept", {})


# --- denunciations ---------------------------------------------------------------------------


def test_a_received_denunciation_must_be_accepted_within_seven_working_days(desk):
    case = desk.create("ttr_clerk")
    assert case["status"] == "received" and case["version"] == 1
    assert [(d["kind"], d["due_at"]) for d in case["deadlines"]] == [
        ("denunciation.accept", "2027-02-17T16:59:59.999999Z")
    ]
    assert case["due_at"] == "2027-02-17T16:59:59.999999Z"
    assert desk.open_obligations(case["id"]) == {"denunciation.accept": "2027-02-17"}


def test_acceptance_starts_thirty_days_to_resolve_and_five_working_days_to_notify(desk):
    case = accepted_denunciation(desk)
    assert case["status"] == "accepted" and case["resolver_id"] == "sub-inspector"
    assert desk.open_obligations(case["id"]) == {
        "denunciation.resolve": "2027-03-05",
        "denunciation.notify": "2027-02-17",
    }
    assert desk.closed_obligations(case["id"]) == {"denunciation.accept": "met_on_time"}
    notified = desk.ok("inspector", case, "notify", {"note": "Đã gửi thông báo thụ lý"})
    assert "denunciation.notify" not in desk.open_obligations(case["id"])
    assert desk.closed_obligations(case["id"])["denunciation.notify"] == "met_on_time"
    status, _, _ = desk.act("inspector", notified, "notify", {})
    assert status == 409


def test_a_denunciation_is_accepted_without_a_declared_complexity(desk):
    case = desk.create("ttr_clerk")
    for body in ({"complexity": "complex"}, {"remote_area": True}):
        status, _, _ = desk.act("inspector", case, "accept", body)
        assert status == 422, body
    assert desk.case("chairman", case["id"])["status"] == "received"


def test_a_late_acceptance_is_counted_late(desk):
    case = desk.create("ttr_clerk")
    set_day("2027-02-18")
    desk.ok("inspector", case, "accept", {})
    assert desk.closed_obligations(case["id"]) == {"denunciation.accept": "met_late"}


def test_several_sites_give_ten_working_days_to_accept(desk):
    case = desk.create("ttr_clerk", several_sites=True)
    assert desk.open_obligations(case["id"]) == {"denunciation.accept": "2027-02-22"}
    other = desk.create("ttr_clerk")
    desk.ok("ttr_clerk", other, "classify", {"decision": "competent", "several_sites": True})
    assert desk.open_obligations(other["id"]) == {"denunciation.accept": "2027-02-22"}


def test_a_complex_denunciation_is_extended_once_by_a_recorded_decision(desk):
    case = accepted_denunciation(desk)
    desk.ok("inspector", case, "verify", {})
    set_day("2027-03-01")
    extended = desk.ok(
        "inspector",
        case,
        "extend",
        {
            "criteria": ["several_contents"],
            "days": 30,
            "reason": "Nhiều nội dung",
            "decision_number": "12/QĐ-TTr",
        },
    )
    # 5/3 + 30 days = Sunday 4/4: Monday 5/4.
    assert desk.open_obligations(case["id"])["denunciation.resolve"] == "2027-04-05"
    assert extended["complexity"] == "complex"
    assert extended["complexity_criteria"] == ["several_contents"]
    assert extended["extensions"][0] | {"decided_on": "-"} == {
        "number": 1,
        "days": 30,
        "complexity": "complex",
        "criteria": ["several_contents"],
        "reason": "Nhiều nội dung",
        "decision_number": "12/QĐ-TTr",
        "decided_by": "sub-inspector",
        "decided_on": "-",
        "from_due_at": "2027-03-05T16:59:59.999999Z",
        "from_due_on": "2027-03-05",
        "to_due_at": "2027-04-05T16:59:59.999999Z",
        "to_due_on": "2027-04-05",
    }
    status, _, problem = desk.act(
        "inspector",
        case,
        "extend",
        {"criteria": ["several_contents"], "days": 10, "reason": "Thêm", "decision_number": "13"},
    )
    assert status == 409 and "chỉ được gia hạn 1 lần" in problem["detail"]
    assert desk.open_obligations(case["id"])["denunciation.resolve"] == "2027-04-05"


def test_two_criteria_make_a_denunciation_especially_complex_extended_twice_and_no_more(desk):
    case = accepted_denunciation(desk)
    body = {
        "criteria": ["several_sites", "foreign_element"],
        "days": 30,
        "reason": "Phức tạp",
        "decision_number": "1",
    }
    first = desk.ok("inspector", case, "extend", body)
    assert first["complexity"] == "especially_complex"
    desk.ok("inspector", case, "extend", {**body, "days": 15, "decision_number": "2"})
    status, _, _ = desk.act("inspector", case, "extend", {**body, "decision_number": "3"})
    assert status == 409
    # 5/3 + 30 = 4/4 (Sunday) → 5/4; + 15 = 20/4.
    assert desk.open_obligations(case["id"])["denunciation.resolve"] == "2027-04-20"


def test_a_criterion_found_later_allows_a_second_extension(desk):
    case = accepted_denunciation(desk)
    body = {"criteria": ["many_denunciators"], "days": 10, "reason": "x", "decision_number": "1"}
    desk.ok("inspector", case, "extend", body)
    second = desk.ok(
        "inspector",
        case,
        "extend",
        {**body, "criteria": ["agencies_disagree"], "decision_number": "2"},
    )
    assert second["complexity"] == "especially_complex"
    assert second["complexity_criteria"] == ["agencies_disagree", "many_denunciators"]


def test_an_extension_needs_a_criterion_and_at_most_thirty_days(desk):
    case = accepted_denunciation(desk)
    body = {"criteria": ["several_contents"], "days": 31, "reason": "x", "decision_number": "1"}
    for bad in (body, {**body, "days": 10, "criteria": []}, {**body, "criteria": ["boring"]}):
        status, _, _ = desk.act("inspector", case, "extend", bad)
        assert status == 422, bad
    assert desk.open_obligations(case["id"])["denunciation.resolve"] == "2027-03-05"


def test_a_concluded_and_published_denunciation_meets_its_resolution_limit(desk):
    case = accepted_denunciation(desk)
    desk.ok("inspector", case, "verify", {})
    set_day("2027-03-04")
    concluded = desk.ok(
        "inspector",
        case,
        "conclude",
        {"result": "partly_founded", "conclusion_number": "05/KL-TTr", "summary": "Đúng một phần"},
    )
    assert concluded["status"] == "concluded" and concluded["result"] == "partly_founded"
    assert desk.closed_obligations(case["id"])["denunciation.resolve"] == "met_on_time"
    published = desk.ok("inspector", case, "publish", {})
    assert published["status"] == "published" and published["published_on"] == "2027-03-04"
    status, _, _ = desk.act("inspector", case, "publish", {})
    assert status == 409


def test_an_anonymous_denunciation_is_not_handled_as_a_denunciation(desk):
    case = desk.create("ttr_clerk", identity=None, original_text=None)
    assert case["anonymous"] is True
    status, _, problem = desk.act("inspector", case, "accept", {})
    assert status == 409 and "nặc danh" in problem["detail"]
    closed = desk.ok("ttr_clerk", case, "classify", {"decision": "anonymous", "note": "Art. 25"})
    assert closed["status"] == "not_handled" and closed["not_handled_reason"] == "anonymous"
    assert desk.open_obligations(case["id"]) == {}
    assert desk.closed_obligations(case["id"]) == {"denunciation.accept": "cancelled"}


def test_an_identified_denunciation_cannot_be_classified_as_anonymous(desk):
    case = desk.create("ttr_clerk")
    status, _, _ = desk.act("ttr_clerk", case, "classify", {"decision": "anonymous"})
    assert status == 409
    assert desk.case("chairman", case["id"])["status"] == "received"


def test_a_duplicate_is_linked_to_the_case_it_repeats_and_not_handled(desk):
    first = desk.create("ttr_clerk")
    second = desk.create("ttr_clerk")
    linked = desk.ok(
        "ttr_clerk", second, "classify", {"decision": "duplicate", "duplicate_of": first["id"]}
    )
    assert linked["status"] == "not_handled" and linked["duplicate_of"] == first["id"]
    assert desk.open_obligations(second["id"]) == {}
    status, _, _ = desk.act(
        "ttr_clerk", first, "classify", {"decision": "duplicate", "duplicate_of": first["id"]}
    )
    assert status == 422


# --- suspension and withdrawal -----------------------------------------------------------------


def test_suspension_pauses_the_clock_and_resuming_moves_each_deadline_in_its_own_unit(desk):
    case = accepted_denunciation(desk)  # on 3/2: resolve by 5/3, notify by 17/2
    suspended = desk.ok(
        "inspector",
        case,
        "suspend",
        {"reason": "Chờ kết quả giải quyết vụ án liên quan", "related_matter": "Vụ án 12/2027"},
    )
    assert suspended["status"] == "suspended" and suspended["suspended_on"] == "2027-02-03"
    assert suspended["due_at"] == "2027-02-17T16:59:59.999999Z"  # unchanged while paused
    # Nothing is chased while suspended: the rows leave the sweep's index of open deadlines.
    rows = desk.rows(case["id"])
    assert rows and all(r["status"] != "open" and "open_shard" not in r for r in rows)
    set_day("2027-02-12")
    resumed = desk.ok("inspector", case, "resume", {})
    assert resumed["status"] == "accepted" and resumed["suspended_on"] is None
    # Paused nine calendar days (4–12/2), two of them working days (11, 12/2, after Tết):
    # 5/3 + 9 days = Sunday 14/3 → 15/3; 17/2 + 2 working days → 19/2.
    assert desk.open_obligations(case["id"]) == {
        "denunciation.resolve": "2027-03-15",
        "denunciation.notify": "2027-02-19",
    }


def test_withdrawing_cancels_every_running_limit(desk):
    case = accepted_denunciation(desk)
    withdrawn = desk.ok("inspector", case, "withdraw", {"reason": "Người tố cáo rút đơn"})
    assert withdrawn["status"] == "withdrawn" and withdrawn["due_at"] is None
    assert desk.open_obligations(case["id"]) == {}
    assert set(desk.closed_obligations(case["id"]).values()) == {"met_on_time", "cancelled"}
    status, _, _ = desk.act("inspector", case, "withdraw", {"reason": "lần nữa"})
    assert status == 409


# --- complaints --------------------------------------------------------------------------------


def test_a_first_time_complaint_is_accepted_verified_heard_decided_and_published(desk):
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01"))
    assert desk.open_obligations(case["id"]) == {"complaint.accept": "2027-02-17"}
    assert case["time_barred"] is False
    set_day("2027-02-15")
    desk.ok("soxd_leader", case, "accept", {})
    assert desk.open_obligations(case["id"]) == {"complaint.resolve": "2027-03-17"}
    desk.ok("soxd_leader", case, "assign", {"handler_id": "sub-soxd_officer"})
    desk.ok("soxd_officer", case, "verify", {})
    set_day("2027-03-01")
    heard = desk.ok("soxd_officer", case, "dialogue", {"held_on": "2027-03-01"})
    assert heard["status"] == "dialogue"
    set_day("2027-03-18")
    decided = desk.ok(
        "soxd_leader",
        case,
        "decide",
        {"result": "partly_upheld", "decision_number": "88/QĐ-SXD", "summary": "Đúng một phần"},
    )
    assert decided["status"] == "decided" and decided["result_number"] == "88/QĐ-SXD"
    assert desk.closed_obligations(case["id"]) == {
        "complaint.accept": "met_on_time",
        "complaint.resolve": "met_late",
    }
    assert desk.ok("soxd_officer", case, "publish", {})["status"] == "published"


def test_complexity_remoteness_and_the_second_round_lengthen_a_complaints_resolution(desk):
    set_day("2027-02-15")
    expected = {
        ("first_time", "complex", None): "2027-04-01",  # 45 days
        ("first_time", "complex", True): "2027-04-19",  # 60 days: 16/4 is Hùng Kings' day
        ("second_time", "normal", None): "2027-04-01",  # 45 days
    }
    for (round_, complexity, remote), due in expected.items():
        case = desk.create("soxd_officer", **complaint(complaint_round=round_))
        body = {"complexity": complexity} | ({"remote_area": remote} if remote else {})
        if complexity == "complex":  # on the criteria, recorded in writing (Art. 3a)
            body |= {"complexity_criteria": ["several_contents"], "complexity_record": "BB 1"}
        desk.ok("soxd_leader", case, "accept", body)
        assert desk.open_obligations(case["id"]) == {"complaint.resolve": due}, (round_, complexity)


def test_a_time_barred_complaint_cannot_be_accepted_but_is_refused_on_that_ground(desk):
    case = desk.create("soxd_officer", **complaint(learned_on="2026-10-01"))
    assert case["time_barred"] is True
    status, _, problem = desk.act("soxd_leader", case, "accept", {})
    assert status == 409 and "time_barred" in problem["detail"]
    status, _, _ = desk.act(
        "soxd_leader", case, "refuse", {"ground": "no_basis_to_verify", "note": "x"}
    )
    assert status == 422  # a ground for denunciations, not complaints
    status, _, _ = desk.act("soxd_leader", case, "refuse", {"ground": "time_barred"})
    assert status == 422  # a refusal states its reason
    refused = desk.ok(
        "soxd_leader", case, "refuse", {"ground": "time_barred", "note": "Quá 90 ngày (Điều 9)"}
    )
    assert refused["status"] == "refused" and refused["refusal_ground"] == "time_barred"
    assert desk.closed_obligations(case["id"]) == {"complaint.accept": "met_on_time"}


def test_a_complaint_late_only_by_the_days_an_obstacle_took_can_be_accepted(desk):
    lost = {"days_lost": 45, "days_lost_reason": "Trần Văn Khiếu nằm viện (giấy ra viện số 12)"}
    case = desk.create(
        "soxd_officer", **complaint(learned_on="2026-10-01", received_on="2027-02-01", **lost)
    )  # 90 + 45 days from 1/10/2026 end on Thursday 11/2/2027
    assert case["time_barred"] is False and case["days_lost"] == 45
    assert case["days_lost_reason"] == "[…] nằm viện (giấy ra viện số 12)"  # no name in it
    assert desk.ok("soxd_leader", case, "accept", {})["status"] == "accepted"
    for wrong in (
        {"days_lost": 45},  # without its reason
        {"days_lost_reason": "ốm"},
        {"days_lost": 0, "days_lost_reason": "ốm"},
        {"learned_on": None} | lost,  # nothing to count from
    ):
        with pytest.raises(ValidationError):
            desk.create("soxd_officer", **complaint(**wrong))


# --- voter petitions ---------------------------------------------------------------------------


def test_a_voter_petition_is_answered_within_sixty_days_of_reaching_the_competent_unit(desk):
    case = desk.create("vp_clerk", **petition(received_on="2027-02-01"))
    assert desk.open_obligations(case["id"]) == {"voter_petition.answer": "2027-04-02"}
    desk.ok(
        "vp_clerk", case, "classify", {"decision": "transfer", "to_unit_id": desk.unit("SO-TC")}
    )
    set_day("2027-02-02")
    desk.ok("vp_clerk", case, "forward", {})
    # 2/2 + 60 days = Saturday 3/4: Monday 5/4.
    assert desk.open_obligations(case["id"]) == {"voter_petition.answer": "2027-04-05"}
    desk.ok("sotc_leader", case, "assign", {"handler_id": "sub-sotc_officer"})
    desk.ok("sotc_officer", case, "verify", {})
    status, _, _ = desk.act("sotc_officer", case, "answer", {"result": "explained", "answer": "x"})
    assert status == 403  # the unit's answer is its leader's
    answered = desk.ok(
        "sotc_leader",
        case,
        "answer",
        {
            "result": "being_resolved",
            "answer": "Đã bố trí vốn năm 2027",
            "roadmap_date": "2027-06-30",
        },
    )
    assert answered["status"] == "being_resolved" and answered["roadmap_date"] == "2027-06-30"
    assert desk.closed_obligations(case["id"]) == {
        "case.forward": "met_on_time",
        "voter_petition.answer": "met_on_time",
    }
    assert desk.open_obligations(case["id"]) == {"voter_petition.roadmap": "2027-06-30"}
    set_day("2027-06-01")
    resolved = desk.ok("sotc_leader", case, "answer", {"result": "resolved", "answer": "Đã xong"})
    assert resolved["status"] == "resolved" and desk.open_obligations(case["id"]) == {}
    assert desk.closed_obligations(case["id"])["voter_petition.roadmap"] == "met_on_time"
    published = desk.ok("sotc_officer", case, "publish", {})
    assert published["status"] == "resolved" and published["published_on"] == "2027-06-01"


def test_a_roadmap_date_is_required_for_being_resolved_and_must_be_ahead(desk):
    case = desk.create("vp_clerk", **petition())
    status, _, _ = desk.act(
        "vp_leader", case, "answer", {"result": "being_resolved", "answer": "x"}
    )
    assert status == 422
    status, _, _ = desk.act(
        "vp_leader",
        case,
        "answer",
        {"result": "being_resolved", "answer": "x", "roadmap_date": "2027-01-31"},
    )
    assert status == 422
    assert desk.case("chairman", case["id"])["status"] == "received"
    explained = desk.ok(
        "vp_leader", case, "answer", {"result": "explained", "answer": "Giải trình"}
    )
    assert explained["status"] == "explained"


def test_a_voter_petition_cannot_be_accepted_or_withdrawn(desk):
    case = desk.create("vp_clerk", **petition())
    assert desk.act("vp_leader", case, "accept", {})[0] == 409
    assert desk.act("vp_leader", case, "withdraw", {"reason": "x"})[0] == 409


def test_reassigning_the_handler_sends_the_reminders_to_the_new_one(desk):
    case = accepted_denunciation(desk)
    rows = [r for r in desk.rows(case["id"]) if r["status"] == "open"]
    assert rows and {r["responsible_user_id"] for r in rows} == {"sub-inspector"}
    desk.ok("inspector", case, "assign", {"handler_id": "sub-inspector2"})
    rows = [r for r in desk.rows(case["id"]) if r["status"] == "open"]
    assert rows and {r["responsible_user_id"] for r in rows} == {"sub-inspector2"}


def test_a_suspended_cases_deadlines_still_show_open_and_due_as_they_were(desk):
    case = accepted_denunciation(desk)
    suspended = desk.ok("inspector", case, "suspend", {"reason": "Chờ", "related_matter": "Vụ án"})
    assert [(d["kind"], d["status"]) for d in suspended["deadlines"]] == [
        ("denunciation.accept", "closed"),
        ("denunciation.resolve", "open"),
        ("denunciation.notify", "open"),
    ]
    assert [r["status"] for r in desk.rows(case["id"]) if r["kind"] != "denunciation.accept"] == [
        "paused",
        "paused",
    ]


def test_a_petitions_answer_is_published_once(desk):
    case = desk.create("vp_clerk", **petition())
    desk.ok("vp_leader", case, "answer", {"result": "explained", "answer": "Giải trình"})
    published = desk.ok("vp_leader", case, "publish", {})
    assert published["status"] == "explained" and published["published_on"] == "2027-02-01"
    status, _, problem = desk.act("vp_leader", case, "publish", {})
    assert status == 409 and "đã được công khai" in problem["detail"]


def test_a_suspended_cases_paused_reminders_follow_a_new_handler(desk):
    case = accepted_denunciation(desk)
    desk.ok("inspector", case, "suspend", {"reason": "Chờ", "related_matter": "Vụ án"})
    desk.ok("inspector", case, "assign", {"handler_id": "sub-inspector2"})
    paused = [r for r in desk.rows(case["id"]) if r["status"] == "paused"]
    assert len(paused) == 2 and {r["responsible_user_id"] for r in paused} == {"sub-inspector2"}


def test_what_staff_type_on_a_case_holds_no_part_of_the_persons_identity(desk):
    """Notes, reasons and summaries typed in any action are redacted as the citizen's own
    text is at intake: the history, the case and its parts never hold the name or phone."""
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01"))
    name, phone = "Trần Văn Khiếu", "0987 654 321"  # the complainant's, as typed by staff
    set_day("2027-02-15")
    desk.ok(
        "soxd_leader", case, "assign", {"handler_id": "sub-soxd_officer", "note": f"Ông {name} gọi"}
    )
    desk.ok("soxd_leader", case, "accept", {})
    desk.ok("soxd_leader", case, "suspend", {"ground": "illness", "reason": f"Ông {name} nằm viện"})
    desk.ok("soxd_officer", case, "notify", {"note": f"Đã báo qua số {phone}"})
    desk.ok("soxd_leader", case, "withdraw", {"reason": f"{name} rút đơn"})
    stored = desk.store.entities[case["id"]]
    texts = [a["note"] for a in desk.store.audit] + [stored.suspension_reason]
    texts += [w.reason for w in stored.withdrawals]
    assert all(t is None or ("Khiếu" not in t and "654" not in t) for t in texts), texts
    assert "Ông […] nằm viện" in texts and "Đã báo qua số […]" in texts
