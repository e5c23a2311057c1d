"""Reporting's domain objects (Decree 09/2019/NĐ-CP): the report form (biểu mẫu báo cáo) that
names what is reported, by whom, to whom, for which periods and by when; and the report of one
unit for one period, with its values, what it was told (returns, reopenings) and its deadline
on the deadline book. They know nothing of DynamoDB or HTTP.
"""

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import ConfigDict, Field

from cityops.core import clock
from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import InvalidInput
from cityops.core.models import Instant, Model, Person, UnitRef
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Entity
from cityops.reports.periods import PERIODIC, Period, PeriodType, periodic

SUBMIT = "report.submit"  # nộp báo cáo: the unit's deadline for the period
RESUBMIT = "report.resubmit"  # nộp lại: after a return or a reopening

Value = int | float | str


class ExplicitPeriod(Model):
    """A thematic or ad hoc period: its name and cut-off window as the form gives them."""

    model_config = ConfigDict(extra="forbid")

    name: str
    starts_on: date
    ends_on: date


class ReportForm(Entity):
    """What a reporting regime names (Art. 7): its indicators, the units that report and the
    unit that receives, the frequency, the cut-off and the deadline."""

    entity_type: ClassVar[str] = "report_form"

    code: str
    name: str
    indicator_codes: list[str]
    reporting_unit_kinds: list[str] = Field(default_factory=list)
    reporting_unit_ids: list[str] = Field(default_factory=list)
    receiving_unit: UnitRef
    period_type: PeriodType
    explicit_periods: list[ExplicitPeriod] = Field(default_factory=list)
    deadline_working_days: int = Field(ge=1)
    # one deadline for each level where reports are compiled upwards, each later
    level_deadline_working_days: list[int] = Field(default_factory=list)
    starts_on: date  # periods whose window ends before this day are never opened
    opened_periods: list[str] = Field(default_factory=list)  # the latest, newest last
    created_by: Person

    KEEP_OPENED: ClassVar[int] = 60

    def period(self, name: str) -> Period:
        """The form's period called `name`, or a 422 (a period that does not exist)."""
        if self.period_type in PERIODIC:
            return periodic(self.period_type, name)
        for explicit in self.explicit_periods:
            if explicit.name == name:
                return Period(explicit.name, explicit.starts_on, explicit.ends_on)
        raise InvalidInput(
            f"Biểu mẫu báo cáo không có kỳ báo cáo «{name}».",
            errors=[
                {"loc": ["period"], "msg": "Biểu mẫu không có kỳ báo cáo này.", "type": "value"}
            ],
        )

    def due_on(self, period: Period, calendar: WorkingCalendar) -> date:
        return period.deadline(calendar, self.deadline_working_days)

    def level_deadlines(self, period: Period, calendar: WorkingCalendar) -> list[date]:
        return [period.deadline(calendar, n) for n in self.level_deadline_working_days]

    def note_opened(self, name: str) -> None:
        if name not in self.opened_periods:
            self.opened_periods = [*self.opened_periods, name][-self.KEEP_OPENED :]


class Submission(Model):
    model_config = ConfigDict(extra="forbid")

    by: Person
    at: Instant
    on_time: bool


class Remark(Model):
    """A return or a reopening: who, when and why."""

    model_config = ConfigDict(extra="forbid")

    action: str  # "return", "reopen"
    by: Person
    at: Instant
    reason: str


class Issued(Model):
    """The outgoing document (type BC) an approval issued."""

    model_config = ConfigDict(extra="forbid")

    document_id: str
    number_symbol: str
    issued_on: date
    approved_by: Person


class Report(Entity):
    """One unit's report for one period of a form."""

    entity_type: ClassVar[str] = "report"

    form_id: str
    form_code: str
    form_name: str
    period: str
    period_starts_on: date
    period_ends_on: date
    due_on: date
    unit: UnitRef
    receiving_unit: UnitRef
    indicator_versions: dict[str, int]  # the catalogue as it was when the report was opened
    values: dict[str, Value] = Field(default_factory=dict)  # by cell: CODE or CODE|dim=part
    comments: dict[str, str] = Field(default_factory=dict)  # by cell: why a warning stands
    warnings: list[dict[str, Any]] = Field(default_factory=list)  # as last validated
    first_submission: Submission | None = None
    last_submission: Submission | None = None
    issued: list[Issued] = Field(default_factory=list)
    remarks: list[Remark] = Field(default_factory=list)
    accepted_at: Instant | None = None
    accepted_by: Person | None = None

    @property
    def on_time(self) -> bool | None:
        return self.first_submission.on_time if self.first_submission else None

    # --- what officials do ------------------------------------------------------------------

    def enter(
        self, values: dict[str, Value], comments: dict[str, str], warnings: list[dict[str, Any]]
    ) -> None:
        self.values = dict(values)
        self.comments = {cell: text for cell, text in comments.items() if text.strip()}
        self.warnings = warnings

    def submit(self, by: Person) -> Outcome | None:
        """Close the running submission deadline (the first one or a resubmission's); the
        first submission decides the report's timeliness."""
        now = clock.now()
        outcome = None
        for deadline in self.deadlines.running():
            if deadline.kind in (SUBMIT, RESUBMIT):
                outcome = self.deadlines.close(deadline.key, done_at=now)
        made = Submission(by=by, at=now, on_time=outcome != Outcome.MET_LATE)
        self.first_submission = self.first_submission or made
        self.last_submission = made
        return outcome

    def send_back(self, action: str, by: Person, reason: str, due_at: datetime) -> None:
        """Returned or reopened: the unit submits again by `due_at`."""
        self.remarks.append(Remark(action=action, by=by, at=clock.now(), reason=reason))
        self.accepted_at, self.accepted_by = None, None
        self.deadlines.open(
            RESUBMIT,
            due_at,
            title=f"Nộp lại báo cáo {self.form_name} kỳ {self.period}",
            unit_path=self.unit.path,
        )

    def accept(self, by: Person) -> None:
        self.accepted_at, self.accepted_by = clock.now(), by
