"""The tasks system's settings, as `cityops.core.settings` reads them from the environment
template.yaml gives TasksFunction, checked and typed here."""

from __future__ import annotations

from cityops.core.settings import get_settings
from cityops.tasks.policy import OnTimePolicy

# Hanoi put the task tracking system into operation in 2023: no task is older than this, so
# the city-wide list walks creation months back to here and no further.
TASKS_EPOCH_MONTH = "2023-01"
# Working days the assigning side has to decide an extension request (an obligation).
DEFAULT_EXTENSION_DECISION_WORKING_DAYS = 3


def tasks_table() -> str:
    return get_settings().tasks_table


def ontime_policy() -> OnTimePolicy:
    """How on-time is judged after an extension (TASK_ONTIME_POLICY): `extended` (default,
    against the extended deadline) or `original` (against the first deadline)."""
    raw = get_settings().task_ontime_policy or OnTimePolicy.EXTENDED.value
    try:
        return OnTimePolicy(raw)
    except ValueError as exc:
        raise RuntimeError(
            f"TASK_ONTIME_POLICY must be 'extended' or 'original', not {raw!r}"
        ) from exc


def extension_decision_working_days() -> int:
    """TASK_EXTENSION_DECISION_WORKING_DAYS, default 3."""
    raw = get_settings().task_extension_decision_working_days
    if not raw.strip():
        return DEFAULT_EXTENSION_DECISION_WORKING_DAYS
    value = int(raw)
    if not 1 <= value <= 30:
        raise RuntimeError("TASK_EXTENSION_DECISION_WORKING_DAYS must be 1..30")
    return value
