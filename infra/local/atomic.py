"""DynamoDB checks a write's condition and applies it atomically; moto does not under
threads (two conditional writes can both pass their check). The local stack and the tests
serialise moto's DynamoDB writes (and reads) with one lock, so that version guards behave as on AWS.

moto's TransactWriteItems also backs up each table once per *item* that names it (a deep
copy of the whole table, 20 times for a change of 20 items): each transaction then costs
the table's size times its items, in time and in garbage that only a full collection frees
(the local stack grew by hundreds of MB over a few hundred changes). Under the lock, the
backup is an undo log instead: the items the call names, as they were, put back (or deleted)
when it fails."""

from __future__ import annotations

import functools
import threading
from typing import Any

_lock = threading.RLock()
_done = False


def make_dynamodb_writes_atomic() -> None:
    global _done
    if _done:
        return
    from moto.dynamodb.models import DynamoDBBackend

    for name in (
        "put_item",
        "update_item",
        "delete_item",
        "transact_write_items",
        "batch_write_item",
        # Reads too: a transaction whose condition fails restores its table copies, and a
        # read iterating a table meanwhile would see it change under it (DynamoDB reads
        # never see a transaction half-done).
        "get_item",
        "query",
        "batch_get_item",
        "transact_get_items",
    ):
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _copy_each_table_once()
    _done = True


class _NoTableCopies:
    """`copy` as moto's DynamoDB models see it: inside a transaction, the backup copy of a
    whole table is the table itself (the undo log of `transact_write_items` below restores
    what the transaction touched); every other copy is a real one."""

    def __init__(self, real: Any):
        self.real, self.owner = real, None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def deepcopy(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table) and threading.get_ident() == self.owner:
            return value
        return self.real.deepcopy(value, *args, **kwargs)


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple]:
    """(table, key, the item's attributes before, or None) for each item the call names."""
    import copy

    saved = []
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.get_table(op["TableName"])
            if op_type == "Put":
                names = [table.hash_key_attr] + (
                    [table.range_key_attr] if table.range_key_attr else []
                )
                key = {name: op["Item"][name] for name in names}
            else:
                key = op["Key"]
            current = backend.get_item(op["TableName"], key)
        except Exception:  # noqa: S112 (moto refuses the call itself: nothing to undo)
            continue
        before = copy.deepcopy(current.to_json()["Attributes"]) if current else None
        saved.append((op["TableName"], key, before))
    return saved


def _undo(backend: Any, saved: list[tuple]) -> None:
    for table_name, key, before in saved:
        if before is None:
            backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, before)


def _copy_each_table_once() -> None:
    import copy

    from moto.dynamodb import models

    if isinstance(getattr(models, "copy", None), _NoTableCopies):
        return
    tables = _NoTableCopies(copy)
    models.copy = tables  # type: ignore[attr-defined]
    transact = models.DynamoDBBackend.transact_write_items

    @functools.wraps(transact)
    def transact_with_undo(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        with _lock:
            saved = _touched(self, transact_items)
            tables.owner = threading.get_ident()
            try:
                return transact(self, transact_items)
            except Exception:
                tables.owner = None
                _undo(self, saved)
                raise
            finally:
                tables.owner = None

    models.DynamoDBBackend.transact_write_items = transact_with_undo
