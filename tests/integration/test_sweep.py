"""The deadline sweep against moto, with the notifier behind the bus as template.yaml wires
it: what it reads (the open index, never a Scan), who is told of what, and exactly once per
obligation, level, recipient and day whatever the sweeps do: run twice, overlap, die halfway
or run short of time."""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from cityops.core import clock
from cityops.core.aws import client
from cityops.core.calendar import WorkingCalendar
from cityops.core.events import publish as put_events
from cityops.core.obligations import Outcome
from cityops.core.settings import get_settings
from cityops.directory import store as directory_store
from cityops.obligations import sweep as sweeps
from cityops.obligations.kinds import kind_table

from tests.conftest import FakeContext, load_function
from tests.integration.test_sweep_support import World

LAW = WorkingCalendar()
FRIDAY = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri 27/11/2026 09:00 in Hanoi


def eod(day: date) -> datetime:
    return LAW.due_end_of_day(day)


@pytest.fixture
def world(seeded, aws):
    clock.set_now(FRIDAY)
    return World(aws, seeded)


def run_sweep_function(event=None, remaining_ms: int = 300_000):
    class Context(FakeContext):
        def get_remaining_time_in_millis(self) -> int:
            return remaining_ms

    return load_function("deadline_sweep").lambda_handler(event or {"mode": "daily"}, Context())


def sweep_with(publish, *, remaining=lambda: 300_000, page_size=100, resume=None):
    """One sweep with the real index, directory and calendar, and a chosen way to the bus."""
    return sweeps.run_sweep(
        clock.now(),
        "daily",
        calendar=directory_store.working_calendar(),
        kinds=kind_table(),
        members=sweeps.cached_members(directory_store.members),
        publish=publish,
        remaining_ms=remaining,
        page_size=page_size,
        resume=resume,
    )


def to_the_bus(events):
    put_events("obligations", events)


def notices_by_recipient(world):
    """(username, entity, level) -> how many inbox notices, over every user."""
    out = Counter()
    for username in world.people:
        for notice in world.inbox(username):
            out[(username, notice["entity_ref"], notice["level"])] += 1
    return out


def mails_by_recipient(world):
    return Counter((m["to"][0], m["subject"]) for m in world.mail())


class Calls:
    """Every AWS call the cached clients make, with its parameters (a botocore hook)."""

    def __init__(self, *services):
        self.names: list[tuple[str, str]] = []
        self.params: list[dict] = []
        for service in services:
            client(service).meta.events.register("before-parameter-build", self._record)

    def _record(self, model, params, **_):
        self.names.append((model.service_model.service_name, model.name))
        self.params.append(dict(params))


# --- what it reads ---------------------------------------------------------------------------


def test_the_sweep_reads_the_open_index_up_to_the_horizon_and_never_scans(world):
    world.open(world.obligation(eod(date(2026, 11, 30))))  # due soon
    world.open(world.obligation(eod(date(2027, 6, 30))))  # open, far beyond the horizon
    closed = world.open(world.obligation(eod(date(2026, 11, 26))))
    world.close(closed, Outcome.MET_ON_TIME)
    calls = Calls("dynamodb")
    result = run_sweep_function()
    operations = {name for _, name in calls.names}
    assert "Scan" not in operations
    queries = [p for (_, n), p in zip(calls.names, calls.params, strict=True) if n == "Query"]
    index_queries = [q for q in queries if q.get("IndexName") == "OpenByDue"]
    assert len(index_queries) == 4  # one per shard, one page each
    assert all("due_at <= :end" in q["KeyConditionExpression"] for q in index_queries)
    assert result["read"] == 1 and result["events"] == 1  # neither the closed nor the far one


def test_a_reminder_reaches_the_responsible_unit_s_members_by_mail_and_inbox(world):
    world.open(world.obligation(eod(date(2026, 11, 30))))
    run_sweep_function()
    world.notify()
    assert world.recipients_of_mail() == ["sotc.leader", "sotc.officer"]
    (notice,) = world.inbox("sotc.officer")
    assert notice["level"] == "due_soon" and notice["unit_name"] == "Sở Tài chính"
    assert world.sms() == []  # a reminder of a non-urgent kind is not worth an SMS


def test_overdue_reaches_the_unit_leader_and_escalation_the_leader_above_and_the_assigner(world):
    world.open(world.obligation(eod(date(2026, 11, 26)), responsible="sotc.officer"))
    run_sweep_function()
    world.notify()
    told = {u for u, _, level in notices_by_recipient(world) if level == "overdue"}
    assert told == {"sotc.officer", "sotc.leader"}

    clock.set_now(FRIDAY + timedelta(days=4))  # Tue 1/12: two working days late
    run_sweep_function()
    world.notify()
    told = {u for u, _, level in notices_by_recipient(world) if level == "escalated"}
    assert told == {"sotc.officer", "sotc.leader", "chairman"}  # chairman: above and assigner
    assert {s["to"] for s in world.sms()} >= {world.people["chairman"]["phone"]}


