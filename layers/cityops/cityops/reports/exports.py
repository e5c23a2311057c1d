"""Reporting's figures as officials use them: XLSX sheets of the completeness matrix, a
period's aggregate and an indicator's series (`cityops.core.xlsx`)."""

from __future__ import annotations

from typing import Any

from cityops.core.xlsx import CELL, HEADER, TITLE, Sheet, workbook_of
from cityops.reports.figures import LABELS, STATES


def completeness_xlsx(data: dict[str, Any]) -> tuple[bytes, str]:
    periods = data["periods"]
    rows: list[tuple[list[object], int]] = [
        (
            [f"Tình hình gửi báo cáo {data['form_name']} từ kỳ {data['from']} đến {data['to']}"],
            TITLE,
        ),
        (["Đơn vị", *periods], HEADER),
    ]
    for unit in data["units"]:
        cells = [
            LABELS[unit["periods"][p]["state"]] if p in unit["periods"] else "—" for p in periods
        ]
        rows.append(([unit["name"], *cells], CELL))
    rows.append((["Phải gửi", *[data["totals"][p]["expected"] for p in periods]], HEADER))
    for state in STATES:
        rows.append(([LABELS[state], *[data["totals"][p][state] for p in periods]], CELL))
    sheet = Sheet(
        name="Tình hình gửi",
        rows=rows,
        widths=[40, *[16] * len(periods)],
        merges=[(1, 0, max(1, len(periods)))],
    )
    return workbook_of([sheet]), f"tinh-hinh-gui-bao-cao-{data['from']}-{data['to']}.xlsx"


def aggregates_xlsx(data: dict[str, Any]) -> tuple[bytes, str]:
    rows: list[tuple[list[object], int]] = [
        (
            [
                f"Tổng hợp {data['form_name']} kỳ {data['period']}: {data['accepted_units']}/"
                f"{data['expected_units']} đơn vị"
            ],
            TITLE,
        ),
        (["Mã ô", "Chỉ tiêu", "Đơn vị tính", "Cách tổng hợp", "Giá trị", "Số đơn vị"], HEADER),
    ]
    rows += [
        (
            [
                i["cell"],
                i["name"],
                i["unit_of_measure"],
                i["aggregation"],
                i["value"],
                i["units_included"],
            ],
            CELL,
        )
        for i in data["items"]
    ]
    sheet = Sheet(name="Tổng hợp", rows=rows, widths=[22, 60, 16, 18, 16, 12], merges=[(1, 0, 5)])
    return workbook_of([sheet]), f"tong-hop-{data['period']}.xlsx"


def series_xlsx(data: dict[str, Any]) -> tuple[bytes, str]:
    rows: list[tuple[list[object], int]] = [
        ([f"Chỉ tiêu {data['indicator']} – {data['unit_name']}"], TITLE),
        (["Kỳ", "Ngày chốt", "Giá trị"], HEADER),
    ]
    rows += [([p["period"], p["period_ends_on"], p["value"]], CELL) for p in data["items"]]
    sheet = Sheet(name="Chuỗi số liệu", rows=rows, widths=[14, 14, 16], merges=[(1, 0, 2)])
    return workbook_of([sheet]), f"chuoi-{data['indicator']}.xlsx"
