"""The change pipeline, on a toy entity in memory: the order of its checks (404, 403, 428 and
412, 409), one commit per change, appends that retry and then say 409 with Retry-After, and
the deadline book's operations written with the change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from cityops.core.ids import new_id
from cityops.core.memory import MemoryStore
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Busy, Entity, Permission, Pipeline, time_limit
from cityops.core.statemachine import InvalidTransition, StateMachine, t
from pydantic import Field

from tests.paused_time import PausedTime

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


class Errand(Entity):
    entity_type: ClassVar[str] = "errand"
    unit_id: str
    owner: str
    notes: list[str] = Field(default_factory=list)


MACHINE = StateMachine(
    "errand",
    states=("open", "done", "cancelled"),
    initial="open",
    transitions=(
        t("finish", "open", "done", "owner", verb="hoàn thành"),
        t("note", "open", None, "member", verb="ghi chú cho"),
        t("cancel", ("open", "done"), "cancelled", "owner", verb="huỷ"),
    ),
    label="việc vặt",
    names={"open": "Đang làm", "done": "Đã xong", "cancelled": "Đã huỷ"},
)


def who(sub: str, unit: str = "U1") -> Principal:
    return Principal(sub=sub, username=sub, name=sub, unit_id=unit, roles=frozenset({"officer"}))


@pytest.fixture
def world():
    clock.set_now(NOW)
    store: MemoryStore[Errand] = MemoryStore("tasks")
    paused = PausedTime()
    pipeline = Pipeline(
        store=store,
        machines={"errand": MACHINE},
        sees=lambda p, e: p.unit_id == e.unit_id,
        permissions={
            "owner": Permission(lambda p, e: p.sub == e.owner, "Only its owner may."),
            "member": Permission(lambda p, e: True, ""),
        },
        not_found="No such errand.",
        changed_message="The errand has changed.",
        sleep=paused.sleep,
        monotonic=paused.monotonic,
    )
    errand = store.add(Errand(id=new_id(), status="open", created_at=NOW, unit_id="U1",
                              owner="ann", version=3))  # fmt: skip
    yield pipeline, store, errand
    clock.reset()


def test_a_caller_who_cannot_see_it_gets_404_before_anything_else(world):
    pipeline, _store, errand = world
    with pytest.raises(NotFound, match="No such errand"):
        pipeline.change(who("bob", "U2"), errand.id, "finish", if_match=None)


def test_a_caller_who_sees_it_but_may_not_act_gets_403_before_the_precondition(world):
    pipeline, _store, errand = world
    with pytest.raises(Forbidden, match="owner"):
        pipeline.change(who("bob"), errand.id, "finish", if_match=None)


def test_a_missing_if_match_is_428_and_a_stale_one_412_before_the_transition(world):
    pipeline, store, errand = world
    store.entities[errand.id].status = "cancelled"
    with pytest.raises(PreconditionRequired):
        pipeline.change(who("ann"), errand.id, "finish", if_match=None)
    with pytest.raises(PreconditionFailed, match="has changed"):
        pipeline.change(who("ann"), errand.id, "finish", if_match=2)
    with pytest.raises(
        InvalidTransition,
        match="Không thể hoàn thành việc vặt đang ở trạng thái «Đã huỷ»; chỉ thực hiện được khi",
    ):
        pipeline.change(who("ann"), errand.id, "finish", if_match=3)


def test_a_change_writes_once_with_its_new_state_version_and_events(world):
    pipeline, store, errand = world

    def rule(work):
        work.entity.notes.append("xong")
        work.emit("ErrandFinished", {"errand_id": work.entity.id})

    done = pipeline.change(who("ann"), errand.id, "finish", rule, if_match=3, note="ok")
    assert (done.status, done.version, done.notes) == ("done", 4, ["xong"])
    assert store.commits == 1 and store.entities[errand.id].status == "done"
    assert store.audit[-1]["action"] == "errand.finish" and store.audit[-1]["note"] == "ok"
    assert store.events == [("ErrandFinished", {"errand_id": errand.id})]


def test_a_refused_rule_writes_nothing(world):
    pipeline, store, errand = world

    def rule(work):
        work.entity.notes.append("half")
        raise Conflict("no")

    with pytest.raises(Conflict):
        pipeline.change(who("ann"), errand.id, "finish", rule, if_match=3)
    assert store.commits == 0 and store.entities[errand.id].notes == []


def test_a_change_that_lost_the_race_with_if_match_is_412(world):
    pipeline, store, errand = world
    store.fail_next = 1
    with pytest.raises(PreconditionFailed):
        pipeline.change(who("ann"), errand.id, "finish", if_match=3)


def test_an_append_retries_lost_races_and_keeps_the_state(world):
    pipeline, store, errand = world
    store.fail_next = 5
    noted = pipeline.change(who("bob"), errand.id, "note",
                            lambda w: w.entity.notes.append("n"), append=True)  # fmt: skip
    assert noted.status == "open" and noted.notes == ["n"] and store.commits == 1


def test_an_append_keeps_trying_while_its_request_has_time(world):
    pipeline, store, errand = world
    store.fail_next = 30  # more lost races than any fixed count of attempts would allow
    with time_limit(60):  # 30 backoffs capped at 1 s sleep at most 24 s
        noted = pipeline.change(who("bob"), errand.id, "note",
                                lambda w: w.entity.notes.append("n"), append=True)  # fmt: skip
    assert noted.notes == ["n"] and store.commits == 1 and store.fail_next == 0


def test_an_append_gives_up_when_its_request_runs_out_of_time(world):
    pipeline, store, errand = world
    store.fail_next = 30
    with time_limit(0.5), pytest.raises(Busy):
        pipeline.change(who("bob"), errand.id, "note", append=True)
    assert store.commits == 0 and 0 < store.fail_next < 30


def test_an_append_that_keeps_losing_is_409_with_retry_after_never_412(world):
    pipeline, store, errand = world
    store.fail_next = 100
    with pytest.raises(Busy) as raised:
        pipeline.change(who("bob"), errand.id, "note", append=True)
    assert raised.value.status == 409 and raised.value.headers() == {"Retry-After": "1"}


def test_deadline_operations_reach_the_obligation_rows_with_the_change(world):
    pipeline, store, errand = world
    due = NOW + timedelta(days=3)

    def open_it(work):
        work.entity.deadlines.open("task.complete", due, title="Việc", key="task.complete",
                                   unit_path=["CITY", "DEPT", "U1"], user_id="ann")  # fmt: skip

    opened = pipeline.change(who("bob"), errand.id, "note", open_it, append=True)
    row = store.row(opened, "task.complete")
    assert row["status"] == "open" and row["escalation_chain"] == ["DEPT", "CITY"]

    def finish(work):
        work.entity.deadlines.close("task.complete")

    done = pipeline.change(who("ann"), errand.id, "finish", finish, if_match=opened.version)
    assert store.row(done, "task.complete")["outcome"] == Outcome.MET_ON_TIME
    assert done.deadlines.pending() == [] and done.deadlines.ops() == []
