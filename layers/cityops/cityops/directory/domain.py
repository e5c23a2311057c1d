"""The directory's domain objects: units of the city's organisation chart (đơn vị) and the
calendar's announced changes for a year. They know nothing of DynamoDB or HTTP."""

from datetime import date
from typing import Any, ClassVar

from pydantic import Field, model_validator

from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import InvalidInput
from cityops.core.pipeline import Entity


class UnitRecord(Entity):
    """A unit: its code (permanent), names, kind, and its path from the city's root down to
    itself. `status` follows `active`: `active` or `inactive`."""

    entity_type: ClassVar[str] = "unit"

    code: str
    name: str
    short_name: str | None = None
    kind: str
    parent_id: str | None = None
    path: list[str]
    active: bool = True

    @model_validator(mode="before")
    @classmethod
    def _status_from_active(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" not in data:
            data = {**data, "status": "active" if data.get("active", True) else "inactive"}
        return data

    def edit(self, changes: dict[str, Any], new_path: list[str] | None) -> None:
        """Apply a patch (`short_name` may be cleared; other fields only set)."""
        for name, value in changes.items():
            if value is not None or name == "short_name":
                setattr(self, name, value)
        if new_path is not None:
            self.path = new_path


def status_after_patch(unit: UnitRecord, patch: Any) -> str:
    """The unit's state after a patch: deactivated, reactivated, or as it was."""
    active = getattr(patch, "active", None)
    if active is None:
        return unit.status
    return "active" if active else "inactive"


class CalendarYearRecord(Entity):
    """The days off and make-up working days the government announced for one year. A year
    nothing was announced for is version 0 (it exists once an administrator writes it)."""

    entity_type: ClassVar[str] = "calendar"

    year: int
    days_off: list[date] = Field(default_factory=list)
    working_days: list[date] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _identity_of_the_year(cls, data: Any) -> Any:
        if isinstance(data, dict) and "year" in data:
            stamp = data.get("created_at") or data.get("updated_at") or "2000-01-01T00:00:00Z"
            data = {"id": str(data["year"]), "status": "announced", "created_at": stamp, **data}
        return data

    def announce(self, days_off: list[date], working_days: list[date]) -> None:
        """Replace the year's announcements, each day checked against the base calendar (the
        weekends and public holidays): a day off must be a working day and the other way."""
        errors = []
        base = WorkingCalendar()
        for field, days in (("days_off", days_off), ("working_days", working_days)):
            for i, day in enumerate(days):
                wrong = None
                if day.year != self.year:
                    wrong = f"Ngày {day:%d/%m/%Y} không thuộc năm {self.year}."
                elif field == "days_off" and not base.is_working_day(day):
                    wrong = f"Ngày {day:%d/%m/%Y} vốn đã là ngày nghỉ."
                elif field == "working_days" and base.is_working_day(day):
                    wrong = f"Ngày {day:%d/%m/%Y} vốn đã là ngày làm việc."
                if wrong:
                    errors.append({"loc": ["body", field, i], "msg": wrong})
        if errors:
            raise InvalidInput(
                "Một số ngày không hợp lệ: ngày nghỉ công bố thêm phải là ngày làm việc thông "
                "thường, ngày làm bù phải là ngày cuối tuần hoặc ngày lễ, và tất cả phải thuộc "
                f"năm {self.year}.",
                errors=errors,
            )
        self.days_off = sorted(set(days_off))
        self.working_days = sorted(set(working_days))
