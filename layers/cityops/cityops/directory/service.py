"""Directory use cases: one function each. Authorisation is checked here, not in routes."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from cityops.core import clock
from cityops.core.audit import audit_record, history_page
from cityops.core.auth import Principal
from cityops.core.calendar import WorkingCalendar
from cityops.core.dynamo import Change, strip_keys, write_change
from cityops.core.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from cityops.core.ids import is_ulid, new_id
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.directory import store
from cityops.directory.models import (
    CalendarChange,
    CalendarYear,
    Me,
    NonWorkingDayOut,
    Unit,
    UnitCreate,
    UnitPage,
    UnitPatch,
    UnitRef,
)


def _require_admin(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("Only an administrator may change the directory.")


def _unit(item: dict[str, Any]) -> Unit:
    return Unit.model_validate(strip_keys(item))


def _load_unit(unit_id: str) -> dict[str, Any]:
    item = store.get_unit(unit_id) if is_ulid(unit_id) else None
    if item is None:
        raise NotFound("No such unit.")
    return item


def unit_path(unit_id: str) -> list[str]:
    """The ids from the root down to the unit (for visibility checks in any system)."""
    return list(_load_unit(unit_id)["path"])


# --- the caller --------------------------------------------------------------------------


def get_me(who: Principal) -> Me:
    """Who am I: id, name, roles, unit and its path up to the city."""
    unit = store.get_unit(who.unit_id) if who.unit_id and is_ulid(who.unit_id) else None
    path: list[UnitRef] = []
    if unit is not None:
        found = store.get_units(unit["path"])
        path = [
            UnitRef(id=i, code=found[i]["code"], name=found[i]["name"])
            for i in unit["path"]
            if i in found
        ]
    return Me(
        id=who.sub,
        username=who.username,
        name=who.name,
        roles=sorted(who.roles),
        unit=UnitRef(id=unit["id"], code=unit["code"], name=unit["name"]) if unit else None,
        unit_path=path,
    )


# --- units -------------------------------------------------------------------------------
# The organisation chart is open to every signed-in user: they need it to address work.


def get_unit(who: Principal, unit_id: str) -> Unit:
    return _unit(_load_unit(unit_id))


def list_units(who: Principal, *, within: str | None, limit: int | None, cursor: str | None):
    """Units in tree order; `within` narrows to a unit's subtree (itself included)."""
    prefix = store.tree_key(_load_unit(within)["path"]) if within else None
    scope = f"units:{prefix or ''}"
    items, last = store.list_units(
        prefix, limit=check_limit(limit), start_key=decode_cursor(cursor, scope)
    )
    return UnitPage(items=[_unit(i) for i in items], next_cursor=encode_cursor(last, scope))


def _unit_item(unit: dict[str, Any]) -> dict[str, Any]:
    return {
        **unit,
        "pk": store.unit_pk(unit["id"]),
        "sk": "UNIT",
        "gsi1pk": "UNITS",
        "gsi1sk": store.tree_key(unit["path"]),
    }


