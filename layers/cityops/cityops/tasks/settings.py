"""The tasks system's own settings, read from the environment template.yaml gives
TasksFunction (the shared `cityops.core.settings` stays the same for every system)."""

from __future__ import annotations

import os
from functools import cache

from cityops.tasks.policy import OnTimePolicy

# Hanoi put the task tracking system into operation in 2023: no task is older than this, so
# the city-wide list walks creation months back to here and no further.
TASKS_EPOCH_MONTH = "2023-01"
# Working days the assigning side has to decide an extension request (an obligation).
DEFAULT_EXTENSION_DECISION_WORKING_DAYS = 3


@cache
def tasks_table() -> str:
    return os.environ.get("TASKS_TABLE", "TasksTable")


def ontime_policy() -> OnTimePolicy:
    """How on-time is judged after an extension (TASK_ONTIME_POLICY): `extended` (default,
    against the extended deadline) or `original` (against the first deadline). Read on every
    call, so that an operator's change takes effect without a redeploy of code."""
    raw = os.environ.get("TASK_ONTIME_POLICY", "").strip() or OnTimePolicy.EXTENDED.value
    try:
        return OnTimePolicy(raw)
    except ValueError as exc:
        raise RuntimeError(
            f"TASK_ONTIME_POLICY must be 'extended' or 'original', not {raw!r}"
        ) from exc


def extension_decision_working_days() -> int:
    """TASK_EXTENSION_DECISION_WORKING_DAYS, default 3."""
    raw = os.environ.get("TASK_EXTENSION_DECISION_WORKING_DAYS", "")
    if not raw.strip():
        return DEFAULT_EXTENSION_DECISION_WORKING_DAYS
    value = int(raw)
    if not 1 <= value <= 30:
        raise RuntimeError("TASK_EXTENSION_DECISION_WORKING_DAYS must be 1..30")
    return value
