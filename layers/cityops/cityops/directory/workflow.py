"""The directory's workflows as data: a unit is active or inactive (an administrator edits
it, and deactivates or reactivates it with `active`); a calendar year is announced."""

from __future__ import annotations

from cityops.core.statemachine import StateMachine, t
from cityops.directory.domain import status_after_patch

UNIT = StateMachine(
    "unit",
    states=("active", "inactive"),
    initial="active",
    transitions=(
        t("edit", ("active", "inactive"), ("active", "inactive"), "admin",
          pick=status_after_patch, past="edited", audit="unit.updated"),
    ),
)  # fmt: skip

CALENDAR_YEAR = StateMachine(
    "calendar_year",
    states=("announced",),
    initial="announced",
    transitions=(
        t("announce", "announced", None, "admin", past="changed", audit="calendar.changed"),
    ),
    label="calendar",
)
