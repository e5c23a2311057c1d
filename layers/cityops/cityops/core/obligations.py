"""Obligations: every deadline of every system, tracked the same way.

An obligation row belongs to an entity (`entity_ref`, e.g. `task#01J...`) and has a `key`
that names it within the entity (`task.complete`, `task.progress#3`). Services never write
these rows alone: `open_obligation`, `move_obligation` and `close_obligation` return
transaction items that go into the same `TransactWriteItems` as the change that causes them
(see `cityops.core.dynamo.Change.also`). A service keeps on its entity what it needs to
rebuild the `Obligation` (unit, due time, ...), and passes it to each of these.

The same items keep the on-time counters (`cityops.core.counters`, family `SCORE`: due, met
on time, met late, cancelled per unit, system and due day, with the month's roll-up), so the
scoreboard reads counters, never the rows.

While open, a row carries `open_shard` and `due_at`, the keys of the sparse `OpenByDue`
index: the deadline sweep reads only open rows due before a horizon, never the whole table.
Closing removes `open_shard`, and the row drops out of the index.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cityops.core import clock, counters
from cityops.core.calendar import CITY_TZ
from cityops.core.dynamo import serialize
from cityops.core.settings import get_settings

OPEN_BY_DUE_INDEX = "OpenByDue"
OPEN_SHARDS = 4  # write sharding of the index's partition key; the sweep queries each shard


class Outcome(StrEnum):
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    CANCELLED = "cancelled"


SYSTEMS = ("documents", "reports", "tasks", "cases")


@dataclass(frozen=True)
class Obligation:
    entity_ref: str  # "<entity type>#<id>"
    key: str  # unique within the entity; usually the kind, or kind#n for repeated ones
    kind: str  # e.g. "task.complete", "complaint.accept"
    system: str  # one of SYSTEMS
    title: str  # a safe one-line summary for notices: never a denunciator's identity
    due_at: datetime
    responsible_unit_id: str
    responsible_user_id: str | None = None
    assigned_by: str | None = None
    escalation_chain: list[str] = field(default_factory=list)  # unit ids, nearest first

    def __post_init__(self) -> None:
        if self.system not in SYSTEMS:
            raise ValueError(f"unknown system {self.system!r}")
        if self.due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")


def shard_of(entity_ref: str, key: str) -> str:
    return f"OPEN#{zlib.crc32(f'{entity_ref}|{key}'.encode()) % OPEN_SHARDS}"


def outcome_for(due_at: datetime, done_at: datetime) -> Outcome:
    """Met on time when done at or before the deadline, else met late."""
    return Outcome.MET_ON_TIME if done_at <= due_at else Outcome.MET_LATE


def _table() -> str:
    return get_settings().obligations_table


def _row_key(obligation: Obligation) -> dict[str, Any]:
    return serialize({"pk": obligation.entity_ref, "sk": obligation.key})


def _day(moment: datetime) -> str:
    return moment.astimezone(CITY_TZ).date().isoformat()


SCORE = "SCORE"  # the counters family of the on-time record (`cityops.core.counters`)


def counter_key(day: str, unit_id: str, system: str) -> dict[str, str]:
    """The on-time counters of one unit, system and due day (the day row; the month's
    roll-up is written with it), so that a window of days for every unit is one Query per
    month (never a Scan)."""
    return counters.counter_key(SCORE, day, unit_id, system)


def _count(obligation: Obligation, due_at: datetime, **deltas: int) -> list[dict[str, Any]]:
    unit, system = obligation.responsible_unit_id, obligation.system
    return counters.Count(
        _table(), SCORE, _day(due_at), (unit, system), deltas, {"unit_id": unit, "system": system}
    ).transaction_items()


def open_obligation(obligation: Obligation) -> list[dict[str, Any]]:
    """The transaction items that open an obligation (it must not exist yet) and count it as
    due on its day for its unit."""
    row = asdict(obligation)
    row.update(
        pk=obligation.entity_ref,
        sk=obligation.key,
        due_at=clock.iso(obligation.due_at),
        status="open",
        opened_at=clock.iso(clock.now()),
        open_shard=shard_of(obligation.entity_ref, obligation.key),
    )
    del row["entity_ref"], row["key"]
    put = {
        "Put": {
            "TableName": _table(),
            "Item": serialize(row),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    return [put, *_count(obligation, obligation.due_at, due=1)]


def move_obligation(obligation: Obligation, new_due_at: datetime) -> list[dict[str, Any]]:
    """The transaction items that move an open obligation's deadline (`obligation` as it is
    now, with its current `due_at`)."""
    update = {
        "Update": {
            "TableName": _table(),
            "Key": _row_key(obligation),
            "UpdateExpression": "SET due_at = :due, moved_at = :now",
            "ConditionExpression": "#status = :open AND due_at = :was",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": serialize(
                {
                    ":due": clock.iso(new_due_at),
                    ":was": clock.iso(obligation.due_at),
                    ":now": clock.iso(clock.now()),
                    ":open": "open",
                }
            ),
        }
    }
    if _day(new_due_at) == _day(obligation.due_at):
        return [update]
    return [
        update,
        *_count(obligation, obligation.due_at, due=-1),
        *_count(obligation, new_due_at, due=1),
    ]


def close_obligation(
    obligation: Obligation, outcome: Outcome, *, paused: bool = False
) -> list[dict[str, Any]]:
    """The transaction items that close an obligation with its outcome, and count the outcome
    on the obligation's due day for its unit. `paused`: it was paused (see
    `pause_obligation`), so it is counted as due again as it closes."""
    update = {
        "Update": {
            "TableName": _table(),
            "Key": _row_key(obligation),
            "UpdateExpression": "SET #status = :closed, outcome = :outcome, closed_at = :now "
            "REMOVE open_shard, paused_at",
            "ConditionExpression": "#status = :expected",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": serialize(
                {
                    ":closed": "closed",
                    ":outcome": outcome.value,
                    ":now": clock.iso(clock.now()),
                    ":expected": "paused" if paused else "open",
                }
            ),
        }
    }
    counts = {outcome.value: 1, **({"due": 1} if paused else {})}
    return [update, *_count(obligation, obligation.due_at, **counts)]


def pause_obligation(obligation: Obligation) -> list[dict[str, Any]]:
    """Stop chasing an open obligation while the work waits on someone else (a completion
    awaiting the assigning side's confirmation, a case suspended while a related matter is
    decided): it leaves the open index, so no sweep reminds or escalates it, and its day's
    due count, so the scoreboard does not count it missed. `resume_obligation` or
    `close_obligation(..., paused=True)` end the pause."""
    update = {
        "Update": {
            "TableName": _table(),
            "Key": _row_key(obligation),
            "UpdateExpression": "SET #status = :paused, paused_at = :now REMOVE open_shard",
            "ConditionExpression": "#status = :open AND due_at = :due",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": serialize(
                {
                    ":paused": "paused",
                    ":open": "open",
                    ":due": clock.iso(obligation.due_at),
                    ":now": clock.iso(clock.now()),
                }
            ),
        }
    }
    return [update, *_count(obligation, obligation.due_at, due=-1)]


def resume_obligation(
    obligation: Obligation, new_due_at: datetime | None = None
) -> list[dict[str, Any]]:
    """Chase a paused obligation again, due at `new_due_at` (e.g. moved by the paused time)
    or at its own deadline."""
    due_at = new_due_at or obligation.due_at
    update = {
        "Update": {
            "TableName": _table(),
            "Key": _row_key(obligation),
            "UpdateExpression": "SET #status = :open, open_shard = :shard, due_at = :due "
            "REMOVE paused_at",
            "ConditionExpression": "#status = :paused",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": serialize(
                {
                    ":open": "open",
                    ":paused": "paused",
                    ":shard": shard_of(obligation.entity_ref, obligation.key),
                    ":due": clock.iso(due_at),
                }
            ),
        }
    }
    return [update, *_count(obligation, due_at, due=1)]


def reassign_obligation(obligation: Obligation, user_id: str | None) -> list[dict[str, Any]]:
    """The transaction item that gives an open (or paused) obligation a new responsible
    person, so that reminders follow the work to its new handler."""
    return [
        {
            "Update": {
                "TableName": _table(),
                "Key": _row_key(obligation),
                "UpdateExpression": "SET responsible_user_id = :user",
                "ConditionExpression": "#status IN (:open, :paused)",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": serialize(
                    {":user": user_id or "", ":open": "open", ":paused": "paused"}
                ),
            }
        }
    ]
