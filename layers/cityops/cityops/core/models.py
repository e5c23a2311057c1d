"""Base classes for request and reply models."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, field_validator


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
