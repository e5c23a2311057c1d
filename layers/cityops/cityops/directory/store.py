"""The directory's store: the only code that speaks DynamoDB for units and the calendar.

Table `Directory` (pk, sk):
- a unit:            UNIT#<id>      / UNIT       (gsi1pk "UNITS", gsi1sk its path "<root>/.../<id>")
- its audit records: UNIT#<id>      / EVENT#<ulid>
- a unit code:       UNITCODE#<code>/ UNITCODE   (keeps codes unique)
- a calendar year:   CALENDAR       / <year>
- every year's days: CALENDAR       / DAYS       (rewritten with each year's change: the read)
- a user's profile:  USER#<sub>     / PROFILE    (gsi1pk "MEMBERS#<unit_id>", gsi1sk <username>)
Index `GSI1` (gsi1pk, gsi1sk): every unit in tree order (a subtree is a begins_with), and the
members of each unit (for addressing notices).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from cityops.core.access import RIDERS, Rider
from cityops.core.aws import client
from cityops.core.calendar import WorkingCalendar
from cityops.core.dynamo import (
    batch_get,
    batch_get_tables,
    get_item,
    query_all,
    query_page,
    serialize,
)
from cityops.core.settings import get_settings

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


def all_calendar_years(*, consistent: bool = False) -> list[dict[str, Any]]:
    """Every year's announced changes: one small partition, one Query."""
    return query_all(
        table(),
        key_condition="pk = :pk AND sk BETWEEN :first AND :last",  # not DAYS, not EVENT#
        values={":pk": "CALENDAR", ":first": "2000", ":last": "2100"},
        consistent=consistent,
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


def get_user_and_units(
    user_id: str, unit_ids: Iterable[str] = (), riders: Iterable[Rider] = ()
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any] | None]]:
    """A user's profile and units by id (on a container's first request: the caller's own and
    those the request names; none: the profile alone), in one BatchGetItem with the keys every
    rider wants (a container's cold caches: `core.access.RIDERS`); each rider keeps what was
    found at its keys. Units not found are None."""
    units = list(unit_ids)  # batch_get_tables reads a key named twice once
    mine = [{"pk": f"USER#{user_id}", "sk": "PROFILE"}]
    mine += [{"pk": unit_pk(unit_id), "sk": "UNIT"} for unit_id in units]
    keys = {table(): mine}
    riding = [(rider, wanted) for rider in riders if (wanted := rider.wanted())]
    for rider, wanted in riding:
        keys.setdefault(rider.table(), []).extend(wanted)
    consistent = {rider.table() for rider, _ in riding if rider.consistent}
    found = batch_get_tables(keys, consistent=consistent)
    for rider, wanted in riding:
        at = {(k["pk"], k["sk"]) for k in wanted}
        rider.keep([i for i in found[rider.table()] if (i["pk"], i["sk"]) in at])
    by_key = {(i["pk"], i["sk"]): i for i in found[table()]}
    profile = by_key.get((f"USER#{user_id}", "PROFILE"))
    return profile, {unit_id: by_key.get((unit_pk(unit_id), "UNIT")) for unit_id in units}


def members(unit_id: str) -> list[dict[str, Any]]:
    """The users of a unit (one Query; units have tens of users, not thousands)."""
    return query_all(
        table(),
        index=INDEX,
        key_condition="gsi1pk = :members",
        values={":members": f"MEMBERS#{unit_id}"},
    )


# --- the working calendar ----------------------------------------------------------------------
# Each year's announcements are an entity of their own (`CALENDAR` / `<year>`: its version, its
# audit records). `CALENDAR` / `DAYS` holds every year's days in one item, rewritten in the
# transaction of each year's change (`calendar_days_put`), so that a container reads the whole
# calendar by one key: in its first caller's BatchGetItem (a `core.access.Rider`), or alone.

DAYS_KEY = {"pk": "CALENDAR", "sk": "DAYS"}
_CACHE_SECONDS = 60.0
_cached: tuple[float, WorkingCalendar] | None = None


def calendar_is_kept() -> bool:
    return bool(_cached and time.monotonic() - _cached[0] < _CACHE_SECONDS)


def working_calendar() -> WorkingCalendar:
    """The working-day calendar with every announced change; cached for a minute per process."""
    if _cached and calendar_is_kept():
        return _cached[1]
    return _keep_calendar(get_item(table(), "CALENDAR", "DAYS"))


def _keep_calendar(days: dict[str, Any] | None) -> WorkingCalendar:
    """Keep the calendar of the `DAYS` item (none: no year was ever announced)."""
    global _cached
    years = list(days["years"].values()) if days else []
    days_off: list[date] = []
    working_days: list[date] = []
    for year in years:
        days_off += [date.fromisoformat(d) for d in year.get("days_off", [])]
        working_days += [date.fromisoformat(d) for d in year.get("working_days", [])]
    calendar = WorkingCalendar(days_off=days_off, working_days=working_days)
    _cached = (time.monotonic(), calendar)
    return calendar


def calendar_days_put(year_item: dict[str, Any]) -> dict[str, Any]:
    """The transaction item that rewrites `DAYS`: every year as stored, and the year that
    `year_item` changes as the change leaves it; guarded by its version, so that two years
    changed at once cannot both write it (the second is refused, and is tried again)."""
    years = {item["sk"]: item for item in all_calendar_years(consistent=True)}
    years[year_item["sk"]] = year_item
    current = get_item(table(), "CALENDAR", "DAYS")
    version = int(current["version"]) if current else 0
    days = {
        sk: {"days_off": y.get("days_off", []), "working_days": y.get("working_days", [])}
        for sk, y in sorted(years.items())
    }
    put: dict[str, Any] = {
        "TableName": table(),
        "Item": serialize({**DAYS_KEY, "version": version + 1, "years": days}),
    }
    if current:
        put["ConditionExpression"] = "version = :v"
        put["ExpressionAttributeValues"] = serialize({":v": version})
    else:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    return {"Put": put}


RIDERS.append(
    Rider(
        table=table,
        wanted=lambda: [] if calendar_is_kept() else [DAYS_KEY],
        keep=lambda items: _keep_calendar(items[0] if items else None),
    )
)


def forget_calendar() -> None:
    global _cached
    _cached = None
