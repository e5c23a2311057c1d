"""One system's change written in another's transaction (a direction's task, an approved
report's outgoing document): both are written or neither.

The other system's use case runs as it always does, on its own pipeline, but with a
`Deferred` store for the length of the call: its changes are kept (as its store would write
them) instead of written, and handed to the first change as a `Writes` record. The first
system's store puts them in its transaction, and publishes their events after it commits.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cityops.core.pipeline import Pipeline, Work


@dataclass
class Writes:
    """Another system's changes, to be written in this change's transaction."""

    store: Any  # the store they were made for
    changes: list[Any] = field(default_factory=list)  # DynamoDB: its `Change`s
    works: list[Work[Any]] = field(default_factory=list)  # a fake store: the works themselves
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def transact_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for change in self.changes:
            items += change.transact_items()
        return items

    def write_to_fake(self) -> None:
        for work in self.works:
            self.store.commit(work)

    def publish(self) -> None:
        if self.events:
            self.store.publish(self.events)


class Deferred:
    """A store that keeps the changes it is given instead of writing them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.system = inner.system
        self.writes = Writes(store=inner)

    def load(self, entity_id: str) -> Any:
        return self.inner.load(entity_id)

    def commit(self, work: Work[Any]) -> None:
        if hasattr(self.inner, "change_of"):
            self.writes.changes.append(self.inner.change_of(work))
        else:
            self.writes.works.append(copy.deepcopy(work))

    def publish(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        self.writes.events += events

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def deferred(pipeline: Pipeline[Any], run: Callable[[], Any]) -> tuple[Any, Writes]:
    """Run a use case of `pipeline`'s system with its writes kept: (its reply, its writes)."""
    store = Deferred(pipeline.store)
    with pipeline.using(store):
        result = run()
    return result, store.writes
