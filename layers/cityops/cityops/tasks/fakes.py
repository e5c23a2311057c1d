"""In-memory stand-ins for the tasks store and the directory, for the unit tests of business
rules (`cityops.core.memory.MemoryStore` plus what the tasks store does beside the entity: a
task loads with its sub-tasks' lines, a sub-task is written only while its parent is in
progress, progress reports are kept as their own rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import Conflict
from cityops.core.memory import MemoryStore
from cityops.core.pipeline import Work
from cityops.tasks.domain import Task
from cityops.tasks.policy import TaskStatus
from cityops.tasks.ports import Unit, User
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
                    raise Conflict("A related deadline is not in the state this change expects.")
        super().commit(work)
        self.reports += [r.row() for r in work.records if isinstance(r, Report)]


@dataclass
class FakeDirectory:
    units_by_id: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    working: WorkingCalendar = field(default_factory=WorkingCalendar)

    def add_unit(self, unit: Unit) -> Unit:
        self.units_by_id[unit.id] = unit
        return unit

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def unit(self, unit_id: str) -> Unit | None:
        return self.units_by_id.get(unit_id)

    def units(self, unit_ids: list[str]) -> dict[str, Unit]:
        return {i: self.units_by_id[i] for i in unit_ids if i in self.units_by_id}

    def unit_by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units_by_id.values() if u.code == code), None)

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def units_within(self, path: list[str] | None) -> list[Unit]:
        inside = [u for u in self.units_by_id.values() if u.path[: len(path or [])] == (path or [])]
        return sorted(inside, key=lambda u: "/".join(u.path))

    def calendar(self) -> WorkingCalendar:
        return self.working
