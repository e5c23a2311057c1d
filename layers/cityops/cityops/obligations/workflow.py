"""The workflow of a user's notification settings, as data: one state, set by the user."""

from __future__ import annotations

from cityops.core.statemachine import StateMachine, t

PREFERENCES = StateMachine(
    "notification_settings",
    states=("set",),
    initial="set",
    transitions=(t("set", "set", None, "self", verb="thay đổi", audit="notifications.changed"),),
    label="cài đặt thông báo",
    names={"set": "Đã đặt"},
)
