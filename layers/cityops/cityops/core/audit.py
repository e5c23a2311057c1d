"""Audit records: immutable, kept in their entity's partition under `EVENT#<ulid>` sort keys."""

from __future__ import annotations

from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.dynamo import query_page
from cityops.core.ids import new_id
from cityops.core.pagination import decode_cursor, encode_cursor

# Bookkeeping attributes that are not part of "what changed".
_NOT_AUDITED = {"pk", "sk", "version", "updated_at", "created_at"}


# Fields compared entry by entry (`<field>.<key>`), so that an audit record holds what the
# change touched, not the whole map twice: the deadline book (its records), a report's values
# and comments (cells).
_BY_ENTRY = {"deadlines": "records", "values": None, "comments": None}


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    """The fields that changed, as {field: [before, after]} (keys of indexes left out). The
    deadline book is compared deadline by deadline (`deadlines.<key>`) and a report's values
    cell by cell (`values.<cell>`)."""
    before, after = before or {}, after or {}
    fields = (set(before) | set(after)) - _NOT_AUDITED
    changes = {
        f: [before.get(f), after.get(f)]
        for f in sorted(fields)
        if not f.startswith("gsi") and before.get(f) != after.get(f)
    }
    for name, inner in _BY_ENTRY.items():
        if name not in changes or not all(isinstance(s, dict | None) for s in changes[name]):
            continue
        sides = [(side or {}) for side in changes.pop(name)]
        was, now = ((side.get(inner) or {}) if inner else side for side in sides)
        for key in sorted(set(was) | set(now)):
            if was.get(key) != now.get(key):
                changes[f"{name}.{key}"] = [was.get(key), now.get(key)]
    return changes


def audit_record(
    pk: str,
    actor: Principal | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    note: str | None = None,
) -> dict[str, Any]:
    """The audit item for one change: who, when, what, before → after."""
    return {
        "pk": pk,
        "sk": f"EVENT#{new_id()}",
        "at": clock.iso(clock.now()),
        "actor_id": actor.sub if actor else "system",
        "actor_name": (actor.name or actor.username) if actor else "system",
        "action": action,
        "changes": diff(before, after),
        "note": note,
    }


def history_page(
    table: str, pk: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of an entity's history, oldest first."""
    scope = f"history:{pk}"
    items, last = query_page(
        table,
        key_condition="pk = :pk AND begins_with(sk, :event)",
        values={":pk": pk, ":event": "EVENT#"},
        limit=limit,
        start_key=decode_cursor(cursor, scope),
    )
    entries = [
        {
            "id": item["sk"].removeprefix("EVENT#"),
            "at": item["at"],
            "actor_id": item["actor_id"],
            "actor_name": item.get("actor_name"),
            "action": item["action"],
            "changes": item.get("changes", {}),
            "note": item.get("note"),
        }
        for item in items
    ]
    return entries, encode_cursor(last, scope)