def new_unit_change(
    who: Principal | None, data: UnitCreate, parent_path: list[str], action: str = "unit.created"
) -> Change:
    """The change that creates a unit under a parent (used by the API and the CSV import)."""
    now = clock.iso(clock.now())
    unit_id = new_id()
    unit = {
        "id": unit_id,
        **data.model_dump(exclude_none=True),
        "path": [*parent_path, unit_id],
        "active": True,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    if not parent_path:
        unit.pop("parent_id", None)
    also = [store.code_marker(data.code, unit_id)]
    if parent_path:
        also.append(store.unit_exists_check(parent_path[-1]))
    item = _unit_item(unit)
    return Change(
        table=store.table(),
        item=item,
        expected_version=None,
        audit=audit_record(item["pk"], who, action, None, unit),
        also=also,
    )


def create_unit(who: Principal, data: UnitCreate) -> Unit:
    _require_admin(who)
    parent = store.get_unit(data.parent_id) if is_ulid(data.parent_id) else None
    if parent is None:
        raise InvalidInput(
            "The parent unit does not exist.",
            errors=[{"loc": ["body", "parent_id"], "msg": "no such unit"}],
        )
    change = new_unit_change(who, data, parent["path"])
    try:
        write_change(change)
    except Conflict as exc:
        raise Conflict(f"The code {data.code} is already used by another unit.") from exc
    return _unit(change.item)


def update_unit(who: Principal, unit_id: str, patch: UnitPatch, expected_version: int) -> Unit:
    _require_admin(who)
    before = _load_unit(unit_id)
    if before["version"] != expected_version:
        raise PreconditionFailed("The unit has changed since you read it; read it again.")
    after = {k: v for k, v in before.items() if k in Unit.model_fields}
    changes = patch.model_dump(exclude_unset=True)
    also: list[dict[str, Any]] = []
    new_parent = changes.get("parent_id")
    if new_parent and new_parent != before.get("parent_id"):
        if len(before["path"]) == 1:
            raise Conflict("The root unit cannot be moved.")
        parent = store.get_unit(new_parent) if is_ulid(new_parent) else None
        if parent is None:
            raise InvalidInput(
                "The parent unit does not exist.",
                errors=[{"loc": ["body", "parent_id"], "msg": "no such unit"}],
            )
        if unit_id in parent["path"]:
            raise Conflict("A unit cannot be moved under itself or its own sub-units.")
        if store.has_sub_units(before["path"]):
            raise Conflict("A unit with sub-units cannot be moved; move its sub-units first.")
        after["path"] = [*parent["path"], unit_id]
        also.append(store.unit_exists_check(new_parent))
    elif "parent_id" in changes and changes["parent_id"] is None:
        raise InvalidInput(
            "parent_id cannot be removed.",
            errors=[{"loc": ["body", "parent_id"], "msg": "required"}],
        )
    after.update({k: v for k, v in changes.items() if v is not None or k == "short_name"})
    after["version"] = expected_version + 1
    after["updated_at"] = clock.iso(clock.now())
    item = _unit_item(after)
    write_change(
        Change(
            table=store.table(),
            item=item,
            expected_version=expected_version,
            audit=audit_record(item["pk"], who, "unit.updated", before, after),
            also=also,
        )
    )
    return _unit(item)


def unit_history(who: Principal, unit_id: str, *, limit: int | None, cursor: str | None):
    """A unit's change history: for admins, city leaders and the leaders above it."""
    unit = _load_unit(unit_id)
    if not (who.is_admin or (who.is_leader and who.sees_unit(unit["path"]))):
        raise NotFound("No such unit.")
    return history_page(
        store.table(), store.unit_pk(unit_id), limit=check_limit(limit), cursor=cursor
    )


# --- the calendar --------------------------------------------------------------------------

_CACHE_SECONDS = 60.0
_cached: tuple[float, WorkingCalendar] | None = None


def working_calendar() -> WorkingCalendar:
    """The working-day calendar with every announced change; cached for a minute per process."""
    global _cached
    if _cached and time.monotonic() - _cached[0] < _CACHE_SECONDS:
        return _cached[1]
    days_off: list[date] = []
    working_days: list[date] = []
    for item in store.all_calendar_years():
        days_off += [date.fromisoformat(d) for d in item.get("days_off", [])]
        working_days += [date.fromisoformat(d) for d in item.get("working_days", [])]
    calendar = WorkingCalendar(days_off=days_off, working_days=working_days)
    _cached = (time.monotonic(), calendar)
    return calendar


def forget_calendar() -> None:
    global _cached
    _cached = None


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            "The year must be between 2000 and 2100.",
            errors=[{"loc": ["path", "year"], "msg": "out of range"}],
        )


def get_calendar(year: int) -> CalendarYear:
    """That year's non-working days (holidays and announced days off), and its changes."""
    _check_year(year)
    item = store.get_calendar_year(year) or {}
    calendar = working_calendar()
    return CalendarYear(
        year=year,
        non_working_days=[
            NonWorkingDayOut(date=d.day, reason=d.reason) for d in calendar.non_working_days(year)
        ],
        days_off=item.get("days_off", []),
        working_days=item.get("working_days", []),
        version=item.get("version", 0),
    )


def put_calendar(
    who: Principal, year: int, change: CalendarChange, expected_version: int
) -> CalendarYear:
    """Replace the year's announced days off and make-up working days (admin)."""
    _require_admin(who)
    _check_year(year)
    errors = []
    base = WorkingCalendar()
    for field, days in (("days_off", change.days_off), ("working_days", change.working_days)):
        for i, day in enumerate(days):
            if day.year != year:
                errors.append({"loc": ["body", field, i], "msg": f"{day} is not in {year}"})
            elif field == "days_off" and not base.is_working_day(day):
                errors.append({"loc": ["body", field, i], "msg": f"{day} is already off"})
            elif field == "working_days" and base.is_working_day(day):
                errors.append({"loc": ["body", field, i], "msg": f"{day} is already working"})
    if errors:
        raise InvalidInput("Some days cannot be used.", errors=errors)
    before = store.get_calendar_year(year)
    version = before["version"] if before else 0
    if version != expected_version:
        raise PreconditionFailed("The calendar has changed since you read it; read it again.")
    after = {
        "pk": "CALENDAR",
        "sk": str(year),
        "year": year,
        "days_off": sorted({d.isoformat() for d in change.days_off}),
        "working_days": sorted({d.isoformat() for d in change.working_days}),
        "version": version + 1,
        "updated_at": clock.iso(clock.now()),
    }
    write_change(
        Change(
            table=store.table(),
            item=after,
            expected_version=version or None,
            audit={
                **audit_record("CALENDAR", who, "calendar.changed", before, after),
                "year": year,
            },
        )
    )
    forget_calendar()
    return get_calendar(year)