def test_the_assigner_is_told_of_the_escalation_even_from_another_unit(world):
    world.open(world.obligation(eod(date(2026, 11, 20)), assigned_by="ubnd.officer", chain=()))
    run_sweep_function()
    world.notify()
    told = {u for u, _, _ in notices_by_recipient(world)}
    assert told == {"sotc.officer", "sotc.leader", "ubnd.officer"}


def test_members_of_units_that_may_not_see_an_item_get_nothing(world):
    for due in (date(2026, 11, 30), date(2026, 11, 27), date(2026, 11, 26), date(2026, 11, 2)):
        world.open(world.obligation(eod(due), unit="SO-TC.NS", chain=("SO-TC", "UBND-HN")))
    run_sweep_function()
    world.notify()
    told = {u for u, _, _ in notices_by_recipient(world)}
    # The sub-unit, its leader, the leaders up the chain and the assigner (chairman); no
    # officer of the department or the city, no one from another department or ward.
    assert told == {"ns.leader", "ns.officer", "sotc.leader", "chairman"}
    mailed = set(world.recipients_of_mail())
    assert mailed == told
    phones = {s["to"] for s in world.sms()}
    outsiders = ["soxd.leader", "soxd.officer", "hoankiem.leader", "hoankiem.officer"]
    outsiders += ["sotc.officer", "ubnd.officer", "inspector", "ttr.leader"]
    assert not phones & {world.people[u]["phone"] for u in outsiders}


def test_a_closed_obligation_is_no_longer_chased(world):
    ob = world.open(world.obligation(eod(date(2026, 11, 26))))
    world.close(ob, Outcome.MET_LATE)
    assert run_sweep_function()["events"] == 0


def test_nothing_is_swept_on_a_saturday(world):
    world.open(world.obligation(eod(date(2026, 11, 26))))
    clock.set_now(FRIDAY + timedelta(days=1))
    result = run_sweep_function()
    assert result["skipped"] == "not a working day" and world.bus_events() == []


def test_the_hourly_sweep_chases_urgent_kinds_only(world):
    world.open(world.obligation(eod(date(2026, 11, 27))))
    urgent = world.open(
        world.obligation(
            datetime(2026, 11, 27, 1, 0, tzinfo=UTC),  # 08:00 today: passed at 09:00
            unit="TTR-HN",
            kind="denunciation.accept",
            system="cases",
            entity="case",
            title="Đơn tố cáo số 15/2026",
            assigned_by=None,
        )
    )
    result = run_sweep_function({"mode": "urgent"})
    assert result["events"] == 1
    world.notify()
    (notice,) = world.inbox("inspector")
    assert notice["entity_ref"] == urgent.entity_ref and notice["level"] == "overdue"
    assert world.inbox("sotc.officer") == []


# --- exactly once ----------------------------------------------------------------------------


def seed_every_level(world, count=3):
    for n in range(count):
        world.open(world.obligation(eod(date(2026, 11, 30)), title=f"Sắp đến hạn {n}"))
        world.open(world.obligation(eod(date(2026, 11, 27)), title=f"Hôm nay {n}"))
        world.open(world.obligation(eod(date(2026, 11, 26)), title=f"Quá hạn {n}"))
        world.open(world.obligation(eod(date(2026, 11, 19)), title=f"Chuyển cấp {n}"))


def test_running_the_sweep_twice_a_day_sends_nothing_twice(world):
    seed_every_level(world)
    run_sweep_function()
    world.notify()
    first_notices, first_mail = notices_by_recipient(world), mails_by_recipient(world)
    first_sms = len(world.sms())
    run_sweep_function()
    results = world.notify()
    assert len(results) == 12 and all(r["created"] == 0 for r in results)
    assert notices_by_recipient(world) == first_notices
    assert mails_by_recipient(world) == first_mail and len(world.sms()) == first_sms
    assert set(first_notices.values()) == {1} and set(first_mail.values()) == {1}


def test_the_next_day_tells_again(world):
    world.open(world.obligation(eod(date(2026, 11, 26))))
    run_sweep_function()
    world.notify()
    clock.set_now(FRIDAY + timedelta(days=3))  # Mon 30/11
    run_sweep_function()
    world.notify()
    days = sorted(n["day"] for n in world.inbox("sotc.officer"))
    assert days == ["2026-11-27", "2026-11-30"]


