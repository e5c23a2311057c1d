"""The sweep's logic with fakes for the index, the directory and the bus (no AWS): what it
reads, what it puts on the bus, when it stops and how it goes on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cityops.core import clock
from cityops.core.calendar import WorkingCalendar
from cityops.core.obligations import OPEN_SHARDS
from cityops.obligations.kinds import kind_table
from cityops.obligations.sweep import CONTINUED, run_sweep

LAW = WorkingCalendar()
FRIDAY = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri 27/11/2026 09:00 in Hanoi


def eod(day: date) -> str:
    return clock.iso(LAW.due_end_of_day(day))


class FakeIndex:
    """The OpenByDue index: rows by shard, sorted by due_at; pages as DynamoDB gives them."""

    def __init__(self, rows):
        self.rows = rows
        self.asked: list[tuple[str, str]] = []

    def read_page(self, shard, end, start_key, limit):
        self.asked.append((shard, end))
        rows = sorted(
            (r for r in self.rows if r["open_shard"] == shard and r["due_at"] <= end),
            key=lambda r: (r["due_at"], r["pk"]),
        )
        if start_key:
            rows = [
                r for r in rows if (r["due_at"], r["pk"]) > (start_key["due_at"], start_key["pk"])
            ]
        page = rows[:limit]
        more = len(rows) > limit
        last = page[-1] if more else None
        key = {k: last[k] for k in ("pk", "sk", "open_shard", "due_at")} if last else None
        return page, key


def obligation_row(n: int, due_at: str, kind: str = "task.complete", **extra):
    return {
        "pk": f"task#{n:04d}",
        "sk": kind,
        "kind": kind,
        "system": "tasks",
        "title": f"Nhiệm vụ {n}",
        "due_at": due_at,
        "responsible_unit_id": "DEPT",
        "escalation_chain": ["CITY"],
        "assigned_by": "chairman",
        "status": "open",
        "open_shard": f"OPEN#{n % OPEN_SHARDS}",
        **extra,
    }


def members(unit_id):
    return {
        "DEPT": [{"id": "dept.officer", "roles": ["officer"]}],
        "CITY": [{"id": "chairman", "roles": ["city_leader"]}],
    }.get(unit_id, [])


def sweep(index, *, now=FRIDAY, mode="daily", remaining=lambda: 60_000, resume=None, page=3):
    published = []
    result = run_sweep(
        now,
        mode,
        calendar=LAW,
        kinds=kind_table(),
        members=members,
        publish=published.extend,
        remaining_ms=remaining,
        read_page=index.read_page,
        resume=resume,
        page_size=page,
    )
    return result, published


def test_it_asks_each_shard_only_for_what_is_due_by_the_horizon_end():
    index = FakeIndex([obligation_row(1, eod(date(2026, 11, 30)))])
    sweep(index)
    assert sorted({shard for shard, _ in index.asked}) == [f"OPEN#{i}" for i in range(4)]
    assert {end for _, end in index.asked} == {eod(date(2026, 12, 2))}  # Wed: 3 working days


def test_one_event_per_obligation_with_its_level():
    index = FakeIndex(
        [
            obligation_row(1, eod(date(2026, 11, 30))),  # Mon: due soon
            obligation_row(2, eod(date(2026, 11, 27))),  # today
            obligation_row(3, eod(date(2026, 11, 26))),  # yesterday: overdue
            obligation_row(4, eod(date(2026, 11, 20))),  # escalated
        ]
    )
    result, published = sweep(index)
    kinds = sorted((e["entity_ref"], t) for t, e in published)
    assert kinds == [
        ("task#0001", "ObligationDueSoon"),
        ("task#0002", "ObligationDueToday"),
        ("task#0003", "ObligationOverdue"),
        ("task#0004", "ObligationEscalated"),
    ]
    assert result.complete and result.events == 4
    escalated = next(e for t, e in published if t == "ObligationEscalated")
    assert escalated["recipients"] == ["dept.officer", "chairman"]
    assert escalated["day"] == "2026-11-27"


def test_the_event_carries_the_row_s_safe_fields_and_nothing_else():
    row = obligation_row(
        1, eod(date(2026, 11, 30)), denunciator_name="Nguyễn Văn Bí Mật", content="secret"
    )
    _, published = sweep(FakeIndex([row]))
    ((_, detail),) = published
    assert set(detail) == {
        "entity_ref",
        "key",
        "kind",
        "system",
        "title",
        "due_at",
        "responsible_unit_id",
        "level",
        "urgent",
        "working_days_left",
        "working_days_overdue",
        "escalation_step",
        "recipients",
        "day",
    }
    assert "Bí Mật" not in repr(published) and "secret" not in repr(published)


@pytest.mark.parametrize(
    "day", [datetime(2026, 11, 28, 2, tzinfo=UTC), datetime(2026, 2, 17, 2, tzinfo=UTC)]
)
def test_nothing_is_swept_on_a_day_off(day):
    index = FakeIndex([obligation_row(1, clock.iso(day))])
    result, published = sweep(index, now=day)
    assert result.skipped and published == [] and index.asked == []


def test_the_urgent_sweep_tells_only_urgent_kinds():
    index = FakeIndex(
        [
            obligation_row(1, eod(date(2026, 11, 27))),
            obligation_row(2, eod(date(2026, 11, 27)), kind="complaint.accept"),
        ]
    )
    _, published = sweep(index, mode="urgent")
    assert [(e["kind"], e["urgent"]) for _, e in published] == [("complaint.accept", True)]
    assert {end for _, end in index.asked} == {eod(date(2026, 12, 1))}  # 2 working days


def test_short_of_time_it_stops_between_pages_and_the_continuation_finishes_the_rest():
    rows = [obligation_row(n, eod(date(2026, 11, 26))) for n in range(40)]
    complete = sweep(FakeIndex(rows))[1]
    budget = iter([60_000] * 5 + [1_000] * 100)
    first, part_one = sweep(FakeIndex(rows), remaining=lambda: next(budget))
    assert not first.complete and first.pages == 5
    continued = [e for t, e in part_one if t == CONTINUED]
    assert continued == [first.continuation]
    second, part_two = sweep(FakeIndex(rows), resume=first.continuation)
    assert second.complete
    told = [e for t, e in part_one + part_two if t != CONTINUED]
    assert sorted(e["entity_ref"] for e in told) == sorted(e["entity_ref"] for _, e in complete)


def test_a_failure_on_the_bus_fails_the_sweep_instead_of_hiding_it():
    def broken(events):
        raise RuntimeError("1 events were not accepted by the bus")

    with pytest.raises(RuntimeError):
        run_sweep(
            FRIDAY,
            "daily",
            calendar=LAW,
            kinds=kind_table(),
            members=members,
            publish=broken,
            remaining_ms=lambda: 60_000,
            read_page=FakeIndex([obligation_row(1, eod(date(2026, 11, 30)))]).read_page,
        )


def test_an_obligation_nobody_may_be_told_of_puts_nothing_on_the_bus():
    row = obligation_row(1, eod(date(2026, 11, 30)), responsible_unit_id="EMPTY")
    assert sweep(FakeIndex([row]))[1] == []


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        sweep(FakeIndex([]), mode="weekly")
