"""The injectable clock. Every use of "now" in CityOps goes through `now()`.

Tests set a fixed time with `set_now`; the local stack moves time for every function at once
(`PUT /local/clock`) with `set_now(..., frozen=False)`, so time keeps flowing from the new point.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cityops.core.calendar import CITY_TZ

_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in the city (Asia/Ho_Chi_Minh)."""
    return now().astimezone(CITY_TZ).date()


def set_now(moment: datetime, *, frozen: bool = True) -> None:
    """Make `now()` return `moment` (frozen), or start flowing from `moment`."""
    global _offset, _frozen
    if moment.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    if frozen:
        _frozen, _offset = moment.astimezone(UTC), timedelta(0)
    else:
        _frozen, _offset = None, moment.astimezone(UTC) - datetime.now(UTC)


def reset() -> None:
    """Back to the system clock."""
    global _offset, _frozen
    _offset, _frozen = timedelta(0), None


def iso(moment: datetime) -> str:
    """The stored form of an instant: UTC, ISO 8601, microseconds, sortable as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
