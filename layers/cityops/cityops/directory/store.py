"""The directory's store: the only code that speaks DynamoDB for units and the calendar.

Table `Directory` (pk, sk):
- a unit:            UNIT#<id>      / UNIT       (gsi1pk "UNITS", gsi1sk its path "<root>/.../<id>")
- its audit records: UNIT#<id>      / EVENT#<ulid>
- a unit code:       UNITCODE#<code>/ UNITCODE   (keeps codes unique)
- a calendar year:   CALENDAR       / <year>
- a user's profile:  USER#<sub>     / PROFILE    (gsi1pk "MEMBERS#<unit_id>", gsi1sk <username>)
Index `GSI1` (gsi1pk, gsi1sk): every unit in tree order (a subtree is a begins_with), and the
members of each unit (for addressing notices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cityops.core import clock
from cityops.core.aws import client
from cityops.core.dynamo import batch_get, get_item, query_all, query_page, serialize
from cityops.core.pipeline import Work
from cityops.core.settings import get_settings
from cityops.core.store import DynamoStore
from cityops.directory.domain import CalendarYearRecord, UnitRecord

INDEX = "GSI1"


def table() -> str:
    return get_settings().directory_table


def unit_pk(unit_id: str) -> str:
    return f"UNIT#{unit_id}"


def tree_key(path: list[str]) -> str:
    return "/".join(path)


def get_unit(unit_id: str) -> dict[str, Any] | None:
    return get_item(table(), unit_pk(unit_id), "UNIT")


def get_units(unit_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Several units by id, by id."""
    keys = [{"pk": unit_pk(i), "sk": "UNIT"} for i in unit_ids]
    return {item["id"]: item for item in batch_get(table(), keys)}


def find_unit_by_code(code: str) -> dict[str, Any] | None:
    marker = get_item(table(), f"UNITCODE#{code}", "UNITCODE")
    return get_unit(marker["unit_id"]) if marker else None


def code_marker(code: str, unit_id: str) -> dict[str, Any]:
    """The transaction item that claims a unit code (fails if the code is taken)."""
    return {
        "Put": {
            "TableName": table(),
            "Item": serialize({"pk": f"UNITCODE#{code}", "sk": "UNITCODE", "unit_id": unit_id}),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def unit_exists_check(unit_id: str) -> dict[str, Any]:
    """A transaction item that holds only while the unit exists (e.g. a parent)."""
    return {
        "ConditionCheck": {
            "TableName": table(),
            "Key": serialize({"pk": unit_pk(unit_id), "sk": "UNIT"}),
            "ConditionExpression": "attribute_exists(pk)",
        }
    }


def list_units(
    path_prefix: str | None, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    if path_prefix:
        return query_page(
            table(),
            index=INDEX,
            key_condition="gsi1pk = :units AND begins_with(gsi1sk, :prefix)",
            values={":units": "UNITS", ":prefix": path_prefix},
            limit=limit,
            start_key=start_key,
        )
    return query_page(
        table(),
        index=INDEX,
        key_condition="gsi1pk = :units",
        values={":units": "UNITS"},
        limit=limit,
        start_key=start_key,
    )


def has_sub_units(path: list[str]) -> bool:
    items, _ = list_units(tree_key(path) + "/", limit=1, start_key=None)
    return bool(items)


def get_calendar_year(year: int) -> dict[str, Any] | None:
    return get_item(table(), "CALENDAR", str(year))


def all_calendar_years() -> list[dict[str, Any]]:
    """Every year's announced changes: one small partition, one Query."""
    return query_all(
        table(),
        key_condition="pk = :pk AND sk BETWEEN :first AND :last",  # not its EVENT# records
        values={":pk": "CALENDAR", ":first": "2000", ":last": "2100"},
    )


def put_user(profile: dict[str, Any]) -> None:
    """Create or refresh a user's profile (id, username, name, email, phone, unit, roles)."""
    item = {
        **profile,
        "pk": f"USER#{profile['id']}",
        "sk": "PROFILE",
        "gsi1pk": f"MEMBERS#{profile['unit_id']}",
        "gsi1sk": profile["username"],
    }
    client("dynamodb").put_item(TableName=table(), Item=serialize(item))


def get_user(user_id: str) -> dict[str, Any] | None:
    return get_item(table(), f"USER#{user_id}", "PROFILE", consistent=False)


def members(unit_id: str) -> list[dict[str, Any]]:
    """The users of a unit (one Query; units have tens of users, not thousands)."""
    return query_all(
        table(),
        index=INDEX,
        key_condition="gsi1pk = :members",
        values={":members": f"MEMBERS#{unit_id}"},
    )


# --- the entity stores of the change pipeline ------------------------------------------------


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
