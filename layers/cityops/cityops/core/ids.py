"""ULID ids: 26 characters of Crockford base32, sortable by creation time."""

from __future__ import annotations

import os
import re
import threading

from cityops.core import clock

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_PATTERN = r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$"
_ULID_RE = re.compile(ULID_PATTERN)


_lock = threading.Lock()
_last = (0, 0)  # the last id's milliseconds and random part


def new_id() -> str:
    """A new ULID: 48 bits of milliseconds since the epoch, then 80 random bits. Monotonic in a
    process: ids made in the same millisecond (or under a frozen clock) count up, so records
    written one after the other sort in that order."""
    global _last
    millis = int(clock.now().timestamp() * 1000)
    with _lock:
        last_millis, last_random = _last
        if millis == last_millis and last_random < (1 << 80) - 1:
            millis, rand = last_millis, last_random + 1
        else:
            rand = int.from_bytes(os.urandom(10), "big")
        _last = (millis, rand)
    value = (millis << 80) | rand
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))


def is_ulid(text: str) -> bool:
    return bool(_ULID_RE.match(text))
