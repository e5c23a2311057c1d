"""Voter petitions and the People's Council's sessions (NQLT 72/2025 as amended by NQLT
100/2025; Art. 49, 51), on fakes: a petition is compiled in its session's window, its results
are reported at least 20 working days before the next regular session opens, and published to
voters. Dates are counted by hand on Hanoi's calendar (Tết 2027: 4–10 February; Hùng Kings
Friday 16/4; 30/4, 1/5 and Monday 3/5/2027 off).

The seed session `XVII-5` (regular) opens Monday 18/1/2027 and closes Wednesday 20/1."""

from __future__ import annotations

import pytest
from cityops.cases import council, models, time_limits
from cityops.cases.importer import read_table
from cityops.cases.petition_import import import_petitions
from cityops.core.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed

from tests.unit.test_cases_fakes import (
    complaint,
    desk_fixture,  # noqa: F401 (the desk fixture)
    petition,
    set_day,
)


def enter(desk, **fields):
    """An administrator enters a session (a regular one by default)."""
    body = {"kind": "regular", "name": f"Kỳ họp {fields['code']}", **fields}
    return council.create_session(desk.people["admin"], models.SessionCreate(**body))


def refused(desk, **fields) -> InvalidInput:
    with pytest.raises(InvalidInput) as error:
        desk.create("soxd_officer", **petition(**fields))
    return error.value


# --- the compilation window --------------------------------------------------------------------


def test_a_petition_is_compiled_within_fifteen_days_before_or_after_a_regular_session(desk):
    # Before: from 18/1 less 15 days, Sunday 3/1, to Sunday 17/1 (the opening day is not in).
    for day in ("2027-01-03", "2027-01-17", "2027-01-21"):
        created = desk.create("soxd_officer", **petition(received_on="2027-02-01", compiled_on=day))
        assert created["compiled_on"] == day and created["session"].startswith("Kỳ họp thứ 5")
    for day in ("2027-01-02", "2027-01-18", "2027-01-20"):  # too early; during the session
        error = refused(desk, received_on="2027-02-01", compiled_on=day)
        assert "từ 03/01/2027 đến 17/01/2027" in error.detail
        assert error.errors[0]["loc"] == ["body", "compiled_on"]


def test_the_window_after_a_session_that_ends_in_tet_runs_to_the_next_working_day(desk):
    # 20/1 + 15 days is Thursday 4/2, in Tết (4–10/2): the window ends on Thursday 11/2.
    set_day("2027-02-15")
    created = desk.create(
        "soxd_officer", **petition(received_on="2027-02-12", compiled_on="2027-02-11")
    )
    assert created["session_id"]
    error = refused(desk, received_on="2027-02-12")  # compiled on the day received, 12/2
    assert "ngày tổng hợp 12/02/2027 nằm ngoài thời hạn" in error.detail
    assert "15 ngày sau bế mạc (từ 21/01/2027 đến 11/02/2027)" in error.detail


def test_an_extraordinary_sessions_window_is_two_working_days_before_and_seven_after(desk):
    set_day("2027-03-01")
    enter(
        desk, code="XVII-CD1", kind="extraordinary", opens_on="2027-02-12", closes_on="2027-02-16"
    )
    # 2 working days before Friday 12/2: Thursday 11/2, then (over Tết) Wednesday 3/2.
    # 7 working days after Tuesday 16/2: 17, 18, 19, 22, 23, 24, 25/2.
    for day in ("2027-02-03", "2027-02-11", "2027-02-17", "2027-02-25"):
        body = petition(session="XVII-CD1", received_on="2027-02-26", compiled_on=day)
        assert desk.create("soxd_officer", **body)["compiled_on"] == day
    for day in ("2027-02-02", "2027-02-12", "2027-02-26"):
        error = refused(desk, session="xvii-cd1", received_on="2027-02-26", compiled_on=day)
        assert "2 ngày làm việc trước khai mạc (từ 03/02/2027 đến 11/02/2027)" in error.detail
        assert "7 ngày làm việc sau bế mạc (từ 17/02/2027 đến 25/02/2027)" in error.detail


def test_a_petition_names_a_session_that_exists_by_its_code_or_its_id(desk):
    session_id = desk.sessions.all()[0].id
    assert desk.create("soxd_officer", **petition(session=session_id))["session_id"] == session_id
    error = refused(desk, session="Kỳ họp thứ 5 HĐND TP khóa XVII")  # free text is not a session
    assert error.errors[0]["loc"] == ["body", "session"]


def test_an_administrator_changes_a_window_from_a_date_and_sessions_after_it_follow(desk):
    change = models.TimeLimitChange(
        length=20, unit="days", effective_from="2027-01-01", source="NQLT sửa đổi (thử)"
    )
    time_limits.put_time_limit(desk.people["admin"], "voter_petition.window.before", change, 0)
    # 18/1 less 20 days: Tuesday 29/12/2026.
    assert desk.create("soxd_officer", **petition(compiled_on="2026-12-29"))
    assert "từ 29/12/2026 đến 17/01/2027" in refused(desk, compiled_on="2026-12-28").detail


