"""The directory's entity stores for the change pipeline (units and calendar years), and the
records a unit's transaction writes beside it. Apart from `cityops.directory.store`, whose reads
every system makes, so that those reads load none of the directory's entity models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cityops.core import clock
from cityops.core.dynamo import item_pk
from cityops.core.errors import DomainError, VersionConflict
from cityops.core.pipeline import Work
from cityops.core.store import DynamoStore
from cityops.directory.domain import CalendarYearRecord, UnitRecord
from cityops.directory.store import (
    calendar_days_put,
    code_marker,
    get_calendar_year,
    table,
    tree_key,
    unit_exists_check,
)


@dataclass(frozen=True)
class CodeClaim:
    """A unit's code, claimed in the unit's transaction (a taken code fails it)."""

    code: str
    unit_id: str


@dataclass(frozen=True)
class UnitExists:
    """The change holds only while this unit exists (a new parent)."""

    unit_id: str


class UnitStore(DynamoStore[UnitRecord]):
    system = "directory"
    model = UnitRecord
    sort_key = "UNIT"

    def table(self) -> str:
        return table()

    def index_keys(self, entity: UnitRecord) -> dict[str, Any]:
        return {"gsi1pk": "UNITS", "gsi1sk": tree_key(entity.path)}

    def record_items(self, work: Work[UnitRecord]) -> list[dict[str, Any]]:
        items = []
        for record in work.records:
            if isinstance(record, CodeClaim):
                items.append(code_marker(record.code, record.unit_id))
            elif isinstance(record, UnitExists):
                items.append(unit_exists_check(record.unit_id))
            else:
                raise TypeError(f"a unit's change cannot write {record!r}")
        return items


class CalendarStore(DynamoStore[CalendarYearRecord]):
    """Calendar years under `CALENDAR` / `<year>`; a year never written loads as version 0."""

    system = "directory"
    model = CalendarYearRecord
    sort_key = "CALENDAR"

    def table(self) -> str:
        return table()

    def pk(self, entity_id: str) -> str:
        return "CALENDAR"

    def load(self, entity_id: str) -> CalendarYearRecord | None:
        item = get_calendar_year(int(entity_id))
        if item is not None:
            return self.from_item(item)
        return CalendarYearRecord(
            id=entity_id, year=int(entity_id), status="announced", created_at=clock.now()
        )

    def to_item(self, entity: CalendarYearRecord) -> dict[str, Any]:
        return {**entity.model_dump(mode="json"), "pk": "CALENDAR", "sk": str(entity.year)}

    def record_items(self, work: Work[CalendarYearRecord]) -> list[dict[str, Any]]:
        """Every year's days in one item, with this year's as the change leaves them."""
        super().record_items(work)  # a year's change writes no other record
        return [calendar_days_put(self.to_item(work.entity))]

    def refused(
        self, work: Work[CalendarYearRecord], index: int, item: dict[str, Any]
    ) -> DomainError | None:
        if index > 0 and item_pk(item) == "CALENDAR":  # another year changed at the same time
            return VersionConflict(
                "Lịch làm việc của một năm khác vừa được thay đổi cùng lúc; hãy thử lại."
            )
        return None
