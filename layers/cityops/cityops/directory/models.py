"""Directory models: units and their tree, the calendar's yearly changes."""

from datetime import date
from typing import Annotated, Self

from pydantic import Field, model_validator

from cityops.core.models import Reply, Request
from cityops.directory.port import UnitKind

UNIT_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._-]{1,31}$"
UnitCode = Annotated[str, Field(pattern=UNIT_CODE_PATTERN, description="Short unique code")]
UnitName = Annotated[str, Field(min_length=1, max_length=200)]


class Unit(Reply):
    id: str
    code: str
    name: str
    short_name: str | None = None
    kind: UnitKind
    parent_id: str | None = None
    path: list[str] = Field(description="Ids from the city's root down to this unit")
    active: bool = True
    version: int
    created_at: str
    updated_at: str


class UnitCreate(Request):
    code: UnitCode
    name: UnitName
    short_name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    kind: UnitKind
    parent_id: Annotated[str, Field(min_length=26, max_length=26)]


class UnitPatch(Request):
    """Fields to change; the code is permanent. A unit moves only while it has no sub-units."""

    name: UnitName | None = None
    short_name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    kind: UnitKind | None = None
    parent_id: Annotated[str, Field(min_length=26, max_length=26)] | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("Hãy gửi ít nhất một trường cần thay đổi.")
        return self


class UnitRef(Reply):
    id: str
    code: str
    name: str


class Member(Reply):
    """A user of a unit, as those who give its people work see them."""

    id: str
    name: str
    roles: list[str]


class MemberList(Reply):
    items: list[Member] = Field(description="By name")


class UnitPage(Reply):
    items: list[Unit]
    next_cursor: str | None = None


class Me(Reply):
    id: str
    username: str
    name: str
    roles: list[str]
    unit: UnitRef | None
    unit_path: list[UnitRef] = Field(description="From the city down to the caller's unit")
    city_wide: list[str] = Field(description="The systems whose whole city the caller sees")


class NonWorkingDayOut(Reply):
    date: date
    reason: str


class CalendarYear(Reply):
    year: int
    non_working_days: list[NonWorkingDayOut]
    days_off: list[date] = Field(description="Announced extra days off (admin-entered)")
    working_days: list[date] = Field(description="Announced make-up working days")
    version: int


class CalendarChange(Request):
    """The days off and make-up working days the government announced for a year."""

    days_off: list[date] = Field(default_factory=list, max_length=60)
    working_days: list[date] = Field(default_factory=list, max_length=60)
