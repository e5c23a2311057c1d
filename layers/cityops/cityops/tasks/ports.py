"""What the tasks use cases read from the directory, behind a small port: units, users and
the working calendar. `DirectoryTables` reads the directory's table; unit tests of business
rules swap in a fake with `using(...)`, so they need no AWS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from cityops.core.calendar import WorkingCalendar
from cityops.directory import store
from cityops.directory.service import working_calendar


@dataclass(frozen=True)
class Unit:
    id: str
    code: str
    name: str
    path: list[str] = field(default_factory=list)  # from the city's root down to itself
    active: bool = True


@dataclass(frozen=True)
class User:
    id: str
    name: str | None
    unit_id: str | None
    roles: frozenset[str] = frozenset()


class Directory(Protocol):
    def unit(self, unit_id: str) -> Unit | None: ...

    def units(self, unit_ids: list[str]) -> dict[str, Unit]: ...

    def unit_by_code(self, code: str) -> Unit | None: ...

    def user(self, user_id: str) -> User | None: ...

    def units_within(self, path: list[str] | None) -> list[Unit]:
        """Every unit in the subtree at `path` (itself included), or every unit, tree order."""

    def calendar(self) -> WorkingCalendar: ...


def _unit(item: dict[str, Any]) -> Unit:
    return Unit(
        id=item["id"],
        code=item.get("code", ""),
        name=item.get("name", ""),
        path=list(item.get("path") or []),
        active=item.get("active", True),
    )


class DirectoryTables:
    """The directory as its own store keeps it."""

    def unit(self, unit_id: str) -> Unit | None:
        item = store.get_unit(unit_id)
        return _unit(item) if item else None

    def units(self, unit_ids: list[str]) -> dict[str, Unit]:
        return {i: _unit(item) for i, item in store.get_units(unit_ids).items()} if unit_ids else {}

    def unit_by_code(self, code: str) -> Unit | None:
        item = store.find_unit_by_code(code)
        return _unit(item) if item else None

    def user(self, user_id: str) -> User | None:
        item = store.get_user(user_id) if user_id else None
        if item is None:
            return None
        roles = frozenset(item.get("roles") or [])
        return User(id=item["id"], name=item.get("name"), unit_id=item.get("unit_id"), roles=roles)

    def units_within(self, path: list[str] | None) -> list[Unit]:
        prefix = store.tree_key(path) if path else None
        out: list[Unit] = []
        start = None
        while True:
            page, start = store.list_units(prefix, limit=200, start_key=start)
            out += [_unit(item) for item in page]
            if not start:
                return out

    def calendar(self) -> WorkingCalendar:
        return working_calendar()


_current: list[Directory] = [DirectoryTables()]


def directory() -> Directory:
    """The directory the use cases read (the tables, or a test's fake)."""
    return _current[-1]


@contextmanager
def using(fake: Directory) -> Iterator[Directory]:
    """Read `fake` instead of the directory's table (unit tests)."""
    _current.append(fake)
    try:
        yield fake
    finally:
        _current.remove(fake)
