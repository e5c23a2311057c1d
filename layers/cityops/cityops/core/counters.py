"""Counters: every statistic CityOps shows is read from counter rows kept in the change's
own transaction, never counted by Query loops over entities.

A counter row belongs to a family (`SCORE` for the on-time scoreboard, `STATS` for case
statistics, `TASKSTATS` for task statistics, ...) and a day, in the family's month
partition: `<family>#<yyyy-mm>` / `<day>#<part>#<part>...`. A window of days is then one
Query per month, whatever the number of units; rows that hold a running total (how many
are open now) take the day `-` and live in `<family>#TOTAL`.

A change adds to counters with `Count`s; the store turns them into `ADD` updates, one per
row (several counts of one row in one change are merged: DynamoDB takes one operation per
item in a transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cityops.core.dynamo import counter_update, query_all

TOTAL = "TOTAL"


def counter_key(family: str, day: str | None, *parts: str) -> dict[str, str]:
    """The key of one counter row: `day` (ISO) and its parts (unit, kind, ...); `day=None`
    for a running total."""
    if day is None:
        return {"pk": f"{family}#{TOTAL}", "sk": "#".join(parts)}
    return {"pk": f"{family}#{day[:7]}", "sk": "#".join([day, *parts])}


@dataclass(frozen=True)
class Count:
    """Add `deltas` to the counter row of `family`, `day` and `parts` in `table`; `fields`
    are set on the row (what readers filter by: the unit, its path, the kind)."""

    table: str
    family: str
    day: str | None
    parts: tuple[str, ...]
    deltas: dict[str, int]
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> dict[str, str]:
        return counter_key(self.family, self.day, *self.parts)

    def transaction_item(self) -> dict[str, Any]:
        fields = {**self.fields, **({"day": self.day} if self.day else {})}
        return counter_update(self.table, self.key, self.deltas, fields)


def transaction_items(counts: Iterable[Count]) -> list[dict[str, Any]]:
    return [c.transaction_item() for c in counts]


def months(start: date, end: date) -> list[tuple[str, date, date]]:
    """The months a window touches ("yyyy-mm"), each with the window's first and last day
    in it, oldest first."""
    out = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((first.strftime("%Y-%m"), first, min(end, following - timedelta(days=1))))
        first = following
    return out


def read_window(table: str, family: str, start: date, end: date) -> list[dict[str, Any]]:
    """Every counter row of `family` for the days start..end: one Query per month (and per
    1 MB page), whatever the number of units."""
    rows: list[dict[str, Any]] = []
    for month, first, last in months(start, end):
        rows += query_all(
            table,
            page_size=1000,
            key_condition="pk = :pk AND sk BETWEEN :first AND :last",
            values={
                ":pk": f"{family}#{month}",
                ":first": f"{first.isoformat()}#",
                ":last": f"{last.isoformat()}#~",
            },
        )
    return rows


def read_totals(table: str, family: str) -> list[dict[str, Any]]:
    """Every running-total row of `family` (one partition)."""
    return query_all(table, key_condition="pk = :pk", values={":pk": f"{family}#{TOTAL}"})


def add(into: dict[str, int], row: dict[str, Any], names: Iterable[str]) -> None:
    """Sum a counter row's `names` into `into`."""
    for name in names:
        into[name] = into.get(name, 0) + int(row.get(name) or 0)
