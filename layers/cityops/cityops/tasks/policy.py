"""The rules of tasks that need no storage: statuses and their transitions, status classes
from the clock and the deadlines, the on-time policy, and who may do what.

A task is handled here as the plain dict the store keeps (ISO times as text, UTC), so these
rules run the same on a stored task, on a list line and in unit tests with no AWS at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from cityops.core.auth import Principal
from cityops.core.errors import Conflict


class TaskSource(StrEnum):
    """The assigning authority (cơ quan giao nhiệm vụ)."""

    GOVERNMENT = "government"  # Chính phủ
    PRIME_MINISTER = "prime_minister"  # Thủ tướng Chính phủ
    CITY_PARTY_COMMITTEE = "city_party_committee"  # Thành ủy
    PEOPLE_COUNCIL = "people_council"  # HĐND Thành phố
    PEOPLE_COMMITTEE = "people_committee"  # UBND Thành phố


class TaskStatus(StrEnum):
    """Where a task is in its life (trạng thái xử lý)."""

    IN_PROGRESS = "in_progress"  # assigned, being done (also after it was returned)
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # the lead unit reported completion
    DONE = "done"  # the assigning side confirmed completion
    CANCELLED = "cancelled"  # the assigning side withdrew it


class StatusClass(StrEnum):
    """The classes the Government Office reports count (tình hình thực hiện nhiệm vụ)."""

    IN_PROGRESS_ON_TIME = "in_progress_on_time"  # đang thực hiện, trong hạn
    IN_PROGRESS_OVERDUE = "in_progress_overdue"  # đang thực hiện, quá hạn
    DONE_ON_TIME = "done_on_time"  # đã hoàn thành đúng hạn
    DONE_LATE = "done_late"  # đã hoàn thành quá hạn
    NO_DEADLINE = "no_deadline"  # không có thời hạn
    CANCELLED = "cancelled"  # đã hủy


class OnTimePolicy(StrEnum):
    """Which deadline judges on-time once an extension was approved (TASK_ONTIME_POLICY)."""

    EXTENDED = "extended"  # the deadline as extended (default); the count of extensions shown
    ORIGINAL = "original"  # the first deadline, whatever was approved later


class Action(StrEnum):
    EDIT = "edit"
    SPLIT = "split"
    REPORT_PROGRESS = "report_progress"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    REPORT_COMPLETION = "report_completion"
    CONFIRM = "confirm"
    RETURN = "return"
    CANCEL = "cancel"


_OPEN = frozenset({TaskStatus.IN_PROGRESS, TaskStatus.AWAITING_CONFIRMATION})
ALLOWED: Mapping[Action, frozenset[TaskStatus]] = {
    Action.EDIT: _OPEN,
    Action.SPLIT: frozenset({TaskStatus.IN_PROGRESS}),
    Action.REPORT_PROGRESS: frozenset({TaskStatus.IN_PROGRESS}),
    Action.REQUEST_EXTENSION: frozenset({TaskStatus.IN_PROGRESS}),
    Action.DECIDE_EXTENSION: frozenset({TaskStatus.IN_PROGRESS}),
    Action.REPORT_COMPLETION: frozenset({TaskStatus.IN_PROGRESS}),
    Action.CONFIRM: frozenset({TaskStatus.AWAITING_CONFIRMATION}),
    Action.RETURN: frozenset({TaskStatus.AWAITING_CONFIRMATION}),
    Action.CANCEL: _OPEN,
}

_VERBS = {
    Action.EDIT: "edited",
    Action.SPLIT: "split into sub-tasks",
    Action.REPORT_PROGRESS: "given a progress report",
    Action.REQUEST_EXTENSION: "given an extension request",
    Action.DECIDE_EXTENSION: "given an extension decision",
    Action.REPORT_COMPLETION: "reported complete",
    Action.CONFIRM: "confirmed",
    Action.RETURN: "returned",
    Action.CANCEL: "cancelled",
}


def check_transition(status: str, action: Action) -> None:
    """Raise Conflict (409) unless `action` is allowed on a task in `status`."""
    if TaskStatus(status) not in ALLOWED[action]:
        human = TaskStatus(status).value.replace("_", " ")
        raise Conflict(f"A task that is {human} cannot be {_VERBS[action]}.")


# --- deadlines and status classes ------------------------------------------------------------


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def judged_deadline(task: Mapping[str, Any], policy: OnTimePolicy) -> datetime | None:
    """The deadline that on-time is judged against: the current (extended) one, or under the
    `original` policy the first one. None for a task without a deadline."""
    if policy is OnTimePolicy.ORIGINAL:
        return parse_time(task.get("original_deadline") or task.get("deadline"))
    return parse_time(task.get("deadline"))


def status_class(task: Mapping[str, Any], now: datetime, policy: OnTimePolicy) -> StatusClass:
    """The task's class, from its status, its deadline under the policy, and the clock:

    - cancelled: the task was cancelled (whatever its deadline);
    - no_deadline: any other task without a deadline;
    - done_on_time / done_late: confirmed done; on time when the completion was *reported*
      at or before the judged deadline (the lead unit's work, not the confirmation's date);
    - in_progress_on_time / in_progress_overdue: not yet confirmed; overdue when the clock is
      past the judged deadline, or, while awaiting confirmation, when completion was reported
      after it (a report made in time stays on time while the assigning side confirms).
    """
    status = TaskStatus(task["status"])
    if status is TaskStatus.CANCELLED:
        return StatusClass.CANCELLED
    deadline = judged_deadline(task, policy)
    if deadline is None:
        return StatusClass.NO_DEADLINE
    reported = parse_time(task.get("completion_reported_at"))
    if status is TaskStatus.DONE:
        if reported is None:  # never stored so; judge by the clock rather than fail
            reported = now
        return StatusClass.DONE_ON_TIME if reported <= deadline else StatusClass.DONE_LATE
    reference = reported if status is TaskStatus.AWAITING_CONFIRMATION and reported else now
    if reference <= deadline:
        return StatusClass.IN_PROGRESS_ON_TIME
    return StatusClass.IN_PROGRESS_OVERDUE


# --- who may do what -------------------------------------------------------------------------


def _without_admin(who: Principal) -> Principal:
    """Administrators run the system; they are not in the chain of command of a task."""
    if not who.is_admin:
        return who
    return dataclasses.replace(who, roles=who.roles - {"admin"})


def sees_unit(who: Principal, path: Iterable[str]) -> bool:
    """Does the caller see what a unit (at `path`, root first) is asked to do? Its members,
    leaders above it, city leaders (Principal.sees_unit, without the administrator's reach)."""
    return _without_admin(who).sees_unit(list(path))


def unit_paths(task: Mapping[str, Any]) -> list[list[str]]:
    """The paths of the task's lead unit and coordinating units."""
    paths = [list(task.get("lead_unit_path") or [])]
    paths += [list(p) for p in (task.get("coordinating_unit_paths") or {}).values()]
    return paths


def is_assigning_side(who: Principal, task: Mapping[str, Any]) -> bool:
    """Whoever assigned the task: its creator, the leader it was created on behalf of, any
    city leader, and for a sub-task the leaders of the unit that split it."""
    if who.is_city_leader:
        return True
    if who.sub and who.sub in (task.get("created_by"), task.get("on_behalf_of")):
        return True
    assigning_unit = task.get("parent_id") and task.get("assigning_unit_id")
    return bool(assigning_unit and who.is_leader and who.unit_id == assigning_unit)


def can_see(who: Principal, task: Mapping[str, Any]) -> bool:
    """A task is visible to its lead and coordinating units (anyone in them), the leaders
    above them, whoever assigned it, and city leaders. Everyone else gets 404."""
    if is_assigning_side(who, task):
        return True
    return any(path and sees_unit(who, path) for path in unit_paths(task))


def is_lead_member(who: Principal, task: Mapping[str, Any]) -> bool:
    """A member of the lead unit (officer or leader): reports progress and completion."""
    return bool(who.unit_id) and who.unit_id == task.get("lead_unit_id")


def is_lead_leader(who: Principal, task: Mapping[str, Any]) -> bool:
    """The lead unit's leader: requests extensions and splits the task into sub-tasks."""
    return is_lead_member(who, task) and who.is_leader


def coordinating_unit_of(who: Principal, task: Mapping[str, Any]) -> str | None:
    """The coordinating unit the caller belongs to, if any (reports that unit's part)."""
    if who.unit_id and who.unit_id in (task.get("coordinating_unit_ids") or []):
        return who.unit_id
    return None


class CreatorKind(StrEnum):
    LEADER = "leader"  # a city leader assigns in their own name
    OFFICE_CLERK = "office_clerk"  # a clerk of VP-UBND enters it on a leader's behalf


def creator_kind(who: Principal, office_unit_id: str | None) -> CreatorKind | None:
    """Who may assign tasks: city leaders; and clerks of the People's Committee's Office
    (VP-UBND), who enter a leader's assignment on that leader's behalf. None for anyone else."""
    if who.is_city_leader:
        return CreatorKind.LEADER
    if who.has_role("clerk") and office_unit_id and who.unit_id == office_unit_id:
        return CreatorKind.OFFICE_CLERK
    return None


def subtask_percent(child: Mapping[str, Any]) -> int:
    """A sub-task's part in its parent's progress: 100 once done, else its last percent."""
    if child.get("status") == TaskStatus.DONE:
        return 100
    return int(child.get("percent") or 0)


def children_progress(children: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A parent's view of its sub-tasks: how many in each status, and the average percent of
    those not cancelled (None when there are none)."""
    counts = {s.value: 0 for s in TaskStatus}
    percents = []
    total = 0
    for child in children:
        total += 1
        counts[child["status"]] += 1
        if child["status"] != TaskStatus.CANCELLED:
            percents.append(subtask_percent(child))
    average = round(sum(percents) / len(percents), 1) if percents else None
    return {"count": total, **counts, "average_percent": average}
