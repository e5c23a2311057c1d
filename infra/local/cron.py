"""EventBridge schedule expressions for the local stack: `rate(...)` and 6-field `cron(...)`."""

from __future__ import annotations

import re
from datetime import datetime

_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
        start=1,
    )
}


def rate_seconds(expression: str) -> int | None:
    match = re.fullmatch(r"rate\((\d+)\s+(minutes?|hours?|days?)\)", expression.strip())
    if not match:
        return None
    unit = match.group(2).rstrip("s")
    return int(match.group(1)) * {"minute": 60, "hour": 3600, "day": 86400}[unit]


def _field(spec: str, value: int, low: int, high: int, names: dict[str, int]) -> bool:
    if spec in ("*", "?"):
        return True
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/")
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-")
            start, end = names.get(a) or int(a), names.get(b) or int(b)
        else:
            start = names.get(part) or int(part)
            end = start if step == 1 else high
        if start <= value <= end and (value - start) % step == 0:
            return True
    return False


def cron_matches(expression: str, moment: datetime) -> bool:
    """Does `cron(min hour day-of-month month day-of-week year)` fire at this local minute?"""
    match = re.fullmatch(r"cron\((.+)\)", expression.strip())
    if not match:
        return False
    minute, hour, dom, month, dow, year = match.group(1).split()
    weekday = (moment.isoweekday() % 7) + 1  # EventBridge: SUN=1 ... SAT=7
    return (
        _field(minute, moment.minute, 0, 59, {})
        and _field(hour, moment.hour, 0, 23, {})
        and _field(dom, moment.day, 1, 31, {})
        and _field(month, moment.month, 1, 12, _MONTHS)
        and _field(dow, weekday, 1, 7, _DAYS)
        and _field(year, moment.year, 1970, 2199, {})
    )
