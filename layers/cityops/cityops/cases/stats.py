"""Case statistics, kept as counters in each change's own transaction (`cityops.core.counters`):

- `STATS` day rows, per handling unit and kind: received, transferred out, accepted, refused,
  resolved on time and late, withdrawn, counted on the day it happened;
- `OPENCOUNT` running totals, per handling unit and kind: the cases open now.

A window is then one Query per month (a month covered whole read from its roll-ups) and the
open totals one Query, whatever the number of units, and one unit's figures read only that
unit's rows; overdue cases are the one Query of the city-wide index of running deadlines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cityops.cases import store, workflow
from cityops.cases.pipeline import is_staff
from cityops.cases.record import CaseRecord
from cityops.cases.replies import CaseStats, CaseStatsRow
from cityops.core import clock, counters
from cityops.core.access import CASES, sees_unit
from cityops.core.auth import Principal
from cityops.core.counters import Count
from cityops.core.errors import Forbidden, InvalidInput
from cityops.directory.port import DIRECTORY, visible_unit

STATS = "STATS"
OPEN = "OPENCOUNT"
WINDOW = (
    "received",
    "transferred_out",
    "accepted",
    "refused",
    "resolved_on_time",
    "resolved_late",
    "withdrawn",
)


def tally(case: CaseRecord, **deltas: int) -> list[Count]:
    """What to add to today's counters of the case's handling unit and kind (`open`: to its
    running total of open cases)."""
    table, parts = store.table(), (case.handling_unit_id, case.kind)
    fields = {"unit_id": case.handling_unit_id, "kind": case.kind, "unit_path": case.unit_path}
    window = {name: n for name, n in deltas.items() if name != "open"}
    counts = []
    if window:
        counts.append(Count(table, STATS, clock.today().isoformat(), parts, window, fields))
    if deltas.get("open"):
        counts.append(Count(table, OPEN, None, parts, {"open": deltas["open"]}, fields))
    return counts


def case_stats(
    who: Principal,
    *,
    from_date: date | None,
    to_date: date | None,
    unit_id: str | None = None,
    kind: str | None = None,
) -> CaseStats:
    """Per unit and kind: received, transferred out, accepted, refused, resolved on time and
    late, withdrawn (in the window, by the day it happened), and open and overdue (now); for
    the units the caller may see (`unit_id`: that unit and the units under it)."""
    if not is_staff(who):
        raise Forbidden("Chỉ cán bộ mới được xem số liệu vụ việc.")
    last = to_date or clock.today()
    first = from_date or last.replace(day=1)
    if first > last or (last - first).days > 366:
        raise InvalidInput(
            "Khoảng thời gian không hợp lệ: from không được sau to, và khoảng tối đa 366 ngày.",
            errors=[{"loc": ["query", "from"], "msg": "khoảng thời gian không hợp lệ"}],
        )
    within = single = None
    if unit_id:
        unit = visible_unit(who, unit_id, CASES)
        within = unit_id
        if len(DIRECTORY.current.units_within(unit.path)) == 1:
            single = unit_id  # a unit without units under it: only its own rows are read
    elif not CASES.is_city_wide(who) and not who.is_leader:
        single = who.unit_id or "-"  # a member sees their own unit's figures only

    def wanted(row: dict[str, Any]) -> bool:
        path = row.get("unit_path") or []
        if kind and row.get("kind") != kind:
            return False
        if within and within not in path:
            return False
        return sees_unit(who, path, CASES)

    table: dict[tuple[str, str], dict[str, Any]] = {}

    def row_for(unit: str, of_kind: str) -> dict[str, Any]:
        return table.setdefault((unit, of_kind), {"unit_id": unit, "kind": of_kind})

    today = clock.today()
    window = counters.read_window(store.table(), STATS, first, last, unit=single, rows_until=today)
    for counter in window:
        if wanted(counter):
            counters.add(row_for(counter["unit_id"], counter["kind"]), counter, WINDOW)
    for counter in counters.read_totals(store.table(), OPEN, unit=single):
        if wanted(counter) and int(counter.get("open", 0)):
            row_for(counter["unit_id"], counter["kind"])["open"] = int(counter["open"])
    for item in store.overdue_cases(clock.iso(clock.now())):
        if workflow.is_open(item["status"]) and wanted(item):
            row = row_for(item["handling_unit_id"], item["kind"])
            row["overdue"] = row.get("overdue", 0) + 1
    units = DIRECTORY.current.units(sorted({u for u, _ in table}))
    rows = []
    for (unit_key, _kind), data in sorted(table.items()):
        info = units.get(unit_key)
        names = {"unit_code": info.code, "unit_name": info.name} if info else {}
        rows.append(CaseStatsRow.model_validate({**data, **names}))
    return CaseStats(from_date=first, to_date=last, items=rows)
