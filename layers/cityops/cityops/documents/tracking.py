"""A direction tracked as a task (`track_as_task: true`): the task is created by the tasks
system's own use case (`cityops.tasks.assign.create_task`, with its rules: who may assign,
the units, the deadline), with the document as its source, and written in the **same
transaction** as the direction, so that it exists exactly once: both are written or neither.
When the lead unit reports the document handled, the task's completion is reported the same
way (`cityops.tasks.completion.report_completion`), with the result and the reply.

How: the tasks pipeline runs on a `Deferred` store for the length of the call. Its changes
are kept (as the tasks store would write them) instead of written, and handed to the
document's change as a `TaskWrites` record; the documents store puts them in its transaction
and publishes the tasks' events after it commits."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cityops.core.auth import Principal
from cityops.core.pipeline import Work


@dataclass
class TaskWrites:
    """The tasks system's changes, to be written in a document's transaction."""

    store: Any  # the tasks store they were made for
    changes: list[Any] = field(default_factory=list)  # DynamoDB: its `Change`s
    works: list[Work[Any]] = field(default_factory=list)  # a fake store: the works themselves
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def transact_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for change in self.changes:
            items += change.transact_items()
        return items

    def write_to_fake(self) -> None:
        for work in self.works:
            self.store.commit(work)

    def publish(self) -> None:
        if self.events:
            self.store.publish(self.events)


class Deferred:
    """A tasks store that keeps the changes it is given instead of writing them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.system = inner.system
        self.writes = TaskWrites(store=inner)

    def load(self, entity_id: str) -> Any:
        return self.inner.load(entity_id)

    def commit(self, work: Work[Any]) -> None:
        if hasattr(self.inner, "change_of"):
            self.writes.changes.append(self.inner.change_of(work))
        else:
            self.writes.works.append(copy.deepcopy(work))

    def publish(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        self.writes.events += events

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def deferred(run: Callable[[], Any]) -> tuple[Any, TaskWrites]:
    """Run a tasks use case with its writes kept: (its reply, its writes)."""
    from cityops.tasks.changes import PIPELINE

    store = Deferred(PIPELINE.store)
    with PIPELINE.using(store):
        result = run()
    return result, store.writes


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
    task, writes = deferred(lambda: assign.create_task(who, data))
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
    _, writes = deferred(lambda: report_completion(who, task.id, text, task.version))
    work.add(writes)
