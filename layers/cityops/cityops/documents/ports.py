"""What the documents' use cases read from the directory, behind a small port: units (names,
kinds, paths), users' names and the working calendar. `DirectoryTables` reads the directory's
table; unit tests of business rules use `cityops.documents.fakes.FakeDirectory`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from cityops.core.calendar import WorkingCalendar
from cityops.core.ids import is_ulid


@dataclass(frozen=True)
class Unit:
    id: str
    code: str
    name: str
    kind: str
    path: list[str] = field(default_factory=list)
    active: bool = True


class Directory(Protocol):
    def unit(self, unit_id: str) -> Unit | None: ...

    def units(self, unit_ids: list[str]) -> dict[str, Unit]: ...

    def all_units(self) -> list[Unit]: ...

    def user_name(self, user_id: str) -> str | None: ...

    def calendar(self) -> WorkingCalendar: ...


def _unit(item: dict[str, Any]) -> Unit:
    return Unit(
        id=item["id"],
        code=item["code"],
        name=item["name"],
        kind=item.get("kind", ""),
        path=list(item.get("path", [])),
        active=bool(item.get("active", True)),
    )


class DirectoryTables:
    """The directory's own table, read the way the directory's store reads it."""

    def unit(self, unit_id: str) -> Unit | None:
        from cityops.directory import store

        item = store.get_unit(unit_id) if is_ulid(unit_id) else None
        return _unit(item) if item else None

    def units(self, unit_ids: list[str]) -> dict[str, Unit]:
        from cityops.directory import store

        wanted = [i for i in dict.fromkeys(unit_ids) if is_ulid(i)]
        return {i: _unit(item) for i, item in store.get_units(wanted).items()} if wanted else {}

    def all_units(self) -> list[Unit]:
        from cityops.core.dynamo import query_all
        from cityops.directory import store

        items = query_all(
            store.table(), index=store.INDEX, key_condition="gsi1pk = :u", values={":u": "UNITS"}
        )
        return [_unit(i) for i in items]

    def user_name(self, user_id: str) -> str | None:
        from cityops.directory import store

        profile = store.get_user(user_id)
        return profile.get("name") if profile else None

    def calendar(self) -> WorkingCalendar:
        from cityops.directory.service import working_calendar

        return working_calendar()


_directory: list[Directory] = [DirectoryTables()]


def directory() -> Directory:
    return _directory[-1]


@contextmanager
def using(fake: Directory) -> Iterator[Directory]:
    """Read the directory from `fake` (unit tests)."""
    _directory.append(fake)
    try:
        yield fake
    finally:
        _directory.pop()
