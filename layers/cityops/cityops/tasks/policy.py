"""The rules of tasks that need no storage: statuses, status classes from the clock and the
deadlines, the on-time policy, and who may do what.

The rules read what a task and each index line that copies it both have (a `Task` or a
`TaskSummary`), so they run the same on a task, on a list line and in unit tests with no AWS.
Who sees a unit is the one access rule of `cityops.core.access` under its `TASKS` policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

from cityops.core.access import TASKS, sees_unit
from cityops.core.auth import Principal

if TYPE_CHECKING:
    from cityops.tasks.domain import Task
    from cityops.tasks.values import TaskSummary

    TaskLike: TypeAlias = Task | TaskSummary  # a task, or an index line's copy of it


class TaskSource(StrEnum):
    """The assigning authority (cơ quan giao nhiệm vụ)."""

    GOVERNMENT = "government"  # Chính phủ
    PRIME_MINISTER = "prime_minister"  # Thủ tướng Chính phủ
    CITY_PARTY_COMMITTEE = "city_party_committee"  # Thành ủy
    PEOPLE_COUNCIL = "people_council"  # HĐND Thành phố
    PEOPLE_COMMITTEE = "people_committee"  # UBND Thành phố


class Priority(StrEnum):
    """Độ ưu tiên."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


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


# --- deadlines and status classes ------------------------------------------------------------


def judged_deadline(task: TaskLike, policy: OnTimePolicy) -> datetime | None:
    """The deadline that on-time is judged against: the current (extended) one, or under the
    `original` policy the first one. None for a task without a deadline."""
    if policy is OnTimePolicy.ORIGINAL:
        return task.original_deadline or task.deadline
    return task.deadline


def class_of(status: str, has_deadline: bool, on_time: bool) -> StatusClass:
    """The class of a task in `status`, given whether it has a deadline and whether it is on
    time against it (see `status_class` for what "on time" compares)."""
    if status == TaskStatus.CANCELLED:
        return StatusClass.CANCELLED
    if not has_deadline:
        return StatusClass.NO_DEADLINE
    if status == TaskStatus.DONE:
        return StatusClass.DONE_ON_TIME if on_time else StatusClass.DONE_LATE
    return StatusClass.IN_PROGRESS_ON_TIME if on_time else StatusClass.IN_PROGRESS_OVERDUE


def status_class(task: TaskLike, now: datetime, policy: OnTimePolicy) -> StatusClass:
    """The task's class, from its status, its deadline under the policy, and the clock:

    - cancelled: the task was cancelled (whatever its deadline);
    - no_deadline: any other task without a deadline;
    - done_on_time / done_late: confirmed done; on time when the completion was *reported*
      at or before the judged deadline (the lead unit's work, not the confirmation's date);
    - in_progress_on_time / in_progress_overdue: not yet confirmed; overdue when the clock is
      past the judged deadline, or, while awaiting confirmation, when completion was reported
      after it (a report made in time stays on time while the assigning side confirms).
    """
    deadline = judged_deadline(task, policy)
    reported = task.completion_reported_at
    waiting = task.status in (TaskStatus.DONE, TaskStatus.AWAITING_CONFIRMATION)
    reference = reported if waiting and reported else now  # a done task is never stored so
    return class_of(
        task.status, deadline is not None, deadline is not None and reference <= deadline
    )


# --- who may see and do what -------------------------------------------------------------------


def unit_paths(task: TaskLike) -> list[list[str]]:
    """The paths of the task's lead unit and coordinating units."""
    return [list(task.lead_unit_path), *(list(p) for p in task.coordinating_unit_paths.values())]


def is_assigning_side(who: Principal, task: TaskLike) -> bool:
    """Whoever assigned the task: its creator, the leader it was created on behalf of, any
    city leader, and for a sub-task the leaders of the unit that split it."""
    if who.is_city_leader:
        return True
    if who.sub and who.sub in (task.created_by, task.on_behalf_of):
        return True
    assigning_unit = task.parent_id and task.assigning_unit_id
    return bool(assigning_unit and who.is_leader and who.unit_id == assigning_unit)


def can_see(who: Principal, task: TaskLike) -> bool:
    """A task is visible to its lead and coordinating units (anyone in them), the leaders
    above them, whoever assigned it, and city leaders (administrators run the system but are
    not in a task's chain of command). Everyone else gets 404."""
    if is_assigning_side(who, task):
        return True
    return any(path and sees_unit(who, path, TASKS) for path in unit_paths(task))


def is_lead_member(who: Principal, task: TaskLike) -> bool:
    """A member of the lead unit (officer or leader): reports progress and completion."""
    return bool(who.unit_id) and who.unit_id == task.lead_unit_id


def is_lead_leader(who: Principal, task: TaskLike) -> bool:
    """The lead unit's leader: requests extensions and splits the task into sub-tasks."""
    return is_lead_member(who, task) and who.is_leader


def coordinating_unit_of(who: Principal, task: TaskLike) -> str | None:
    """The coordinating unit the caller belongs to, if any (reports that unit's part)."""
    if who.unit_id and who.unit_id in task.coordinating_unit_ids:
        return who.unit_id
    return None


def reports_progress(who: Principal, task: TaskLike) -> bool:
    """The lead unit's members report progress; a coordinating unit's members its part."""
    return is_lead_member(who, task) or coordinating_unit_of(who, task) is not None


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


# --- sub-tasks -----------------------------------------------------------------------------------


def subtask_percent(child: TaskSummary) -> int:
    """A sub-task's part in its parent's progress: 100 once done, else its last percent."""
    return 100 if child.status == TaskStatus.DONE else int(child.percent or 0)


def children_progress(children: Iterable[TaskSummary]) -> dict[str, Any]:
    """A parent's view of its sub-tasks: how many in each status, and the average percent of
    those not cancelled (None when there are none)."""
    counts = {s.value: 0 for s in TaskStatus}
    percents = []
    total = 0
    for child in children:
        total += 1
        counts[child.status] += 1
        if child.status != TaskStatus.CANCELLED:
            percents.append(subtask_percent(child))
    average = round(sum(percents) / len(percents), 1) if percents else None
    return {"count": total, **counts, "average_percent": average}
