"""The inbox and notification settings over HTTP (the deadlines function): the caller's own
notices, unread first, paged; only the owner marks one read; channels set with If-Match."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cityops.core import clock
from cityops.obligations import notices, store

from tests.integration.test_sweep_support import World

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def world(seeded, aws):
    clock.set_now(NOW)
    return World(aws, seeded)


@pytest.fixture
def officer(world, principal):
    return principal(world.units["SO-TC"], "officer", sub=world.id("sotc.officer"))


@pytest.fixture
def leader(world, principal):
    return principal(world.units["SO-TC"], "unit_leader", sub=world.id("sotc.leader"))


def tell(world, n: int, *, level="overdue", day="2026-11-27", to=("sotc.officer",)):
    detail_type = {"due_soon": "ObligationDueSoon", "overdue": "ObligationOverdue"}[level]
    notices.deliver(
        {
            "detail-type": detail_type,
            "detail": {
                "entity_ref": f"task#T{n:03d}",
                "key": "task.complete",
                "kind": "task.complete",
                "system": "tasks",
                "title": f"Nhiệm vụ số {n}",
                "due_at": "2026-11-26T16:59:59.999999Z",
                "responsible_unit_id": world.unit("SO-TC"),
                "level": level,
                "recipients": [world.id(u) for u in to],
                "day": day,
            },
        }
    )
    return store.notice_id(world.id(to[0]), day, f"task#T{n:03d}", "task.complete", level)


def test_the_inbox_lists_the_caller_s_notices_unread_first_then_newest_first(world, call, officer):
    ids = []
    for n in range(4):
        clock.set_now(NOW.replace(minute=n))
        ids.append(tell(world, n))
    tell(world, 9, to=("sotc.leader",))
    status, _, body = call("deadlines", "POST", f"/v1/inbox/{ids[3]}/read", who=officer)
    assert status == 200 and body["read"] is True and body["read_at"]
    status, _, page = call("deadlines", "GET", "/v1/inbox", who=officer)
    assert status == 200
    assert [i["id"] for i in page["items"]] == [ids[2], ids[1], ids[0], ids[3]]
    assert [i["read"] for i in page["items"]] == [False, False, False, True]
    assert page["items"][0]["title"] == "Nhiệm vụ số 2" and page["next_cursor"] is None
    assert page["items"][0]["link"].endswith("/tasks/T002")


def test_the_inbox_pages_follow_the_cursor_and_a_tampered_cursor_is_refused(world, call, officer):
    for n in range(5):
        tell(world, n)
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, _, page = call("deadlines", "GET", "/v1/inbox", who=officer, query=query)
        assert status == 200 and len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5
    _, _, first = call("deadlines", "GET", "/v1/inbox", who=officer, query={"limit": "2"})
    tampered = first["next_cursor"][:-2] + (
        "AA" if not first["next_cursor"].endswith("AA") else "BB"
    )
    status, headers, _ = call(
        "deadlines", "GET", "/v1/inbox", who=officer, query={"cursor": tampered}
    )
    assert status == 422 and headers["Content-Type"] == "application/problem+json"


def test_a_cursor_from_another_user_s_inbox_is_refused(world, call, officer, leader):
    for n in range(3):
        tell(world, n, to=("sotc.leader",))
    _, _, page = call("deadlines", "GET", "/v1/inbox", who=leader, query={"limit": "1"})
    status, _, _ = call(
        "deadlines", "GET", "/v1/inbox", who=officer, query={"cursor": page["next_cursor"]}
    )
    assert status == 422


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_a_bad_limit_is_refused(world, call, officer, limit):
    status, _, _ = call("deadlines", "GET", "/v1/inbox", who=officer, query={"limit": limit})
    assert status == 422


def test_only_the_owner_marks_a_notice_read_anyone_else_gets_404(world, call, officer, leader):
    nid = tell(world, 1, to=("sotc.officer", "sotc.leader"))  # the officer's notice's id
    status, _, problem = call("deadlines", "POST", f"/v1/inbox/{nid}/read", who=leader)
    assert status == 404 and problem["status"] == 404
    for username in ("sotc.officer", "sotc.leader"):  # the leader's own is another notice
        (notice,) = world.inbox(username)
        assert "read_at" not in notice and notice["gsi1sk"].startswith("unread#")


@pytest.mark.parametrize("notice_id", ["0" * 32, "not-a-notice", "A" * 32])
def test_an_unknown_or_malformed_notice_is_404(world, call, officer, notice_id):
    status, _, _ = call("deadlines", "POST", f"/v1/inbox/{notice_id}/read", who=officer)
    assert status == 404


def test_the_inbox_counts_the_callers_unread_notices(world, call, officer):
    ids = [tell(world, n) for n in range(3)]
    tell(world, 1)  # the same notice delivered again: counted once
    tell(world, 9, to=("sotc.leader",))  # another user's
    tell(world, 4, day="2026-10-30")  # an unread notice of last month
    assert call("deadlines", "GET", "/v1/inbox", who=officer)[2]["unread"] == 4
    for _ in range(2):  # the second read changes nothing
        call("deadlines", "POST", f"/v1/inbox/{ids[0]}/read", who=officer)
    status, _, page = call("deadlines", "GET", "/v1/inbox", query={"limit": "1"}, who=officer)
    assert status == 200 and len(page["items"]) == 1 and page["unread"] == 3


def test_reading_a_notice_twice_keeps_the_first_time(world, call, officer):
    nid = tell(world, 1)
    _, _, first = call("deadlines", "POST", f"/v1/inbox/{nid}/read", who=officer)
    clock.set_now(NOW.replace(hour=5))
    status, _, second = call("deadlines", "POST", f"/v1/inbox/{nid}/read", who=officer)
    assert status == 200 and second["read_at"] == first["read_at"]


# --- notification settings -------------------------------------------------------------------


def test_the_channels_are_all_on_until_the_user_changes_them(world, call, officer):
    status, headers, body = call("deadlines", "GET", "/v1/me/notifications", who=officer)
    assert status == 200 and headers["ETag"] == '"0"'
    assert (body["email"], body["sms"], body["inbox"]) == (True, True, True)


def test_setting_the_channels_needs_the_version_read(world, call, officer):
    body = {"email": True, "sms": False}
    status, _, _ = call("deadlines", "PUT", "/v1/me/notifications", who=officer, body=body)
    assert status == 428
    status, headers, saved = call(
        "deadlines", "PUT", "/v1/me/notifications", who=officer, body=body,
        headers={"if-match": '"0"'},
    )  # fmt: skip
    assert status == 200 and headers["ETag"] == '"1"' and saved["sms"] is False
    status, _, _ = call(
        "deadlines", "PUT", "/v1/me/notifications", who=officer, body={"email": False, "sms": True},
        headers={"if-match": '"0"'},
    )  # fmt: skip
    assert status == 412
    _, _, now = call("deadlines", "GET", "/v1/me/notifications", who=officer)
    assert (now["email"], now["sms"], now["version"]) == (True, False, 1)


def test_a_settings_change_is_audited(world, call, officer):
    call(
        "deadlines", "PUT", "/v1/me/notifications", who=officer,
        body={"email": False, "sms": True}, headers={"if-match": '"0"'},
    )  # fmt: skip
    from cityops.core.audit import history_page

    entries, _ = history_page(store.table(), store.user_pk(officer.sub), limit=10, cursor=None)
    assert [e["action"] for e in entries] == ["notifications.changed"]
    assert entries[0]["actor_id"] == officer.sub
    assert entries[0]["changes"]["email"] == [None, False]


@pytest.mark.parametrize(
    "body",
    [
        {"email": True, "sms": True, "inbox": False},  # the inbox is always on
        {"email": "yes", "sms": True},
        {"email": True},
        {"email": True, "sms": True, "push": True},
    ],
)
def test_bad_settings_are_refused_and_change_nothing(world, call, officer, body):
    status, headers, _ = call(
        "deadlines", "PUT", "/v1/me/notifications", who=officer, body=body,
        headers={"if-match": '"0"'},
    )  # fmt: skip
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert store.get_preferences(officer.sub) is None


def test_settings_in_a_body_that_is_not_json_are_refused(world, call, officer):
    status, _, problem = call(
        "deadlines", "PUT", "/v1/me/notifications", who=officer, raw_body="{email",
        headers={"if-match": '"0"'},
    )  # fmt: skip
    assert status == 422 and "JSON" in problem["detail"]


def test_the_inbox_needs_a_signed_in_caller(world, call):
    status, _, _ = call("deadlines", "GET", "/v1/inbox")
    assert status == 404


def test_the_sample_http_events_are_answered_without_a_server_error(world):
    import json
    from pathlib import Path

    from tests.conftest import FakeContext, load_function

    handler = load_function("deadlines").lambda_handler
    samples = sorted((Path(__file__).parents[2] / "events" / "deadlines").glob("*.json"))
    assert len(samples) >= 5
    for sample in samples:
        reply = handler(json.loads(sample.read_text(encoding="utf-8")), FakeContext())
        # 403: a sample's caller has no directory profile in this world
        assert reply["statusCode"] in (200, 403, 404), (sample.name, reply)
