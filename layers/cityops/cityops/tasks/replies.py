"""What the tasks API shows: a task with its status class under the current on-time policy, a
list line, a progress report; and the checks every read shares (a unit the caller may see,
a date range the right way round)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cityops.core import clock
from cityops.core.access import TASKS
from cityops.core.auth import Principal
from cityops.core.errors import InvalidInput
from cityops.directory import port
from cityops.directory.port import Unit
from cityops.tasks.domain import Task
from cityops.tasks.policy import OnTimePolicy, children_progress, judged_deadline, status_class
from cityops.tasks.settings import ontime_policy
from cityops.tasks.values import Report, TaskSummary

LINE_FIELDS = (
    "id",
    "title",
    "source",
    "priority",
    "status",
    "role",
    "parent_id",
    "lead_unit_id",
    "coordinating_unit_ids",
    "assignee_id",
    "original_due_date",
    "due_date",
    "deadline",
    "extension_count",
    "percent",
    "created_at",
    "updated_at",
)


def _iso(moment: datetime | None) -> str | None:
    return clock.iso(moment) if moment else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def task_reply(who: Principal, task: Task) -> dict[str, Any]:
    """The task as the API shows it, with its status class under the current policy and what
    the caller may do to it now (`actions`, from the workflow's table and its permissions)."""
    from cityops.tasks.changes import PIPELINE  # changes → statistics → replies

    policy, now = ontime_policy(), clock.now()
    dump = task.model_dump(mode="json")
    creator = {"id": task.created_by, "name": task.created_by_name}
    on_behalf = {"id": task.on_behalf_of, "name": task.on_behalf_of_name}
    extensions = [
        {**dump["extensions"][i], "decision_due_at": clock.iso(task.decision_due_at(e))}
        for i, e in enumerate(task.extensions)
    ]
    return {
        **{
            k: dump[k]
            for k in (
                "id",
                "title",
                "content",
                "source",
                "priority",
                "tags",
                "parent_id",
                "lead_unit_id",
                "coordinating_unit_ids",
                "assignee_id",
                "assigning_unit_id",
                "status",
            )
        },
        "source_document": task.source_document.model_dump(mode="json", exclude_none=True),
        "assigned_by": on_behalf if task.on_behalf_of else creator,
        "created_by": creator,
        "on_behalf_of": on_behalf if task.on_behalf_of else None,
        "status_class": status_class(task, now, policy).value,
        "on_time_policy": policy.value,
        "original_due_date": _day(task.original_due_date),
        "due_date": _day(task.due_date),
        "original_deadline": _iso(task.original_deadline),
        "deadline": _iso(task.deadline),
        "judged_deadline": _iso(judged_deadline(task, policy)),
        "extension_count": task.extension_count,
        "extensions": extensions,
        "percent": task.percent,
        "progress": dump["progress"],
        "coordination": [
            {"unit_id": unit_id, **part} for unit_id, part in sorted(dump["coordination"].items())
        ],
        "report_count": task.report_count,
        "progress_every_working_days": task.progress_every_working_days,
        "next_progress_due_at": _iso(task.next_progress_due_at),
        "completion": dump["completion"],
        "completion_reported_at": _iso(task.completion_reported_at),
        "confirmed_at": dump["confirmed_at"],
        "confirmed_by": dump["confirmed_by"],
        "returns": dump["returns"],
        "cancellation": dump["cancellation"],
        "subtasks": children_progress(task.subtasks),
        "created_at": dump["created_at"],
        "updated_at": dump["updated_at"],
        "version": task.version,
        "actions": PIPELINE.actions(who, task),
    }


def line_reply(line: TaskSummary, now: datetime, policy: OnTimePolicy) -> dict[str, Any]:
    """A task in a list, from the line that copies it."""
    dump = line.model_dump(mode="json")
    return {
        **{k: dump[k] for k in LINE_FIELDS},
        "status_class": status_class(line, now, policy).value,
    }


def report_reply(report: Report | dict[str, Any]) -> dict[str, Any]:
    item = report.row() if isinstance(report, Report) else report
    return {k: item[k] for k in ("id", "task_id", "unit_id", "role", "text", "percent", "at", "by")}


def check_range(low: date | None, high: date | None, names: tuple[str, str]) -> None:
    if low and high and low > high:
        raise InvalidInput(
            f"{names[0]} không được sau {names[1]}.",
            errors=[{"loc": ["query", names[0]], "msg": f"Không được sau {names[1]}."}],
        )


def visible_unit(who: Principal, unit_id: str) -> Unit:
    """A unit the caller may see (the one access rule, tasks' policy), or 404."""
    return port.visible_unit(who, unit_id, TASKS)
