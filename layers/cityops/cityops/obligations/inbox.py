"""The inbox and notification settings: one function per use case; authorisation here.

A notice lives in its recipient's partition, so a caller reaches only their own: another
user's notice id is simply not found (404), whoever asks.
"""

from __future__ import annotations

import re
from typing import Any

from cityops.core import clock
from cityops.core.audit import audit_record
from cityops.core.auth import Principal
from cityops.core.dynamo import Change, VersionConflict, write_change
from cityops.core.errors import Conflict, NotFound, PreconditionFailed
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.obligations import store
from cityops.obligations.models import (
    InboxPage,
    Notice,
    NotificationSettings,
    NotificationSettingsChange,
)

_NOTICE_ID = re.compile(r"^[0-9a-f]{32}$")


def _me(who: Principal) -> str:
    if not who.sub:
        raise NotFound("No such resource.")
    return who.sub


def _notice(item: dict[str, Any]) -> Notice:
    return Notice.model_validate({**item, "read": bool(item.get("read_at"))})


def list_inbox(who: Principal, *, limit: int | None, cursor: str | None) -> InboxPage:
    """The caller's notices, unread first, newest first within each."""
    user_id = _me(who)
    scope = f"inbox:{user_id}"
    items, last = store.inbox_page(
        user_id, limit=check_limit(limit), start_key=decode_cursor(cursor, scope)
    )
    return InboxPage(items=[_notice(i) for i in items], next_cursor=encode_cursor(last, scope))


def read_notice(who: Principal, notice_id: str) -> Notice:
    """Mark one of the caller's notices read (again: no change)."""
    user_id = _me(who)
    item = store.get_notice(user_id, notice_id) if _NOTICE_ID.match(notice_id) else None
    if item is None:
        raise NotFound("No such notice.")
    if not item.get("read_at"):
        store.mark_read(user_id, notice_id, item["created_at"], clock.iso(clock.now()))
        item = store.get_notice(user_id, notice_id) or item
    return _notice(item)


def get_notification_settings(who: Principal) -> NotificationSettings:
    item = store.get_preferences(_me(who)) or {}
    return NotificationSettings.model_validate(item)


def put_notification_settings(
    who: Principal, change: NotificationSettingsChange, expected_version: int
) -> NotificationSettings:
    """Set the caller's channels (If-Match: the version read; "0" before the first time)."""
    user_id = _me(who)
    before = store.get_preferences(user_id)
    version = before["version"] if before else 0
    if version != expected_version:
        raise PreconditionFailed("Your settings have changed since you read them; read again.")
    after = {
        "email": change.email,
        "sms": change.sms,
        "inbox": True,
        "version": version + 1,
        "updated_at": clock.iso(clock.now()),
    }
    pk = store.user_pk(user_id)
    plain_before = {k: before[k] for k in ("email", "sms", "inbox")} if before else None
    try:
        write_change(
            Change(
                table=store.table(),
                item={"pk": pk, "sk": "PREFS", **after},
                expected_version=version or None,
                audit=audit_record(pk, who, "notifications.changed", plain_before, after),
            )
        )
    except (VersionConflict, Conflict) as exc:
        raise PreconditionFailed("Your settings changed at the same time; read again.") from exc
    return NotificationSettings.model_validate(after)
