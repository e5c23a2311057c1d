"""A report's workflow on fakes: the schedule that opens a report per reporting unit once
(and nothing for a retired form), every transition allowed and refused per role (the unit's
officer and leader, another unit's officer, the receiving unit's staff, a city leader who
sees but may not act, an administrator who sees nothing of reports), the order 404 → 403 →
428/412 → 409, submission on time and late closing `report.submit`, a return opening
`report.resubmit` that the next submission closes, the approval that issues a numbered
outgoing document (BC) delivered to the receiving unit, and an outlier that needs a comment.
No AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from cityops.core import clock
from cityops.core.calendar import CITY_TZ
from cityops.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from cityops.directory.port import Unit
from cityops.reports import forms, submission
from cityops.reports.domain import RESUBMIT, SUBMIT, Report
from cityops.reports.models import Reason, ReportFormCreate, ValuesPut

from tests.reports_fakes import MARCH, reports_world

CODES = ["TNGT_VU", "TNGT_CHET", "THU_NSNN"]
GOOD = {
    "TNGT_VU": 4,
    "TNGT_CHET": 1,
    "TNGT_CHET|sex=nam": 1,
    "TNGT_CHET|sex=nu": 0,
    "THU_NSNN": 125.5,
}


def hanoi(*args: int) -> datetime:
    return datetime(*args, tzinfo=CITY_TZ).astimezone(UTC)


@pytest.fixture
def world():
    with reports_world() as w:
        yield w


def make_form(w, **changes: Any):
    fields: dict[str, Any] = {
        "code": "BC-KTXH-THANG",
        "name": "Báo cáo kinh tế - xã hội hằng tháng",
        "indicator_codes": CODES,
        "reporting_unit_kinds": ["ward"],
        "receiving_unit_id": w.units["VP-UBND"].id,
        "period_type": "monthly",
        "deadline_working_days": 2,
        **changes,
    }
    return forms.create_form(w.who("admin"), ReportFormCreate.model_validate(fields))


@pytest.fixture
def opened(world):
    """A monthly form for the wards, and 2027-03 opened on 3 March: due Tue 16/03."""
    form = make_form(world)
    forms.open_due_periods()
    return world, form


# --- moving a report through its states ---------------------------------------------------------


def enter(w, report: Report, who: str = "hk.officer", values=None, comments=None) -> Report:
    data = ValuesPut(values=values if values is not None else GOOD, comments=comments or {})
    return submission.enter_values(w.who(who), report.id, data, report.version)


def act(w, report: Report, action: str, who: str, if_match: int | str | None = "current"):
    use_case, body = submission.ACTIONS[action]
    data = body(reason="Số liệu chưa khớp") if body is Reason else body()
    version = report.version if if_match == "current" else if_match
    return use_case(w.who(who), report.id, data, version)


def in_state(w, state: str, unit: str = "P-HOANKIEM") -> Report:
    ward = {"P-HOANKIEM": "hk", "P-CUANAM": "cn"}[unit]
    report = enter(w, w.report_of(unit), f"{ward}.officer")  # open, with its values
    if state == "open":
        return report
    report = act(w, report, "submit", f"{ward}.officer")
    steps = {
        "submitted": [],
        "returned": [("return", f"{ward}.leader")],
        "approved": [("approve", f"{ward}.leader")],
        "accepted": [("approve", f"{ward}.leader"), ("accept", "vp.clerk")],
    }
    for action, who in steps[state]:
        report = act(w, report, action, who)
    assert report.status == state
    return report


def run(w, report: Report, action: str, who: str, **kw: Any):
    if action == "enter_values":
        return (
            enter(w, report, who)
            if "if_match" not in kw
            else submission.enter_values(
                w.who(who), report.id, ValuesPut(values=GOOD), kw["if_match"]
            )
        )
    return act(w, report, action, who, **kw)


# (action, from state, who, what happens: the state after, or the error)
ALLOWED = [
    ("enter_values", "open", "hk.officer", "open"),
    ("enter_values", "open", "hk.leader", "open"),
    ("enter_values", "returned", "hk.officer", "returned"),
    ("submit", "open", "hk.officer", "submitted"),
    ("submit", "open", "hk.leader", "submitted"),
    ("submit", "returned", "hk.officer", "submitted"),
    ("approve", "submitted", "hk.leader", "approved"),
    ("return", "submitted", "hk.leader", "returned"),
    ("accept", "approved", "vp.clerk", "accepted"),
    ("accept", "approved", "vp.officer", "accepted"),
    ("accept", "approved", "vp.leader", "accepted"),
    ("return", "approved", "vp.clerk", "returned"),
    ("return", "approved", "vp.leader", "returned"),
    ("reopen", "accepted", "hk.leader", "open"),
    ("reopen", "accepted", "vp.leader", "open"),
]
REFUSED = [
    # another unit's officer, a leader of another department, an administrator: 404
    *[
        (a, s, who, NotFound)
        for who in ("cn.officer", "cn.leader", "sotc.leader", "admin")
        for a, s in (
            ("enter_values", "open"),
            ("submit", "open"),
            ("approve", "submitted"),
            ("accept", "approved"),
            ("return", "approved"),
            ("reopen", "accepted"),
        )
    ],
    # the city leader sees every report and acts on none: 403
    *[
        (a, s, "chairman", Forbidden)
        for a, s in (
            ("enter_values", "open"),
            ("submit", "open"),
            ("approve", "submitted"),
            ("return", "submitted"),
            ("accept", "approved"),
            ("return", "approved"),
            ("reopen", "accepted"),
        )
    ],
    ("enter_values", "open", "hk.clerk", Forbidden),  # a clerk of the unit: no reporter
    ("submit", "open", "hk.clerk", Forbidden),
    ("enter_values", "open", "vp.clerk", Forbidden),  # the receiving unit does not enter
    ("submit", "open", "vp.officer", Forbidden),
    ("approve", "submitted", "hk.officer", Forbidden),  # only a leader approves
    ("approve", "submitted", "vp.leader", Forbidden),  # the receiving unit's leader neither
    ("return", "submitted", "hk.officer", Forbidden),
    ("return", "submitted", "vp.clerk", Forbidden),  # before approval: not the receiver's
    ("accept", "approved", "hk.leader", Forbidden),  # the unit does not accept its own
    ("accept", "approved", "hk.officer", Forbidden),
    ("return", "approved", "hk.leader", Forbidden),  # after approval: the receiver's
    ("reopen", "accepted", "vp.clerk", Forbidden),  # a clerk is no leader
    ("reopen", "accepted", "hk.officer", Forbidden),
    # permitted callers from a state the action is not taken from: 409
    ("enter_values", "submitted", "hk.officer", Conflict),
    ("enter_values", "accepted", "hk.officer", Conflict),
    ("submit", "submitted", "hk.officer", Conflict),
    ("approve", "open", "hk.leader", Conflict),
    ("approve", "approved", "hk.leader", Conflict),
    ("accept", "submitted", "vp.clerk", Conflict),
    ("accept", "accepted", "vp.clerk", Conflict),
    ("return", "open", "hk.leader", Conflict),
    ("return", "accepted", "hk.leader", Conflict),
    ("reopen", "approved", "hk.leader", Conflict),
    ("reopen", "open", "hk.leader", Conflict),
]


@pytest.mark.parametrize(
    ("action", "state", "who", "after"), ALLOWED, ids=[f"{a}@{s}:{w}" for a, s, w, _ in ALLOWED]
)
def test_each_role_may_take_the_actions_its_place_allows(opened, action, state, who, after):
    w, _form = opened
    report = run(w, in_state(w, state), action, who)
    assert report.status == after
    assert w.report_of("P-HOANKIEM").status == after


@pytest.mark.parametrize(
    ("action", "state", "who", "error"), REFUSED, ids=[f"{a}@{s}:{w}" for a, s, w, _ in REFUSED]
)
def test_each_role_is_refused_what_its_place_does_not_allow_and_nothing_changes(
    opened, action, state, who, error
):
    w, _form = opened
    report = in_state(w, state)
    commits = w.reports.commits
    with pytest.raises(error):
        run(w, report, action, who)
    assert w.reports.commits == commits
    assert w.report_of("P-HOANKIEM").version == report.version


def test_an_administrator_sees_forms_but_no_report(opened):
    w, form = opened
    assert forms.load_form(w.who("admin"), form.id).id == form.id
    with pytest.raises(NotFound):
        submission.REPORTS.load_visible(w.who("admin"), w.report_of("P-HOANKIEM").id)


def test_the_receiving_unit_and_the_city_leader_see_the_report_another_ward_does_not(opened):
    w, _form = opened
    report_id = w.report_of("P-HOANKIEM").id
    for name in ("hk.officer", "hk.clerk", "vp.clerk", "vp.officer", "chairman"):
        assert submission.REPORTS.load_visible(w.who(name), report_id).id == report_id
    for name in ("cn.officer", "cn.leader", "sotc.leader"):
        with pytest.raises(NotFound):
            submission.REPORTS.load_visible(w.who(name), report_id)


# --- the order of the refusals -------------------------------------------------------------------


def test_refusals_come_in_the_order_404_403_428_412_409(opened):
    w, _form = opened
    report = in_state(w, "open")  # approve is not taken from open
    commits = w.reports.commits
    with pytest.raises(NotFound):  # unseen, even with no If-Match
        act(w, report, "approve", "cn.officer", if_match=None)
    with pytest.raises(Forbidden):  # seen, not permitted, with no If-Match
        act(w, report, "approve", "chairman", if_match=None)
    with pytest.raises(Forbidden):  # seen, not permitted, with a stale If-Match
        act(w, report, "approve", "hk.officer", if_match=report.version - 1)
    with pytest.raises(PreconditionRequired):  # permitted, no If-Match
        act(w, report, "approve", "hk.leader", if_match=None)
    with pytest.raises(PreconditionFailed):  # permitted, stale If-Match, wrong state
        act(w, report, "approve", "hk.leader", if_match=report.version - 1)
    with pytest.raises(Conflict) as refused:  # only then the state
        act(w, report, "approve", "hk.leader")
    assert refused.value.status == 409 and "«Đã gửi»" in refused.value.detail
    assert w.reports.commits == commits


def test_a_report_with_a_refused_value_is_not_changed(opened):
    w, _form = opened
    report = w.report_of("P-HOANKIEM")
    with pytest.raises(InvalidInput) as refused:
        enter(w, report, values=dict(GOOD, TNGT_CHET=9, **{"TNGT_CHET|sex=nam": 9}))
    assert [e["cell"] for e in refused.value.errors] == ["TNGT_CHET"]
    assert w.report_of("P-HOANKIEM").values == {}


# --- deadlines ----------------------------------------------------------------------------------


def _row(w, report: Report, kind: str) -> dict[str, Any]:
    (row,) = [
        r
        for (ref, _), r in w.reports.obligations.items()
        if ref == report.ref and r["kind"] == kind
    ]
    return row


def test_opening_gives_each_report_its_submit_deadline_two_working_days_after_the_cut_off(opened):
    w, _form = opened
    report = w.report_of("P-HOANKIEM")
    assert report.due_on == date(2027, 3, 16)  # 14/03 is a Sunday: Mon 15, Tue 16
    row = _row(w, report, SUBMIT)
    assert row["status"] == "open"
    assert row["due_at"] == "2027-03-16T16:59:59.999999Z"  # 24:00 in Hanoi
    assert row["responsible_unit_id"] == w.units["P-HOANKIEM"].id


@pytest.mark.parametrize(
    ("moment", "on_time", "outcome"),
    [
        (MARCH, True, "met_on_time"),
        (hanoi(2027, 3, 16, 23, 59), True, "met_on_time"),  # the due day's last minute
        (hanoi(2027, 3, 17, 0, 1), False, "met_late"),  # the clock past the due day
    ],
    ids=["early", "due-day", "late"],
)
def test_a_submission_closes_its_deadline_on_time_or_late(opened, moment, on_time, outcome):
    w, _form = opened
    report = enter(w, w.report_of("P-HOANKIEM"))
    clock.set_now(moment)
    report = act(w, report, "submit", "hk.officer")
    assert report.on_time is on_time
    row = _row(w, report, SUBMIT)
    assert (row["status"], row["outcome"]) == ("closed", outcome)
    (event,) = [d for name, d in w.reports.events if name == "ReportSubmitted"]
    assert event["on_time"] is on_time


def test_a_return_opens_a_resubmission_deadline_the_next_submission_closes(opened):
    w, _form = opened
    report = act(w, enter(w, w.report_of("P-HOANKIEM")), "submit", "hk.officer")
    report = act(w, report, "return", "hk.leader")  # Wednesday 3 March
    again = _row(w, report, RESUBMIT)
    assert again["status"] == "open"
    assert again["due_at"] == "2027-03-05T16:59:59.999999Z"  # Thu 4, Fri 5
    assert report.remarks[-1].reason == "Số liệu chưa khớp"
    clock.set_now(hanoi(2027, 3, 8, 9, 0))  # Monday: the resubmission is late
    report = act(w, report, "submit", "hk.officer")
    again = _row(w, report, RESUBMIT)
    assert (again["status"], again["outcome"]) == ("closed", "met_late")
    assert report.on_time is True  # the first submission decides the report's timeliness
    assert _row(w, report, SUBMIT)["outcome"] == "met_on_time"


def test_a_reopening_needs_a_resubmission_and_takes_the_report_out_of_the_aggregate(opened):
    w, form = opened
    report = in_state(w, "accepted")
    assert [v["unit_id"] for v in w.reports.accepted_values(form.id, "2027-03")] == [
        w.units["P-HOANKIEM"].id
    ]
    report = act(w, report, "reopen", "hk.leader")
    assert report.status == "open" and report.accepted_at is None
    assert _row(w, report, RESUBMIT)["status"] == "open"
    assert w.reports.accepted_values(form.id, "2027-03") == []


# --- approval issues the report as a document -------------------------------------------------


def test_approval_issues_a_numbered_outgoing_document_that_reaches_the_receiving_unit(opened):
    w, _form = opened
    report = in_state(w, "approved")
    (issued,) = report.issued
    assert issued.number_symbol == "01/BC-UBND"
    assert issued.approved_by.id == "hk.leader"
    documents = list(w.documents.entities.values())
    outgoing = next(d for d in documents if d.id == issued.document_id)
    assert outgoing.doc_type == "BC" and outgoing.unit.id == w.units["P-HOANKIEM"].id
    arrived = [d for d in documents if d.id != outgoing.id]
    assert [d.unit.id for d in arrived] == [w.units["VP-UBND"].id]
    assert [name for name, _ in w.reports.events].count("ReportApproved") == 1
    second = in_state(w, "approved", unit="P-CUANAM")
    assert second.issued[0].number_symbol == "01/BC-UBND"  # its own ward's register


def test_an_approval_that_loses_the_number_race_takes_the_next_number(opened):
    w, _form = opened
    report = in_state(w, "submitted")
    w.documents.race_next = 1  # someone takes number 1 of the ward's register meanwhile
    report = act(w, report, "approve", "hk.leader")
    assert report.issued[0].number_symbol == "02/BC-UBND"


# --- an outlier against the unit's own history ---------------------------------------------------


def _accepted_before(w, report: Report, period: str, ends: date, value: float) -> None:
    earlier = report.model_copy(deep=True)
    earlier.id = f"{report.id[:-2]}{period[-2:]}"
    earlier.period, earlier.period_ends_on = period, ends
    earlier.period_starts_on = date(ends.year, ends.month, 1)
    earlier.status, earlier.accepted_at = "accepted", MARCH
    earlier.values = dict(GOOD, THU_NSNN=value, **{"THU_NSNN|x=y": 99999})
    w.reports.add(earlier)


def test_a_figure_far_from_the_units_accepted_history_must_be_explained_before_submitting(opened):
    w, _form = opened
    report = w.report_of("P-HOANKIEM")
    for period, ends, value in (
        ("2026-12", date(2026, 12, 14), 9.0),
        ("2027-01", date(2027, 1, 14), 10.0),
        ("2027-02", date(2027, 2, 14), 11.0),
    ):
        _accepted_before(w, report, period, ends, value)
    report = enter(w, report, values=dict(GOOD, THU_NSNN=13.0))  # within 3 sd: no warning
    assert report.warnings == []
    report = enter(w, report, values=dict(GOOD, THU_NSNN=20.0))
    assert [x["cell"] for x in report.warnings] == ["THU_NSNN"]
    with pytest.raises(InvalidInput) as refused:
        act(w, report, "submit", "hk.officer")
    assert [e["cell"] for e in refused.value.errors] == ["THU_NSNN"]
    report = enter(
        w, report, values=dict(GOOD, THU_NSNN=20.0), comments={"THU_NSNN": "Thu tiền sử dụng đất"}
    )
    assert act(w, report, "submit", "hk.officer").status == "submitted"


# --- the schedule ---------------------------------------------------------------------------------


def test_the_schedule_opens_a_report_per_reporting_unit_once(world):
    form = make_form(world)
    first = forms.open_due_periods()
    assert first == {"opened": [{"form_id": form.id, "period": "2027-03", "reports": 2}]}
    assert forms.open_due_periods() == {"opened": []}  # twice: nothing more
    reports = list(world.reports.entities.values())
    assert sorted(r.unit.id for r in reports) == sorted(
        world.units[c].id for c in ("P-HOANKIEM", "P-CUANAM")
    )
    assert {(r.status, r.period, r.receiving_unit.id) for r in reports} == {
        ("open", "2027-03", world.units["VP-UBND"].id)
    }
    assert world.forms.entities[form.id].opened_periods == ["2027-03"]
    assert [n for n, _ in world.reports.events] == ["ReportOpened", "ReportOpened"]


def test_a_period_opened_again_after_a_crash_opens_no_second_report_for_a_unit(world):
    form = make_form(world)
    forms.open_due_periods()
    stored = world.forms.entities[form.id]
    stored.opened_periods = []  # as if the schedule stopped before the form noted it
    assert forms.open_due_periods()["opened"][0]["reports"] == 0
    assert len(world.reports.entities) == 2


def test_the_next_period_opens_when_its_window_does(world):
    make_form(world)
    forms.open_due_periods()
    clock.set_now(hanoi(2027, 3, 15, 0, 30))
    assert [o["period"] for o in forms.open_due_periods()["opened"]] == ["2027-04"]
    assert (
        sorted(r.period for r in world.reports.entities.values())
        == ["2027-03"] * 2 + ["2027-04"] * 2
    )


def test_units_named_by_list_report_with_those_of_the_kinds_and_an_inactive_unit_does_not(world):
    closed = Unit(
        id="01J0000000000000000000CLSD",
        code="P-CU",
        name="Phường cũ",
        kind="ward",
        path=(world.units["UBND-HN"].id, "01J0000000000000000000CLSD"),
        active=False,
    )
    world.directory.add_unit(closed)
    make_form(world, reporting_unit_ids=[world.units["SO-TC"].id])
    forms.open_due_periods()
    assert sorted(r.unit.id for r in world.reports.entities.values()) == sorted(
        world.units[c].id for c in ("P-HOANKIEM", "P-CUANAM", "SO-TC")
    )


def test_a_retired_form_opens_nothing(world):
    form = make_form(world)
    forms.retire_form(world.who("admin"), form.id, form.version)
    assert forms.open_due_periods() == {"opened": []}
    assert world.reports.entities == {}


def test_only_an_administrator_defines_or_retires_a_form(world):
    with pytest.raises(Forbidden):
        forms.create_form(
            world.who("vp.leader"),
            ReportFormCreate.model_validate(
                {
                    "code": "BC-X",
                    "name": "X",
                    "indicator_codes": CODES,
                    "reporting_unit_kinds": ["ward"],
                    "receiving_unit_id": world.units["VP-UBND"].id,
                    "period_type": "monthly",
                    "deadline_working_days": 2,
                }
            ),
        )
    form = make_form(world)
    with pytest.raises(Forbidden):
        forms.retire_form(world.who("chairman"), form.id, form.version)


def test_a_form_that_takes_effect_later_opens_nothing_before(world):
    make_form(world, starts_on="2027-04-01")
    assert forms.open_due_periods() == {"opened": []}
    clock.set_now(hanoi(2027, 3, 15, 9, 0))  # 2027-04's window opens, ending after 1/4
    assert [o["period"] for o in forms.open_due_periods()["opened"]] == ["2027-04"]
