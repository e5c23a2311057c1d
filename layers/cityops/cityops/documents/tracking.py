"""A direction tracked as a task (`track_as_task: true`): the task is created in the tasks
system, with the document as its source, exactly once.

Not wired yet: the tasks system is being moved onto the change pipeline, and its create use
case is what this must call. Until it is, a direction that asks for a task is refused with a
422 that says why, and nothing is written (the refusal comes from the direction's rule, before
its transaction)."""

from __future__ import annotations

from typing import Any

from cityops.core.auth import Principal
from cityops.core.errors import InvalidInput
from cityops.core.pipeline import Work


class TrackingUnavailable(InvalidInput):
    slug, title = "task-tracking-unavailable", "Directions cannot be tracked as tasks yet"


def track_as_task(who: Principal, work: Work[Any], direction: Any) -> None:
    raise TrackingUnavailable(
        "track_as_task is not available yet: the tasks system is being moved onto the shared "
        "change pipeline, and a direction will create its task through the tasks system's own "
        "create use case once that lands. Direct without track_as_task, or assign the task in "
        "the tasks system (POST /v1/tasks) with this document as its source.",
        errors=[{"loc": ["body", "track_as_task"], "msg": "not available yet"}],
    )
