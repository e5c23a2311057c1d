"""Completion (hoàn thành): the lead unit reports the task done; the assigning side confirms
it, or returns it for more work (all with If-Match)."""

from __future__ import annotations

from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY
from cityops.tasks.changes import PIPELINE
from cityops.tasks.domain import Task
from cityops.tasks.models import CompletionReport, ConfirmationCreate, ReturnCreate
from cityops.tasks.policy import TaskStatus, class_of
from cityops.tasks.replies import task_reply
from cityops.tasks.settings import ontime_policy


def report_completion(
    who: Principal, task_id: str, data: CompletionReport, expected_version: int | None
) -> dict[str, Any]:
    """Báo cáo hoàn thành: it then waits for the assigning side's confirmation. The time of
    this report is what on-time judges."""

    def rule(work: Work[Task]) -> None:
        work.entity.report_completion(who, data.result)
        reported = work.entity.completion_reported_at
        work.emit("TaskCompletionReported", {"reported_at": clock.iso(reported)})

    task = PIPELINE.change(who, task_id, "report_completion", rule, if_match=expected_version)
    return task_reply(who, task)


def confirm_completion(
    who: Principal, task_id: str, data: ConfirmationCreate, expected_version: int | None
) -> dict[str, Any]:
    """The assigning side confirms: `task.complete` closes on time or late, by the report's
    time against the deadline the on-time policy judges by."""

    def rule(work: Work[Task]) -> None:
        task = work.entity
        outcome = task.confirm(who, ontime_policy())
        done = class_of(TaskStatus.DONE, outcome is not None, outcome is Outcome.MET_ON_TIME)
        work.emit(
            "TaskCompleted",
            {
                "outcome": outcome.value if outcome else None,
                "status_class": done.value,
                "extension_count": task.extension_count,
                "completion_reported_at": clock.iso(task.completion_reported_at),
            },
        )

    task = PIPELINE.change(who, task_id, "confirm", rule, if_match=expected_version, note=data.note)
    return task_reply(who, task)


def return_task(
    who: Principal, task_id: str, data: ReturnCreate, expected_version: int | None
) -> dict[str, Any]:
    """The assigning side returns a reported completion for more work, with a reason."""

    def rule(work: Work[Task]) -> None:
        work.entity.send_back(who, data.reason, DIRECTORY.current.calendar())
        work.emit("TaskReturned", {"reason": data.reason})

    task = PIPELINE.change(
        who, task_id, "return", rule, if_match=expected_version, note=data.reason
    )
    return task_reply(who, task)
