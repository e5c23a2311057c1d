"""One change, one transaction: the entity, its audit record and its obligation rows (with the
on-time counters) are written together or not at all."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from cityops.core import clock
from cityops.core.audit import audit_record, history_page
from cityops.core.auth import Principal
from cityops.core.dynamo import Change, VersionConflict, get_item, query_page, write_change
from cityops.core.errors import Conflict
from cityops.core.ids import new_id
from cityops.core.obligations import (
    OPEN_BY_DUE_INDEX,
    OPEN_SHARDS,
    Obligation,
    Outcome,
    close_obligation,
    counter_key,
    move_obligation,
    open_obligation,
    outcome_for,
    pause_obligation,
    resume_obligation,
)
from cityops.core.pipeline import Entity, Permission, Pipeline
from cityops.core.settings import get_settings
from cityops.core.statemachine import StateMachine, t
from cityops.core.store import DynamoStore
from pydantic import Field

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hanoi


@pytest.fixture
def table(aws):
    clock.set_now(NOW)
    return get_settings().directory_table  # any table with pk/sk will do for the entity


def obligation(due: datetime, key: str = "test.complete") -> Obligation:
    return Obligation(
        entity_ref="test#1",
        key=key,
        kind="test.complete",
        system="tasks",
        title="Thử nghiệm",
        due_at=due,
        responsible_unit_id="U1",
    )


def entity(version: int, **fields):
    return {"pk": "TEST#1", "sk": "TEST", "version": version, **fields}


def open_rows():
    settings = get_settings()
    rows = []
    for shard in range(OPEN_SHARDS):
        items, _ = query_page(
            settings.obligations_table,
            index=OPEN_BY_DUE_INDEX,
            key_condition="open_shard = :s",
            values={":s": f"OPEN#{shard}"},
        )
        rows += items
    return rows


def counters(day: str):
    return get_item(get_settings().obligations_table, **counter_key(day, "U1", "tasks")) or {}


def test_a_created_entity_opens_its_obligation_and_counts_it_due(table):
    due = NOW + timedelta(days=3)
    write_change(
        Change(
            table,
            entity(1, title="a"),
            None,
            audit_record("TEST#1", None, "created", None, {"title": "a"}),
            also=open_obligation(obligation(due)),
        )
    )
    assert [r["sk"] for r in open_rows()] == ["test.complete"]
    assert counters("2026-03-05")["due"] == 1
    entries, _ = history_page(table, "TEST#1", limit=10, cursor=None)
    assert entries[0]["changes"] == {"title": [None, "a"]}


def test_closing_drops_the_row_from_the_open_index_and_counts_the_outcome(table):
    ob = obligation(NOW + timedelta(days=3))
    write_change(Change(table, entity(1), None, also=open_obligation(ob)))
    write_change(Change(table, entity(2), 1, also=close_obligation(ob, Outcome.MET_ON_TIME)))
    assert open_rows() == []
    assert counters("2026-03-05") == {**counters("2026-03-05"), "due": 1, "met_on_time": 1}


def test_moving_a_deadline_moves_its_count_to_the_new_day(table):
    ob = obligation(NOW + timedelta(days=3))
    write_change(Change(table, entity(1), None, also=open_obligation(ob)))
    write_change(Change(table, entity(2), 1, also=move_obligation(ob, NOW + timedelta(days=10))))
    assert counters("2026-03-05")["due"] == 0
    assert counters("2026-03-12")["due"] == 1
    assert open_rows()[0]["due_at"].startswith("2026-03-12")


def test_two_obligations_on_one_day_count_together_in_one_transaction(table):
    due = NOW + timedelta(days=1)
    items = open_obligation(obligation(due, "a")) + open_obligation(obligation(due, "b"))
    write_change(Change(table, entity(1), None, also=items))
    assert counters("2026-03-03")["due"] == 2


def test_a_stale_version_writes_nothing(table):
    write_change(Change(table, entity(1, title="a"), None))
    ob = obligation(NOW + timedelta(days=3))
    with pytest.raises(VersionConflict):
        write_change(
            Change(
                table,
                entity(2, title="b"),
                5,
                audit_record("TEST#1", None, "changed", None, None),
                also=open_obligation(ob),
            )
        )
    assert get_item(table, "TEST#1", "TEST")["title"] == "a"
    assert open_rows() == [] and counters("2026-03-05") == {}
    assert history_page(table, "TEST#1", limit=10, cursor=None)[0] == []


def test_closing_an_obligation_twice_is_a_conflict_and_writes_nothing(table):
    ob = obligation(NOW + timedelta(days=3))
    write_change(Change(table, entity(1), None, also=open_obligation(ob)))
    write_change(Change(table, entity(2), 1, also=close_obligation(ob, Outcome.MET_LATE)))
    with pytest.raises(Conflict):
        write_change(Change(table, entity(3), 2, also=close_obligation(ob, Outcome.MET_LATE)))
    assert get_item(table, "TEST#1", "TEST")["version"] == 2
    assert counters("2026-03-05")["met_late"] == 1


class Tally(Entity):
    entity_type: ClassVar[str] = "tally"
    notes: list[int] = Field(default_factory=list)


class TallyStore(DynamoStore[Tally]):
    system = "tasks"
    model = Tally
    sort_key = "TALLY"

    def table(self) -> str:
        return get_settings().directory_table


def test_concurrent_appends_through_the_pipeline_lose_nothing(table):
    """Appends (no If-Match, like progress reports) that lose the race to another writer are
    tried again by the pipeline, with backoff, until each is written once."""
    anyone = Permission(lambda _who, _entity: True, "")
    machine = StateMachine(
        "tally",
        ("open",),
        "open",
        (t("note", "open", None, "anyone", verb="ghi"),),
        label="bảng đếm",
        names={"open": "Đang mở"},
    )
    pipeline = Pipeline(TallyStore(), {"tally": machine}, lambda _who, _e: True, {"anyone": anyone})
    tally = pipeline.create(None, Tally(id=new_id(), status="open", created_at=NOW), "created")
    who = Principal(sub="u", username="u", name="u", unit_id="U1", roles=frozenset({"officer"}))

    def add_note(n: int) -> None:
        pipeline.change(who, tally.id, "note", lambda w: w.entity.notes.append(n), append=True)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(add_note, range(8)))
    final = TallyStore().load(tally.id)
    assert final is not None
    assert sorted(final.notes) == list(range(8)) and final.version == 9


def test_done_at_the_deadline_is_on_time_and_a_second_later_is_late():
    due = NOW
    assert outcome_for(due, due) is Outcome.MET_ON_TIME
    assert outcome_for(due, due + timedelta(seconds=1)) is Outcome.MET_LATE


def test_a_paused_obligation_is_neither_swept_nor_counted_until_it_resumes(table):
    ob = obligation(NOW + timedelta(days=3))
    write_change(Change(table, entity(1), None, also=open_obligation(ob)))
    write_change(Change(table, entity(2), 1, also=pause_obligation(ob)))
    assert open_rows() == [] and counters("2026-03-05")["due"] == 0
    later = NOW + timedelta(days=10)
    write_change(Change(table, entity(3), 2, also=resume_obligation(ob, later)))
    assert [r["due_at"][:10] for r in open_rows()] == ["2026-03-12"]
    assert counters("2026-03-12")["due"] == 1 and counters("2026-03-05")["due"] == 0


def test_closing_a_paused_obligation_counts_it_due_and_met(table):
    ob = obligation(NOW + timedelta(days=3))
    write_change(Change(table, entity(1), None, also=open_obligation(ob)))
    write_change(Change(table, entity(2), 1, also=pause_obligation(ob)))
    with pytest.raises(Conflict):  # it is not open: the plain close does not apply
        write_change(Change(table, entity(3), 2, also=close_obligation(ob, Outcome.MET_LATE)))
    closing = close_obligation(ob, Outcome.MET_ON_TIME, paused=True)
    write_change(Change(table, entity(3), 2, also=closing))
    assert open_rows() == []
    assert counters("2026-03-05")["due"] == 1 and counters("2026-03-05")["met_on_time"] == 1
