"""Settings per obligation kind, as data.

Every obligation kind (`task.complete`, `complaint.accept`, `report.submit`, and any kind a
system adds later) gets the defaults; rules, tried in order, override them for the kinds they
match (fnmatch patterns on the kind; the first rule that matches wins). A deployment may
replace the whole table with the `OBLIGATION_KINDS` environment variable (the same shape, as
JSON), so an administrator changes a horizon without changing code.

- `horizon_working_days`: reminders (nhắc việc) start that many working days before the due
  day (default 3).
- `escalate_after_working_days`: when an obligation is overdue by that many working days, the
  notice goes up the escalation chain to the leaders of the unit above and to the assigner;
  one more unit up for each further period (default 2).
- `urgent`: also swept every hour in office hours (the `urgent` sweep), and told by SMS at
  every level, not only when overdue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from cityops.core.settings import get_settings

ENV_VAR = "OBLIGATION_KINDS"

DEFAULT_SETTINGS: dict[str, Any] = {
    "default": {"horizon_working_days": 3, "escalate_after_working_days": 2, "urgent": False},
    "rules": [
        {
            # Hỏa tốc, Thượng khẩn, Khẩn: register and hand over at once (Decree 30/2020
            # Art. 18, 21).
            "match": ["*flash*", "*top_urgent*", "*urgent*"],
            "horizon_working_days": 1,
            "escalate_after_working_days": 1,
            "urgent": True,
        },
        {
            # Acceptance limits of a few working days: Law on Complaints Art. 27, Law on
            # Denunciations Art. 24 and 29, Decree 31/2019 Art. 9.
            "match": [
                "*.accept",
                "*.accept_*",
                "*.acceptance",
                "*.verify",
                "*.forward",
                "*.notify_acceptance",
                "*.notify",  # the denunciation acceptance notice (5 working days)
                # a complaint's suspension and resumption decisions, sent within 3 working
                # days (Decree 155/2026 Art. 28a–28b)
                "*.suspension_notice",
                "*.resumption_notice",
            ],
            "horizon_working_days": 2,
            "escalate_after_working_days": 1,
            "urgent": True,
        },
        {
            # Register and present an incoming document the day it is received or the next
            # working day (Decree 30/2020 Art. 4, 23(1)); the flash and urgent ones
            # (`document.present.flash`, `.top_urgent`, `.urgent`) are matched above.
            "match": ["document.present"],
            "horizon_working_days": 1,
            "escalate_after_working_days": 1,
            "urgent": False,
        },
        {
            # The handling deadline a leader's direction sets (Art. 23(2)): the defaults,
            # written out so that an administrator sees the kind.
            "match": ["document.handle"],
            "horizon_working_days": 3,
            "escalate_after_working_days": 2,
            "urgent": False,
        },
    ],
}

_FIELDS = {"horizon_working_days", "escalate_after_working_days", "urgent"}


@dataclass(frozen=True)
class KindSettings:
    horizon_working_days: int = 3
    escalate_after_working_days: int = 2
    urgent: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.horizon_working_days, int) or not self.horizon_working_days >= 0:
            raise ValueError("horizon_working_days must be a whole number, 0 or more")
        if self.horizon_working_days > 30:
            raise ValueError("horizon_working_days must be at most 30")
        if (
            not isinstance(self.escalate_after_working_days, int)
            or not 1 <= self.escalate_after_working_days <= 60
        ):
            raise ValueError("escalate_after_working_days must be a whole number from 1 to 60")
        if not isinstance(self.urgent, bool):
            raise ValueError("urgent must be true or false")


@dataclass(frozen=True)
class _Rule:
    patterns: tuple[str, ...]
    settings: KindSettings


class KindTable:
    """The settings of every kind: defaults, and rules tried in order."""

    def __init__(self, data: dict[str, Any]) -> None:
        default = _fields(data.get("default") or {}, "default")
        self.default = KindSettings(**default)
        self.rules: list[_Rule] = []
        for i, rule in enumerate(data.get("rules") or []):
            match = rule.get("match")
            patterns = (match,) if isinstance(match, str) else tuple(match or ())
            if not patterns or not all(isinstance(p, str) and p for p in patterns):
                raise ValueError(f"rules[{i}].match must be a pattern or a list of patterns")
            fields = _fields({k: v for k, v in rule.items() if k != "match"}, f"rules[{i}]")
            self.rules.append(_Rule(patterns, KindSettings(**{**default, **fields})))

    def for_kind(self, kind: str) -> KindSettings:
        for rule in self.rules:
            if any(fnmatchcase(kind, pattern) for pattern in rule.patterns):
                return rule.settings
        return self.default

    def max_horizon(self, *, urgent_only: bool = False) -> int:
        """The longest horizon among the kinds a sweep looks at: how far ahead it reads."""
        candidates = [self.default, *(r.settings for r in self.rules)]
        if urgent_only:
            candidates = [s for s in candidates if s.urgent]
        return max((s.horizon_working_days for s in candidates), default=0)


def _fields(data: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = {k for k in data if not k.startswith("_")} - _FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown settings {sorted(unknown)}")
    return {k: v for k, v in data.items() if k in _FIELDS}


@lru_cache(maxsize=4)
def _parse(text: str | None) -> KindTable:
    return KindTable(json.loads(text) if text else DEFAULT_SETTINGS)


def kind_table() -> KindTable:
    """The table in force: `OBLIGATION_KINDS` (JSON) if set, else `DEFAULT_SETTINGS`."""
    return _parse(get_settings().obligation_kinds or None)