def test_an_imported_list_reports_each_row_whose_session_is_unknown_or_out_of_its_window(desk):
    content = (
        "summary,session,deputies_group,received_on,compiled_on\n"
        "Sửa đường ngõ 12,XVII-5,Tổ 3,2027-02-01,2027-01-25\n"
        "Lắp đèn ngõ 5,XVII-9,Tổ 3,2027-02-01,\n"
        "Nạo vét mương,XVII-5,Tổ 3,2027-02-01,2027-01-19\n"
    )
    request = models.PetitionImport(format="csv", content=content)
    with pytest.raises(InvalidInput) as error:
        import_petitions(desk.people["soxd_officer"], request)
    assert [e["loc"][2:] for e in error.value.errors] == [[3, "session"], [4, "compiled_on"]]
    assert "21/01/2027 đến 11/02/2027" in error.value.errors[1]["msg"]
    assert desk.store.commits == 0  # nothing written
    good = content.splitlines()[:2]
    done = import_petitions(
        desk.people["soxd_officer"], request.model_copy(update={"content": "\n".join(good)})
    )
    assert done.imported == 1 and read_table("csv", content)[0][1][-1] == "compiled_on"


# --- the report of results before the next regular session -----------------------------------


def test_entering_the_next_regular_session_opens_the_report_twenty_working_days_before_it(desk):
    case = desk.create("soxd_officer", **petition())
    assert "voter_petition.report_results" not in desk.open_obligations(case["id"])
    set_day("2027-03-01")
    # An extraordinary session in between is not where results are reported.
    enter(
        desk, code="XVII-CD1", kind="extraordinary", opens_on="2027-03-10", closes_on="2027-03-10"
    )
    assert "voter_petition.report_results" not in desk.open_obligations(case["id"])
    entered = enter(desk, code="XVII-6", opens_on="2027-07-05", closes_on="2027-07-08")
    # 20 working days before Monday 5/7: 2/7, 1/7, 30/6 … back to Monday 7/6.
    assert entered.results_due_on.isoformat() == "2027-06-07" and entered.petitions_rescheduled == 1
    assert desk.open_obligations(case["id"])["voter_petition.report_results"] == "2027-06-07"
    later = desk.create("soxd_officer", **petition(received_on="2027-02-01"))  # known at intake
    assert desk.open_obligations(later["id"])["voter_petition.report_results"] == "2027-06-07"


def test_moving_the_next_session_moves_the_report_across_the_april_and_may_holidays(desk):
    case = desk.create("soxd_officer", **petition())
    set_day("2027-03-01")
    entered = enter(desk, code="XVII-6", opens_on="2027-07-05", closes_on="2027-07-08")
    change = models.SessionChange(
        name="Kỳ họp thứ 6", kind="regular", opens_on="2027-05-24", closes_on="2027-05-26"
    )
    with pytest.raises(PreconditionFailed):
        council.update_session(desk.people["admin"], entered.id, change, 7)
    moved = council.update_session(desk.people["admin"], entered.id, change, entered.version)
    # Back from Monday 24/5: 21–17/5 (5), 14–10/5 (10), 7–4/5 (14; 3/5, 1/5 and 30/4 are off),
    # 29–26/4 (18), 23/4 (19), 22/4 (20).
    assert moved.results_due_on.isoformat() == "2027-04-22" and moved.petitions_rescheduled == 1
    assert desk.open_obligations(case["id"])["voter_petition.report_results"] == "2027-04-22"
    again = council.update_session(desk.people["admin"], entered.id, change, moved.version)
    assert again.petitions_rescheduled == 0  # the same day: nothing written


def test_reporting_the_results_opens_their_publication_and_publishing_posts_them_thirty_days(desk):
    case = desk.create("soxd_officer", **petition())
    set_day("2027-03-01")
    enter(desk, code="XVII-6", opens_on="2027-07-05", closes_on="2027-07-08")
    status, _, _ = desk.act("soxd_leader", case, "report_results", {"report": "BC 1"})
    assert status == 409  # not answered yet
    desk.ok("soxd_leader", case, "answer", {"result": "resolved", "answer": "Đã sửa xong"})
    set_day("2027-05-27")  # Thursday
    reported = desk.ok("soxd_leader", case, "report_results", {"report": "Báo cáo 12/BC-SXD"})
    assert reported["results_reported_on"] == "2027-05-27" and reported["status"] == "resolved"
    assert desk.closed_obligations(case["id"])["voter_petition.report_results"] == "met_on_time"
    # 15 working days from Thursday 27/5: 28/5, 31/5–4/6, 7–11/6, 14–17/6: Thursday 17/6.
    assert desk.open_obligations(case["id"]) == {"voter_petition.publish_results": "2027-06-17"}
    status, _, _ = desk.act("soxd_leader", case, "report_results", {"report": "again"})
    assert status == 409
    set_day("2027-06-10")
    published = desk.ok("soxd_leader", case, "publish", {})
    assert published["published_on"] == "2027-06-10"
    assert published["posted_until"] == "2027-07-12"  # 30 days: Saturday 10/7, so Monday 12/7
    assert desk.closed_obligations(case["id"])["voter_petition.publish_results"] == "met_on_time"


