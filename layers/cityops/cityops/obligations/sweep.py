"""The deadline sweep (quét hạn): find the open obligations that call for a notice today and
put one event per obligation on the bus.

It reads only what can be due: for each shard of the sparse `OpenByDue` index, one Query
`open_shard = :shard AND due_at <= :horizon_end`, page by page; never a Scan, and nothing
that falls due beyond the horizon, so its cost follows the number of due obligations, not
the size of the table.

The sweep keeps no state and sends nothing itself: running it twice, two at once, or again
after it died halfway only puts the same events on the bus again, and the notifier writes one
notice per obligation, level, recipient and day (a conditional write), so nothing is told
twice and nothing is missed. When the Lambda time is nearly spent it stops between pages and
puts a `DeadlineSweepContinued` event on the bus with where it stopped; the sweep function's
rule takes that event and goes on from there.

Modes: `daily` (the morning sweep, every kind) and `urgent` (hourly in office hours, the
kinds whose settings say `urgent`). Both skip days that are not working days.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from cityops.core import clock
from cityops.core.calendar import WorkingCalendar
from cityops.core.dynamo import query_page
from cityops.core.obligations import OPEN_BY_DUE_INDEX, OPEN_SHARDS
from cityops.core.settings import get_settings
from cityops.obligations.kinds import KindTable
from cityops.obligations.levels import DETAIL_TYPES, city_day, decide, horizon_end
from cityops.obligations.recipients import Members, recipients

MODES = ("daily", "urgent")
CONTINUED = "DeadlineSweepContinued"
EVENT_SOURCE = "obligations"  # on the bus: "cityops.obligations"
PAGE_SIZE = 100
SAFETY_MS = 20_000  # stop when less than this is left of the Lambda's time
PUT_BATCH = 10  # PutEvents takes ten entries

Event = tuple[str, dict[str, Any]]
Publish = Callable[[list[Event]], None]
ReadPage = Callable[
    [str, str, dict[str, Any] | None, int], tuple[list[dict[str, Any]], dict[str, Any] | None]
]


@dataclass
class SweepResult:
    mode: str
    day: str
    skipped: str | None = None
    complete: bool = True
    pages: int = 0
    read: int = 0
    events: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    continuation: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_open_due(
    shard: str, end: str, start_key: dict[str, Any] | None, limit: int
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of a shard of the open index, due at or before `end`, earliest first."""
    return query_page(
        get_settings().obligations_table,
        index=OPEN_BY_DUE_INDEX,
        key_condition="open_shard = :shard AND due_at <= :end",
        values={":shard": shard, ":end": end},
        limit=limit,
        start_key=start_key,
    )


def notice_event(
    row: Mapping[str, Any], level_detail: dict[str, Any], recipient_ids: list[str], day: str
) -> dict[str, Any]:
    """The event detail: the obligation's ids and safe summary, the level and the recipients'
    ids. Built field by field from the row: nothing else a row might carry goes out."""
    return {
        "entity_ref": row["pk"],
        "key": row["sk"],
        "kind": row["kind"],
        "system": row["system"],
        "title": row["title"],
        "due_at": row["due_at"],
        "responsible_unit_id": row["responsible_unit_id"],
        **level_detail,
        "recipients": recipient_ids,
        "day": day,
    }


def run_sweep(
    now: datetime,
    mode: str,
    *,
    calendar: WorkingCalendar,
    kinds: KindTable,
    members: Members,
    publish: Publish,
    remaining_ms: Callable[[], int],
    read_page: ReadPage = read_open_due,
    resume: Mapping[str, Any] | None = None,
    page_size: int = PAGE_SIZE,
    safety_ms: int = SAFETY_MS,
) -> SweepResult:
    """Sweep once. `resume` ({"shard": n, "start_key": {...}}) goes on where a sweep of the
    same day and mode stopped."""
    if mode not in MODES:
        raise ValueError(f"unknown sweep mode {mode!r}")
    today = city_day(now)
    result = SweepResult(mode=mode, day=today.isoformat())
    if not calendar.is_working_day(today):
        result.skipped = "not a working day"
        return result
    urgent_only = mode == "urgent"
    end = clock.iso(horizon_end(today, calendar, kinds.max_horizon(urgent_only=urgent_only)))
    first_shard = int(resume["shard"]) if resume else 0
    start_key: dict[str, Any] | None = (
        dict(resume["start_key"]) if resume and resume.get("start_key") else None
    )
    pending: list[Event] = []  # put on the bus ten at a time (one PutEvents call each)

    def flush(everything: bool) -> None:
        count = len(pending) if everything else len(pending) - len(pending) % PUT_BATCH
        if count:
            publish(pending[:count])
            result.events += count
            del pending[:count]

    for shard in range(first_shard, OPEN_SHARDS):
        while True:
            if remaining_ms() < safety_ms:
                flush(everything=True)
                result.complete = False
                result.continuation = {
                    "mode": mode,
                    "day": result.day,
                    "shard": shard,
                    "start_key": start_key,
                }
                publish([(CONTINUED, result.continuation)])
                return result
            rows, start_key = read_page(f"OPEN#{shard}", end, start_key, page_size)
            result.pages += 1
            result.read += len(rows)
            for row in rows:
                settings = kinds.for_kind(row["kind"])
                if urgent_only and not settings.urgent:
                    continue
                decision = decide(datetime.fromisoformat(row["due_at"]), now, calendar, settings)
                if decision is None:
                    continue
                to = recipients(row, decision, members)
                if not to:
                    continue
                level_detail = {
                    "level": decision.level.value,
                    "urgent": settings.urgent,
                    "working_days_left": decision.working_days_left,
                    "working_days_overdue": decision.working_days_overdue,
                    "escalation_step": decision.escalation_step,
                }
                pending.append(
                    (DETAIL_TYPES[decision.level], notice_event(row, level_detail, to, result.day))
                )
                level = decision.level.value
                result.by_level[level] = result.by_level.get(level, 0) + 1
            flush(everything=False)
            if start_key is None:
                break
    flush(everything=True)
    return result


def cached_members(lookup: Members) -> Members:
    """Each unit's members read once per sweep (units, not obligations, set the count)."""
    cache: dict[str, list[Mapping[str, Any]]] = {}

    def members(unit_id: str) -> list[Mapping[str, Any]]:
        if unit_id not in cache:
            cache[unit_id] = lookup(unit_id)
        return cache[unit_id]

    return members


def handle(event: Mapping[str, Any], remaining_ms: Callable[[], int]) -> dict[str, Any]:
    """The sweep function's use case: a schedule's event ({"mode": "daily" | "urgent"}), or
    the continuation a sweep of today left on the bus."""
    from cityops.core.events import publish as put_events
    from cityops.directory import store as directory_store
    from cityops.obligations.kinds import kind_table

    now = clock.now()
    resume = None
    if event.get("detail-type") == CONTINUED:
        detail = event.get("detail") or {}
        mode = detail.get("mode")
        if detail.get("day") != city_day(now).isoformat():
            # A new day has its own sweeps; yesterday's remainder is stale.
            return {"mode": mode, "skipped": "stale continuation", "complete": True}
        resume = {"shard": detail.get("shard", 0), "start_key": detail.get("start_key")}
    else:
        mode = event.get("mode") or "daily"
    result = run_sweep(
        now,
        str(mode),
        calendar=directory_store.working_calendar(),
        kinds=kind_table(),
        members=cached_members(directory_store.members),
        publish=lambda events: put_events(EVENT_SOURCE, events),
        remaining_ms=remaining_ms,
        resume=resume,
    )
    return result.as_dict()
