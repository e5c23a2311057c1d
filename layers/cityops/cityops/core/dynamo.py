"""The DynamoDB helpers every store uses.

`write_change` is the one way an entity changes: the entity (guarded by its `version`), the
audit record of the change and the obligation rows it opens, moves or closes go in a single
`TransactWriteItems`, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from cityops.core.aws import client
from cityops.core.errors import Conflict, DomainError, VersionConflict

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
__all__ = ["VersionConflict"]  # raised by write_change; defined with the other domain errors


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_dynamo(v) for v in value]
    return value


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    """A plain dict to DynamoDB's typed form; None values are left out."""
    return {k: _serializer.serialize(v) for k, v in _to_dynamo(item).items()}


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return _from_dynamo({k: _deserializer.deserialize(v) for k, v in item.items()})


@dataclass
class Change:
    """One change of one entity, with what must be written with it."""

    table: str
    item: dict[str, Any]  # the whole new state, with pk, sk and the new version
    expected_version: int | None  # None: the entity is created and must not exist yet
    audit: dict[str, Any] | None = None  # its audit record (same table, same partition)
    also: list[dict[str, Any]] = field(default_factory=list)  # e.g. obligation rows

    def transact_items(self) -> list[dict[str, Any]]:
        return merge_counter_updates(self.raw_items())

    def raw_items(self) -> list[dict[str, Any]]:
        """Its items with counter updates not yet merged (see `write_changes`)."""
        put: dict[str, Any] = {"TableName": self.table, "Item": serialize(self.item)}
        if self.expected_version is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :expected"
            put["ExpressionAttributeValues"] = {":expected": {"N": str(self.expected_version)}}
        items: list[dict[str, Any]] = [{"Put": put}]
        if self.audit is not None:
            items.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": serialize(self.audit),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            )
        items.extend(self.also)
        return items


_DELTAS = "_counter_deltas"


def counter_update(
    table: str, key: dict[str, str], deltas: dict[str, int], fields: dict[str, Any]
) -> dict[str, Any]:
    """A transaction item that adds `deltas` to a counter row (created on first use, with
    `fields` set). Several of them on one row in one transaction are merged into one."""
    return {
        "Update": {
            "TableName": table,
            "Key": serialize(key),
            _DELTAS: dict(deltas),
            "_fields": dict(fields),
        }
    }


