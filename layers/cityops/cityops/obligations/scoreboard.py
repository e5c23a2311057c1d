"""The on-time record (kết quả thực hiện đúng hạn) of every unit, across the four systems.

It reads the counters that `cityops.core.obligations` keeps in the same transaction as every
obligation it opens, moves or closes: family `SCORE`, per unit, system and due day (with the
month's roll-up), `due`, `met_on_time`, `met_late` and `cancelled`.
A window is one Query per month it touches, never a Scan, and never the obligation rows
themselves: a past or future month the window covers whole reads its roll-ups (one row per
unit and system), the month holding today and a month covered in part read their day rows
(see `cityops.core.counters`). A board about a single unit reads only that unit's rows.

Per unit and system, for the obligations due in the window:
- `due`: not cancelled; `met_on_time`, `met_late`: closed with that outcome;
- `missed`: still open, and their due day is before today (Asia/Ho_Chi_Minh);
- `still_open`: still open, due today or later (not yet late);
- `on_time_rate` = met_on_time / (met_on_time + met_late + missed); null when nothing is
  judged yet. A missed obligation met later moves from missed to met_late.

A unit's record is its own obligations (not its sub-units'; they are listed on their own).
Who sees what: a unit's members see their unit; leaders their unit's subtree; city leaders
and administrators every unit, and city leaders the ranking. Asking for a unit one may not
see is 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from cityops.core import counters
from cityops.core.auth import Principal
from cityops.core.errors import InvalidInput
from cityops.core.obligations import SCORE, SYSTEMS
from cityops.core.settings import get_settings
from cityops.directory.port import DIRECTORY, Unit, visible_unit
from cityops.obligations.models import RankEntry, Record, Scoreboard, UnitRecord

MAX_WINDOW_DAYS = 366
_COUNTS = ("due", "met_on_time", "met_late", "cancelled")


def read_counters(
    start: date, end: date, today: date, *, unit: str | None = None
) -> list[dict[str, Any]]:
    """The counter rows of the window (`unit`: that unit's only): one Query per month (and
    per 1 MB page); the month holding today from its day rows (missed or still open is a
    matter of the day), the others whole from their roll-ups."""
    table = get_settings().obligations_table
    return counters.read_window(table, SCORE, start, end, unit=unit, split_at=today)


class _Tally:
    def __init__(self) -> None:
        self.due = self.met_on_time = self.met_late = self.missed = self.still_open = 0
        self.cancelled = 0

    def add(self, row: dict[str, Any], today: date) -> None:
        counts = {name: int(row.get(name) or 0) for name in _COUNTS}
        open_ = max(0, counts["due"] - counts["met_on_time"] - counts["met_late"])
        open_ = max(0, open_ - counts["cancelled"])
        self.due += max(0, counts["due"] - counts["cancelled"])
        self.met_on_time += counts["met_on_time"]
        self.met_late += counts["met_late"]
        self.cancelled += counts["cancelled"]
        # A roll-up is never of the month holding today: all of its days fall on one side.
        day = row.get("day") or f"{row['month']}-01"
        if date.fromisoformat(day) < today:
            self.missed += open_
        else:
            self.still_open += open_

    def merge(self, others: Iterable[_Tally]) -> _Tally:
        for other in others:
            for name in ("due", "met_on_time", "met_late", "missed", "still_open", "cancelled"):
                setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def judged(self) -> int:
        return self.met_on_time + self.met_late + self.missed

    def record(self) -> Record:
        rate = round(self.met_on_time / self.judged, 4) if self.judged else None
        return Record(
            due=self.due,
            met_on_time=self.met_on_time,
            met_late=self.met_late,
            missed=self.missed,
            still_open=self.still_open,
            cancelled=self.cancelled,
            on_time_rate=rate,
        )


def parse_window(
    start: date | str | None, end: date | str | None, today: date
) -> tuple[date, date]:
    """The window's days (from 2000 to 2100, `core.models.sane_day`); by default the current
    month."""
    from cityops.core.models import sane_day

    errors = []
    parsed: dict[str, date] = {}
    for name, text in (("from", start), ("to", end)):
        if text is None:
            continue
        try:
            parsed[name] = sane_day(text if isinstance(text, date) else date.fromisoformat(text))
        except ValueError:
            errors.append(
                {
                    "loc": ["query", name],
                    "msg": "Phải là một ngày dạng YYYY-MM-DD, từ năm 2000 đến 2100.",
                }
            )
    if errors:
        raise InvalidInput("Ngày của khoảng thời gian thống kê không hợp lệ.", errors=errors)
    first = parsed.get("from") or today.replace(day=1)
    following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = parsed.get("to") or (following - timedelta(days=1))
    if last < first:
        raise InvalidInput(
            "Ngày kết thúc (to) đứng trước ngày bắt đầu (from) của khoảng thời gian thống kê.",
            errors=[
                {"loc": ["query", "to"], "msg": "Phải cùng ngày hoặc sau ngày bắt đầu (from)."}
            ],
        )
    if (last - first).days >= MAX_WINDOW_DAYS:
        raise InvalidInput(
            f"Khoảng thời gian thống kê dài tối đa {MAX_WINDOW_DAYS} ngày; hãy chọn khoảng ngắn "
            "hơn.",
            errors=[
                {
                    "loc": ["query", "to"],
                    "msg": f"Không quá {MAX_WINDOW_DAYS} ngày kể từ ngày bắt đầu (from).",
                }
            ],
        )
    return first, last


def _scope(who: Principal, unit_id: str | None) -> tuple[dict[str, Unit], str | None]:
    """The units the board may show, by id (one Query of the directory's tree), and the unit
    it is about (its subtree), if any."""
    directory = DIRECTORY.current
    anchor: str | None = None
    if unit_id is not None:
        anchor = visible_unit(who, unit_id).id
    elif not (who.is_city_leader or who.is_admin):
        anchor = who.unit_id or None
    own = directory.unit(anchor) if anchor else None
    if anchor and own is None:
        return {}, anchor
    within = directory.units_within(own.path if own else None)
    return {u.id: u for u in within if who.sees_unit(list(u.path))}, anchor


def scoreboard(
    who: Principal,
    *,
    start: date | str | None,
    end: date | str | None,
    unit_id: str | None,
    today: date,
) -> Scoreboard:
    first, last = parse_window(start, end, today)
    units, anchor = _scope(who, unit_id)
    single = next(iter(units)) if anchor and len(units) == 1 else None
    tallies: dict[str, dict[str, _Tally]] = {}
    for row in read_counters(first, last, today, unit=single):
        if row.get("system") not in SYSTEMS or row.get("unit_id") not in units:
            continue
        per_unit = tallies.setdefault(row["unit_id"], {})
        per_unit.setdefault(row["system"], _Tally()).add(row, today)
    if anchor in units:
        tallies.setdefault(anchor, {})

    records: list[UnitRecord] = []
    totals: list[_Tally] = []
    for uid in sorted(tallies, key=lambda u: units[u].code):
        per_system = tallies[uid]
        unit_total = _Tally().merge(per_system.values())
        totals.append(unit_total)
        records.append(
            UnitRecord(
                unit_id=uid,
                code=units[uid].code,
                name=units[uid].name,
                systems={s: (per_system.get(s) or _Tally()).record() for s in SYSTEMS},
                total=unit_total.record(),
            )
        )
    ranking = None
    if who.is_city_leader:
        judged = [r for r in records if r.total.on_time_rate is not None]
        judged.sort(key=lambda r: (-(r.total.on_time_rate or 0), -r.total.met_on_time, r.code))
        ranking = [
            RankEntry(
                rank=i,
                unit_id=r.unit_id,
                code=r.code,
                name=r.name,
                on_time_rate=r.total.on_time_rate or 0.0,
                judged=r.total.met_on_time + r.total.met_late + r.total.missed,
                met_on_time=r.total.met_on_time,
            )
            for i, r in enumerate(judged, start=1)
        ]
    return Scoreboard(
        from_date=first.isoformat(),
        to_date=last.isoformat(),
        as_of=today.isoformat(),
        units=records,
        total=_Tally().merge(totals).record(),
        ranking=ranking,
    )
