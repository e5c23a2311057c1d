"""Extensions (gia hạn): the lead unit's leader requests a later due date with a reason; the
assigning side approves or rejects it with a reason (both with If-Match)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY
from cityops.tasks.changes import PIPELINE
from cityops.tasks.domain import Task
from cityops.tasks.models import ExtensionDecisionCreate, ExtensionRequestCreate
from cityops.tasks.replies import task_reply
from cityops.tasks.settings import extension_decision_working_days


@dataclass(frozen=True)
class Decision:
    """The command of `decide_extension` (its workflow guard reads which request)."""

    extension_id: str
    data: ExtensionDecisionCreate


def request_extension(
    who: Principal, task_id: str, data: ExtensionRequestCreate, expected_version: int | None
) -> dict[str, Any]:
    """Đề nghị gia hạn: opens the assigning side's `task.extension_decision#<n>`, due at the
    end of the N-th working day (TASK_EXTENSION_DECISION_WORKING_DAYS)."""

    def rule(work: Work[Task]) -> None:
        calendar = DIRECTORY.current.calendar()
        days = extension_decision_working_days()
        due = calendar.due_end_of_day(calendar.add_working_days(clock.today(), days))
        extension = work.entity.request_extension(who, data.new_due_date, data.reason, due)
        work.emit(
            "ExtensionRequested",
            {
                "extension_id": extension.id,
                "new_due_date": extension.new_due_date.isoformat(),
                "decision_due_at": clock.iso(due),
            },
        )

    task = PIPELINE.change(
        who, task_id, "request_extension", rule, if_match=expected_version, command=data
    )
    return task_reply(who, task)


def decide_extension(
    who: Principal,
    task_id: str,
    extension_id: str,
    data: ExtensionDecisionCreate,
    expected_version: int | None,
) -> dict[str, Any]:
    """The assigning side decides; an approval moves `task.complete` in the same change."""

    def rule(work: Work[Task]) -> None:
        calendar = DIRECTORY.current.calendar()
        task = work.entity
        extension = task.decide_extension(who, extension_id, data.decision, data.reason, calendar)
        work.emit(
            "ExtensionDecided",
            {
                "extension_id": extension_id,
                "decision": data.decision,
                "previous_due_date": extension.previous_due_date.isoformat(),
                "new_due_date": extension.new_due_date.isoformat(),
                "extension_count": task.extension_count,
            },
        )

    task = PIPELINE.change(
        who,
        task_id,
        "decide_extension",
        rule,
        if_match=expected_version,
        command=Decision(extension_id, data),
        note=data.decision,
    )
    return task_reply(who, task)
