"""Base classes for request and reply models."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, field_validator


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

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: object) -> object:
        if isinstance(value, str):
            return nfc(value)
        return value


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
