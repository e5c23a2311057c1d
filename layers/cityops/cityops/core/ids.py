"""ULID ids: 26 characters of Crockford base32, sortable by creation time."""

from __future__ import annotations

import os
import re

from cityops.core import clock

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_PATTERN = r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$"
_ULID_RE = re.compile(ULID_PATTERN)


def new_id() -> str:
    """A new ULID: 48 bits of milliseconds since the epoch, then 80 random bits."""
    millis = int(clock.now().timestamp() * 1000)
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))


def is_ulid(text: str) -> bool:
    return bool(_ULID_RE.match(text))
