"""A direction tracked as a task (`track_as_task: true`): the task is created by the tasks
system's own use case (`cityops.tasks.assign.create_task`, with its rules: who may assign,
the units, the deadline), with the document as its source, and written in the **same
transaction** as the direction, so that it exists exactly once: both are written or neither.
When the lead unit reports the document handled, the task's completion is reported the same
way (`cityops.tasks.completion.report_completion`), with the result and the reply.

How: `cityops.core.deferred` runs the tasks' use case with its writes kept, and the
document's change carries them (a `Writes` record) into its transaction."""

from __future__ import annotations

from typing import Any

from cityops.core.auth import Principal
from cityops.core.deferred import Writes, deferred
from cityops.core.pipeline import Work

__all__ = ["Writes", "report_task_done", "track_as_task"]


def _tasks(run: Any) -> tuple[Any, Writes]:
    from cityops.tasks.changes import PIPELINE

    return deferred(PIPELINE, run)


def _title(summary: str) -> str:
    return summary if len(summary) <= 300 else summary[:299] + "…"


_PRIORITY = {"normal": "normal", "urgent": "high", "top_urgent": "urgent", "flash": "urgent"}


def track_as_task(who: Principal, work: Work[Any], direction: Any) -> None:
    """Create the direction's task (the tasks system's rules decide who may) and note its id
    on the direction; it is written with the document's change."""
    from cityops.tasks import assign
    from cityops.tasks.models import TaskCreate

    document = work.entity
    data = TaskCreate.model_validate(
        {
            "title": _title(document.summary),
            "content": direction.instructions,
            "source": direction.task_source,
            "source_document": {
                "number_symbol": document.number_symbol or "",
                "issued_on": document.issued_on.isoformat(),
                "incoming_document_id": document.id,
            },
            "lead_unit_id": direction.lead_unit.id,
            "coordinating_unit_ids": [u.id for u in direction.coordinating_units],
            "due_date": direction.due_on.isoformat(),
            "priority": _PRIORITY.get(document.urgency.value, "normal"),
        }
    )
    task, writes = _tasks(lambda: assign.create_task(who, data))
    direction.task_id = task["id"]
    work.add(writes)


def report_task_done(who: Principal, work: Work[Any], result: str) -> None:
    """The lead unit's report that the document is handled is the task's completion report
    (if the task can still take one: a task completed or cancelled on its own is left)."""
    from cityops.tasks.changes import PIPELINE
    from cityops.tasks.completion import report_completion
    from cityops.tasks.models import CompletionReport

    direction = work.entity.direction
    task = PIPELINE.store.load(direction.task_id) if direction and direction.task_id else None
    if task is None or "report_completion" not in PIPELINE.machine(task).allowed(task.status):
        return
    text = CompletionReport(result=result[:10_000])
    _, writes = _tasks(lambda: report_completion(who, task.id, text, task.version))
    work.add(writes)
