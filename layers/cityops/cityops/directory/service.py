"""Directory use cases: one function each. Authorisation is checked here, not in routes."""

from __future__ import annotations

from typing import Any

from cityops.core import clock
from cityops.core.access import SYSTEMS, sees_unit
from cityops.core.audit import history_page
from cityops.core.auth import Principal
from cityops.core.dynamo import strip_keys
from cityops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cityops.core.ids import is_ulid, new_id
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.core.pipeline import Permission, Pipeline, Work
from cityops.core.search import fold
from cityops.directory import store
from cityops.directory.domain import CalendarYearRecord, UnitRecord
from cityops.directory.models import (
    CalendarChange,
    CalendarYear,
    Me,
    Member,
    MemberList,
    NonWorkingDayOut,
    Unit,
    UnitCreate,
    UnitPage,
    UnitPatch,
    UnitRef,
)
from cityops.directory.store import forget_calendar, working_calendar
from cityops.directory.stores import CalendarStore, CodeClaim, UnitExists, UnitStore
from cityops.directory.workflow import CALENDAR_YEAR, UNIT


def _require_admin(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("Chỉ quản trị viên mới được thay đổi danh bạ.")


def _unit(item: dict[str, Any]) -> Unit:
    return Unit.model_validate(strip_keys(item))


def _load_unit(unit_id: str) -> dict[str, Any]:
    item = store.get_unit(unit_id) if is_ulid(unit_id) else None
    if item is None:
        raise NotFound("Không có đơn vị này.")
    return item


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
        city_wide=[policy.name for policy in SYSTEMS if policy.is_city_wide(who)],
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


def list_members(who: Principal, unit_id: str) -> MemberList:
    """The users of a unit, by name, for whoever gives its people work: its own members, the
    leaders above it, city leaders and administrators; 404 to others."""
    unit = _load_unit(unit_id)
    if not (who.is_admin or sees_unit(who, unit["path"])):
        raise NotFound("Không có đơn vị này.")
    people = [
        Member(id=p["id"], name=p.get("name") or p["id"], roles=sorted(p.get("roles") or ()))
        for p in store.members(unit_id)
    ]
    return MemberList(items=sorted(people, key=lambda m: (fold(m.name), m.id)))


def _is_admin(who: Principal, _entity: object) -> bool:
    return who.is_admin


_ADMIN = Permission(_is_admin, "Chỉ quản trị viên mới được thay đổi danh bạ.")
UNITS: Pipeline[UnitRecord] = Pipeline(
    store=UnitStore(),
    machines={"unit": UNIT},
    sees=lambda _who, _unit: True,  # the organisation chart is open to every signed-in user
    permissions={"admin": _ADMIN},
    not_found="Không có đơn vị này.",
    changed_message="Đơn vị đã thay đổi kể từ lần đọc trước; hãy tải lại rồi thực hiện lại.",
)
CALENDAR: Pipeline[CalendarYearRecord] = Pipeline(
    store=CalendarStore(),
    machines={"calendar_year": CALENDAR_YEAR},
    sees=lambda _who, _year: True,
    permissions={"admin": _ADMIN},
    changed_message="Lịch làm việc đã thay đổi kể từ lần đọc trước; hãy tải lại rồi thực hiện lại.",
    valid_id=lambda year: year.isdigit() and 2000 <= int(year) <= 2100,
)


def _reply(unit: UnitRecord) -> Unit:
    return Unit.model_validate(unit.model_dump(mode="json"))


def new_unit_work(
    who: Principal | None, data: UnitCreate, parent_path: list[str], action: str = "unit.created"
) -> Work[UnitRecord]:
    """The work of creating a unit under a parent, ready to commit (the API commits one; the
    CSV import puts several in each transaction)."""
    unit_id = new_id()
    fields = data.model_dump(exclude_none=True)
    if not parent_path:
        fields.pop("parent_id", None)
    unit = UnitRecord(id=unit_id, **fields, path=[*parent_path, unit_id], status="active",
                      created_at=clock.now())  # fmt: skip

    def claim(work: Work[UnitRecord]) -> None:
        work.add(CodeClaim(data.code, unit_id))
        if parent_path:
            work.add(UnitExists(parent_path[-1]))

    return UNITS.new_work(who, unit, action, claim)


def create_unit(who: Principal, data: UnitCreate) -> Unit:
    _require_admin(who)
    parent = store.get_unit(data.parent_id) if is_ulid(data.parent_id) else None
    if parent is None:
        raise InvalidInput(
            "Không có đơn vị cấp trên này.",
            errors=[{"loc": ["body", "parent_id"], "msg": "Không có đơn vị này."}],
        )
    try:
        unit = UNITS.commit(new_unit_work(who, data, parent["path"]))
    except Conflict as exc:
        raise Conflict(
            f"Mã {data.code} đã được một đơn vị khác sử dụng; hãy chọn mã khác."
        ) from exc
    return _reply(unit)


def _parent_path(unit: UnitRecord, new_parent: str) -> list[str]:
    """Where the unit goes under a new parent: never the root, never under itself, and only
    while it has no sub-units (the paths copied onto its sub-units' records would go stale).
    Its own records keep the path they were written with: who sees them and where their
    deadlines escalate follow the old place (the README says so to administrators)."""
    if len(unit.path) == 1:
        raise Conflict("Không thể chuyển đơn vị gốc sang đơn vị cấp trên khác.")
    parent = store.get_unit(new_parent) if is_ulid(new_parent) else None
    if parent is None:
        raise InvalidInput(
            "Không có đơn vị cấp trên này.",
            errors=[{"loc": ["body", "parent_id"], "msg": "Không có đơn vị này."}],
        )
    if unit.id in parent["path"]:
        raise Conflict(
            "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị trực thuộc của nó."
        )
    if store.has_sub_units(unit.path):
        raise Conflict(
            "Không thể chuyển đơn vị đang có đơn vị trực thuộc; hãy chuyển các đơn vị trực thuộc "
            "trước."
        )
    return [*parent["path"], unit.id]


def update_unit(
    who: Principal, unit_id: str, patch: UnitPatch, expected_version: int | None
) -> Unit:
    """An administrator edits a unit (If-Match); moving it checks the new parent exists."""

    def rule(work: Work[UnitRecord]) -> None:
        unit, changes = work.entity, patch.model_dump(exclude_unset=True)
        new_parent, new_path = changes.get("parent_id"), None
        if "parent_id" in changes and new_parent is None:
            raise InvalidInput(
                "Không thể bỏ đơn vị cấp trên (parent_id) của một đơn vị.",
                errors=[{"loc": ["body", "parent_id"], "msg": "Bắt buộc phải có."}],
            )
        if new_parent and new_parent != unit.parent_id:
            new_path = _parent_path(unit, new_parent)
            work.add(UnitExists(new_parent))
        unit.edit(changes, new_path)

    edited = UNITS.change(who, unit_id, "edit", rule, if_match=expected_version, command=patch)
    return _reply(edited)


def unit_history(who: Principal, unit_id: str, *, limit: int | None, cursor: str | None):
    """A unit's change history: for admins, city leaders and the leaders above it."""
    unit = _load_unit(unit_id)
    if not (who.is_admin or (who.is_leader and who.sees_unit(unit["path"]))):
        raise NotFound("Không có đơn vị này.")
    return history_page(
        store.table(), store.unit_pk(unit_id), limit=check_limit(limit), cursor=cursor
    )


# --- the calendar --------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidInput(
            "Năm phải từ 2000 đến 2100.",
            errors=[{"loc": ["path", "year"], "msg": "Năm phải từ 2000 đến 2100."}],
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
    who: Principal, year: int, change: CalendarChange, expected_version: int | None
) -> CalendarYear:
    """Replace the year's announced days off and make-up working days (admin; If-Match, "0"
    for a year nothing was announced for yet)."""
    _check_year(year)

    def rule(work: Work[CalendarYearRecord]) -> None:
        work.entity.announce(change.days_off, change.working_days)

    CALENDAR.change(who, str(year), "announce", rule, if_match=expected_version)
    forget_calendar()
    return get_calendar(year)
