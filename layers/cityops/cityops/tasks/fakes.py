"""In-memory stand-ins for the tasks store and the directory, for the unit tests of business
rules (`cityops.core.memory.MemoryStore` plus what the tasks store does beside the entity: a
task loads with its sub-tasks' lines, a sub-task is written only while its parent is in
progress, progress reports are kept as their own rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cityops.core.errors import Conflict
from cityops.core.memory import MemoryStore
from cityops.core.pipeline import Work
from cityops.tasks.domain import Task
from cityops.tasks.policy import TaskStatus
from cityops.tasks.store import ParentInProgress
from cityops.tasks.values import Report


@dataclass
class TasksMemory(MemoryStore[Task]):
    system: str = "tasks"
    reports: list[dict[str, Any]] = field(default_factory=list)

    def load(self, entity_id: str) -> Task | None:
        task = super().load(entity_id)
        if task is not None:
            children = [t for t in self.entities.values() if t.parent_id == entity_id]
            task.subtasks = [child.summary() for child in children]
        return task

    def commit(self, work: Work[Task]) -> None:
        for record in work.records:
            if isinstance(record, ParentInProgress):
                parent = self.entities.get(record.parent_id)
                if parent is None or parent.status != TaskStatus.IN_PROGRESS:
                    raise Conflict("Một thời hạn liên quan vừa thay đổi; hãy tải lại rồi thử lại.")
        super().commit(work)
        self.reports += [r.row() for r in work.records if isinstance(r, Report)]
