"""Checking a report's values against its indicators (Decree 09/2019 Art. 6: the same
definition, unit of measure and method in every report).

Errors refuse the values: a value of the wrong type, beyond its bounds or with more decimals
than its scale; a cell the report does not have; a figure above the one it may not exceed
(deaths of serious accidents ≤ accidents); parts that do not sum to their total (the parts of
a disaggregation, and indicators that are parts of another); on submission, a total left
empty. Warnings do not: a figure far from the unit's own history (beyond `SIGMAS` standard
deviations of its last periods) needs a comment before the report is submitted.

Messages are in Vietnamese: they are shown to the official at the cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from cityops.reports.catalogue import DISAGGREGATIONS, IndicatorVersion, ValueType
from cityops.reports.domain import Value

SIGMAS = 3
HISTORY_PERIODS = 12
MIN_HISTORY = 3
TEXT_MAX = 2000
_NUMBER = re.compile(r"^\s*-?\d+([.,]\d+)?\s*$")

Problem = dict[str, Any]


def _problem(cell: str, msg: str, kind: str, **more: Any) -> Problem:
    return {
        "loc": ["body", "values", cell],
        "cell": cell,
        "indicator": cell.split("|")[0],
        "msg": msg,
        "type": kind,
        **more,
    }


def cells_of(specs: Mapping[str, IndicatorVersion]) -> dict[str, IndicatorVersion]:
    """Every cell of the report, with the indicator version it belongs to, in order."""
    return {cell: spec for code, spec in specs.items() for cell in spec.cells(code)}


def _fmt(x: float) -> str:
    return f"{x:,.6f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")


def coerce(spec: IndicatorVersion, raw: Any) -> tuple[Value | None, str | None]:
    """The value as stored, or the reason it cannot be."""
    if spec.value_type is ValueType.TEXT:
        if not isinstance(raw, str):
            return None, "Chỉ tiêu này nhận giá trị dạng văn bản."
        if len(raw) > TEXT_MAX:
            return None, f"Văn bản dài quá {TEXT_MAX} ký tự."
        return raw.strip(), None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None, "Giá trị phải là một số."
    if isinstance(raw, str):
        if not _NUMBER.match(raw):
            return None, "Giá trị phải là một số."
        raw = raw.strip().replace(",", ".")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return None, "Giá trị phải là một số."
    if not number.is_finite():
        return None, "Giá trị phải là một số."
    places = max(0, -int(number.normalize().as_tuple().exponent))
    if spec.value_type is ValueType.INTEGER:
        if number != number.to_integral_value():
            return None, "Giá trị phải là số nguyên."
        return int(number), None
    if places > spec.scale:
        return None, f"Giá trị có nhiều nhất {spec.scale} chữ số thập phân."
    return float(number), None


def _bounds(spec: IndicatorVersion) -> tuple[float | None, float | None]:
    low, high = spec.minimum, spec.maximum
    if spec.value_type is ValueType.PERCENT:
        low = 0.0 if low is None else low
        high = 100.0 if high is None else high
    return low, high


def check(
    specs: Mapping[str, IndicatorVersion],
    given: Mapping[str, Any],
    *,
    complete: bool = False,
    history: Mapping[str, list[float]] | None = None,
) -> tuple[dict[str, Value], list[Problem], list[Problem]]:
    """(the values as stored, the errors, the warnings). `complete`: every total is required
    (a submission). `history`: the unit's accepted figures for each code, newest first."""
    cells = cells_of(specs)
    values: dict[str, Value] = {}
    errors: list[Problem] = []
    for cell, raw in given.items():
        spec = cells.get(cell)
        if spec is None:
            errors.append(_problem(cell, "Báo cáo không có chỉ tiêu (ô) này.", "unknown"))
            continue
        if raw is None or raw == "":
            continue
        value, reason = coerce(spec, raw)
        if reason:
            errors.append(_problem(cell, reason, "type"))
            continue
        low, high = _bounds(spec)
        if isinstance(value, int | float):
            if low is not None and value < low:
                errors.append(
                    _problem(cell, f"Giá trị nhỏ hơn mức tối thiểu {_fmt(low)}.", "bounds")
                )
                continue
            if high is not None and value > high:
                errors.append(
                    _problem(cell, f"Giá trị vượt quá mức tối đa {_fmt(high)}.", "bounds")
                )
                continue
        values[cell] = value
    errors += _relations(specs, values)
    if complete:
        errors += [
            _problem(code, "Chưa nhập giá trị của chỉ tiêu.", "required")
            for code in specs
            if code not in values and not any(e["cell"] == code for e in errors)
        ]
    return values, errors, outliers(specs, values, history or {})


