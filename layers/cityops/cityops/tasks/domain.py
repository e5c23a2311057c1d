"""The task (nhiệm vụ) as a domain object: what it is, and what may happen to it, as methods
(`task.report_progress(...)`, `task.request_extension(...)`, `task.confirm(...)`). It knows
nothing of DynamoDB or HTTP; `cityops.tasks.store` maps it to items and index lines.

Its deadlines are its `DeadlineBook`'s (`cityops.core.deadlines`), under fixed keys:
`task.complete` (the lead unit's deadline), `task.progress#<n>` (the n-th progress report
due) and `task.extension_decision#<n>` (the assigning side's decision on the n-th extension
request). The current deadline and the next progress report are read from the book; only the
first deadline, which never moves, is kept beside it.
"""

from datetime import date, datetime
from typing import Any, ClassVar, Literal, Self

from pydantic import Field

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import Conflict, Forbidden, NotFound
from cityops.core.ids import new_id
from cityops.core.models import Instant
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Entity
from cityops.tasks.policy import (
    OnTimePolicy,
    Priority,
    TaskSource,
    TaskStatus,
    coordinating_unit_of,
    is_lead_member,
    judged_deadline,
)
from cityops.tasks.values import (
    COMPLETE,
    DECISION,
    MAX_EXTENSIONS,
    MAX_RETURNS,
    MAX_SUBTASKS,
    PREVIEW_CHARS,
    PROGRESS,
    Cancellation,
    Completion,
    ExtensionRequest,
    Note,
    Person,
    Report,
    Return,
    SourceDocument,
    TaskSummary,
    Terms,
    day_of,
    invalid,
)


