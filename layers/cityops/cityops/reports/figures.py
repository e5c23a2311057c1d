"""What reports add up to: completeness and timeliness of a form's periods, a period's city
aggregate, and an indicator's series for a unit. Each reads a constant number of Queries,
whatever the number of units: the completeness matrix is one Query of the form's reports
(GSI1), an aggregate one Query of the period's accepted values (GSI3) and one of its
reports, a series one Query of the unit's accepted values (GSI2). Each shows only the
reports the caller may see.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cityops.core import clock
from cityops.core.access import REPORTS as POLICY
from cityops.core.access import STAFF_ROLES, sees_unit
from cityops.core.auth import Principal, is_system
from cityops.core.errors import InvalidInput, NotFound
from cityops.directory.port import visible_unit
from cityops.reports import indicators, validation
from cityops.reports.catalogue import Aggregation, IndicatorVersion, ValueType
from cityops.reports.forms import load_form
from cityops.reports.pipelines import REPORTS
from cityops.reports.policy import member_of

STATES = ("on_time", "late", "missing", "pending")  # pending: not submitted, not yet due
LABELS = {
    "on_time": "Đúng hạn",
    "late": "Muộn hạn",
    "missing": "Chưa gửi (quá hạn)",
    "pending": "Chưa gửi (còn hạn)",
}


def sees_item(who: Principal, item: dict[str, Any]) -> bool:
    """The access rule of `policy.sees_report`, on a stored report or values item."""
    receiving = (item.get("receiving_unit") or {}).get("id") or item.get("receiving_unit_id")
    path = (item.get("unit") or {}).get("path") or item.get("unit_path") or []
    return (
        is_system(who)
        or member_of(who, receiving or "", *STAFF_ROLES)
        or sees_unit(who, path, POLICY)
    )


def _state(item: dict[str, Any], today: date) -> str:
    first = item.get("first_submission")
    if first:
        return "on_time" if first.get("on_time") else "late"
    return "missing" if date.fromisoformat(item["due_on"]) < today else "pending"


def completeness(who: Principal, form_id: str, first: str, last: str) -> dict[str, Any]:
    """For each unit and period from `first` to `last`: on time, late, missing or pending;
    and for each period the counts, with how many were expected."""
    form = load_form(who, form_id)
    start, end = form.period(first), form.period(last)
    if end.ends_on < start.ends_on:
        raise InvalidInput(
            "Kỳ cuối (to) đứng trước kỳ đầu (from); hãy chọn lại khoảng kỳ báo cáo.",
            errors=[{"loc": ["query", "to"], "msg": "Không được trước kỳ đầu (from)."}],
        )
    today = clock.today()
    items = [i for i in REPORTS.store.of_form(form.id, first, last) if sees_item(who, i)]  # type: ignore[attr-defined]
    periods = sorted({i["period"] for i in items} | {first, last})
    units: dict[str, dict[str, Any]] = {}
    totals = {p: {"expected": 0, **dict.fromkeys(STATES, 0)} for p in periods}
    for item in items:
        unit = item["unit"]
        row = units.setdefault(
            unit["id"],
            {
                "unit_id": unit["id"],
                "name": unit["name"],
                "code": unit.get("code", ""),
                "periods": {},
            },
        )
        state = _state(item, today)
        row["periods"][item["period"]] = {
            "state": state,
            "report_id": item["id"],
            "status": item["status"],
        }
        totals[item["period"]]["expected"] += 1
        totals[item["period"]][state] += 1
    return {
        "form_id": form.id,
        "form_name": form.name,
        "from": first,
        "to": last,
        "periods": periods,
        "units": sorted(units.values(), key=lambda u: u["name"]),
        "totals": totals,
    }


def _round(value: float, spec: IndicatorVersion) -> float | int:
    if spec.value_type is ValueType.INTEGER:
        return round(value)
    quantum = Decimal(1).scaleb(-spec.scale)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def combine(spec: IndicatorVersion, cell: str, rows: list[dict[str, Any]]) -> Any:
    """One cell's figure over accepted reports, by the indicator's aggregation."""
    pairs = [(r, r["values"][cell]) for r in rows if _is_number(r["values"].get(cell))]
    how = spec.aggregation
    if how is Aggregation.LATEST:
        found = [
            (r.get("accepted_at", ""), r["values"][cell])
            for r in rows
            if r["values"].get(cell) not in (None, "")
        ]
        return max(found)[1] if found else None
    if not pairs or how is Aggregation.NONE or spec.value_type is ValueType.TEXT:
        return None
    numbers = [float(v) for _, v in pairs]
    if how is Aggregation.SUM:
        return _round(sum(numbers), spec)
    if how is Aggregation.MIN:
        return _round(min(numbers), spec)
    if how is Aggregation.MAX:
        return _round(max(numbers), spec)
    weights = [(float(v), r["values"].get(spec.weight or "")) for r, v in pairs]
    weighed = [(v, float(w)) for v, w in weights if _is_number(w)]
    total = sum(w for _, w in weighed)
    return _round(sum(v * w for v, w in weighed) / total, spec) if total else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def aggregates(who: Principal, form_id: str, period: str) -> dict[str, Any]:
    """Each indicator's city figure for the period over the accepted reports the caller may
    see, with how many of the expected units it includes."""
    form = load_form(who, form_id)
    the_period = form.period(period)
    rows = [r for r in REPORTS.store.accepted_values(form.id, period) if sees_item(who, r)]  # type: ignore[attr-defined]
    expected = [i for i in REPORTS.store.of_form(form.id, period, period) if sees_item(who, i)]  # type: ignore[attr-defined]
    catalogue = indicators.indicators(form.indicator_codes)
    specs = {
        code: v
        for code in form.indicator_codes
        if code in catalogue
        for v in [catalogue[code].version_on(the_period.ends_on) or catalogue[code].current]
    }
    out = []
    for cell, spec in validation.cells_of(specs).items():
        included = sum(1 for r in rows if r["values"].get(cell) not in (None, ""))
        out.append(
            {
                "cell": cell,
                "indicator": cell.split("|")[0],
                "name": spec.name,
                "unit_of_measure": spec.unit_of_measure,
                "aggregation": spec.aggregation.value,
                "value": combine(spec, cell, rows),
                "units_included": included,
            }
        )
    return {
        "form_id": form.id,
        "form_name": form.name,
        "period": period,
        "expected_units": len(expected),
        "accepted_units": len(rows),
        "items": out,
    }


def series(
    who: Principal, code: str, unit_id: str | None, first: date | None, last: date | None
) -> dict[str, Any]:
    """The unit's accepted figures of one indicator by period (every form that has it)."""
    unit = visible_unit(who, unit_id or who.unit_id, POLICY)
    if not indicators.indicators([code]):
        raise NotFound("Không có chỉ tiêu này.")
    items = REPORTS.store.unit_values(
        unit.id,
        first=(first or date(2000, 1, 1)).isoformat(),  # type: ignore[attr-defined]
        last=(last or date(2100, 12, 31)).isoformat(),
    )
    points = [
        {
            "period": i["period"],
            "period_ends_on": i["period_ends_on"],
            "form_id": i["form_id"],
            "report_id": i["report_id"],
            "value": i["values"][code],
        }
        for i in items
        if i.get("values", {}).get(code) is not None
    ]
    points.sort(key=lambda p: (p["period_ends_on"], p["form_id"]))
    return {"indicator": code, "unit_id": unit.id, "unit_name": unit.name, "items": points}
