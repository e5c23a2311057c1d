"""The assigning side edits a task, or cancels it (both with If-Match)."""

from __future__ import annotations

from typing import Any

from cityops.core.auth import Principal
from cityops.core.pipeline import Work
from cityops.tasks.assign import unit_paths
from cityops.tasks.changes import PIPELINE
from cityops.tasks.domain import Task
from cityops.tasks.models import CancellationCreate, TaskPatch
from cityops.tasks.replies import task_reply
from cityops.tasks.values import SourceDocument


def update_task(
    who: Principal, task_id: str, patch: TaskPatch, expected_version: int | None
) -> dict[str, Any]:
    """The assigning side edits a task. Deadlines change through extensions only."""

    def rule(work: Work[Task]) -> None:
        ids = patch.coordinating_unit_ids
        work.entity.edit(
            title=patch.title,
            content=patch.content,
            priority=patch.priority,
            tags=patch.tags,
            source_document=(
                SourceDocument.model_validate(patch.source_document.model_dump())
                if patch.source_document
                else None
            ),
            coordinating=unit_paths(ids, "coordinating_unit_ids") if ids is not None else None,
        )

    return task_reply(who, PIPELINE.change(who, task_id, "edit", rule, if_match=expected_version))


def cancel_task(
    who: Principal, task_id: str, data: CancellationCreate, expected_version: int | None
) -> dict[str, Any]:
    """The assigning side cancels a task: every deadline still owed closes as cancelled (its
    sub-tasks are their own assigning side's to cancel)."""

    def rule(work: Work[Task]) -> None:
        work.entity.cancel(who, data.reason)
        work.emit("TaskCancelled", {"reason": data.reason})

    task = PIPELINE.change(
        who, task_id, "cancel", rule, if_match=expected_version, note=data.reason
    )
    return task_reply(who, task)