def test_a_report_due_while_the_petition_waits_to_be_forwarded_opens_at_the_receiving_unit(desk):
    case = desk.create("vp_clerk", **petition())
    set_day("2027-03-01")
    enter(desk, code="XVII-6", opens_on="2027-07-05", closes_on="2027-07-08")
    transfer = {"decision": "transfer", "to_unit_id": desk.unit("SO-XD")}
    desk.ok("vp_clerk", case, "classify", transfer)
    # 5 working days from Monday 1/2: 2, 3, (Tết) 11, 12, 15/2; the report waits.
    assert desk.open_obligations(case["id"]) == {"case.forward": "2027-02-15"}
    desk.ok("vp_clerk", case, "forward", {})
    rows = [r for r in desk.rows(case["id"]) if r["kind"] == "voter_petition.report_results"]
    assert [(r["status"], r["responsible_unit_id"]) for r in rows][-1] == (
        "open",
        desk.unit("SO-XD"),
    )


# --- the sessions, kept by an administrator ---------------------------------------------


def test_only_an_administrator_enters_a_session_and_its_code_is_unique(desk):
    body = models.SessionCreate(
        code="XVII-6", name="Kỳ họp thứ 6", kind="regular", opens_on="2027-07-05",
        closes_on="2027-07-08",
    )  # fmt: skip
    with pytest.raises(Forbidden):
        council.create_session(desk.people["sotc_leader"], body)
    council.create_session(desk.people["admin"], body)
    with pytest.raises(Conflict):
        council.create_session(desk.people["admin"], body.model_copy(update={"code": "xvii-6"}))
    with pytest.raises(InvalidInput, match="bế mạc"):
        enter(desk, code="XVII-7", opens_on="2027-12-08", closes_on="2027-12-01")
    listed = council.list_sessions(desk.people["sotc_officer"]).items
    assert [s.code for s in listed] == ["XVII-5", "XVII-6"]
    assert listed[0].compile_after[1].isoformat() == "2027-02-11"


# --- the complex-complaint record, a rule of the book ------------------------------------------


def test_an_administrator_lifts_the_written_record_requirement_from_a_date(desk):
    case = desk.create("soxd_officer", **complaint(received_on="2027-02-01"))
    lift = models.TimeLimitChange(
        length=0, unit="requirement", effective_from="2027-02-01", source="Thử: bãi bỏ"
    )
    time_limits.put_time_limit(desk.people["admin"], "complaint.complexity_record", lift, 0)
    set_day("2027-02-15")
    accepted = desk.ok("soxd_leader", case, "accept", {"complexity": "complex"})
    assert accepted["complexity"] == "complex"  # the resolver's designation stands again
    assert desk.open_obligations(case["id"]) == {"complaint.resolve": "2027-04-01"}  # 45 days


def test_a_requirement_stays_a_requirement_and_a_time_limit_a_time_limit(desk):
    admin = desk.people["admin"]
    wrong = [
        ("complaint.complexity_record", {"length": 1, "unit": "days"}),
        ("complaint.complexity_record", {"length": 2, "unit": "requirement"}),
        ("voter_petition.window.after", {"length": 1, "unit": "requirement"}),
        ("voter_petition.window.after", {"length": 0, "unit": "days"}),
    ]
    for rule, fields in wrong:
        change = models.TimeLimitChange(effective_from="2027-01-01", source="x", **fields)
        with pytest.raises(InvalidInput):
            time_limits.put_time_limit(admin, rule, change, 0)
    assert desk.rules.commits == 0


def test_a_session_that_opens_before_the_compilation_rules_took_effect_is_refused(desk):
    # NQLT 100/2025 took effect on 26/9/2025; an older session's windows are not in the book
    # (and the first days of 2000 would reach before the calendar's first year)
    for opens in ("2000-01-03", "2025-09-25"):
        with pytest.raises(InvalidInput) as error:
            enter(desk, code=f"OLD-{opens}", opens_on=opens, closes_on=opens)
        assert "trước ngày 26/09/2025" in error.value.detail
        assert error.value.errors[0]["loc"] == ["body", "opens_on"]
    assert enter(desk, code="NEW", opens_on="2025-09-26", closes_on="2025-09-27").code == "NEW"
