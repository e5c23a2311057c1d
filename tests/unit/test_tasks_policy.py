"""The rules of tasks with no AWS: status classes from the clock and the deadlines, the
on-time policy after an extension, and who may do what (fake principals, and tasks as the
summary every index line copies of them). The transitions are in test_tasks_workflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cityops.core.access import TASKS, sees_unit
from cityops.core.auth import Principal
from cityops.tasks.policy import (
    CreatorKind,
    OnTimePolicy,
    StatusClass,
    can_see,
    children_progress,
    coordinating_unit_of,
    creator_kind,
    is_assigning_side,
    is_lead_leader,
    is_lead_member,
    judged_deadline,
    status_class,
)
from cityops.tasks.values import TaskSummary

EXTENDED, ORIGINAL = OnTimePolicy.EXTENDED, OnTimePolicy.ORIGINAL
ORIGINAL_DEADLINE = "2026-12-11T16:59:59.999999Z"  # 11/12/2026 23:59:59.999999 in Hanoi
EXTENDED_DEADLINE = "2026-12-31T16:59:59.999999Z"
BEFORE_ORIGINAL = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)
BETWEEN = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)  # after the original, before the extended
AFTER_EXTENDED = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)

ROOT, SO_TC, SO_TC_NS, SO_XD, WARD, OFFICE = "R", "TC", "NS", "XD", "HK", "VP"


def task(status: str = "in_progress", *, extended: bool = False, **fields) -> TaskSummary:
    base = {
        "id": "T1",
        "title": "Nhiệm vụ",
        "source": "people_committee",
        "priority": "normal",
        "created_at": "2026-11-27T02:00:00.000000Z",
        "updated_at": "2026-11-27T02:00:00.000000Z",
        "status": status,
        "original_deadline": ORIGINAL_DEADLINE,
        "deadline": EXTENDED_DEADLINE if extended else ORIGINAL_DEADLINE,
        "lead_unit_id": SO_TC,
        "lead_unit_path": [ROOT, SO_TC],
        "coordinating_unit_ids": [SO_XD],
        "coordinating_unit_paths": {SO_XD: [ROOT, SO_XD]},
        "created_by": "chairman",
        "assigning_unit_id": ROOT,
    }
    return TaskSummary.model_validate({**base, **fields})


def who(unit: str, *roles: str, sub: str = "someone") -> Principal:
    return Principal(sub=sub, username=sub, name=sub, unit_id=unit, roles=frozenset(roles))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# --- status classes ----------------------------------------------------------------------------


def test_a_task_in_progress_before_its_deadline_is_on_time():
    assert status_class(task(), BEFORE_ORIGINAL, EXTENDED) is StatusClass.IN_PROGRESS_ON_TIME


def test_a_task_in_progress_at_the_last_instant_of_its_last_day_is_still_on_time():
    last = datetime.fromisoformat(ORIGINAL_DEADLINE)
    assert status_class(task(), last, EXTENDED) is StatusClass.IN_PROGRESS_ON_TIME
    later = last + timedelta(microseconds=1)
    assert status_class(task(), later, EXTENDED) is StatusClass.IN_PROGRESS_OVERDUE


def test_a_task_in_progress_after_its_deadline_is_overdue():
    assert status_class(task(), BETWEEN, EXTENDED) is StatusClass.IN_PROGRESS_OVERDUE


def test_a_task_without_a_deadline_is_no_deadline_whatever_its_progress():
    for status in ("in_progress", "awaiting_confirmation", "done"):
        undated = task(status, original_deadline=None, deadline=None)
        undated.completion_reported_at = BETWEEN
        assert status_class(undated, AFTER_EXTENDED, EXTENDED) is StatusClass.NO_DEADLINE


def test_a_cancelled_task_is_cancelled_even_when_it_was_overdue():
    assert status_class(task("cancelled"), AFTER_EXTENDED, EXTENDED) is StatusClass.CANCELLED


def test_done_is_judged_by_when_completion_was_reported_not_when_it_was_confirmed():
    done = task("done", completion_reported_at=iso(BEFORE_ORIGINAL))
    assert status_class(done, AFTER_EXTENDED, EXTENDED) is StatusClass.DONE_ON_TIME
    late = task("done", completion_reported_at=iso(BETWEEN))
    assert status_class(late, BEFORE_ORIGINAL, EXTENDED) is StatusClass.DONE_LATE


def test_a_completion_reported_in_time_stays_on_time_while_it_waits_for_confirmation():
    waiting = task("awaiting_confirmation", completion_reported_at=iso(BEFORE_ORIGINAL))
    assert status_class(waiting, AFTER_EXTENDED, EXTENDED) is StatusClass.IN_PROGRESS_ON_TIME
    reported_late = task("awaiting_confirmation", completion_reported_at=iso(BETWEEN))
    assert status_class(reported_late, BETWEEN, EXTENDED) is StatusClass.IN_PROGRESS_OVERDUE


# --- the on-time policy --------------------------------------------------------------------------


def test_by_default_an_extended_task_is_judged_against_its_extended_deadline():
    extended = task("done", extended=True, completion_reported_at=iso(BETWEEN))
    assert status_class(extended, BETWEEN, EXTENDED) is StatusClass.DONE_ON_TIME
    assert judged_deadline(extended, EXTENDED) == datetime.fromisoformat(EXTENDED_DEADLINE)


def test_under_the_original_policy_an_extension_does_not_make_a_late_task_on_time():
    extended = task("done", extended=True, completion_reported_at=iso(BETWEEN))
    assert status_class(extended, BETWEEN, ORIGINAL) is StatusClass.DONE_LATE
    in_progress = task(extended=True)
    assert status_class(in_progress, BETWEEN, ORIGINAL) is StatusClass.IN_PROGRESS_OVERDUE
    assert status_class(in_progress, BETWEEN, EXTENDED) is StatusClass.IN_PROGRESS_ON_TIME


# --- who may do what -----------------------------------------------------------------------------


def test_city_leaders_assign_and_office_clerks_enter_on_a_leaders_behalf():
    assert creator_kind(who(ROOT, "city_leader"), OFFICE) is CreatorKind.LEADER
    assert creator_kind(who(OFFICE, "clerk"), OFFICE) is CreatorKind.OFFICE_CLERK


@pytest.mark.parametrize(
    "caller",
    [
        who(SO_TC, "clerk"),  # a clerk, but not of the Office
        who(OFFICE, "officer"),  # of the Office, but not a clerk
        who(SO_TC, "unit_leader"),
        who(OFFICE, "admin"),
        who(ROOT, "inspector"),
    ],
)
def test_nobody_else_assigns_tasks(caller):
    assert creator_kind(caller, OFFICE) is None


def test_the_lead_and_coordinating_units_see_the_task():
    assert can_see(who(SO_TC, "officer"), task())
    assert can_see(who(SO_XD, "officer"), task())


def test_leaders_above_a_lead_or_coordinating_unit_see_the_task_but_their_officers_do_not():
    subtask = task(
        lead_unit_id=SO_TC_NS,
        lead_unit_path=[ROOT, SO_TC, SO_TC_NS],
        coordinating_unit_ids=[],
        coordinating_unit_paths={},
    )
    assert can_see(who(SO_TC, "unit_leader"), subtask)
    assert not can_see(who(SO_TC, "officer"), subtask)


def test_an_unrelated_unit_and_an_administrator_do_not_see_the_task():
    assert not can_see(who(WARD, "officer"), task())
    assert not can_see(who(WARD, "unit_leader"), task())
    assert not can_see(who(OFFICE, "admin"), task())
    assert not sees_unit(who(OFFICE, "admin"), [ROOT, SO_TC], TASKS)


def test_the_assigning_side_is_the_creator_the_leader_behind_a_clerk_and_city_leaders():
    entered = task(created_by="clerk-1", on_behalf_of="chairman")
    assert is_assigning_side(who(OFFICE, "clerk", sub="clerk-1"), entered)
    assert is_assigning_side(who(ROOT, "city_leader", sub="chairman"), entered)
    assert is_assigning_side(who(ROOT, "city_leader", sub="vice-chairman"), entered)
    assert not is_assigning_side(who(OFFICE, "clerk", sub="clerk-2"), entered)
    assert not is_assigning_side(who(SO_TC, "unit_leader"), entered)
    assert can_see(who(OFFICE, "clerk", sub="clerk-1"), entered)
    assert not can_see(who(OFFICE, "clerk", sub="clerk-2"), entered)


def test_for_a_sub_task_the_leaders_of_the_unit_that_split_it_are_the_assigning_side():
    subtask = task(
        parent_id="P1",
        created_by="sotc-leader-1",
        assigning_unit_id=SO_TC,
        lead_unit_id=SO_TC_NS,
        lead_unit_path=[ROOT, SO_TC, SO_TC_NS],
    )
    assert is_assigning_side(who(SO_TC, "unit_leader", sub="sotc-leader-2"), subtask)
    assert not is_assigning_side(who(SO_TC, "officer"), subtask)
    # a top-level task's assigning unit gives its leaders nothing by itself
    assert not is_assigning_side(who(ROOT, "unit_leader"), task())


def test_the_lead_units_members_report_and_only_its_leader_requests_extensions():
    assert is_lead_member(who(SO_TC, "officer"), task())
    assert not is_lead_leader(who(SO_TC, "officer"), task())
    assert is_lead_leader(who(SO_TC, "unit_leader"), task())
    assert not is_lead_member(who(SO_XD, "unit_leader"), task())
    assert coordinating_unit_of(who(SO_XD, "officer"), task()) == SO_XD
    assert coordinating_unit_of(who(SO_TC, "officer"), task()) is None


def test_a_parent_shows_how_many_sub_tasks_are_where_and_their_average_percent():
    children = [
        task("in_progress", percent=40),
        task("done", percent=70),  # done counts as 100
        task("cancelled", percent=90),  # left out of the average
        task("awaiting_confirmation", percent=80),
    ]
    summary = children_progress(children)
    assert summary["count"] == 4 and summary["done"] == 1 and summary["cancelled"] == 1
    assert summary["in_progress"] == 1 and summary["awaiting_confirmation"] == 1
    assert summary["average_percent"] == pytest.approx((40 + 100 + 80) / 3, abs=0.05)
    assert children_progress([])["average_percent"] is None
