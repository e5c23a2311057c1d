"""Base classes for request and reply models."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time needs its offset")
    return moment


def _stored(moment: datetime) -> str:
    from cityops.core.clock import iso

    return iso(moment)


# An instant on a domain object: timezone-aware, stored and shown as `clock.iso` gives it
# (UTC, microseconds, so that stored times sort as text).
Instant = Annotated[
    datetime, AfterValidator(_aware), PlainSerializer(_stored, return_type=str, when_used="json")
]


def nfc(text: str) -> str:
    """NFC-normalise text: Vietnamese has composed and decomposed forms of the same letters."""
    return unicodedata.normalize("NFC", text)


class Request(BaseModel):
    """A request body: unknown fields are refused, text is stripped and NFC-normalised."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: object) -> object:
        if isinstance(value, str):
            return nfc(value)
        return value


# The date of an instant in Asia/Ho_Chi_Minh, beside it in a reply: what officials read. A
# reply declares `<x>_on: LocalDay = None` beside `<x>_at` (or beside an instant `<x>`, such
# as a task's `judged_deadline`), and `Reply` fills it from that instant.
LocalDay = Annotated[
    date | None, Field(description="The date of the instant beside it, in Asia/Ho_Chi_Minh")
]


def local_day(moment: datetime | str | None) -> date | None:
    """The date of an instant in Asia/Ho_Chi_Minh (`2027-02-17T18:00:00Z` → 18/2/2027)."""
    if moment is None or moment == "":
        return None
    from cityops.core.calendar import CITY_TZ

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return moment.astimezone(CITY_TZ).date()


class Reply(BaseModel):
    """A reply body: unknown fields are left out, and every `<x>_on` declared beside an
    instant `<x>_at` (or `<x>`) is that instant's date in Asia/Ho_Chi_Minh."""

    model_config = ConfigDict(extra="ignore", defer_build=True)
    _local_days: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = cls.model_fields
        pairs = {}
        for name in fields:
            if not name.endswith("_on"):
                continue
            stem = name.removesuffix("_on")
            source = next((s for s in (f"{stem}_at", stem) if s in fields), None)
            if source is not None:
                pairs[name] = source
        cls._local_days = pairs

    @model_validator(mode="before")
    @classmethod
    def _fill_local_days(cls, data: Any) -> Any:
        if not cls._local_days or not isinstance(data, dict):
            return data
        filled = dict(data)
        for name, source in cls._local_days.items():
            if filled.get(name) is None and filled.get(source):
                filled[name] = local_day(filled[source])
        return filled


class DeadlineOut(Reply):
    """A deadline as replies show it (an entity's deadline book), with its local date."""

    key: str
    kind: str
    due_at: str
    due_on: LocalDay = None
    status: str
    outcome: str | None = None
    responsible_unit_id: str