def test_two_overlapping_sweeps_and_notifiers_send_each_notice_once(world):
    seed_every_level(world)
    start = threading.Barrier(4)
    errors = []

    def sweep_then_notify():
        try:
            start.wait()
            run_sweep_function()
        except Exception as exc:  # surfaced below; where it was raised, in captured stderr
            traceback.print_exc()
            errors.append(exc)

    threads = [threading.Thread(target=sweep_then_notify) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    events = world.notifier_events()
    assert len(events) == 4 * 12  # every sweep put every event on the bus

    def deliver(chunk):
        try:
            world.notify(chunk)
        except Exception as exc:
            traceback.print_exc()
            errors.append(exc)

    chunks = [events[i::4] for i in range(4)]
    threads = [threading.Thread(target=deliver, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    notices = notices_by_recipient(world)
    assert len(notices) == 3 * (2 + 2 + 2 + 3) and set(notices.values()) == {1}
    assert set(mails_by_recipient(world).values()) == {1}
    sms = Counter((s["to"], s["text"]) for s in world.sms())
    assert sms and set(sms.values()) == {1}


def test_a_sweep_that_dies_halfway_and_runs_again_misses_nothing_and_repeats_nothing(world):
    seed_every_level(world, count=5)  # 20 obligations
    delivered = []

    def dies_after_seven(events):
        for event in events:
            if len(delivered) == 7:
                raise ConnectionError("the sweep's instance died")
            to_the_bus([event])
            delivered.append(event)

    with pytest.raises(ConnectionError):
        sweep_with(dies_after_seven, page_size=4)
    world.notify()
    assert len({n[1] for n in notices_by_recipient(world)}) == 7

    sweep_with(to_the_bus, page_size=4)  # the retry, from the start
    world.notify()
    notices = notices_by_recipient(world)
    assert len({entity for _, entity, _ in notices}) == 20  # missing nothing
    assert set(notices.values()) == {1}  # repeating nothing
    assert set(mails_by_recipient(world).values()) == {1}


def test_a_sweep_short_of_time_stops_cleanly_and_its_continuation_on_the_bus_finishes(world):
    seed_every_level(world, count=5)
    budget = iter([300_000] * 2 + [5_000] * 100)
    first = sweep_with(to_the_bus, remaining=lambda: next(budget), page_size=3)
    assert not first.complete and first.pages == 2 and 0 < first.events < 20
    continuation = [e for e in world.bus_events() if e["detail-type"] == "DeadlineSweepContinued"]
    assert len(continuation) == 1
    rule = next(r for r in world.tpl.rules() if r.function == "DeadlineSweepFunction")
    assert rule.pattern["detail-type"] == ["DeadlineSweepContinued"]
    second = run_sweep_function(continuation[0])  # as the sweep function's rule delivers it
    assert second["complete"] and first.events + second["events"] == 20
    world.notify()
    notices = notices_by_recipient(world)
    assert len({entity for _, entity, _ in notices}) == 20 and set(notices.values()) == {1}


def test_yesterday_s_continuation_is_not_run_today(world):
    event = {
        "detail-type": "DeadlineSweepContinued",
        "detail": {"mode": "daily", "day": "2026-11-26", "shard": 2, "start_key": None},
    }
    assert run_sweep_function(event)["skipped"] == "stale continuation"


# --- identity --------------------------------------------------------------------------------


def test_a_denunciator_s_identity_is_in_no_event_notice_mail_or_sms(world):
    secret = "Nguyễn Thị Bí Mật"
    case = world.obligation(
        eod(date(2026, 11, 26)),
        unit="TTR-HN",
        kind="denunciation.accept",
        system="cases",
        entity="case",
        title="Đơn tố cáo số 15/2026 về sai phạm đất đai",
        responsible="inspector",
        assigned_by=None,
        chain=("UBND-HN",),
    )
    world.open(case, denunciator_name=secret, denunciator_phone="+84912345678")
    # Even an attribute a careless system put on the obligation row does not travel.
    client("dynamodb").update_item(
        TableName=get_settings().obligations_table,
        Key={"pk": {"S": case.entity_ref}, "sk": {"S": case.key}},
        UpdateExpression="SET denunciator_name = :n",
        ExpressionAttributeValues={":n": {"S": secret}},
    )
    clock.set_now(FRIDAY + timedelta(days=3))  # escalated: the widest set of recipients
    run_sweep_function()
    events = world.bus_events()
    world.notify([e for e in events if e["detail-type"].startswith("Obligation")])
    sent = repr(events) + repr(world.mail()) + repr(world.sms())
    for username in world.people:
        sent += repr(world.inbox(username))
    assert secret not in sent and "+84912345678" not in sent
    (notice,) = world.inbox("inspector")
    assert notice["title"] == case.title and notice["entity_ref"] == case.entity_ref
    carried = {
        "id", "user_id", "level", "kind", "system", "title", "entity_ref", "key", "due_at",
        "unit_id", "unit_name", "link", "day", "urgent", "working_days_left",
        "working_days_overdue", "escalation_step", "created_at", "expires_at", "pk", "sk",
        "gsi1pk", "gsi1sk", "email_sent_at", "sms_sent_at",
    }  # fmt: skip
    assert set(notice) <= carried


@pytest.mark.parametrize("sample", ["morning-sweep.json", "urgent-sweep.json", "continued.json"])
def test_the_sample_events_run_the_sweep_function(world, sample):
    import json
    from pathlib import Path

    path = Path(__file__).parents[2] / "events" / "deadline_sweep" / sample
    result = run_sweep_function(json.loads(path.read_text(encoding="utf-8")))
    assert result["complete"] and result["day"] == "2026-11-27"
