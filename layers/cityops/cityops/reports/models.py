"""Reporting's request and reply models for forms and reports (snake_case; unknown fields
refused). The catalogue's are in `cityops.reports.catalogue_models`."""

from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from cityops.core.errors import InvalidInput
from cityops.core.ids import ULID_PATTERN
from cityops.core.models import Reply, Request
from cityops.reports.catalogue import CODE_PATTERN
from cityops.reports.periods import EXPLICIT_NAME, PERIODIC, PeriodType

Id = Annotated[str, Field(pattern=ULID_PATTERN, description="An id (a ULID)")]
Code = Annotated[str, Field(pattern=CODE_PATTERN, description="An indicator's code")]
CellValue = Annotated[int | float | str | None, Field(union_mode="left_to_right")]
Comment = Annotated[str, Field(max_length=2000)]
CellKey = Annotated[str, Field(min_length=1, max_length=120)]


class ExplicitPeriodIn(Request):
    name: Annotated[str, Field(pattern=EXPLICIT_NAME.pattern, description="e.g. 2027-DOT1")]
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("Ngày kết thúc (ends_on) đứng trước ngày bắt đầu (starts_on).")
        return self


class ReportFormCreate(Request):
    """Biểu mẫu báo cáo: the indicators, who reports (unit kinds and/or units), who receives,
    the period type and the deadline in working days after the cut-off (at least 1, Art.
    8(5)), with a later one for each level where reports are compiled upwards."""

    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,29}$", description="e.g. BC-KTXH")]
    name: Annotated[str, Field(min_length=1, max_length=300)]
    indicator_codes: Annotated[list[Code], Field(min_length=1, max_length=400)]
    reporting_unit_kinds: Annotated[
        list[Annotated[str, Field(max_length=40)]], Field(max_length=20)
    ] = Field(default_factory=list)
    reporting_unit_ids: Annotated[list[Id], Field(max_length=1000)] = Field(default_factory=list)
    receiving_unit_id: Id
    period_type: PeriodType
    explicit_periods: Annotated[list[ExplicitPeriodIn], Field(max_length=100)] = Field(
        default_factory=list
    )
    deadline_working_days: Annotated[int, Field(ge=1, le=60)]
    level_deadline_working_days: Annotated[
        list[Annotated[int, Field(ge=2, le=90)]], Field(max_length=5)
    ] = Field(default_factory=list)
    starts_on: date | None = Field(default=None, description="Default: today")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        errors: list[dict[str, Any]] = []
        if not self.reporting_unit_kinds and not self.reporting_unit_ids:
            errors.append(
                _err("reporting_unit_kinds", "Cần nêu loại đơn vị hoặc các đơn vị phải báo cáo.")
            )
        if len(set(self.indicator_codes)) != len(self.indicator_codes):
            errors.append(_err("indicator_codes", "Có chỉ tiêu được nêu hai lần."))
        explicit = self.period_type not in PERIODIC
        if explicit and not self.explicit_periods:
            errors.append(
                _err(
                    "explicit_periods",
                    "Biểu mẫu báo cáo chuyên đề, đột xuất phải nêu các kỳ báo cáo và ngày của kỳ.",
                )
            )
        if not explicit and self.explicit_periods:
            errors.append(
                _err("explicit_periods", "Chỉ dùng cho biểu mẫu báo cáo chuyên đề, đột xuất.")
            )
        if len({p.name for p in self.explicit_periods}) != len(self.explicit_periods):
            errors.append(_err("explicit_periods", "Có kỳ báo cáo bị đặt trùng tên."))
        previous = self.deadline_working_days
        for i, days in enumerate(self.level_deadline_working_days):
            if days <= previous:
                errors.append(
                    _err(
                        f"level_deadline_working_days.{i}",
                        "Hạn gửi báo cáo của mỗi cấp phải muộn hơn hạn của cấp dưới.",
                    )
                )
            previous = days
        if errors:
            raise InvalidInput(
                "Thông tin biểu mẫu báo cáo chưa thống nhất; hãy sửa các trường được chỉ ra.",
                errors=errors,
            )
        return self


def _err(field: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", *field.split(".")], "msg": msg, "type": "value"}


class UnitOut(Reply):
    id: str
    name: str
    code: str = ""


class ReportFormOut(Reply):
    id: str
    version: int
    status: str
    code: str
    name: str
    indicator_codes: list[str]
    reporting_unit_kinds: list[str]
    reporting_unit_ids: list[str]
    receiving_unit: UnitOut
    period_type: PeriodType
    explicit_periods: list[dict[str, Any]]
    deadline_working_days: int
    level_deadline_working_days: list[int]
    starts_on: date
    opened_periods: list[str]
    created_at: str


class ReportFormPage(Reply):
    items: list[ReportFormOut]


class PeriodOut(Reply):
    name: str
    starts_on: date = Field(description="The cut-off window's first day")
    ends_on: date = Field(description="The cut-off window's last day")
    due_on: date = Field(description="The reporting units' submission deadline")
    level_due_on: list[date] = Field(description="Each level's deadline, compiled upwards")
    opened: bool


class PeriodList(Reply):
    form_id: str
    year: int
    items: list[PeriodOut]


class ValuesPut(Request):
    """The report's values by cell (`CODE`, or `CODE|dimension=part`) and the comments that
    explain a warning; the whole draft (cells left out are cleared)."""

    values: Annotated[dict[CellKey, CellValue], Field(max_length=5000)]
    comments: Annotated[dict[CellKey, Comment], Field(max_length=5000)] = Field(
        default_factory=dict
    )


class SheetUpload(Request):
    """A filled template (the XLSX `GET .../template` gave), as base64."""

    format: Literal["xlsx"] = "xlsx"
    content: Annotated[str, Field(min_length=4, max_length=4_000_000)]


class Reason(Request):
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class Note(Request):
    note: Annotated[str, Field(max_length=1000)] | None = None


class CellOut(Reply):
    cell: str
    indicator: str
    name: str
    unit_of_measure: str
    value_type: str
    value: int | float | str | None
    comment: str | None = None


class ReportOut(Reply):
    id: str
    version: int
    status: str
    form_id: str
    form_code: str
    form_name: str
    period: str
    period_starts_on: date
    period_ends_on: date
    due_on: date
    due_at: str | None
    unit: UnitOut
    receiving_unit: UnitOut
    on_time: bool | None
    cells: list[CellOut]
    warnings: list[dict[str, Any]]
    first_submission: dict[str, Any] | None
    last_submission: dict[str, Any] | None
    issued: list[dict[str, Any]]
    remarks: list[dict[str, Any]]
    accepted_at: str | None
    actions: list[str] = Field(description="What the caller may do to it now")
    created_at: str
    updated_at: str | None


class ReportSummary(Reply):
    id: str
    version: int
    status: str
    form_id: str
    form_name: str
    period: str
    due_on: date
    unit: UnitOut
    receiving_unit: UnitOut
    on_time: bool | None
    cells: int


class ReportPage(Reply):
    items: list[ReportSummary]
    next_cursor: str | None = None


class HistoryPage(Reply):
    items: list[dict[str, Any]]
    next_cursor: str | None = None
