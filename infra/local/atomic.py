"""DynamoDB checks a write's condition and applies it atomically; moto does not under
threads (two conditional writes can both pass their check). The local stack and the tests
serialise moto's DynamoDB writes with one lock, so that version guards behave as on AWS."""

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
    ):
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _done = True
