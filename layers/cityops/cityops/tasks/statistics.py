"""Task statistics (`GET /v1/tasks/stats`), read from counters kept in each change's own
transaction (`cityops.core.counters`, family `TASKSTATS`), never counted by Queries per unit.

A task's class depends on the clock (it becomes overdue without any write) and on the on-time
policy (`extended` or `original`), so the counters do not keep classes: they keep, per day the
task was created (Asia/Ho_Chi_Minh) and its lead unit, how many tasks are in each *bucket*,
a bucket holding just what the class needs under either policy at any time:

- `cancelled`; `no_deadline` (any other task without a deadline);
- `in_progress:<due day>:<original due day>`: in progress, compared with today when read;
- `awaiting_confirmation:<on time extended>:<on time original>` and
  `done:<on time extended>:<on time original>` (0 or 1 each): whether the completion report
  was in time against the extended deadline and against the original one.

Every change moves its task from its old bucket to its new one (−1, +1) when they differ, in
the change's transaction; a window of days is one Query per month, whatever the number of
units (a month the window covers whole read from its roll-ups), and one unit's figures read
only that unit's rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cityops.core import clock, counters
from cityops.core.access import TASKS, sees_unit
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ
from cityops.core.counters import Count
from cityops.directory.port import DIRECTORY, Unit
from cityops.tasks.domain import Task
from cityops.tasks.policy import (
    OnTimePolicy,
    StatusClass,
    TaskStatus,
    class_of,
    judged_deadline,
)
from cityops.tasks.replies import check_range, visible_unit
from cityops.tasks.settings import ontime_policy, tasks_table

TASKSTATS = "TASKSTATS"
CANCELLED, NO_DEADLINE = TaskStatus.CANCELLED.value, "no_deadline"
POLICIES = (OnTimePolicy.EXTENDED, OnTimePolicy.ORIGINAL)  # the order of a bucket's flags


# --- written with every change -------------------------------------------------------------------


def bucket(task: Task) -> str:
    """The bucket the task counts in (see the module's docstring)."""
    if task.status == CANCELLED:
        return CANCELLED
    if task.deadline is None:
        return NO_DEADLINE
    if task.status == TaskStatus.IN_PROGRESS:
        return f"{task.status}:{task.due_date}:{task.original_due_date}"
    reported = task.completion_reported_at or clock.now()
    flags = [int(reported <= (judged_deadline(task, policy) or reported)) for policy in POLICIES]
    return ":".join([task.status, *map(str, flags)])


def _count(task: Task, delta: int) -> Count:
    day = task.created_at.astimezone(CITY_TZ).date().isoformat()
    name = bucket(task)
    fields = {"unit_id": task.lead_unit_id, "bucket": name}
    return Count(tasks_table(), TASKSTATS, day, (task.lead_unit_id, name), {"n": delta}, fields)


def counts(before: Task | None, after: Task) -> list[Count]:
    """What a change adds to the counters: its task leaves its old bucket for its new one."""
    if before is None or before.version == 0:
        return [_count(after, 1)]
    if bucket(before) == bucket(after):
        return []
    return [_count(before, -1), _count(after, 1)]


# --- read ------------------------------------------------------------------------------------


def class_of_bucket(name: str, today: date, policy: OnTimePolicy) -> StatusClass:
    """The status class of the tasks in a bucket, today, under the policy."""
    status, *rest = name.split(":")
    if status == NO_DEADLINE:
        return StatusClass.NO_DEADLINE
    if status == CANCELLED:
        return StatusClass.CANCELLED
    judged = rest[POLICIES.index(policy)]
    if status == TaskStatus.IN_PROGRESS:
        return class_of(status, True, today <= date.fromisoformat(judged))
    return class_of(status, True, judged == "1")


def _stats_units(who: Principal, unit_id: str | None) -> list[Unit]:
    """The units whose counts the caller may see: a unit's subtree (or, without `unit_id`,
    all units for a city leader, a leader's subtree, anyone else's own unit)."""
    directory = DIRECTORY.current
    if unit_id:
        candidates = directory.units_within(visible_unit(who, unit_id).path)
    elif who.is_city_leader:
        candidates = directory.units_within(None)
    elif not who.unit_id:
        return []
    else:
        own = directory.unit(who.unit_id)
        if own is None:
            return []
        candidates = directory.units_within(own.path) if who.is_leader else [own]
    return [u for u in candidates if sees_unit(who, u.path, TASKS)]


def _empty() -> dict[str, int]:
    return {c.value: 0 for c in StatusClass}


def tally(
    rows: list[tuple[str, str, int]], units: set[str], today: date, policy: OnTimePolicy
) -> dict[str, dict[str, int]]:
    """Counts per unit and class from counter rows (their unit, bucket and count), for the
    units asked about."""
    out = {unit: _empty() for unit in units}
    for unit, name, n in rows:
        if n and unit in out:
            out[unit][class_of_bucket(name, today, policy).value] += n
    return out


def task_stats(
    who: Principal, *, unit_id: str | None, from_date: date | None, to_date: date | None
) -> dict[str, Any]:
    """Counts per status class of the tasks each visible unit leads that were assigned within
    [from, to] (Asia/Ho_Chi_Minh): the counter rows of the window (one Query per month)."""
    now: datetime = clock.now()
    today = clock.today()
    to_date = to_date or today
    from_date = from_date or date(to_date.year, 1, 1)
    check_range(from_date, to_date, ("from", "to"))
    units = _stats_units(who, unit_id)
    policy = ontime_policy()
    single = units[0].id if len(units) == 1 else None  # then only that unit's rows
    found = counters.read_window(
        tasks_table(), TASKSTATS, from_date, to_date, unit=single, rows_until=today
    )
    counted = [(r["unit_id"], r["bucket"], int(r.get("n") or 0)) for r in found]
    per_unit = tally(counted, {u.id for u in units}, today, policy)
    totals = _empty()
    rows = []
    for unit in units:
        unit_counts = per_unit[unit.id]
        for k, v in unit_counts.items():
            totals[k] += v
        rows.append(
            {
                "unit_id": unit.id,
                "code": unit.code,
                "name": unit.name,
                "total": sum(unit_counts.values()),
                "counts": unit_counts,
            }
        )
    return {
        "from": from_date.isoformat(),
        "to": to_date.isoformat(),
        "as_of": clock.iso(now),
        "on_time_policy": policy.value,
        "units": rows,
        "total": sum(totals.values()),
        "counts": totals,
    }