def _number(values: Mapping[str, Value], cell: str) -> float | None:
    value = values.get(cell)
    return float(value) if isinstance(value, int | float) else None


def _same(a: float, b: float, scale: int) -> bool:
    return abs(a - b) < 0.5 * 10 ** (-scale)


def _relations(specs: Mapping[str, IndicatorVersion], values: Mapping[str, Value]) -> list[Problem]:
    errors: list[Problem] = []
    for code, spec in specs.items():
        total = _number(values, code)
        for dimension in spec.disaggregations:
            parts = [f"{code}|{dimension}={p}" for p in DISAGGREGATIONS[dimension]]
            present = [_number(values, cell) for cell in parts]
            if any(v is not None for v in present) and any(v is None for v in present):
                missing = [c for c, v in zip(parts, present, strict=True) if v is None]
                errors += [
                    _problem(c, "Cần nhập đủ các phần của phân tổ.", "parts") for c in missing
                ]
            elif total is not None and all(v is not None for v in present):
                added = sum(v for v in present if v is not None)
                if not _same(added, total, spec.scale):
                    errors.append(
                        _problem(
                            code,
                            f"Tổng các phần ({_fmt(added)}) khác giá trị tổng ({_fmt(total)}).",
                            "parts",
                        )
                    )
        if spec.at_most and spec.at_most in specs and total is not None:
            limit = _number(values, spec.at_most)
            if limit is not None and total > limit:
                errors.append(
                    _problem(
                        code,
                        f"Không được vượt quá chỉ tiêu {spec.at_most} ({_fmt(limit)}).",
                        "relation",
                    )
                )
    for code, spec in specs.items():
        parts_of = [c for c, s in specs.items() if s.part_of == code]
        total = _number(values, code)
        present = [_number(values, c) for c in parts_of]
        if parts_of and total is not None and all(v is not None for v in present):
            added = sum(v for v in present if v is not None)
            if not _same(added, total, spec.scale):
                errors.append(
                    _problem(
                        code,
                        f"Tổng các chỉ tiêu thành phần "
                        f"{', '.join(parts_of)} ({_fmt(added)}) khác giá trị "
                        f"({_fmt(total)}).",
                        "relation",
                    )
                )
    return errors


def outliers(
    specs: Mapping[str, IndicatorVersion],
    values: Mapping[str, Value],
    history: Mapping[str, list[float]],
) -> list[Problem]:
    """Totals far from the unit's last periods: beyond SIGMAS sample standard deviations of
    at least MIN_HISTORY earlier figures (any change at all when they never varied)."""
    found: list[Problem] = []
    for code in specs:
        value = _number(values, code)
        past = list(history.get(code, []))[:HISTORY_PERIODS]
        if value is None or len(past) < MIN_HISTORY:
            continue
        mean = sum(past) / len(past)
        sd = math.sqrt(sum((x - mean) ** 2 for x in past) / (len(past) - 1))
        if (sd == 0 and value != mean) or (sd > 0 and abs(value - mean) > SIGMAS * sd):
            found.append(
                _problem(
                    code,
                    f"Giá trị khác thường so với {len(past)} kỳ trước (trung bình "
                    f"{_fmt(mean)}, độ lệch chuẩn {_fmt(sd)}).",
                    "outlier",
                    mean=round(mean, 6),
                    sd=round(sd, 6),
                )
            )
    return found


def uncommented(warnings: list[Problem], comments: Mapping[str, str]) -> list[Problem]:
    """The warnings a submission is refused for: those without a comment at their cell."""
    return [
        {**w, "msg": "Cần giải trình: " + w["msg"]}
        for w in warnings
        if not comments.get(w["cell"], "").strip()
    ]