class Task(Entity):
    """A task assigned by a higher authority to a lead unit, with coordinating units."""

    entity_type: ClassVar[str] = "task"

    title: str
    content: str
    source: TaskSource
    source_document: SourceDocument
    priority: Priority = Priority.NORMAL
    tags: list[str] = Field(default_factory=list)
    parent_id: str | None = None
    lead_unit_id: str
    lead_unit_path: list[str]
    coordinating_unit_ids: list[str] = Field(default_factory=list)
    coordinating_unit_paths: dict[str, list[str]] = Field(default_factory=dict)
    assignee_id: str | None = None  # an officer of the lead unit, for an officer's sub-task
    created_by: str
    created_by_name: str | None = None
    on_behalf_of: str | None = None  # the city leader an Office clerk entered it for
    on_behalf_of_name: str | None = None
    assigning_unit_id: str | None = None
    assigning_unit_path: list[str] = Field(default_factory=list)
    original_deadline: Instant | None = None
    extensions: list[ExtensionRequest] = Field(default_factory=list)
    extension_count: int = 0  # approved ones
    percent: int = 0
    progress: Note | None = None  # the lead unit's last report
    coordination: dict[str, Note] = Field(default_factory=dict)  # each coordinating unit's
    report_count: int = 0
    progress_every_working_days: int | None = None
    completion: Completion | None = None
    confirmed_at: Instant | None = None
    confirmed_by: Person | None = None
    returns: list[Return] = Field(default_factory=list)
    cancellation: Cancellation | None = None
    # The sub-tasks' lines, as the store reads them with the task; never written with it.
    subtasks: list[TaskSummary] = Field(default_factory=list, exclude=True)

    # --- reading -------------------------------------------------------------------------------

    @property
    def deadline(self) -> datetime | None:
        """The current deadline: the end of the due day, moved by approved extensions."""
        record = self.deadlines.find(COMPLETE)
        return record.due_at if record else None

    @property
    def due_date(self) -> date | None:
        return day_of(self.deadline)

    @property
    def original_due_date(self) -> date | None:
        return day_of(self.original_deadline)

    @property
    def completion_reported_at(self) -> datetime | None:
        """When the lead unit reported completion: what on-time judges."""
        return self.completion.reported_at if self.completion else None

    @property
    def next_progress_due_at(self) -> datetime | None:
        running = self.deadlines.running(PROGRESS)
        return running[-1].due_at if running else None

    @property
    def assigned_by(self) -> str:
        """The leader who assigned it (for a clerk's entry, the leader behind it)."""
        return self.on_behalf_of or self.created_by

    def extension(self, extension_id: str) -> ExtensionRequest:
        found = next((e for e in self.extensions if e.id == extension_id), None)
        if found is None:
            raise NotFound("Không có đề nghị gia hạn này.")
        return found

    def decision_due_at(self, extension: ExtensionRequest) -> datetime:
        return self.deadlines.get(extension.key).due_at

    def summary(self) -> TaskSummary:
        fields = {name: getattr(self, name) for name in TaskSummary.model_fields if name != "role"}
        return TaskSummary.model_validate(fields)

    def event_detail(self) -> dict[str, Any]:
        """What every event of the task carries: ids and safe summaries only."""
        return {
            "task_id": self.id,
            "title": self.title,
            "source": self.source.value,
            "parent_id": self.parent_id,
            "lead_unit_id": self.lead_unit_id,
            "coordinating_unit_ids": list(self.coordinating_unit_ids),
            "assignee_id": self.assignee_id,
            "assigned_by": self.assigned_by,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "deadline": clock.iso(self.deadline) if self.deadline else None,
            "status": self.status,
            "incoming_document_id": self.source_document.incoming_document_id,
        }

    # --- assigning -----------------------------------------------------------------------------

    @classmethod
    def assign(
        cls,
        who: Principal,
        calendar: WorkingCalendar,
        terms: Terms,
        *,
        source: TaskSource,
        source_document: SourceDocument,
        lead_path: list[str],
        coordinating: dict[str, list[str]],
        assigning_path: list[str],
        on_behalf_of: Person | None = None,
        parent_id: str | None = None,
        assignee_id: str | None = None,
    ) -> Self:
        """Giao nhiệm vụ: a new task in progress, with its `task.complete` deadline (the end of
        its due day) and, when reports are due every N working days, `task.progress#1`."""
        deadline = calendar.due_end_of_day(terms.due) if terms.due else None
        task = cls(
            id=new_id(),
            status=TaskStatus.IN_PROGRESS,
            created_at=clock.now(),
            title=terms.title,
            content=terms.content,
            source=source,
            source_document=source_document,
            priority=terms.priority,
            tags=list(dict.fromkeys(terms.tags)),
            parent_id=parent_id,
            lead_unit_id=lead_path[-1],
            lead_unit_path=list(lead_path),
            coordinating_unit_ids=list(coordinating),
            coordinating_unit_paths={u: list(p) for u, p in coordinating.items()},
            assignee_id=assignee_id,
            created_by=who.sub,
            created_by_name=who.name or who.username,
            on_behalf_of=on_behalf_of.id if on_behalf_of else None,
            on_behalf_of_name=on_behalf_of.name if on_behalf_of else None,
            assigning_unit_id=assigning_path[-1],
            assigning_unit_path=list(assigning_path),
            original_deadline=deadline,
            progress_every_working_days=terms.progress_every,
        )
        if deadline is not None:
            task._open(COMPLETE, COMPLETE, deadline)
        task._open_next_progress(calendar)
        return task

    def why_not_split(self) -> str | None:
        if len(self.subtasks) >= MAX_SUBTASKS:
            return f"Mỗi nhiệm vụ có tối đa {MAX_SUBTASKS} nhiệm vụ con."
        return None

    def split(
        self,
        who: Principal,
        calendar: WorkingCalendar,
        terms: Terms,
        *,
        lead_path: list[str],
        assignee_id: str | None,
    ) -> Self:
        """Giao nhiệm vụ con: a part of this task for a sub-unit of its lead unit (`lead_path`)
        or for an officer of the lead unit, due no later than this task."""
        refusal = self.why_not_split()
        if refusal:
            raise Conflict(refusal)
        if terms.due and self.due_date and terms.due > self.due_date:
            raise invalid(
                "due_date",
                "Hạn hoàn thành của nhiệm vụ con không được sau hạn hoàn thành của nhiệm vụ "
                f"({self.due_date:%d/%m/%Y}).",
            )
        return Task.assign(
            who,
            calendar,
            terms,
            source=self.source,
            source_document=self.source_document.model_copy(),
            lead_path=lead_path,
            coordinating={},
            assigning_path=self.lead_unit_path,
            parent_id=self.id,
            assignee_id=assignee_id,
        )

    def edit(
        self,
        *,
        title: str | None = None,
        content: str | None = None,
        priority: Priority | None = None,
        tags: list[str] | None = None,
        source_document: SourceDocument | None = None,
        coordinating: dict[str, list[str]] | None = None,
    ) -> None:
        """The assigning side's edit; deadlines change only through extensions."""
        if coordinating is not None:
            if self.lead_unit_id in coordinating:
                raise invalid(
                    "coordinating_unit_ids",
                    "Đơn vị chủ trì không thể đồng thời là đơn vị phối hợp.",
                )
            self.coordinating_unit_ids = list(coordinating)
            self.coordinating_unit_paths = {u: list(p) for u, p in coordinating.items()}
        self.title = title if title is not None else self.title
        self.content = content if content is not None else self.content
        self.priority = priority if priority is not None else self.priority
        self.tags = list(dict.fromkeys(tags)) if tags is not None else self.tags
        self.source_document = source_document or self.source_document

    # --- progress ------------------------------------------------------------------------------

    def report_progress(
        self, who: Principal, text: str, percent: int, calendar: WorkingCalendar
    ) -> Report:
        """Báo cáo tiến độ: the lead unit's progress (it meets the running `task.progress#<n>`
        and opens the next), or a coordinating unit's part (it meets nothing)."""
        lead = is_lead_member(who, self)
        unit_id = self.lead_unit_id if lead else coordinating_unit_of(who, self)
        if unit_id is None:
            raise Forbidden("Chỉ đơn vị chủ trì và các đơn vị phối hợp mới được báo cáo tiến độ.")
        note = Note(percent=percent, text=text[:PREVIEW_CHARS], at=clock.now(),
                    by=Person.of(who), report_id=new_id())  # fmt: skip
        role = "lead" if lead else "coordinating"
        report = Report(task_id=self.id, unit_id=unit_id, role=role, text=text, note=note)
        self.report_count += 1
        if lead:
            self.percent, self.progress = percent, note
            self._meet_progress()
            self._open_next_progress(calendar)
        else:
            self.coordination[unit_id] = note
        return report

    # --- extensions ----------------------------------------------------------------------------

    def why_not_extend(self) -> str | None:
        """Why no extension may be requested now (a 409), or None."""
        if self.deadline is None:
            return "Nhiệm vụ không có hạn hoàn thành nên không thể gia hạn."
        if any(e.status == "pending" for e in self.extensions):
            return (
                "Đã có một đề nghị gia hạn đang chờ quyết định; hãy chờ bên giao nhiệm vụ "
                "quyết định trước khi đề nghị gia hạn tiếp."
            )
        if len(self.extensions) >= MAX_EXTENSIONS:
            return f"Mỗi nhiệm vụ chỉ được đề nghị gia hạn tối đa {MAX_EXTENSIONS} lần."
        return None

    def request_extension(
        self, who: Principal, new_due_date: date, reason: str, decision_due_at: datetime
    ) -> ExtensionRequest:
        """Đề nghị gia hạn: the lead unit's leader asks for a later due date; the assigning
        side owes its decision by `decision_due_at` (`task.extension_decision#<n>`)."""
        refusal = self.why_not_extend()
        if refusal:
            raise Conflict(refusal)
        current = self.due_date or new_due_date  # why_not_extend: it has a deadline
        if new_due_date <= current:
            raise invalid(
                "new_due_date",
                f"Hạn hoàn thành mới phải sau hạn hoàn thành hiện tại ({current:%d/%m/%Y}).",
            )
        extension = ExtensionRequest(
            id=new_id(),
            seq=len(self.extensions) + 1,
            requested_at=clock.now(),
            requested_by=Person.of(who),
            previous_due_date=current,
            new_due_date=new_due_date,
            reason=reason,
        )
        self.extensions.append(extension)
        self.deadlines.open(
            DECISION,
            decision_due_at,
            title=self.title,
            key=extension.key,
            unit_path=self.assigning_unit_path,
            user_id=self.assigned_by,
            assigned_by=self.created_by,
        )
        return extension

    def why_not_decide(self, extension_id: str) -> str | None:
        if self.extension(extension_id).status != "pending":
            return "Đề nghị gia hạn này đã được quyết định."
        return None

    def decide_extension(
        self,
        who: Principal,
        extension_id: str,
        decision: Literal["approved", "rejected"],
        reason: str,
        calendar: WorkingCalendar,
    ) -> ExtensionRequest:
        """The assigning side decides (met on time or late by now); an approval moves the
        `task.complete` deadline to the end of the new due day."""
        refusal = self.why_not_decide(extension_id)
        if refusal:
            raise Conflict(refusal)
        extension = self.extension(extension_id)
        self.deadlines.close(extension.key)
        extension.close(who, decision, reason)
        if decision == "approved":
            self.deadlines.move(COMPLETE, calendar.due_end_of_day(extension.new_due_date))
            self.extension_count += 1
        return extension

    # --- completion ------------------------------------------------------------------------------

    def report_completion(self, who: Principal, result: str) -> None:
        """Báo cáo hoàn thành: its time is what on-time judges. It is the last progress report;
        a pending extension request lapses; the deadline is not chased while the assigning side
        confirms (paused)."""
        self.completion = Completion(
            result=result, reported_at=clock.now(), reported_by=Person.of(who)
        )
        self._meet_progress()
        self._withdraw_pending(who, "Đơn vị chủ trì đã báo cáo hoàn thành.")
        if COMPLETE in self.deadlines:
            self.deadlines.pause(COMPLETE)

    def confirm(self, who: Principal, policy: OnTimePolicy) -> Outcome | None:
        """The assigning side confirms: `task.complete` closes, met on time or late by the
        completion report's time against the deadline the policy judges by."""
        self.confirmed_at, self.confirmed_by = clock.now(), Person.of(who)
        if COMPLETE not in self.deadlines:
            return None
        return self.deadlines.close(
            COMPLETE,
            done_at=self.completion_reported_at,
            judged_against=judged_deadline(self, policy),
        )

    def why_not_return(self) -> str | None:
        if len(self.returns) >= MAX_RETURNS:
            return f"Mỗi nhiệm vụ chỉ được trả lại tối đa {MAX_RETURNS} lần."
        return None

    def send_back(self, who: Principal, reason: str, calendar: WorkingCalendar) -> None:
        """The assigning side returns a reported completion for more work: it is chased again
        against the same deadline, and the next progress report is due."""
        refusal = self.why_not_return()
        if refusal:
            raise Conflict(refusal)
        self.returns.append(
            Return(
                at=clock.now(),
                by=Person.of(who),
                reason=reason,
                reported_at=self.completion_reported_at,
            )
        )
        self.completion = None
        self._open_next_progress(calendar)
        if COMPLETE in self.deadlines:
            self.deadlines.resume(COMPLETE)

    def cancel(self, who: Principal, reason: str) -> None:
        """The assigning side withdraws the task: every deadline still owed closes cancelled."""
        self.cancellation = Cancellation(at=clock.now(), by=Person.of(who), reason=reason)
        self._withdraw_pending(who, "Nhiệm vụ đã bị huỷ.")
        self.deadlines.close_pending(Outcome.CANCELLED)

    # --- the deadline book -----------------------------------------------------------------------

    def _open(self, kind: str, key: str, due_at: datetime) -> None:
        """A deadline of the lead unit (and of the officer of an officer's sub-task)."""
        self.deadlines.open(
            kind,
            due_at,
            title=self.title,
            key=key,
            unit_path=self.lead_unit_path,
            user_id=self.assignee_id,
            assigned_by=self.created_by,
        )

    def _open_next_progress(self, calendar: WorkingCalendar) -> None:
        """`task.progress#<n>`: due at the end of the N-th working day after today."""
        every = self.progress_every_working_days
        if not every:
            return
        n = self.deadlines.opened(PROGRESS) + 1
        due = calendar.due_end_of_day(calendar.add_working_days(clock.today(), every))
        self._open(PROGRESS, f"{PROGRESS}#{n}", due)

    def _meet_progress(self) -> None:
        for deadline in self.deadlines.running(PROGRESS):
            self.deadlines.close(deadline.key)

    def _withdraw_pending(self, who: Principal, why: str) -> None:
        for extension in self.extensions:
            if extension.status == "pending":
                self.deadlines.close(extension.key, outcome=Outcome.CANCELLED)
                extension.close(who, "withdrawn", why)
