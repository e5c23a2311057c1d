"""DynamoDB checks a write's condition and applies it atomically; moto does not under
threads (two conditional writes can both pass their check). The local stack and the tests
serialise moto's DynamoDB writes (and reads) with one lock, so that version guards behave as on AWS.

moto's TransactWriteItems also backs up each table once per *item* that names it (a deep
copy of the whole table, 20 times for a change of 20 items): each transaction then costs
the table's size times its items. Under the lock, the copies of one call are made once per
table (the first copy is taken before anything is written, so it is the right backup)."""

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


class _OncePerCall:
    """`copy` as moto's DynamoDB models see it, whose deepcopy returns the same copy of an
    object within one transaction (calls are serialised by the lock)."""

    def __init__(self, real: Any):
        self.real, self.copies, self.owner = real, None, None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def deepcopy(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if self.copies is None or threading.get_ident() != self.owner:  # not the transaction
            return self.real.deepcopy(value, *args, **kwargs)
        key = id(value)
        if key not in self.copies:
            self.copies[key] = (value, self.real.deepcopy(value, *args, **kwargs))
        return self.copies[key][1]


def _copy_each_table_once() -> None:
    import copy

    from moto.dynamodb import models

    if isinstance(getattr(models, "copy", None), _OncePerCall):
        return
    once = _OncePerCall(copy)
    models.copy = once  # type: ignore[attr-defined]
    transact = models.DynamoDBBackend.transact_write_items

    @functools.wraps(transact)
    def transact_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            once.copies, once.owner = {}, threading.get_ident()
            try:
                return transact(self, *args, **kwargs)
            finally:
                once.copies, once.owner = None, None

    models.DynamoDBBackend.transact_write_items = transact_once
