"""Deadlines end to end, over HTTP against the local stack (`make run`), as users meet them:
a task assigned by the chairman to the Department of Finance is chased by the sweep with a
reminder, an overdue notice and an escalation; a complaint's acceptance limit is chased the
same way; running the sweep twice a day sends nothing twice; the scoreboard counts it all.

The stack is shared by the whole session: this test moves the clock to March 2027 (and puts
it back), finds its own mail by its task's unique title, and never assumes an empty table.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from cityops.cases.rules import default_book
from cityops.core.calendar import WorkingCalendar

MONDAY = date(2027, 3, 1)  # Mon 1/3/2027; Tue 2/3 is the next working day
AT_0910 = "T09:10:00+07:00"  # clear of the hourly (hh:00) and morning (07:30) schedules

pytestmark = pytest.mark.e2e


def units_by_code(client) -> dict[str, str]:
    reply = client.get("/v1/units", params={"limit": 200})
    assert reply.status_code == 200, reply.text
    return {u["code"]: u["id"] for u in reply.json()["items"]}


def sweep(stack) -> dict:
    result = stack.run_schedule("deadline_sweep")["result"]
    assert result["complete"], result
    stack.drain()
    return result


def mail_about(stack, words: str) -> list[dict]:
    return [m for m in stack.outbox()["mail"] if words in (m["subject"] or "")]


def wait_for_mail(stack, words: str, to: str, subject_part: str, timeout: float = 60.0):
    """The notifier drains the bus in the background: wait for the mail to be sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for mail in mail_about(stack, words):
            if to in (mail["to"] or []) and subject_part in mail["subject"]:
                return mail
        time.sleep(0.5)
    pytest.fail(f"no mail to {to} about {words!r} with {subject_part!r}:\n{stack.output()[-3000:]}")


