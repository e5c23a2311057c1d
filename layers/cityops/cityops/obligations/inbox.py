"""The inbox and notification settings: one function per use case; authorisation here.

A notice lives in its recipient's partition, so a caller reaches only their own: another
user's notice id is simply not found (404), whoever asks.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import Conflict, NotFound, PreconditionFailed, VersionConflict
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.core.pipeline import Entity, Permission, Pipeline, Work
from cityops.core.store import DynamoStore
from cityops.obligations import store
from cityops.obligations.models import (
    InboxPage,
    Notice,
    NotificationSettings,
    NotificationSettingsChange,
)
from cityops.obligations.workflow import PREFERENCES

_NOTICE_ID = re.compile(r"^[0-9a-f]{32}$")


def _me(who: Principal) -> str:
    if not who.sub:
        raise NotFound("Phiên đăng nhập không hợp lệ; hãy đăng nhập lại.")
    return who.sub


def _notice(item: dict[str, Any]) -> Notice:
    return Notice.model_validate({**item, "read": bool(item.get("read_at"))})


def list_inbox(who: Principal, *, limit: int | None, cursor: str | None) -> InboxPage:
    """The caller's notices, unread first, newest first within each, and how many are
    unread (from the counters kept with them)."""
    user_id = _me(who)
    scope = f"inbox:{user_id}"
    items, last = store.inbox_page(
        user_id, limit=check_limit(limit), start_key=decode_cursor(cursor, scope)
    )
    return InboxPage(
        items=[_notice(i) for i in items],
        next_cursor=encode_cursor(last, scope),
        unread=store.unread(user_id, clock.today()),
    )


def read_notice(who: Principal, notice_id: str) -> Notice:
    """Mark one of the caller's notices read (again: no change)."""
    user_id = _me(who)
    item = store.get_notice(user_id, notice_id) if _NOTICE_ID.match(notice_id) else None
    if item is None:
        raise NotFound("Không có thông báo này.")
    if not item.get("read_at"):
        day = item.get("day") or item["created_at"][:10]
        store.mark_read(user_id, notice_id, item["created_at"], clock.iso(clock.now()), day)
        item = store.get_notice(user_id, notice_id) or item
    return _notice(item)


def get_notification_settings(who: Principal) -> NotificationSettings:
    item = store.get_preferences(_me(who)) or {}
    return NotificationSettings.model_validate(item)


class NotificationPreferences(Entity):
    """A user's channels for notices (the in-app inbox is always on); version 0 until the
    user first sets them."""

    entity_type: ClassVar[str] = "prefs"

    email: bool = True
    sms: bool = True
    inbox: bool = True


class PreferencesStore(DynamoStore[NotificationPreferences]):
    system = "notices"  # the source of its events, were it to publish any
    model = NotificationPreferences
    sort_key = "PREFS"

    def table(self) -> str:
        return store.table()

    def pk(self, entity_id: str) -> str:
        return store.user_pk(entity_id)

    def load(self, entity_id: str) -> NotificationPreferences | None:
        item = store.get_preferences(entity_id)
        if item is not None:
            return self.from_item({"id": entity_id, "status": "set",
                                   "created_at": item["updated_at"], **item})  # fmt: skip
        return NotificationPreferences(id=entity_id, status="set", created_at=clock.now())


SETTINGS: Pipeline[NotificationPreferences] = Pipeline(
    store=PreferencesStore(),
    machines={"notification_settings": PREFERENCES},
    sees=lambda who, prefs: who.sub == prefs.id,
    permissions={
        "self": Permission(
            lambda who, prefs: who.sub == prefs.id,
            "Bạn chỉ được thay đổi cài đặt thông báo của chính mình.",
        )
    },
    changed_message="Cài đặt thông báo của bạn đã thay đổi kể từ lần đọc trước; hãy tải lại.",
    valid_id=bool,
)


def put_notification_settings(
    who: Principal, change: NotificationSettingsChange, expected_version: int | None
) -> NotificationSettings:
    """Set the caller's channels (If-Match: the version read; "0" before the first time)."""

    def rule(work: Work[NotificationPreferences]) -> None:
        work.entity.email, work.entity.sms, work.entity.inbox = change.email, change.sms, True

    try:
        saved = SETTINGS.change(who, _me(who), "set", rule, if_match=expected_version)
    except (VersionConflict, Conflict) as exc:
        raise PreconditionFailed(
            "Cài đặt thông báo của bạn vừa được thay đổi ở nơi khác; hãy tải lại rồi thử lại."
        ) from exc
    return NotificationSettings.model_validate(saved.model_dump(mode="json"))
