"""The AWS calls botocore makes, counted (no tests here): `counting()` hooks every client made
while it is open (`cityops.core.aws` makes them again), and keeps each call by its kind
(`dynamodb.Query`), the tables and indexes Queried, and the items each Query read (its
`ScannedCount`, what DynamoDB bills a Query for)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Calls:
    kinds: Counter[str] = field(default_factory=Counter)
    queried: Counter[str] = field(default_factory=Counter)
    read: Counter[str] = field(default_factory=Counter)  # items Queries read, per table
    _last: list[str] = field(default_factory=list)

    def before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        """`before-parameter-build`: once per call, with the call's own parameters."""
        self.kinds[f"{model.service_model.service_name}.{model.name}"] += 1
        if model.name == "Query":
            self._last[:] = [params.get("IndexName") or params["TableName"]]
            self.queried[self._last[0]] += 1

    def after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if model.name == "Query" and self._last:
            self.read[self._last[0]] += int(parsed.get("ScannedCount", 0))

    @property
    def items_read(self) -> int:
        return sum(self.read.values())

    def clear(self) -> None:
        self.kinds.clear()
        self.queried.clear()
        self.read.clear()

    def of(self, kind: str) -> int:
        return self.kinds[kind]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


@contextmanager
def counting() -> Iterator[Calls]:
    """Count every call of the clients made inside (the process's clients are made again)."""
    import boto3
    from cityops.core.aws import reset_clients

    calls = Calls()
    reset_clients()
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    events = boto3.DEFAULT_SESSION.events
    events.register("before-parameter-build", calls.before, unique_id="cityops-count-before")
    events.register("after-call", calls.after, unique_id="cityops-count-after")
    try:
        yield calls
    finally:
        events.unregister("before-parameter-build", unique_id="cityops-count-before")
        events.unregister("after-call", unique_id="cityops-count-after")
        reset_clients()
