"""A direction tracked as a task (`track_as_task: true`): the task is created by the tasks
system's own use case (`cityops.tasks.assign.create_task`, with its rules: who may assign,
the units, the deadline), with the document as its source, and written in the **same
transaction** as the direction, so that it exists exactly once: both are written or neither.
When the lead unit reports the document handled, the task's completion is reported the same
way (`cityops.tasks.completion.report_completion`), with the result and the reply. When the
assigning side approves an extension of the task, the document's handling deadline follows
it (`follow_task_extension`, run by the tasks' `ExtensionDecided` event): one piece of work,
one due date.

How: `cityops.core.deferred` runs the tasks' use case with its writes kept, and the
document's change carries them (a `Writes` record) into its transaction."""

from __future__ import annotations

from typing import Any

from cityops.core.auth import Principal
from cityops.core.deferred import Writes, deferred
from cityops.core.pipeline import Work

__all__ = ["Writes", "follow_task_extension", "report_task_done", "track_as_task"]


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


def follow_task_extension(detail: dict[str, Any]) -> str | None:
    """The tasks' `ExtensionDecided`: an approved extension of a tracked direction's task
    moves the document's handling deadline to the task's new due date, as CityOps' own
    change (audited). The document's id, or None when there is nothing to follow: a rejected
    extension, a task not made from a document, a date already followed (the event is
    delivered at least once), a document already handled."""
    from datetime import date

    from cityops.core.auth import SYSTEM
    from cityops.directory.port import DIRECTORY
    from cityops.documents import policy
    from cityops.documents.domain import IncomingDocument
    from cityops.documents.pipelines import DOCUMENTS

    document_id, task_id = detail.get("incoming_document_id"), detail.get("task_id")
    if detail.get("decision") != "approved" or not document_id or not task_id:
        return None
    due_on = date.fromisoformat(str(detail["new_due_date"]))
    document = DOCUMENTS.store.load(str(document_id))
    if not isinstance(document, IncomingDocument) or not document.follows(str(task_id), due_on):
        return None
    calendar = DIRECTORY.current.calendar()
    note = f"Nhiệm vụ được gia hạn đến {due_on:%d/%m/%Y}."

    def rule(work: Work[Any]) -> None:
        policy.incoming(work.entity).follow_task(str(task_id), due_on, calendar)

    DOCUMENTS.change(SYSTEM, str(document_id), "follow_task", rule, append=True, note=note)
    return str(document_id)
