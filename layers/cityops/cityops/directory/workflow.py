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
          pick=status_after_patch, verb="sửa", audit="unit.updated"),
    ),
    label="đơn vị",
    names={"active": "Đang hoạt động", "inactive": "Ngừng hoạt động"},
)  # fmt: skip

CALENDAR_YEAR = StateMachine(
    "calendar_year",
    states=("announced",),
    initial="announced",
    transitions=(
        t("announce", "announced", None, "admin", verb="thay đổi", audit="calendar.changed"),
    ),
    label="lịch làm việc",
    names={"announced": "Đã công bố"},
)
