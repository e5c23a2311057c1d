"""A report as a spreadsheet: the template a unit downloads (its indicators, their units of
measure and the unit's previous values, prefilled) and the filled template it uploads back.

The sheet's second row names the report (`Mã báo cáo: <id>`), so a sheet that is not this
report's template is refused; every refused value names its cell (`E7`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from cityops.core.auth import Principal
from cityops.core.errors import InvalidInput
from cityops.core.xlsx import CELL, HEADER, TITLE, Sheet, cell_name, read_rows, workbook_of
from cityops.reports import reads, validation
from cityops.reports.domain import Report
from cityops.reports.models import SheetUpload, ValuesPut
from cityops.reports.pipelines import REPORTS
from cityops.reports.submission import enter_values, specs_of

MARKER = "Mã báo cáo: "
HEADERS = ["Mã ô", "Chỉ tiêu", "Đơn vị tính", "Kỳ trước", "Giá trị", "Giải trình"]
FIRST_ROW = 5  # the first indicator's row (1-based)
VALUE_COLUMN, COMMENT_COLUMN = 5, 6


def _previous(report: Report) -> dict[str, Any]:
    """The unit's last accepted values of the same form before this period."""
    before = report.period_starts_on.isoformat()
    for item in REPORTS.store.unit_values(report.unit.id, last=before, limit=24):  # type: ignore[attr-defined]
        if item.get("form_id") == report.form_id and item.get("period_ends_on", "") < before:
            return item.get("values") or {}
    return {}


def template(who: Principal, report_id: str) -> tuple[bytes, str]:
    """(the XLSX, its file name)."""
    report = reads.load(who, report_id)
    previous = _previous(report)
    rows: list[tuple[list[object], int]] = [
        ([f"Báo cáo {report.form_name} – kỳ {report.period} – {report.unit.name}"], TITLE),
        ([f"{MARKER}{report.id}"], 0),
        (
            [
                f"Chốt số liệu từ {report.period_starts_on:%d/%m/%Y} đến "
                f"{report.period_ends_on:%d/%m/%Y}; hạn gửi {report.due_on:%d/%m/%Y}"
            ],
            0,
        ),
        (list(HEADERS), HEADER),
    ]
    for cell, spec in validation.cells_of(specs_of(report)).items():
        label = reads.part_label(cell)
        rows.append(
            (
                [
                    cell,
                    f"{spec.name} – {label}" if label else spec.name,
                    spec.unit_of_measure,
                    previous.get(cell),
                    report.values.get(cell),
                    report.comments.get(cell),
                ],
                CELL,
            )
        )
    book = workbook_of(
        [Sheet(name="Báo cáo", rows=rows, widths=[22, 60, 16, 14, 14, 40], merges=[(1, 0, 5)])]
    )
    return (
        book,
        f"bao-cao-{report.form_code}-{report.period}-{report.unit.code or report.unit.id}.xlsx",
    )


def _refuse(msg: str, cell: str | None = None) -> InvalidInput:
    return InvalidInput(
        msg,
        errors=[{"loc": ["body", "content"], "msg": msg, **({"sheet_cell": cell} if cell else {})}],
    )


def import_values(
    who: Principal, report_id: str, upload: SheetUpload, if_match: int | None
) -> Report:
    """The filled template's values and comments become the report's draft, as a PUT of
    them would (nothing changes when any is refused: each error names its sheet cell)."""
    report = reads.load(who, report_id)
    try:
        data = base64.b64decode(upload.content, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse("Nội dung tệp (content) không đúng mã hóa base64.") from None
    rows = read_rows(data, max_rows=5000, max_columns=20)
    marker = rows[1][0] if len(rows) > 1 and rows[1] else None
    if not isinstance(marker, str) or marker.strip() != f"{MARKER}{report.id}":
        raise _refuse(
            "Bảng tính này không phải mẫu nhập số liệu của báo cáo này: hãy tải lại mẫu từ "
            "chính báo cáo.",
            "A2",
        )
    header = [
        str(c or "").strip() for c in (rows[FIRST_ROW - 2] if len(rows) >= FIRST_ROW - 1 else [])
    ][: len(HEADERS)]
    if header != HEADERS:
        raise _refuse(
            "Dòng tiêu đề của mẫu đã bị sửa: hãy giữ nguyên dòng tiêu đề hoặc tải lại mẫu.",
            f"A{FIRST_ROW - 1}",
        )
    values: dict[str, Any] = {}
    comments: dict[str, str] = {}
    where: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        cells = [*row, *[None] * (COMMENT_COLUMN - len(row))]
        key = cells[0]
        if key is None or str(key).strip() == "":
            continue
        key = str(key).strip()
        where[key] = (cell_name(number, VALUE_COLUMN), cell_name(number, COMMENT_COLUMN))
        if cells[VALUE_COLUMN - 1] not in (None, ""):
            values[key] = cells[VALUE_COLUMN - 1]
        if cells[COMMENT_COLUMN - 1] not in (None, ""):
            comments[key] = str(cells[COMMENT_COLUMN - 1])[:2000]
    try:
        return enter_values(who, report_id, ValuesPut(values=values, comments=comments), if_match)
    except InvalidInput as exc:
        for error in exc.errors or []:
            cell = error.get("cell")
            if cell in where:
                error["sheet_cell"] = where[cell][0 if error["loc"][1] == "values" else 1]
        raise
