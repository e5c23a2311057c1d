"""What cases asks of the directory: units, staff members and the working calendar, behind a
small port (`Directory`), so that the business rules run on a fake in unit tests.

`CityDirectory` reads the directory system (imported when first needed; units through the
one unit cache of `cityops.core.access`, kept for a minute). Use cases reach it as
`DIRECTORY.current`; tests swap it with `DIRECTORY.using(fake)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from cityops.core.access import UNITS
from cityops.core.calendar import WorkingCalendar


@dataclass(frozen=True)
class Unit:
    """A unit as cases needs it: its path runs from the city down to it."""

    id: str
    kind: str
    path: tuple[str, ...]
    code: str | None = None
    name: str | None = None
    active: bool = True

    @classmethod
    def of(cls, item: dict[str, Any]) -> Unit:
        return cls(
            id=item["id"],
            kind=item.get("kind", ""),
            path=tuple(item.get("path") or ()),
            code=item.get("code"),
            name=item.get("name"),
            active=bool(item.get("active", True)),
        )


@dataclass(frozen=True)
class Member:
    """A user's profile: who may be assigned a case."""

    id: str
    unit_id: str | None
    roles: frozenset[str]
    name: str | None = None


class Directory(Protocol):
    def unit(self, unit_id: str | None) -> Unit | None: ...

    def unit_by_code(self, code: str) -> Unit | None: ...

    def units(self, unit_ids: list[str]) -> dict[str, Unit]: ...

    def member(self, user_id: str) -> Member | None: ...

    def calendar(self) -> WorkingCalendar: ...


class CityDirectory:
    """The directory system's tables."""

    def unit(self, unit_id: str | None) -> Unit | None:
        item = UNITS.get(unit_id)
        return Unit.of(item) if item else None

    def unit_by_code(self, code: str) -> Unit | None:
        from cityops.directory import store

        item = store.find_unit_by_code(code)
        return Unit.of(item) if item else None

    def units(self, unit_ids: list[str]) -> dict[str, Unit]:
        from cityops.directory import store

        return {i: Unit.of(item) for i, item in store.get_units(unit_ids).items()}

    def member(self, user_id: str) -> Member | None:
        from cityops.directory import store

        profile = store.get_user(user_id)
        if not profile:
            return None
        return Member(
            id=profile["id"],
            unit_id=profile.get("unit_id"),
            roles=frozenset(profile.get("roles") or ()),
            name=profile.get("name"),
        )

    def calendar(self) -> WorkingCalendar:
        from cityops.directory.service import working_calendar

        return working_calendar()


class _Slot:
    """The directory the use cases read."""

    def __init__(self) -> None:
        self.current: Directory = CityDirectory()

    @contextmanager
    def using(self, directory: Directory) -> Iterator[Directory]:
        previous, self.current = self.current, directory
        try:
            yield directory
        finally:
            self.current = previous


DIRECTORY = _Slot()
