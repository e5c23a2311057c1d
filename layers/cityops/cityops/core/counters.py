"""Counters: every statistic CityOps shows is read from counter rows kept in the change's
own transaction, never counted by Query loops over entities.

A counter row belongs to a family (`SCORE` for the on-time scoreboard, `STATS` for case
statistics, `TASKSTATS` for task statistics, ...), a unit (the first of its parts) and a day.
Every `Count` adds to two rows of the month's partition `<family>#<yyyy-mm>`, in the same
transaction:

- the day row      `D#<unit>#<day>#<other parts>` (attribute `day`);
- the month roll-up `M#<unit>#<other parts>`      (attribute `month`).

A window is then one Query per month, whatever the number of units: a month the window
covers whole reads the roll-ups (one row per unit and part, not one per day), a month it
covers in part reads the day rows; a single unit's figures read only that unit's rows (its
key prefix), never the city's. Rows that hold a running total (how many are open now) take
no day and live in `<family>#TOTAL` / `<unit>#<other parts>`.

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
DAY, MONTH = "D", "M"  # the sort-key prefixes of day rows and month roll-ups
PAGE = 10_000  # items per Query page asked for; DynamoDB still stops a page at 1 MB


def counter_key(family: str, day: str | None, unit: str, *parts: str) -> dict[str, str]:
    """The key of one day row (`day` ISO) of a unit and its other parts (kind, system, ...);
    `day=None` for a running total."""
    if day is None:
        return {"pk": f"{family}#{TOTAL}", "sk": "#".join([unit, *parts])}
    return {"pk": f"{family}#{day[:7]}", "sk": "#".join([DAY, unit, day, *parts])}


def rollup_key(family: str, month: str, unit: str, *parts: str) -> dict[str, str]:
    """The key of the month roll-up (`month` yyyy-mm) of a unit and its other parts."""
    return {"pk": f"{family}#{month}", "sk": "#".join([MONTH, unit, *parts])}


@dataclass(frozen=True)
class Count:
    """Add `deltas` to the counter rows of `family`, `day` and `parts` (the unit first) in
    `table`; `fields` are set on the rows (what readers use: the unit, its path, the kind)."""

    table: str
    family: str
    day: str | None
    parts: tuple[str, ...]
    deltas: dict[str, int]
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> dict[str, str]:
        """The day row's key (or the running total's)."""
        return counter_key(self.family, self.day, *self.parts)

    def transaction_items(self) -> list[dict[str, Any]]:
        """The day row and the month roll-up (or the running total alone)."""
        if self.day is None:
            return [counter_update(self.table, self.key, self.deltas, self.fields)]
        month = self.day[:7]
        return [
            counter_update(self.table, self.key, self.deltas, {**self.fields, "day": self.day}),
            counter_update(
                self.table,
                rollup_key(self.family, month, *self.parts),
                self.deltas,
                {**self.fields, "month": month},
            ),
        ]


def transaction_items(counts: Iterable[Count]) -> list[dict[str, Any]]:
    return [item for c in counts for item in c.transaction_items()]


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


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def read_window(
    table: str,
    family: str,
    start: date,
    end: date,
    *,
    unit: str | None = None,
    rows_until: date | None = None,
    split_at: date | None = None,
) -> list[dict[str, Any]]:
    """The counter rows of `family` for the days start..end: one Query per month (and per
    1 MB page), whatever the number of units; `unit`: only that unit's rows.

    A month the window covers whole is read from its roll-ups (rows with `month`), one in
    part from its day rows (rows with `day`). `rows_until`: no day after it has rows (counts
    by the day something happened: today), so a window reaching it covers its month whole.
    `split_at`: a reader that must tell the days before it from the others (the scoreboard,
    at today) reads the month holding it from its day rows."""
    rows: list[dict[str, Any]] = []
    for month, first, last in months(start, end):
        reaches = min(_month_end(first), rows_until) if rows_until else _month_end(first)
        whole = first.day == 1 and last >= reaches
        if split_at and first <= split_at <= _month_end(first):
            whole = False
        rows += _read_month(table, family, month, first, last, unit, whole)
    return rows


def _read_month(
    table: str, family: str, month: str, first: date, last: date, unit: str | None, whole: bool
) -> list[dict[str, Any]]:
    values = {":pk": f"{family}#{month}"}
    if whole and unit:  # the unit's roll-ups: `M#<unit>` itself, or with more parts
        values.update({":first": f"{MONTH}#{unit}", ":last": f"{MONTH}#{unit}#~"})
        condition = "pk = :pk AND sk BETWEEN :first AND :last"
        return query_all(table, page_size=PAGE, key_condition=condition, values=values)
    if whole:
        values[":prefix"] = f"{MONTH}#"
        condition = "pk = :pk AND begins_with(sk, :prefix)"
        return query_all(table, page_size=PAGE, key_condition=condition, values=values)
    if unit:  # the unit's own day rows of the window, by key (with or without more parts)
        values[":first"] = f"{DAY}#{unit}#{first.isoformat()}"
        values[":last"] = f"{DAY}#{unit}#{last.isoformat()}#~"
        condition = "pk = :pk AND sk BETWEEN :first AND :last"
        return query_all(table, page_size=PAGE, key_condition=condition, values=values)
    # Every unit's day rows of the month (the sort key leads with the unit), kept to the
    # window's days by a filter: a month read in part is read whole, never more.
    values.update({":prefix": f"{DAY}#", ":first": first.isoformat(), ":last": last.isoformat()})
    return query_all(
        table,
        page_size=PAGE,
        key_condition="pk = :pk AND begins_with(sk, :prefix)",
        values=values,
        names={"#day": "day"},
        filter_expression="#day BETWEEN :first AND :last",
    )


def read_totals(table: str, family: str, *, unit: str | None = None) -> list[dict[str, Any]]:
    """Every running-total row of `family` (one partition); `unit`: only that unit's."""
    if unit:
        return query_all(
            table,
            key_condition="pk = :pk AND begins_with(sk, :unit)",
            values={":pk": f"{family}#{TOTAL}", ":unit": f"{unit}#"},
        )
    return query_all(table, key_condition="pk = :pk", values={":pk": f"{family}#{TOTAL}"})


def add(into: dict[str, int], row: dict[str, Any], names: Iterable[str]) -> None:
    """Sum a counter row's `names` into `into`."""
    for name in names:
        into[name] = into.get(name, 0) + int(row.get(name) or 0)
