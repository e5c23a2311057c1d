"""The notifier against moto: one notice per obligation, level, recipient and day (a
conditional write), each channel sent once under a lease, failures retried without resending
what went out, the user's channels honoured, bad events refused."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from cityops.core import clock
from cityops.obligations import notices, store
from cityops.obligations.notices import DeliveryFailed, InvalidNoticeEvent

from tests.conftest import FakeContext, load_function
from tests.integration.test_sweep_support import World

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri 09:00 in Hanoi


@pytest.fixture
def world(seeded, aws):
    clock.set_now(NOW)
    return World(aws, seeded)


def event(world, level="overdue", *, to=("sotc.officer", "sotc.leader"), **detail):
    detail_type = {
        "due_soon": "ObligationDueSoon",
        "due_today": "ObligationDueToday",
        "overdue": "ObligationOverdue",
        "escalated": "ObligationEscalated",
    }[level]
    return {
        "version": "0",
        "id": "event-1",
        "source": "cityops.obligations",
        "detail-type": detail_type,
        "detail": {
            "entity_ref": "task#01KTASK00000000000000000000",
            "key": "task.complete",
            "kind": "task.complete",
            "system": "tasks",
            "title": "Rà soát danh mục dự án chậm giải ngân",
            "due_at": "2026-11-26T16:59:59.999999Z",
            "responsible_unit_id": world.unit("SO-TC"),
            "level": level,
            "urgent": False,
            "working_days_left": 0,
            "working_days_overdue": 1,
            "escalation_step": 0,
            "recipients": [world.id(u) for u in to],
            "day": "2026-11-27",
            **detail,
        },
    }


def handler(evt):
    return load_function("notifier").lambda_handler(evt, FakeContext())


def test_each_recipient_gets_a_notice_a_mail_and_for_an_overdue_item_an_sms(world):
    result = handler(event(world))
    assert result["created"] == 2 and result["email"] == 2 and result["sms"] == 2
    assert world.recipients_of_mail() == ["sotc.leader", "sotc.officer"]
    (mail,) = [m for m in world.mail() if m["to"] == ["sotc.officer@cityops.example"]]
    assert mail["subject"].startswith("[CityOps] Quá hạn: Rà soát danh mục")
    assert "Sở Tài chính" in mail["body"] and "hết ngày 26/11/2026" in mail["body"]
    assert "http://localhost:5173/tasks/01KTASK" in mail["body"]
    (notice,) = world.inbox("sotc.officer")
    assert notice["level"] == "overdue" and "pending" not in notice


def test_the_same_event_again_writes_no_second_notice_and_sends_nothing(world):
    handler(event(world))
    again = handler(event(world))
    assert again["created"] == 0 and again["already_notified"] == 2
    assert again["email"] == again["sms"] == 0
    assert len(world.mail()) == 2 and len(world.sms()) == 2
    assert len(world.inbox("sotc.officer")) == 1


def test_the_same_event_delivered_by_eight_invocations_at_once_is_sent_once(world):
    barrier, errors = threading.Barrier(8), []

    def deliver():
        try:
            barrier.wait()
            notices.deliver(event(world))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(world.mail()) == 2 and len(world.sms()) == 2
    assert len(world.inbox("sotc.officer")) == len(world.inbox("sotc.leader")) == 1


def test_another_level_or_another_day_is_another_notice(world):
    handler(event(world))
    handler(event(world, "escalated"))
    handler(event(world, day="2026-11-30"))
    assert len(world.inbox("sotc.officer")) == 3 and len(world.mail()) == 6


def test_a_failed_mail_fails_the_invocation_and_its_retry_sends_only_what_failed(
    world, monkeypatch
):
    real = notices.send_mail
    failing = {"sotc.leader@cityops.example"}

    def flaky(address, subject, body):
        if address in failing:
            raise ConnectionError("SES did not answer")
        real(address, subject, body)

    monkeypatch.setattr(notices, "send_mail", flaky)
    with pytest.raises(DeliveryFailed):
        handler(event(world))
    assert world.recipients_of_mail() == ["sotc.officer"] and len(world.sms()) == 2
    failing.clear()
    retry = handler(event(world))  # EventBridge / Lambda retry the event
    assert retry["email"] == 1 and retry["sms"] == 0
    assert world.recipients_of_mail() == ["sotc.leader", "sotc.officer"]
    assert len(world.sms()) == 2


def test_a_send_cut_short_by_a_dying_instance_is_sent_by_a_retry_after_its_lease(
    world, monkeypatch
):
    class InstanceDied(BaseException):
        """Not an Exception: nothing in the notifier gets to clean up after it."""

    def dies(address, subject, body):
        raise InstanceDied

    monkeypatch.setattr(notices, "send_mail", dies)
    with pytest.raises(InstanceDied):
        notices.deliver(event(world, to=("sotc.officer",)))
    monkeypatch.undo()
    soon = notices.deliver(event(world, to=("sotc.officer",)))
    assert soon.email == 0  # the lease still holds: it may be being sent
    clock.set_now(NOW + timedelta(seconds=notices.LEASE_SECONDS + 1))
    later = notices.deliver(event(world, to=("sotc.officer",)))
    assert later.email == 1 and world.recipients_of_mail() == ["sotc.officer"]


def test_a_reminder_goes_by_sms_only_for_an_urgent_kind(world):
    handler(event(world, "due_soon"))
    assert world.sms() == []
    handler(event(world, "due_soon", urgent=True, kind="complaint.accept", key="x"))
    assert len(world.sms()) == 2


def test_a_user_who_turned_mail_and_sms_off_still_gets_the_inbox_notice(world, call, principal):
    officer = principal(world.units["SO-TC"], "officer", sub=world.id("sotc.officer"))
    status, _, _ = call(
        "deadlines",
        "PUT",
        "/v1/me/notifications",
        who=officer,
        body={"email": False, "sms": False},
        headers={"if-match": '"0"'},
    )
    assert status == 200
    handler(event(world))
    assert world.recipients_of_mail() == ["sotc.leader"]
    assert [s["to"] for s in world.sms()] == [world.people["sotc.leader"]["phone"]]
    assert len(world.inbox("sotc.officer")) == 1


def test_an_unknown_recipient_is_skipped(world):
    evt = event(world)
    evt["detail"]["recipients"].append("sub-nobody")
    result = handler(evt)
    assert result["unknown_users"] == 1 and result["created"] == 2


def test_a_malformed_event_fails_so_that_it_ends_in_the_dead_letter_queue(world):
    evt = event(world)
    del evt["detail"]["title"]
    with pytest.raises(InvalidNoticeEvent):
        handler(evt)
    assert world.mail() == [] and world.inbox("sotc.officer") == []


def test_the_sender_is_verified_on_first_use_in_the_local_stack_and_tests(world):
    ses = boto3.client("ses")
    assert ses.list_identities()["Identities"] == []
    handler(event(world))
    assert "thongbao@cityops.example" in ses.list_identities()["Identities"]
    assert {m["source"] for m in world.mail()} == {"thongbao@cityops.example"}


def test_notices_expire_after_their_retention(world):
    handler(event(world))
    (notice,) = world.inbox("sotc.officer")
    assert notice["expires_at"] == int((NOW + timedelta(days=store.RETENTION_DAYS)).timestamp())
