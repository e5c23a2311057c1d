"""Tasks models: what a client sends (requests refuse unknown fields) and what it gets back."""

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from cityops.core.ids import ULID_PATTERN
from cityops.core.models import LocalDay, PastDay, Reply, Request
from cityops.tasks.policy import OnTimePolicy, Priority, StatusClass, TaskSource, TaskStatus
from cityops.tasks.values import Person
from cityops.tasks.values import SourceDocument as SourceDocumentRecord

MAX_COORDINATING_UNITS = 20
MAX_TAGS = 20

UnitId = Annotated[str, Field(pattern=ULID_PATTERN, description="A unit's id (a ULID)")]
UserId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9@._:-]+$")]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Content = Annotated[str, Field(min_length=1, max_length=10_000)]
Reason = Annotated[str, Field(min_length=1, max_length=1_000)]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
Percent = Annotated[int, Field(ge=0, le=100, strict=True)]
WorkingDays = Annotated[int, Field(ge=1, le=365, strict=True)]
ProgressEvery = Annotated[int, Field(ge=1, le=60, strict=True)]


class SourceDocument(Request):
    """The document that assigns the task (văn bản giao nhiệm vụ)."""

    number_symbol: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="Số, ký hiệu, e.g. 123/QĐ-TTg"
    )
    issued_on: PastDay
    clause: Annotated[str, Field(min_length=1, max_length=1_000)] | None = Field(
        default=None, description="The clause that assigns the task (điều, khoản, mục)"
    )
    incoming_document_id: Annotated[str, Field(pattern=ULID_PATTERN)] | None = None


class _Due(Request):
    due_date: date | None = Field(
        default=None, description="The last day (Asia/Ho_Chi_Minh); the deadline is its end"
    )
    due_in_working_days: WorkingDays | None = Field(
        default=None, description="Or: due this many working days after today"
    )
    progress_every_working_days: ProgressEvery | None = Field(
        default=None, description="A progress report is due every N working days"
    )

    @model_validator(mode="after")
    def _one_due(self) -> Self:
        if self.due_date is not None and self.due_in_working_days is not None:
            raise ValueError("Chỉ gửi due_date hoặc due_in_working_days, không gửi cả hai.")
        return self


def _unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} không được có giá trị trùng nhau.")


class TaskCreate(_Due):
    """A task assigned by a higher authority (nhiệm vụ được giao)."""

    title: Title
    content: Content
    source: TaskSource
    source_document: SourceDocument
    lead_unit_id: UnitId
    coordinating_unit_ids: list[UnitId] = Field(
        default_factory=list, max_length=MAX_COORDINATING_UNITS
    )
    priority: Priority = Priority.NORMAL
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    on_behalf_of: UserId | None = Field(
        default=None, description="For an Office clerk: the leader who assigns the task"
    )

    @model_validator(mode="after")
    def _units(self) -> Self:
        _unique(self.coordinating_unit_ids, "coordinating_unit_ids")
        if self.lead_unit_id in self.coordinating_unit_ids:
            raise ValueError("Đơn vị chủ trì không thể đồng thời là đơn vị phối hợp.")
        return self


class SubtaskCreate(_Due):
    """A part of a task the lead unit's leader gives to a sub-unit or to one of its officers."""

    title: Title
    content: Content
    lead_unit_id: UnitId | None = Field(default=None, description="A sub-unit of the lead unit")
    assignee_id: UserId | None = Field(default=None, description="An officer of the lead unit")
    priority: Priority = Priority.NORMAL
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.lead_unit_id is None) == (self.assignee_id is None):
            raise ValueError(
                "Gửi một trong hai: lead_unit_id (đơn vị trực thuộc) hoặc assignee_id "
                "(chuyên viên)."
            )
        return self


class TaskPatch(Request):
    """What the assigning side may edit; deadlines change only through extensions."""

    title: Title | None = None
    content: Content | None = None
    priority: Priority | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)
    source_document: SourceDocument | None = None
    coordinating_unit_ids: list[UnitId] | None = Field(
        default=None, max_length=MAX_COORDINATING_UNITS
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("Hãy gửi ít nhất một trường cần thay đổi.")
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} không được để trống (null).")
        if self.coordinating_unit_ids:
            _unique(self.coordinating_unit_ids, "coordinating_unit_ids")
        return self


class ProgressReportCreate(Request):
    """Báo cáo tiến độ: the lead unit's progress, or a coordinating unit's part."""

    text: Annotated[str, Field(min_length=1, max_length=5_000)]
    percent: Percent


class ExtensionRequestCreate(Request):
    """Đề nghị gia hạn: a new last day and why."""

    new_due_date: date
    reason: Reason


class ExtensionDecisionCreate(Request):
    decision: Literal["approved", "rejected"]
    reason: Reason


