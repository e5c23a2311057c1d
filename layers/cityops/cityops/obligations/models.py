"""Request and reply models of the deadlines HTTP function: inbox, notification settings,
scoreboard."""

from typing import Literal

from pydantic import Field, StrictBool

from cityops.core.models import LocalDay, Reply, Request


class Notice(Reply):
    """An in-app notice (thông báo): what is due, for which unit, when, and where to see it."""

    id: str
    level: Literal["due_soon", "due_today", "overdue", "escalated"]
    kind: str
    system: str
    title: str
    entity_ref: str
    due_at: str
    due_on: LocalDay = None
    unit_id: str
    unit_name: str
    link: str
    day: str = Field(description="The day (Asia/Ho_Chi_Minh) the notice is for")
    urgent: bool = False
    working_days_left: int = 0
    working_days_overdue: int = 0
    escalation_step: int = 0
    created_at: str
    read: bool = False
    read_at: str | None = None


class InboxPage(Reply):
    items: list[Notice]
    next_cursor: str | None = None
    unread: int = Field(description="How many of the caller's notices are unread")


class NotificationSettings(Reply):
    """The caller's channels. The in-app inbox is always on."""

    email: bool = True
    sms: bool = True
    inbox: bool = True
    version: int = 0
    updated_at: str | None = None


class NotificationSettingsChange(Request):
    email: StrictBool
    sms: StrictBool
    inbox: Literal[True] = Field(
        default=True, description="Always true: notices always reach the in-app inbox"
    )


class Record(Reply):
    """Counts of obligations due in a window. `due` leaves out cancelled ones; `missed`: still
    open on a past due day; `still_open`: open, due today or later. on_time_rate =
    met_on_time / (met_on_time + met_late + missed), null when that is 0."""

    due: int = 0
    met_on_time: int = 0
    met_late: int = 0
    missed: int = 0
    still_open: int = 0
    cancelled: int = 0
    on_time_rate: float | None = None


class UnitRecord(Reply):
    unit_id: str
    code: str
    name: str
    systems: dict[str, Record]
    total: Record


class RankEntry(Reply):
    rank: int
    unit_id: str
    code: str
    name: str
    on_time_rate: float
    judged: int = Field(description="met_on_time + met_late + missed")
    met_on_time: int


class Scoreboard(Reply):
    from_date: str
    to_date: str
    as_of: str = Field(description="Today in Asia/Ho_Chi_Minh: what is open before it is missed")
    units: list[UnitRecord]
    total: Record
    ranking: list[RankEntry] | None = Field(
        default=None, description="Units by on-time rate; for city leaders only"
    )
