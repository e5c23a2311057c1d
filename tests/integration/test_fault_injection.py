"""Fault injection on moto (issue 11): TransactWriteItems, PutEvents and SES fail, and a
sweep is killed halfway; nothing is half-written, nothing is lost, and every notice is still
sent exactly once after a retry. Each test prints the faults it survived."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from botocore.exceptions import ClientError
from cityops.core import clock
from cityops.core.aws import client
from cityops.obligations.notices import DeliveryFailed

from tests.integration.test_sweep import (
    FRIDAY,
    mails_by_recipient,
    notices_by_recipient,
    run_sweep_function,
    seed_every_level,
    sweep_with,
    to_the_bus,
)
from tests.integration.test_sweep_support import World
from tests.integration.test_tasks_support import City


class Faults:
    """Makes the next `times` calls of one AWS operation fail as AWS fails them."""

    def __init__(self) -> None:
        self.injected: Counter[str] = Counter()

    @contextmanager
    def failing(self, service: str, operation: str, times: int = 1) -> Iterator[None]:
        left = [times]

        def fail(model, **_):
            if model.name == operation and left[0] > 0:
                left[0] -= 1
                self.injected[f"{service}.{operation}"] += 1
                raise ClientError(
                    {"Error": {"Code": "InternalServerError", "Message": "injected fault"}},
                    operation,
                )

        events = client(service).meta.events
        events.register("before-call", fail)
        try:
            yield
        finally:
            events.unregister("before-call", fail)

    def report(self, what: str) -> None:
        print(f"\nfaults survived ({what}): {sum(self.injected.values())} {dict(self.injected)}")


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def city(seeded, call) -> City:
    return City(seeded, call)


@pytest.fixture
def world(seeded, aws):
    clock.set_now(FRIDAY)
    return World(aws, seeded)


def test_a_failed_transaction_writes_nothing_and_its_retry_writes_the_task_once(city, faults):
    before = city.snapshot()
    body = city.new_task(title="Kiểm tra lỗi giao dịch")
    key = {"Idempotency-Key": "fault-injection-1"}
    with faults.failing("dynamodb", "TransactWriteItems"):
        status, _, problem = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    assert status == 500 and problem["status"] == 500  # a problem, not a stack trace
    assert city.snapshot() == before  # no task, no audit, no obligation row, no counter
    assert city.events() == []
    status, _, task = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    assert status == 201
    again = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    assert again[0] == 201 and again[2]["id"] == task["id"]  # the retry's retry: the same task
    assert [e["detail-type"] for e in city.events()] == ["TaskAssigned"]
    faults.report("TransactWriteItems")
    assert faults.injected["dynamodb.TransactWriteItems"] == 1


def test_a_failed_put_events_loses_the_event_never_the_change_and_the_sweep_still_chases_it(
    city, faults
):
    with faults.failing("events", "PutEvents"):
        task = city.assign()  # the change is committed; its event is logged as lost
    assert city.task(task["id"])["status"] == task["status"]
    rows = city.obligations(task["id"])
    assert rows["task.complete"]["status"] == "open"  # what the daily sweep reads
    assert city.events() == []
    faults.report("PutEvents after a change")
    assert faults.injected["events.PutEvents"] == 1


def test_a_sweep_whose_put_events_fails_runs_again_and_every_notice_goes_once(world, faults):
    seed_every_level(world)
    with faults.failing("events", "PutEvents", times=1), pytest.raises(ClientError):
        sweep_with(to_the_bus, page_size=4)
    world.notify()
    sweep_with(to_the_bus, page_size=4)  # the scheduler's retry
    world.notify()
    notices = notices_by_recipient(world)
    assert len({entity for _, entity, _ in notices}) == 12 and set(notices.values()) == {1}
    assert set(mails_by_recipient(world).values()) == {1}
    faults.report("PutEvents in the sweep")


def test_mail_that_fails_is_sent_once_when_the_notifier_runs_again(world, faults):
    seed_every_level(world)
    run_sweep_function()
    events = world.notifier_events()
    with faults.failing("ses", "SendEmail", times=3):
        for event in events:
            with suppress(DeliveryFailed):  # the notifier fails the event, Lambda retries it
                world.notify([event])
    world.notify(events)  # every event again, as the bus's retries deliver them
    world.notify(events)  # and once more: nothing is sent twice
    mails = mails_by_recipient(world)
    assert mails and set(mails.values()) == {1}
    notices = notices_by_recipient(world)
    assert len({entity for _, entity, _ in notices}) == 12 and set(notices.values()) == {1}
    sms = Counter((s["to"], s["text"]) for s in world.sms())
    assert sms and set(sms.values()) == {1}
    faults.report("SES SendEmail")
    assert faults.injected["ses.SendEmail"] == 3


def test_a_sweep_killed_halfway_then_run_again_sends_every_notice_exactly_once(world, faults):
    seed_every_level(world, count=5)
    sent: list[dict] = []

    def killed_after_nine(events):
        for event in events:
            if len(sent) == 9:
                faults.injected["sweep killed"] += 1
                raise SystemExit("the sweep's instance was stopped")
            to_the_bus([event])
            sent.append(event)

    with pytest.raises(SystemExit):
        sweep_with(killed_after_nine, page_size=4)
    world.notify()
    sweep_with(to_the_bus, page_size=4)
    world.notify()
    notices = notices_by_recipient(world)
    assert len({entity for _, entity, _ in notices}) == 20 and set(notices.values()) == {1}
    assert set(mails_by_recipient(world).values()) == {1}
    faults.report("sweep killed halfway")