def merge_counter_updates(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn counter updates into real Update items, one per row (DynamoDB refuses two
    operations on one item in a transaction)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for item in items:
        update = item.get("Update")
        if not update or _DELTAS not in update:
            out.append(item)
            continue
        ident = (update["TableName"], repr(sorted(update["Key"].items())))
        if ident in merged:
            for name, delta in update[_DELTAS].items():
                merged[ident][_DELTAS][name] = merged[ident][_DELTAS].get(name, 0) + delta
            continue
        merged[ident] = {**update, _DELTAS: dict(update[_DELTAS])}
        out.append({"Update": merged[ident]})
    for item in out:
        update = item.get("Update")
        if update and _DELTAS in update:
            deltas, fields = update.pop(_DELTAS), update.pop("_fields")
            names = {f"#{n}": n for n in [*deltas, *fields]}
            values = {f":{n}": v for n, v in deltas.items()}
            values.update({f":f_{n}": v for n, v in fields.items()})
            sets = ", ".join(f"#{n} = :f_{n}" for n in fields)
            adds = ", ".join(f"#{n} :{n}" for n in deltas)
            update["UpdateExpression"] = f"SET {sets} ADD {adds}" if sets else f"ADD {adds}"
            update["ExpressionAttributeNames"] = names
            update["ExpressionAttributeValues"] = serialize(values)
    return out


def write_change(
    change: Change | _Batch,
    refused: Callable[[int, dict[str, Any]], DomainError | None] | None = None,
) -> None:
    """Write the change in one transaction, or raise a domain error and write nothing.

    When a condition fails, `refused(index, item)` may name the store's own error for the
    transaction item at `index` (a register's number taken, a unique claim held); None, or no
    `refused`, gives the default: the entity (item 0) exists already or has changed, or a
    related row (a deadline) is not in the state the change expects."""
    items = change.transact_items()
    try:
        client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = exc.response.get("CancellationReasons") or []
        failed = [i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"]
        if failed:
            error = refused(failed[0], items[failed[0]]) if refused else None
            if error is None and failed[0] == 0:
                if change.expected_version is None:
                    error = Conflict("Đã tồn tại.")
                else:
                    error = VersionConflict("Người khác vừa thay đổi dữ liệu này; hãy tải lại.")
            raise error or Conflict(
                "Một thời hạn liên quan vừa thay đổi; hãy tải lại rồi thử lại."
            ) from exc
        if any(r.get("Code") == "TransactionConflict" for r in reasons):
            raise VersionConflict("Đang có một thay đổi khác cùng lúc; hãy thử lại.") from exc
        raise


def item_pk(transact_item: dict[str, Any]) -> str:
    """The partition key of one TransactWriteItems entry (Put, Update, Delete, check)."""
    (operation,) = transact_item.values()
    key = operation.get("Key") or operation.get("Item") or {}
    return key.get("pk", {}).get("S", "")


MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit on one TransactWriteItems


def pack(changes: Iterable[list[Any]], limit: int = MAX_TRANSACTION_ITEMS) -> Iterator[list[Any]]:
    """Changes' transaction items in as few transactions as `limit` allows, a change never
    split between two."""
    batch: list[Any] = []
    for items in changes:
        if len(items) > limit:
            raise ValueError(f"a change of {len(items)} items does not fit a transaction")
        if len(batch) + len(items) > limit:
            yield batch
            batch = []
        batch.extend(items)
    if batch:
        yield batch


def write_changes(changes: list[Change]) -> int:
    """Write several entities' changes in as few transactions as DynamoDB allows (a bulk
    create or import: each change whole in one transaction, never split). Returns the
    transactions written. A failed condition fails its transaction only (Conflict or
    VersionConflict): the ones before it stay written, so the caller makes a rerun harmless
    (each change claims its key, or finds itself unchanged)."""
    written = 0
    for batch in pack(change.raw_items() for change in changes):
        write_change(_Batch(batch))
        written += 1
    return written


@dataclass
class _Batch:
    items: list[dict[str, Any]]
    expected_version: int | None = None

    def transact_items(self) -> list[dict[str, Any]]:
        return merge_counter_updates(self.items)


def get_item(table: str, pk: str, sk: str, *, consistent: bool = True) -> dict[str, Any] | None:
    reply = client("dynamodb").get_item(
        TableName=table,
        Key=serialize({"pk": pk, "sk": sk}),
        ConsistentRead=consistent,
    )
    return deserialize(reply["Item"]) if "Item" in reply else None


def batch_get(
    table: str, keys: list[dict[str, str]], *, consistent: bool = False
) -> list[dict[str, Any]]:
    """The items at these keys (pk, sk), in BatchGetItem calls of at most 100 keys, asking
    again for what DynamoDB leaves unprocessed. Missing items are simply absent."""
    return batch_get_tables({table: keys}, consistent=[table] if consistent else [])[table]


def batch_get_tables(
    keys: dict[str, list[dict[str, str]]],
    *,
    consistent: Collection[str] = (),
) -> dict[str, list[dict[str, Any]]]:
    """`batch_get` over several tables at once (`consistent`: the tables read consistently):
    the items found, by table."""
    wanted = [
        (table, key)
        for table, table_keys in keys.items()
        for key in {(k["pk"], k["sk"]): k for k in table_keys}.values()
    ]
    found: dict[str, list[dict[str, Any]]] = {table: [] for table in keys}
    for start in range(0, len(wanted), 100):
        request: dict[str, Any] = {}
        for table, key in wanted[start : start + 100]:
            entry = request.setdefault(table, {"Keys": [], "ConsistentRead": table in consistent})
            entry["Keys"].append(serialize(key))
        while request:
            reply = client("dynamodb").batch_get_item(RequestItems=request)
            for table, items in reply["Responses"].items():
                found[table] += [deserialize(raw) for raw in items]
            request = reply.get("UnprocessedKeys") or {}
    return found


def query_page(
    table: str,
    *,
    key_condition: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
    index: str | None = None,
    limit: int = 50,
    start_key: dict[str, Any] | None = None,
    forward: bool = True,
    filter_expression: str | None = None,
    consistent: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One Query, one page: the items and the key to continue from (plain dicts)."""
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": key_condition,
        "ExpressionAttributeValues": serialize(values),
        "Limit": limit,
        "ScanIndexForward": forward,
    }
    if consistent:
        params["ConsistentRead"] = True
    if names:
        params["ExpressionAttributeNames"] = names
    if index:
        params["IndexName"] = index
    if start_key:
        params["ExclusiveStartKey"] = serialize(start_key)
    if filter_expression:
        params["FilterExpression"] = filter_expression
    reply = client("dynamodb").query(**params)
    last = reply.get("LastEvaluatedKey")
    return [deserialize(i) for i in reply.get("Items", [])], (deserialize(last) if last else None)


def query_all(table: str, *, page_size: int = 500, **query: Any) -> list[dict[str, Any]]:
    """Every item of one Query, page after page (for partitions known to be small)."""
    items: list[dict[str, Any]] = []
    start = None
    while True:
        page, start = query_page(table, limit=page_size, start_key=start, **query)
        items.extend(page)
        if not start:
            return items


def strip_keys(item: dict[str, Any], keys: Iterable[str] = ("pk", "sk")) -> dict[str, Any]:
    drop = set(keys)
    return {k: v for k, v in item.items() if k not in drop and not k.startswith("gsi")}
