"""The notifier's use case: tell each recipient of an `Obligation*` event once.

For each recipient of the event: the notice (the in-app inbox entry) is created with a
conditional write keyed by (recipient, day, obligation, key, level); a second event for the
same notice (a sweep that ran twice, two sweeps at once, a retried sweep or a retried
delivery) finds it there. The notice records which channels are still to be sent
(`pending`: email, SMS per the recipient's settings); each is sent under a short lease
(a conditional update) and then marked sent, so a retry sends what failed and nothing that
went out. A failed send gives its lease back and the invocation fails, so EventBridge and
Lambda retry it and, in the end, put it on the dead-letter queue (with its alarm).

What a notice says comes from the event alone (the obligation's safe title, kind, system,
due time and responsible unit) and from the directory's unit name: never anything else about
the entity, and never a denunciator's identity, which no obligation row carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cityops.core import clock, logs
from cityops.core.aws import client
from cityops.core.calendar import CITY_TZ
from cityops.core.obligations import SYSTEMS
from cityops.core.settings import get_settings
from cityops.obligations import store
from cityops.obligations.levels import LATE_LEVELS, LEVEL_OF_DETAIL_TYPE, Level

LEASE_SECONDS = 120
DEFAULT_PREFERENCES = {"email": True, "sms": True, "inbox": True}

SYSTEM_NAMES = {
    "documents": "Văn bản và điều hành",
    "reports": "Báo cáo",
    "tasks": "Nhiệm vụ",
    "cases": "Kiến nghị, khiếu nại, tố cáo",
}
_LEVEL_SUBJECT = {
    Level.DUE_SOON: "Sắp đến hạn",
    Level.DUE_TODAY: "Đến hạn hôm nay",
    Level.OVERDUE: "Quá hạn",
    Level.ESCALATED: "Quá hạn, báo cáo cấp trên",
}
_TEXT_FIELDS = ("entity_ref", "key", "kind", "system", "title", "due_at", "responsible_unit_id")


class InvalidNoticeEvent(ValueError):
    """An event the notifier cannot use (it goes to the dead-letter queue after retries)."""


class DeliveryFailed(RuntimeError):
    """Some mail or SMS could not be sent; the event is retried, then dead-lettered."""


@dataclass
class Delivery:
    recipients: int = 0
    created: int = 0
    already_notified: int = 0
    unknown_users: int = 0
    email: int = 0
    sms: int = 0
    failures: list[str] = field(default_factory=list)


# --- the event ---------------------------------------------------------------------------


def parse_event(event: Mapping[str, Any]) -> tuple[Level, dict[str, Any]]:
    """The level and detail of an `Obligation*` event, checked."""
    level = LEVEL_OF_DETAIL_TYPE.get(str(event.get("detail-type")))
    detail = event.get("detail")
    if level is None or not isinstance(detail, Mapping):
        raise InvalidNoticeEvent("not an obligation notice event")
    for name in (*_TEXT_FIELDS, "day"):
        if not isinstance(detail.get(name), str) or not detail[name]:
            raise InvalidNoticeEvent(f"the event has no {name}")
    if detail.get("level") != level.value:
        raise InvalidNoticeEvent("the event's level does not match its detail-type")
    if detail["system"] not in SYSTEMS:
        raise InvalidNoticeEvent("unknown system")
    recipients = detail.get("recipients")
    if not isinstance(recipients, list) or not all(isinstance(r, str) and r for r in recipients):
        raise InvalidNoticeEvent("recipients must be a list of user ids")
    try:
        datetime.fromisoformat(detail["due_at"])
    except ValueError as exc:
        raise InvalidNoticeEvent("due_at is not an ISO time") from exc
    return level, dict(detail)


# --- what it says ------------------------------------------------------------------------


def app_base_url() -> str:
    return get_settings().app_base_url


def link_for(entity_ref: str) -> str:
    """The web app's page of the entity: `task#01J...` -> `<app>/tasks/01J...`."""
    kind, _, rest = entity_ref.partition("#")
    plural = kind if kind.endswith("s") else f"{kind}s"
    return f"{app_base_url()}/{plural}/{rest.replace('#', '/')}"