def inbox(client, entity_ref: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        reply = client.get("/v1/inbox", params=params)
        assert reply.status_code == 200, reply.text
        items += reply.json()["items"]
        cursor = reply.json()["next_cursor"]
        if not cursor:
            return [i for i in items if i["entity_ref"] == entity_ref]


def received_on_for_acceptance_due(due: date) -> date:
    """The receipt day whose acceptance limit (the rule's version in force that day: 7
    working days from 2026-07-01) ends on `due`."""
    calendar, book = WorkingCalendar(), default_book()
    day = due - timedelta(days=1)
    while book.in_force("complaint.accept", day).due_date(
        day, calendar
    ) != due or not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def test_a_task_and_a_complaint_are_chased_up_the_chain_once_a_day(stack, reset_clock):
    chairman = stack.as_user("chairman")
    officer, leader = stack.as_user("sotc.officer"), stack.as_user("sotc.leader")
    units = units_by_code(chairman)
    stack.set_clock(MONDAY.isoformat() + AT_0910)

    title = f"Rà soát hồ sơ quyết toán dự án {uuid.uuid4().hex[:8]}"
    created = chairman.post(
        "/v1/tasks",
        json={
            "title": title,
            "content": "Rà soát và báo cáo kết quả quyết toán các dự án hoàn thành.",
            "source": "people_committee",
            "source_document": {"number_symbol": "45/TB-UBND", "issued_on": "2027-02-26"},
            "lead_unit_id": units["SO-TC"],
            "due_date": (MONDAY + timedelta(days=1)).isoformat(),  # Tue 2/3
        },
    )
    assert created.status_code == 201, created.text
    task_ref = f"task#{created.json()['id']}"

    subject = f"Khiếu nại chậm giải quyết đền bù {uuid.uuid4().hex[:8]}"
    case = officer.post(
        "/v1/cases",
        json={
            "kind": "complaint",
            "complaint_round": "first_time",
            "channel": "reception",
            "received_on": received_on_for_acceptance_due(MONDAY + timedelta(days=1)).isoformat(),
            "summary": subject,
        },
    )
    assert case.status_code == 201, case.text
    case_ref = f"case#{case.json()['id']}"

    # Monday: the task is due the next working day: a reminder to the lead unit's officer.
    sweep(stack)
    mail = wait_for_mail(stack, title, "sotc.officer@cityops.example", "Sắp đến hạn")
    assert "Sở Tài chính" in mail["body"] and created.json()["id"] in mail["body"]
    (reminder,) = inbox(officer, task_ref)
    assert reminder["level"] == "due_soon" and reminder["title"] == title
    case_notices = inbox(officer, case_ref)
    assert [n["level"] for n in case_notices] == ["due_soon"]  # the acceptance limit too
    assert case_notices[0]["urgent"] is True

    # The same day again: nothing new.
    before = Counter((tuple(m["to"]), m["subject"]) for m in mail_about(stack, title))
    sweep(stack)
    time.sleep(2)
    after = Counter((tuple(m["to"]), m["subject"]) for m in mail_about(stack, title))
    assert after == before and set(after.values()) == {1}
    assert len(inbox(officer, task_ref)) == 1

    # Wednesday: the deadline has passed: the unit's leader is told it is overdue.
    stack.set_clock((MONDAY + timedelta(days=2)).isoformat() + AT_0910)
    sweep(stack)
    wait_for_mail(stack, title, "sotc.leader@cityops.example", "Quá hạn")
    assert sorted(n["level"] for n in inbox(leader, task_ref)) == ["due_soon", "overdue"]
    assert inbox(chairman, task_ref) == []  # not escalated yet
    # The complaint's acceptance (an urgent kind) is escalated after one working day.
    assert "escalated" in [n["level"] for n in inbox(chairman, case_ref)]
    assert "escalated" in [n["level"] for n in inbox(leader, case_ref)]

    # Friday, two working days late: the escalation reaches the chairman, who assigned it.
    stack.set_clock((MONDAY + timedelta(days=4)).isoformat() + AT_0910)
    sweep(stack)
    wait_for_mail(stack, title, "chairman@cityops.example", "báo cáo cấp trên")
    escalated = inbox(chairman, task_ref)
    assert [n["level"] for n in escalated] == ["escalated"]
    sms = [s for s in stack.outbox()["sms"] if title[:60] in s["message"]]
    assert sms  # overdue and escalated notices go by SMS too

    sweep(stack)  # and again the same day: nothing twice
    time.sleep(2)
    counts = Counter((tuple(m["to"]), m["subject"]) for m in mail_about(stack, title))
    assert set(counts.values()) == {1}
    assert len(inbox(chairman, task_ref)) == 1

    # The chairman reads it; the inbox shows it read.
    read = chairman.post(f"/v1/inbox/{escalated[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    for someone_else in (officer, stack.as_user("hoankiem.officer")):
        assert someone_else.post(f"/v1/inbox/{escalated[0]['id']}/read").status_code == 404

    # The scoreboard counts the task and the complaint as missed for the Department.
    board = chairman.get("/v1/scoreboard", params={"from": "2027-03-01", "to": "2027-03-31"})
    assert board.status_code == 200, board.text
    sotc = next(u for u in board.json()["units"] if u["code"] == "SO-TC")
    assert sotc["systems"]["tasks"]["missed"] >= 1 and sotc["systems"]["tasks"]["due"] >= 1
    assert sotc["systems"]["cases"]["missed"] >= 1
    assert board.json()["ranking"] is not None
    own = officer.get("/v1/scoreboard", params={"from": "2027-03-01", "to": "2027-03-31"})
    assert [u["code"] for u in own.json()["units"]] == ["SO-TC"]
    other = stack.as_user("hoankiem.officer").get(
        "/v1/scoreboard", params={"unit_id": units["SO-TC"]}
    )
    assert other.status_code == 404


def test_a_user_turns_sms_off_and_reads_their_settings_back(stack):
    officer = stack.as_user("soxd.officer")
    current = officer.get("/v1/me/notifications")
    assert current.status_code == 200
    etag = current.headers["ETag"]
    changed = officer.put(
        "/v1/me/notifications", json={"email": True, "sms": False}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["sms"] is False and changed.headers["ETag"] != etag
    stale = officer.put(
        "/v1/me/notifications", json={"email": True, "sms": True}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    always_inbox = officer.put(
        "/v1/me/notifications",
        json={"email": True, "sms": True, "inbox": False},
        headers={"If-Match": changed.headers["ETag"]},
    )
    assert always_inbox.status_code == 422
