"""The notices table: the only code that speaks DynamoDB for notices and notification
settings.

Table `NoticesTable` (pk, sk), its name in `NOTICES_TABLE`:
- a notice:            USER#<user_id> / NOTICE#<notice_id>
    gsi1pk INBOX#<user_id>, gsi1sk `unread#<created_at>#<notice_id>` or
    `read#<created_at>#<notice_id>`; `expires_at` (TTL) 180 days on.
- notification settings: USER#<user_id> / PREFS (versioned; audit records EVENT#<ulid>)
Index `Inbox` (gsi1pk, gsi1sk), read newest first: "unread#" sorts after "read#", so one
Query in descending order gives the unread notices first, each group newest first.

- unread counters:     UNREAD#<user_id>#<yyyy-mm> / D#<user_id>#<day>, with the month roll-up
    M#<user_id> (`cityops.core.counters`): `unread`,
    added to in the transaction that creates a notice (+1) or marks it read (-1), on the
    notice's day; the count is the rows of the last RETENTION_DAYS (older notices expire).

The notice id is a digest of (user, day, obligation, key, level): one user's notice for an
obligation, level and day has one key, and the notifier creates it with
`attribute_not_exists(pk)`: that conditional write is what makes a notice exactly-once.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from botocore.exceptions import ClientError

from cityops.core.aws import client
from cityops.core.counters import Count, read_window
from cityops.core.dynamo import get_item, merge_counter_updates, query_page, serialize
from cityops.core.settings import get_settings

INBOX_INDEX = "Inbox"
CHANNELS = ("email", "sms")
RETENTION_DAYS = 180


def table() -> str:
    return get_settings().notices_table


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def notice_id(user_id: str, day: str, entity_ref: str, key: str, level: str) -> str:
    """The id of one user's notice for this obligation, level and day: the same however many
    times it is delivered, and different for every recipient."""
    text = f"{user_id}|{day}|{entity_ref}|{key}|{level}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def inbox_sort_key(read: bool, created_at: str, nid: str) -> str:
    return f"{'read' if read else 'unread'}#{created_at}#{nid}"


def unread_count(table_name: str, user_id: str, day: str) -> Count:
    """The change of one to a user's unread count, on the notice's day."""
    return Count(table_name, f"UNREAD#{user_id}", day, (user_id,), {"unread": 1})


def _transact(items: list[dict[str, Any]]) -> bool:
    """One transaction; False when a condition in it did not hold."""
    try:
        client("dynamodb").transact_write_items(TransactItems=merge_counter_updates(items))
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "TransactionCanceledException":
            reasons = exc.response.get("CancellationReasons") or []
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or not reasons:
                return False
        raise
    return True


def _conditional(call: Any, **params: Any) -> bool:
    """Run a conditional write; False when its condition did not hold."""
    try:
        call(**params)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def create_notice(notice: dict[str, Any]) -> bool:
    """Write a new notice, and count it unread, in one transaction; False if this user
    already has it (it was created before)."""
    item = {
        **notice,
        "pk": user_pk(notice["user_id"]),
        "sk": f"NOTICE#{notice['id']}",
        "gsi1pk": f"INBOX#{notice['user_id']}",
        "gsi1sk": inbox_sort_key(False, notice["created_at"], notice["id"]),
    }
    put = {
        "Put": {
            "TableName": table(),
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    count = unread_count(table(), notice["user_id"], notice["day"])
    return _transact([put, *count.transaction_items()])


def get_notice(user_id: str, nid: str) -> dict[str, Any] | None:
    return get_item(table(), user_pk(user_id), f"NOTICE#{nid}")


def _key(user_id: str, nid: str) -> dict[str, Any]:
    return serialize({"pk": user_pk(user_id), "sk": f"NOTICE#{nid}"})


def lease_channel(user_id: str, nid: str, channel: str, now: str, until: str) -> bool:
    """Take the right to send this notice on `channel` until `until`: only while the channel
    is still pending and no one else holds an unexpired lease on it."""
    return _conditional(
        client("dynamodb").update_item,
        TableName=table(),
        Key=_key(user_id, nid),
        UpdateExpression="SET #lease = :until",
        ConditionExpression="contains(pending, :channel) AND "
        "(attribute_not_exists(#lease) OR #lease < :now)",
        ExpressionAttributeNames={"#lease": f"lease_{channel}"},
        ExpressionAttributeValues=serialize({":until": until, ":now": now, ":channel": channel}),
    )


def channel_sent(user_id: str, nid: str, channel: str, now: str) -> None:
    """The channel was delivered: no longer pending, never sent again."""
    client("dynamodb").update_item(
        TableName=table(),
        Key=_key(user_id, nid),
        UpdateExpression="DELETE pending :channels REMOVE #lease SET #sent = :now",
        ExpressionAttributeNames={"#lease": f"lease_{channel}", "#sent": f"{channel}_sent_at"},
        ExpressionAttributeValues={":channels": {"SS": [channel]}, ":now": {"S": now}},
    )


def release_channel(user_id: str, nid: str, channel: str, error: str) -> None:
    """Sending failed: give the lease back so that a retry may send it."""
    client("dynamodb").update_item(
        TableName=table(),
        Key=_key(user_id, nid),
        UpdateExpression="REMOVE #lease SET #error = :error",
        ExpressionAttributeNames={"#lease": f"lease_{channel}", "#error": f"{channel}_error"},
        ExpressionAttributeValues={":error": {"S": error[:500]}},
    )


def inbox_page(
    user_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of a user's inbox: unread first, newest first within each (one Query)."""
    return query_page(
        table(),
        index=INBOX_INDEX,
        key_condition="gsi1pk = :inbox",
        values={":inbox": f"INBOX#{user_id}"},
        limit=limit,
        start_key=start_key,
        forward=False,
    )


def mark_read(user_id: str, nid: str, created_at: str, now: str, day: str) -> bool:
    """Mark a notice read (once) and count it out of the unread, in one transaction; False if
    it does not exist or was already read."""
    update = {
        "Update": {
            "TableName": table(),
            "Key": _key(user_id, nid),
            "UpdateExpression": "SET read_at = :now, gsi1sk = :sk",
            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(read_at)",
            "ExpressionAttributeValues": serialize(
                {":now": now, ":sk": inbox_sort_key(True, created_at, nid)}
            ),
        }
    }
    count = Count(table(), f"UNREAD#{user_id}", day, (user_id,), {"unread": -1})
    return _transact([update, *count.transaction_items()])


def unread(user_id: str, today: date) -> int:
    """How many of a user's notices are unread: the counter rows of the notices' days within
    the retention (one small Query per month)."""
    start = today - timedelta(days=RETENTION_DAYS)
    rows = read_window(table(), f"UNREAD#{user_id}", start, today, unit=user_id, rows_until=today)
    return max(0, sum(int(r.get("unread") or 0) for r in rows))


def get_preferences(user_id: str) -> dict[str, Any] | None:
    return get_item(table(), user_pk(user_id), "PREFS")


def preferences_many(user_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Several users' settings, by user id."""
    from cityops.core.dynamo import batch_get

    keys = [{"pk": user_pk(i), "sk": "PREFS"} for i in user_ids]
    return {item["pk"].removeprefix("USER#"): item for item in batch_get(table(), keys)}