def due_text(due_at: str) -> str:
    """The deadline in Hanoi time, as people say it: "17:00 ngày 30/11/2026", or "hết ngày
    30/11/2026" for a deadline at the end of the day."""
    local = datetime.fromisoformat(due_at).astimezone(CITY_TZ)
    day = local.strftime("%d/%m/%Y")
    if (local.hour, local.minute) == (23, 59):
        return f"hết ngày {day}"
    return f"{local.strftime('%H:%M')} ngày {day}"


def _situation(notice: Mapping[str, Any]) -> str:
    level = Level(notice["level"])
    if level is Level.DUE_SOON:
        left = notice.get("working_days_left") or 0
        return (
            f"Việc sau đây sắp đến hạn (còn {left} ngày làm việc)."
            if left
            else ("Việc sau đây sắp đến hạn.")
        )
    if level is Level.DUE_TODAY:
        return "Việc sau đây đến hạn trong hôm nay."
    late = notice.get("working_days_overdue") or 0
    since = f" {late} ngày làm việc" if late else ""
    if level is Level.OVERDUE:
        return f"Việc sau đây đã quá hạn{since}, đề nghị khẩn trương hoàn thành."
    return f"Việc sau đây đã quá hạn{since} và được báo cáo lên cấp trên để chỉ đạo, đôn đốc."


