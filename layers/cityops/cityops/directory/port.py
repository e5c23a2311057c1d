"""What every system's use cases read from the directory, behind one small port: units (their
code, name, kind and path from the city's root down), people (name, unit, roles) and the
working calendar.

`DirectoryTables` reads the directory's own table (units through the one short-lived unit
cache of `cityops.core.access`); `MemoryDirectory` is its fake for the unit tests of business
rules. Use cases reach the one in force as `DIRECTORY.current`; tests swap in a fake with
`with DIRECTORY.using(fake): ...`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from cityops.core.access import DEFAULT, AccessPolicy, sees_unit
from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import NotFound
from cityops.core.ids import is_ulid

if TYPE_CHECKING:
    from cityops.core.auth import Principal


class UnitKind(StrEnum):
    """What kind of body a unit is (loại đơn vị)."""

    PEOPLE_COMMITTEE = "people_committee"  # UBND
    OFFICE = "office"  # Văn phòng
    DEPARTMENT = "department"  # Sở
    INSPECTORATE = "inspectorate"  # Thanh tra
    WARD = "ward"  # Phường
    COMMUNE = "commune"  # Xã
    DIVISION = "division"  # Phòng, ban: a sub-unit


@dataclass(frozen=True)
class Unit:
    """A unit as the other systems need it."""

    id: str
    code: str = ""
    name: str = ""
    path: tuple[str, ...] = ()  # from the city's root down to itself
    kind: str = ""
    active: bool = True

    @classmethod
    def of(cls, item: dict[str, Any]) -> Unit:
        return cls(
            id=item["id"],
            code=item.get("code", ""),
            name=item.get("name", ""),
            path=tuple(item.get("path") or ()),
            kind=item.get("kind", ""),
            active=bool(item.get("active", True)),
        )


@dataclass(frozen=True)
class Profile:
    """A user's profile: who may be given work, and the name the records show."""

    id: str
    name: str | None = None
    unit_id: str | None = None
    roles: frozenset[str] = frozenset()


class Directory(Protocol):
    def unit(self, unit_id: str | None) -> Unit | None: ...

    def units(self, unit_ids: list[str]) -> dict[str, Unit]: ...

    def unit_by_code(self, code: str) -> Unit | None: ...

    def units_within(self, path: list[str] | tuple[str, ...] | None) -> list[Unit]:
        """Every unit in the subtree at `path` (itself included), or every unit; tree order."""

    def profile(self, user_id: str | None) -> Profile | None: ...

    def calendar(self) -> WorkingCalendar: ...


class DirectoryTables:
    """The directory's own table."""

    def unit(self, unit_id: str | None) -> Unit | None:
        from cityops.core.access import UNITS

        item = UNITS.get(unit_id) if unit_id and is_ulid(unit_id) else None
        return Unit.of(item) if item else None

    def units(self, unit_ids: list[str]) -> dict[str, Unit]:
        from cityops.core.access import UNITS
        from cityops.directory import store

        found = UNITS.get_many(unit_ids, store.get_units) if unit_ids else {}
        return {i: Unit.of(item) for i, item in found.items()}

    def unit_by_code(self, code: str) -> Unit | None:
        from cityops.directory import store

        item = store.find_unit_by_code(code)
        return Unit.of(item) if item else None

    def units_within(self, path: list[str] | tuple[str, ...] | None) -> list[Unit]:
        from cityops.directory import store

        prefix = store.tree_key(list(path)) if path else None
        out: list[Unit] = []
        start = None
        while True:
            page, start = store.list_units(prefix, limit=1000, start_key=start)
            out += [Unit.of(item) for item in page]
            if not start:
                return out

    def profile(self, user_id: str | None) -> Profile | None:
        from cityops.directory import store

        item = store.get_user(user_id) if user_id else None
        if not item:
            return None
        roles = frozenset(item.get("roles") or ())
        return Profile(id=item["id"], name=item.get("name"), unit_id=item.get("unit_id"),
                      roles=roles)  # fmt: skip

    def calendar(self) -> WorkingCalendar:
        from cityops.directory.store import working_calendar

        return working_calendar()


@dataclass
class MemoryDirectory:
    """The directory in memory, for unit tests."""

    by_id: dict[str, Unit] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    working: WorkingCalendar = field(default_factory=WorkingCalendar)

    def add_unit(self, unit: Unit) -> Unit:
        self.by_id[unit.id] = unit
        return unit

    def add_profile(self, profile: Profile) -> Profile:
        self.profiles[profile.id] = profile
        return profile

    def unit(self, unit_id: str | None) -> Unit | None:
        return self.by_id.get(unit_id or "")

    def units(self, unit_ids: list[str]) -> dict[str, Unit]:
        return {i: self.by_id[i] for i in unit_ids if i in self.by_id}

    def unit_by_code(self, code: str) -> Unit | None:
        return next((u for u in self.by_id.values() if u.code == code), None)

    def units_within(self, path: list[str] | tuple[str, ...] | None) -> list[Unit]:
        top = tuple(path or ())
        inside = [u for u in self.by_id.values() if u.path[: len(top)] == top]
        return sorted(inside, key=lambda u: "/".join(u.path))

    def profile(self, user_id: str | None) -> Profile | None:
        return self.profiles.get(user_id or "")

    def calendar(self) -> WorkingCalendar:
        return self.working

    def item(self, unit_id: str) -> dict[str, Any] | None:
        """A unit as the directory's store holds it (a source for `core.access.UNITS`)."""
        unit = self.by_id.get(unit_id)
        if unit is None:
            return None
        return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind,
                "path": list(unit.path), "active": unit.active}  # fmt: skip


class _Slot:
    """The directory the use cases read."""

    def __init__(self) -> None:
        self.current: Directory = DirectoryTables()

    @contextmanager
    def using(self, directory: Directory) -> Iterator[Directory]:
        previous, self.current = self.current, directory
        try:
            yield directory
        finally:
            self.current = previous


DIRECTORY = _Slot()


def visible_unit(who: Principal, unit_id: str | None, policy: AccessPolicy = DEFAULT) -> Unit:
    """The unit a read is about, when the caller may see it under the system's policy (the
    one access rule, `cityops.core.access.sees_unit`); else 404, alike for a unit that does
    not exist and one the caller may not see."""
    unit = DIRECTORY.current.unit(unit_id) if unit_id else None
    if unit is None or not sees_unit(who, unit.path, policy):
        raise NotFound("Không có đơn vị này.")
    return unit
