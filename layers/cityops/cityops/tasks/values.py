"""What a task is made of, besides the task itself: the people, documents, reports, extension
requests, completion, returns and cancellation it records (value objects, no behaviour of
their own), and the summary every index line copies of it. No DynamoDB, no HTTP."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import ConfigDict, Field

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ
from cityops.core.errors import InvalidInput
from cityops.core.models import Instant, Model
from cityops.tasks.policy import Priority, TaskSource, TaskStatus

COMPLETE = "task.complete"
PROGRESS = "task.progress"
DECISION = "task.extension_decision"
MAX_SUBTASKS = 100
MAX_EXTENSIONS = 10  # bounded: the task item (and its audit records) stay well under 400 KB
MAX_RETURNS = 10
PREVIEW_CHARS = 300  # a report's text kept on the task; the whole text is in its report


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["body", field], "msg": message}])


def day_of(moment: datetime | None) -> date | None:
    return moment.astimezone(CITY_TZ).date() if moment else None


@dataclass(frozen=True)
class Terms:
    """What the assigning side asks and by when: the text, its priority and tags, the last
    day (None: no deadline) and the rhythm of progress reports (every N working days)."""

    title: str
    content: str
    priority: Priority
    tags: list[str]
    due: date | None
    progress_every: int | None


class _Value(Model):
    """A value a task records; the replies show some as they are (`Person`)."""


class Person(_Value):
    id: str
    name: str | None = None

    @classmethod
    def of(cls, who: Principal) -> Self:
        return cls(id=who.sub, name=who.name or who.username)


class SourceDocument(_Value):
    """The document that assigns the task (văn bản giao nhiệm vụ)."""

    number_symbol: str
    issued_on: date
    clause: str | None = None
    incoming_document_id: str | None = None


class Note(_Value):
    """A progress report as the task keeps it: its percent, the start of its text, who, when."""

    percent: int
    text: str
    at: Instant
    by: Person
    report_id: str | None = None


@dataclass(frozen=True)
class Report:
    """A progress report (báo cáo tiến độ): the task keeps its `note` (the start of its text),
    and its whole text is kept as its own row."""

    task_id: str
    unit_id: str
    role: Literal["lead", "coordinating"]
    text: str
    note: Note

    @property
    def id(self) -> str:
        return self.note.report_id or ""

    def row(self) -> dict[str, Any]:
        """The report as its row keeps it and the API shows it."""
        note = self.note.model_dump(mode="json", exclude={"report_id"})
        return {"id": self.id, "task_id": self.task_id, "unit_id": self.unit_id,
                "role": self.role, **note, "text": self.text}  # fmt: skip


class ExtensionRequest(_Value):
    """An extension request (đề nghị gia hạn) and its decision; its deadline is in the book."""

    id: str
    seq: int
    requested_at: Instant
    requested_by: Person
    previous_due_date: date
    new_due_date: date
    reason: str
    status: Literal["pending", "approved", "rejected", "withdrawn"] = "pending"
    decided_at: Instant | None = None
    decided_by: Person | None = None
    decision_reason: str | None = None

    @property
    def key(self) -> str:
        return f"{DECISION}#{self.seq}"

    def close(self, who: Principal, status: str, reason: str) -> None:
        self.status = status  # type: ignore[assignment]
        self.decided_at, self.decided_by, self.decision_reason = clock.now(), Person.of(who), reason


class Completion(_Value):
    result: str
    reported_at: Instant
    reported_by: Person


class Return(_Value):
    at: Instant
    by: Person
    reason: str
    reported_at: Instant | None = None  # when the returned completion was reported


class Cancellation(_Value):
    at: Instant
    by: Person
    reason: str


class TaskSummary(Model):
    """What every index line copies of a task (lists, visibility and statistics read it by
    name: the order of the fields means nothing)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    source: TaskSource
    role: Literal["lead", "coordinating", "assigner"] | None = None  # a line's unit's part
    priority: Priority
    status: TaskStatus
    percent: int = 0
    created_by: str
    lead_unit_path: list[str]
    lead_unit_id: str
    on_behalf_of: str | None = None
    created_at: Instant
    coordinating_unit_ids: list[str] = Field(default_factory=list)
    parent_id: str | None = None
    updated_at: Instant
    assigning_unit_id: str | None = None
    coordinating_unit_paths: dict[str, list[str]] = Field(default_factory=dict)
    assignee_id: str | None = None
    original_due_date: date | None = None
    due_date: date | None = None
    extension_count: int = 0
    original_deadline: Instant | None = None
    deadline: Instant | None = None
    completion_reported_at: Instant | None = None