def render_mail(notice: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body, in Vietnamese."""
    level = Level(notice["level"])
    subject = f"[CityOps] {_LEVEL_SUBJECT[level]}: {notice['title']}"
    body = "\n".join(
        [
            _situation(notice),
            "",
            f"Nội dung: {notice['title']}",
            f"Lĩnh vực: {SYSTEM_NAMES.get(notice['system'], notice['system'])}",
            f"Đơn vị chịu trách nhiệm: {notice['unit_name']}",
            f"Thời hạn: {due_text(notice['due_at'])} (giờ Hà Nội)",
            f"Xem và xử lý: {notice['link']}",
            "",
            "Thư này do hệ thống CityOps gửi tự động; mỗi việc được nhắc tối đa một lần "
            "mỗi ngày ở mỗi mức.",
        ]
    )
    return subject, body


def render_sms(notice: Mapping[str, Any]) -> str:
    level = Level(notice["level"])
    title = notice["title"] if len(notice["title"]) <= 80 else notice["title"][:79] + "…"
    return (
        f"CityOps - {_LEVEL_SUBJECT[level]}: {title}. Hạn {due_text(notice['due_at'])}. "
        f"{notice['link']}"
    )


# --- channels ------------------------------------------------------------------------------


def channels_for(
    profile: Mapping[str, Any], preferences: Mapping[str, Any], level: Level, urgent: bool
) -> set[str]:
    """The channels to send besides the inbox (always on): mail if wanted and the user has an
    address; SMS if wanted, the user has a phone, and the notice is late or the kind urgent."""
    chosen = {k: preferences[k] for k in ("email", "sms") if k in preferences}
    wanted = {**DEFAULT_PREFERENCES, **chosen}
    out = set()
    if wanted["email"] and profile.get("email"):
        out.add("email")
    if wanted["sms"] and profile.get("phone") and (level in LATE_LEVELS or urgent):
        out.add("sms")
    return out


def _ses_sender() -> str:
    return get_settings().notice_sender


def send_mail(address: str, subject: str, body: str) -> None:
    from botocore.exceptions import ClientError

    message = {
        "Subject": {"Data": subject, "Charset": "UTF-8"},
        "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
    }
    ses = client("ses")
    params = {
        "Source": _ses_sender(),
        "Destination": {"ToAddresses": [address]},
        "Message": message,
    }
    try:
        ses.send_email(**params)
    except ClientError as exc:
        local = get_settings().environment in ("local", "test")
        if not (local and exc.response["Error"]["Code"] == "MessageRejected"):
            raise
        # The local stack and tests run on moto, which wants the sender verified first; on
        # AWS the sender is a verified SES identity of the account.
        ses.verify_email_identity(EmailAddress=_ses_sender())
        ses.send_email(**params)


def send_sms(phone: str, text: str) -> None:
    client("sns").publish(
        PhoneNumber=phone,
        Message=text,
        MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
        },
    )


# --- the use case ----------------------------------------------------------------------------


def _expires(now: datetime) -> int:
    return int((now + timedelta(days=store.RETENTION_DAYS)).timestamp())


def deliver(event: Mapping[str, Any]) -> Delivery:
    """Deliver one `Obligation*` event to its recipients, each notice once."""
    from cityops.directory import store as directory

    level, detail = parse_event(event)
    result = Delivery(recipients=len(detail["recipients"]))
    unit = directory.get_unit(detail["responsible_unit_id"]) or {}
    preferences = store.preferences_many(detail["recipients"])
    now = clock.now()
    base = {
        "level": level.value,
        "kind": detail["kind"],
        "system": detail["system"],
        "title": detail["title"],
        "entity_ref": detail["entity_ref"],
        "key": detail["key"],
        "due_at": detail["due_at"],
        "unit_id": detail["responsible_unit_id"],
        "unit_name": unit.get("name") or unit.get("code") or "",
        "link": link_for(detail["entity_ref"]),
        "day": detail["day"],
        "urgent": bool(detail.get("urgent")),
        "working_days_left": int(detail.get("working_days_left") or 0),
        "working_days_overdue": int(detail.get("working_days_overdue") or 0),
        "escalation_step": int(detail.get("escalation_step") or 0),
    }
    for user_id in dict.fromkeys(detail["recipients"]):
        profile = directory.get_user(user_id)
        if profile is None:
            result.unknown_users += 1
            continue
        channels = channels_for(profile, preferences.get(user_id, {}), level, base["urgent"])
        nid = store.notice_id(
            user_id, detail["day"], detail["entity_ref"], detail["key"], level.value
        )
        notice = {
            **base,
            "id": nid,
            "user_id": user_id,
            "created_at": clock.iso(now),
            "expires_at": _expires(now),
            "pending": channels or None,
        }
        if store.create_notice(notice):
            result.created += 1
            pending = channels
        else:
            result.already_notified += 1
            existing = store.get_notice(user_id, nid) or {}
            pending = set(existing.get("pending") or ())
        for channel in sorted(pending):
            _send(channel, notice, profile, now, result)
    if result.failures:
        raise DeliveryFailed("; ".join(result.failures))
    return result


def _send(
    channel: str,
    notice: Mapping[str, Any],
    profile: Mapping[str, Any],
    now: datetime,
    result: Delivery,
) -> None:
    user_id, nid = notice["user_id"], notice["id"]
    until = clock.iso(now + timedelta(seconds=LEASE_SECONDS))
    if not store.lease_channel(user_id, nid, channel, clock.iso(now), until):
        return  # sent already, or being sent by another invocation right now
    try:
        if channel == "email":
            send_mail(profile["email"], *render_mail(notice))
        else:
            send_sms(profile["phone"], render_sms(notice))
    except Exception as exc:
        store.release_channel(user_id, nid, channel, f"{type(exc).__name__}: {exc}")
        logs.logger().warning("sending %s failed for notice %s", channel, nid, exc_info=True)
        result.failures.append(f"{channel} to user {user_id} failed ({type(exc).__name__})")
        return
    store.channel_sent(user_id, nid, channel, clock.iso(clock.now()))
    setattr(result, channel, getattr(result, channel) + 1)
