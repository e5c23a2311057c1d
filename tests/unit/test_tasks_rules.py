"""The business rules of tasks on fakes (no AWS): If-Match on every change, nothing after done
or cancelled, on-time at the last second of the due day, the on-time policy, the deadlines a
task owes (opened, met, moved, paused, resumed, cancelled), progress reports as appends, and
the statistics' buckets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cityops.core import clock
from cityops.core.errors import PreconditionFailed
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Busy
from cityops.core.statemachine import InvalidTransition
from cityops.tasks import statistics
from cityops.tasks.policy import OnTimePolicy, StatusClass
from cityops.tasks.workflow import TASK

from tests.unit.test_tasks_world import TEN_WORKING_DAYS, World

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
EXTENDED_TASK = "in_progress:2026-12-31:2026-12-11"  # due 31/12, at first 11/12


@pytest.fixture
def city():
    with World() as world:
        yield world


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> None:
    clock.set_now(datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=HANOI))


# --- If-Match ------------------------------------------------------------------------------------


def test_returning_a_task_for_more_work_with_a_stale_if_match_is_412_and_changes_nothing(city):
    task_id = city.task_in("awaiting_confirmation")
    stale = city.version(task_id)
    city.take("edit", task_id, title="Sửa trong khi chờ xác nhận")  # it moved on meanwhile
    before = city.task(task_id)
    with pytest.raises(PreconditionFailed) as refused:
        city.take("return", task_id, if_match=stale)
    assert refused.value.status == 412
    assert city.task(task_id) == before and before.status == "awaiting_confirmation"


def test_deciding_an_extension_with_a_stale_if_match_is_412_and_changes_nothing(city):
    task_id = city.task_in("in_progress", pending_extension=True)
    stale = city.version(task_id)
    city.take("report_progress", task_id)  # it moved on meanwhile
    before = city.task(task_id)
    with pytest.raises(PreconditionFailed) as refused:
        city.take("decide_extension", task_id, if_match=stale)
    assert refused.value.status == 412
    assert city.task(task_id) == before and before.extensions[0].status == "pending"
    assert city.row(task_id, "task.complete")["due_at"] == clock.iso(before.deadline)


@pytest.mark.parametrize("state", ["done", "cancelled"])
def test_a_done_or_cancelled_task_cannot_be_edited(city, state):
    task_id = city.task_in(state)
    before = city.task(task_id)
    with pytest.raises(InvalidTransition) as refused:
        city.take("edit", task_id, title="Sửa sau khi đã xong")
    assert refused.value.status == 409 and TASK.name_of(state) in refused.value.detail
    assert city.task(task_id) == before


# --- on time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hh", "mm", "ss", "days_after", "outcome", "waiting", "done"),
    [
        (23, 59, 59, 0, Outcome.MET_ON_TIME, "in_progress_on_time", "done_on_time"),
        (0, 0, 0, 1, Outcome.MET_LATE, "in_progress_overdue", "done_late"),
    ],
    ids=["at 23:59:59 of the due day", "one second later"],
)
def test_a_completion_reported_at_the_last_second_of_the_due_day_is_on_time_a_second_later_late(
    city, hh, mm, ss, days_after, outcome, waiting, done
):
    task_id = city.task_in("in_progress", due_in_working_days=None, due_date="2026-12-11")
    at(date(2026, 12, 11) + timedelta(days=days_after), hh, mm, ss)
    assert city.shown(task_id)["status_class"] == waiting  # the clock alone, before any report
    reported = city.take("report_completion", task_id)
    assert reported["status_class"] == waiting
    at(date(2026, 12, 20), 9)  # confirmed much later: the report's time is what counts
    confirmed = city.take("confirm", task_id)
    assert confirmed["status_class"] == done
    assert city.row(task_id, "task.complete")["outcome"] == outcome
    assert city.store.events[-1][1]["outcome"] == outcome.value


def test_by_default_a_task_done_within_its_extension_is_on_time(city):
    task_id = city.task_in("in_progress")
    city.take("request_extension", task_id, new_due_date="2026-12-31")
    city.take("decide_extension", task_id)
    at(date(2026, 12, 15), 9)  # past the original deadline, within the extension
    assert city.shown(task_id)["status_class"] == "in_progress_on_time"
    city.take("report_completion", task_id)
    done = city.take("confirm", task_id)
    assert done["status_class"] == "done_on_time" and done["extension_count"] == 1
    assert city.row(task_id, "task.complete")["outcome"] == Outcome.MET_ON_TIME


def test_under_the_original_policy_an_extension_does_not_make_a_late_task_on_time(city, setting):
    setting("TASK_ONTIME_POLICY", "original")
    task_id = city.task_in("in_progress")
    city.take("request_extension", task_id, new_due_date="2026-12-31")
    city.take("decide_extension", task_id)
    at(date(2026, 12, 15), 9)
    assert city.shown(task_id)["status_class"] == "in_progress_overdue"
    city.take("report_completion", task_id)
    done = city.take("confirm", task_id)
    assert done["status_class"] == "done_late" and done["on_time_policy"] == "original"
    assert done["judged_deadline"] == "2026-12-11T16:59:59.999999Z"
    row = city.row(task_id, "task.complete")
    assert row["outcome"] == Outcome.MET_LATE and row["due_at"] == "2026-12-31T16:59:59.999999Z"


# --- the deadlines a task owes -------------------------------------------------------------


def test_assigning_opens_the_lead_units_deadline_chased_up_the_chain_above_it(city):
    task = city.assign()
    row = city.row(task["id"], "task.complete")
    assert row["status"] == "open" and row["kind"] == "task.complete"
    assert row["due_at"] == task["deadline"] == "2026-12-11T16:59:59.999999Z"
    assert row["responsible_unit_id"] == city.unit("SO-TC")
    assert row["escalation_chain"] == [city.unit("UBND-HN")]
    assert task["due_date"] == task["original_due_date"] == TEN_WORKING_DAYS.isoformat()


def test_a_lead_report_meets_the_progress_deadline_and_opens_the_next_a_coordinating_one_not(
    city,
):
    task_id = city.task_in("in_progress", progress_every_working_days=3)
    assert city.row(task_id, "task.progress#1")["due_at"] == "2026-12-02T16:59:59.999999Z"
    at(date(2026, 12, 3), 9)  # a day late
    city.take("report_progress", task_id, as_="soxd.officer")
    assert city.row(task_id, "task.progress#1")["status"] == "open"
    city.take("report_progress", task_id, as_="sotc.officer")
    assert city.row(task_id, "task.progress#1")["outcome"] == Outcome.MET_LATE
    assert city.row(task_id, "task.progress#2")["due_at"] == "2026-12-08T16:59:59.999999Z"
    shown = city.shown(task_id)
    assert shown["next_progress_due_at"] == "2026-12-08T16:59:59.999999Z"
    assert shown["report_count"] == 2 and [c["unit_id"] for c in shown["coordination"]] == [
        city.unit("SO-XD")
    ]


def test_years_of_progress_reports_keep_opening_the_next_progress_deadline(city):
    task_id = city.task_in("in_progress", progress_every_working_days=1)
    for _ in range(30):  # more than the closed deadlines a task keeps on itself
        city.take("report_progress", task_id, as_="sotc.officer")
    assert city.row(task_id, "task.progress#31")["status"] == "open"
    assert city.row(task_id, "task.progress#30")["status"] == "closed"


def test_an_approved_extension_moves_the_deadline_and_closes_the_decision_on_time(city):
    task_id = city.task_in("in_progress")
    requested = city.take("request_extension", task_id, new_due_date="2026-12-31")
    assert requested["extensions"][0]["decision_due_at"] == "2026-12-02T16:59:59.999999Z"
    decision = city.row(task_id, "task.extension_decision#1")
    assert decision["responsible_unit_id"] == city.unit("UBND-HN")
    assert decision["responsible_user_id"] == "chairman"
    decided = city.take("decide_extension", task_id)
    assert decided["due_date"] == "2026-12-31" and decided["original_due_date"] == "2026-12-11"
    assert city.row(task_id, "task.extension_decision#1")["outcome"] == Outcome.MET_ON_TIME
    assert city.row(task_id, "task.complete")["due_at"] == "2026-12-31T16:59:59.999999Z"


def test_a_completion_awaiting_confirmation_is_not_chased_and_a_return_chases_it_again(city):
    task_id = city.task_in("in_progress", pending_extension=True, progress_every_working_days=5)
    reported = city.take("report_completion", task_id)
    assert city.row(task_id, "task.complete")["status"] == "paused"
    assert city.row(task_id, "task.progress#1")["outcome"] == Outcome.MET_ON_TIME
    assert city.row(task_id, "task.extension_decision#1")["outcome"] == Outcome.CANCELLED
    assert reported["extensions"][0]["status"] == "withdrawn"
    returned = city.take("return", task_id)
    assert returned["status"] == "in_progress" and returned["completion"] is None
    assert returned["returns"][0]["reported_at"] == reported["completion_reported_at"]
    assert city.row(task_id, "task.complete")["status"] == "open"
    assert city.row(task_id, "task.progress#2")["status"] == "open"


def test_cancelling_closes_every_deadline_still_owed_as_cancelled(city):
    task_id = city.task_in("in_progress", pending_extension=True, progress_every_working_days=5)
    cancelled = city.take("cancel", task_id)
    rows = {k: (r["status"], r["outcome"]) for (_ref, k), r in city.store.obligations.items()}
    assert rows == {
        "task.complete": ("closed", Outcome.CANCELLED),
        "task.progress#1": ("closed", Outcome.CANCELLED),
        "task.extension_decision#1": ("closed", Outcome.CANCELLED),
    }
    assert cancelled["status_class"] == "cancelled"
    assert cancelled["extensions"][0]["status"] == "withdrawn"


def test_a_sub_task_is_due_no_later_than_its_task_and_is_chased_up_from_its_own_unit(city):
    parent_id = city.task_in("in_progress")
    child = city.take("split", parent_id, due_date="2026-12-09")
    assert child["parent_id"] == parent_id and child["assigning_unit_id"] == city.unit("SO-TC")
    assert city.row(child["id"], "task.complete")["escalation_chain"] == [
        city.unit("SO-TC"),
        city.unit("UBND-HN"),
    ]
    assert city.shown(parent_id)["subtasks"]["count"] == 1
    with pytest.raises(Exception) as too_late:
        city.take("split", parent_id, due_date="2026-12-31")
    assert too_late.value.status == 422


# --- progress reports are appends ------------------------------------------------------------


def test_a_progress_report_that_loses_races_is_tried_again_and_kept_once(city):
    task_id = city.task_in("in_progress")
    city.store.fail_next = 3
    report = city.take("report_progress", task_id, percent=60)
    assert [r["id"] for r in city.store.reports] == [report["id"]]
    assert city.task(task_id).percent == 60 and city.task(task_id).report_count == 1


def test_a_progress_report_that_keeps_losing_is_409_with_retry_after_never_412(city):
    task_id = city.task_in("in_progress")
    city.store.fail_next = 1000
    with pytest.raises(Busy) as busy:
        city.take("report_progress", task_id)
    assert busy.value.status == 409 and busy.value.headers() == {"Retry-After": "1"}
    assert city.store.reports == []


# --- statistics ----------------------------------------------------------------------------------


def counted(city: World) -> dict[str, int]:
    """The tasks each bucket holds now (zero rows left out)."""
    return {sk.split("#", 3)[3]: row["n"] for (_pk, sk), row in city.store.counters.items()
            if row.get("n")}  # fmt: skip


def test_every_change_moves_its_task_between_statistics_buckets_in_its_transaction(city):
    task_id = city.task_in("in_progress", pending_extension=True)
    assert counted(city) == {"in_progress:2026-12-11:2026-12-11": 1}
    city.take("decide_extension", task_id)
    assert counted(city) == {"in_progress:2026-12-31:2026-12-11": 1}
    at(date(2026, 12, 15), 9)  # late for the original deadline, on time for the extended
    city.take("report_completion", task_id)
    assert counted(city) == {"awaiting_confirmation:1:0": 1}
    city.take("confirm", task_id)
    assert counted(city) == {"done:1:0": 1}
    city.assign(due_in_working_days=None)
    assert counted(city) == {"done:1:0": 1, "no_deadline": 1}


@pytest.mark.parametrize(
    ("bucket", "today", "policy", "expected"),
    [
        (EXTENDED_TASK, date(2026, 12, 11), "extended", "in_progress_on_time"),
        (EXTENDED_TASK, date(2026, 12, 12), "extended", "in_progress_on_time"),
        (EXTENDED_TASK, date(2026, 12, 12), "original", "in_progress_overdue"),
        (EXTENDED_TASK, date(2027, 1, 1), "extended", "in_progress_overdue"),
        ("awaiting_confirmation:1:0", date(2027, 1, 1), "extended", "in_progress_on_time"),
        ("awaiting_confirmation:1:0", date(2027, 1, 1), "original", "in_progress_overdue"),
        ("done:1:0", date(2027, 1, 1), "extended", "done_on_time"),
        ("done:1:0", date(2027, 1, 1), "original", "done_late"),
        ("no_deadline", date(2027, 1, 1), "original", "no_deadline"),
        ("cancelled", date(2027, 1, 1), "extended", "cancelled"),
    ],
)
def test_a_buckets_class_is_read_from_the_clock_and_the_policy(bucket, today, policy, expected):
    got = statistics.class_of_bucket(bucket, today, OnTimePolicy(policy))
    assert got is StatusClass(expected)