class CompletionReport(Request):
    """Báo cáo hoàn thành: what was done."""

    result: Content


class ConfirmationCreate(Request):
    note: Annotated[str, Field(min_length=1, max_length=2_000)] | None = None


class ReturnCreate(Request):
    reason: Reason


class CancellationCreate(Request):
    reason: Reason


# --- replies ---------------------------------------------------------------------------------


class SourceDocumentOut(SourceDocumentRecord):
    pass


class Extension(Reply):
    id: str
    seq: int
    requested_at: str
    requested_by: Person
    previous_due_date: date
    new_due_date: date
    reason: str
    status: Literal["pending", "approved", "rejected", "withdrawn"]
    decision_due_at: str
    decision_due_on: LocalDay = None
    decided_at: str | None = None
    decided_by: Person | None = None
    decision_reason: str | None = None


class Progress(Reply):
    percent: int
    text: str = Field(description="The report's text, its first 300 characters")
    at: str
    by: Person
    report_id: str | None = None


class CoordinationPart(Reply):
    unit_id: str
    percent: int
    text: str = Field(description="The report's text, its first 300 characters")
    at: str
    by: Person
    report_id: str | None = None


class Completion(Reply):
    result: str
    reported_at: str
    reported_by: Person


class Return(Reply):
    at: str
    by: Person
    reason: str
    reported_at: str | None = Field(
        default=None, description="When the returned completion was reported"
    )


class Cancellation(Reply):
    at: str
    by: Person
    reason: str


class SubtaskProgress(Reply):
    count: int
    in_progress: int
    awaiting_confirmation: int
    done: int
    cancelled: int
    average_percent: float | None = None


class Task(Reply):
    id: str
    title: str
    content: str
    source: TaskSource
    source_document: SourceDocumentOut
    priority: Priority
    tags: list[str]
    parent_id: str | None = None
    lead_unit_id: str
    coordinating_unit_ids: list[str]
    assignee_id: str | None = None
    assigned_by: Person = Field(description="The leader who assigned it")
    created_by: Person
    on_behalf_of: Person | None = None
    assigning_unit_id: str | None = None
    status: TaskStatus
    status_class: StatusClass
    on_time_policy: OnTimePolicy
    original_due_date: date | None = None
    due_date: date | None = None
    original_deadline: str | None = None
    deadline: str | None = None
    judged_deadline: str | None = Field(
        default=None, description="The deadline on-time is judged against, under the policy"
    )
    judged_deadline_on: LocalDay = None
    extension_count: int
    extensions: list[Extension]
    percent: int
    progress: Progress | None = None
    coordination: list[CoordinationPart]
    report_count: int
    progress_every_working_days: int | None = None
    next_progress_due_at: str | None = None
    next_progress_due_on: LocalDay = None
    completion: Completion | None = None
    completion_reported_at: str | None = None
    confirmed_at: str | None = None
    confirmed_by: Person | None = None
    returns: list[Return]
    cancellation: Cancellation | None = None
    subtasks: SubtaskProgress
    created_at: str
    updated_at: str
    version: int
    actions: list[str] = Field(
        description="What the caller may do to it now: the workflow's actions from its status "
        "whose permission the caller has (e.g. report_progress, cancel, split)"
    )


class TaskLine(Reply):
    """A task in a list."""

    id: str
    title: str
    source: TaskSource
    priority: Priority
    status: TaskStatus
    status_class: StatusClass
    role: Literal["lead", "coordinating", "assigner"] | None = Field(
        default=None, description="The listed unit's (or caller's) part in the task"
    )
    parent_id: str | None = None
    lead_unit_id: str
    coordinating_unit_ids: list[str]
    assignee_id: str | None = None
    original_due_date: date | None = None
    due_date: date | None = None
    deadline: str | None = None
    extension_count: int
    percent: int
    created_at: str
    updated_at: str


class TaskPage(Reply):
    items: list[TaskLine]
    next_cursor: str | None = None


class ProgressReport(Reply):
    id: str
    task_id: str
    unit_id: str
    role: Literal["lead", "coordinating"]
    text: str
    percent: int
    at: str
    by: Person


class ProgressPage(Reply):
    items: list[ProgressReport]
    next_cursor: str | None = None


class ClassCounts(Reply):
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0
    no_deadline: int = 0
    cancelled: int = 0


class UnitStats(Reply):
    unit_id: str
    code: str
    name: str
    total: int
    counts: ClassCounts


class TaskStats(Reply):
    from_date: date = Field(alias="from")
    to_date: date = Field(alias="to")
    as_of: str
    on_time_policy: OnTimePolicy
    units: list[UnitStats]
    total: int
    counts: ClassCounts

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, extra="ignore")
