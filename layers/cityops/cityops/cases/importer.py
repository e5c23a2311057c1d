"""Reading a compiled list of voter petitions (bản tổng hợp ý kiến, kiến nghị cử tri).

The deputies' groups compile the voters' petitions after each session (NQLT 72/2025 Art. 25,
37–38); the office receiving the list imports it at once. Columns (header row, any order):

    summary          the petition, in a line or a paragraph (required)
    session          the council session it was compiled for: the session's code or id
                     (required unless given for the file); the session must exist and the
                     petition be compiled in its window (checked by `petition_import`)
    deputies_group   the deputies' group that compiled it (required unless given for the file)
    received_on      the date received, YYYY-MM-DD (required unless given for the file)
    compiled_on      the date it was compiled, YYYY-MM-DD (optional: the date received)

CSV (UTF-8, comma-separated, a BOM is allowed) and XLSX (the first sheet, read by
`cityops.core.xlsx.read_rows`, which refuses what is not a workbook or is too large) are
accepted. Every bad row is reported with its line (the header is line 1); the caller writes
nothing unless every row is good.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cityops.core.xlsx import read_rows, text_of

MAX_ROWS = 500
COLUMNS = ("summary", "session", "deputies_group", "received_on", "compiled_on")
OPTIONAL = ("compiled_on",)
LIMITS = {"summary": 2000, "session": 200, "deputies_group": 200}
_MAX_COLUMNS = 50  # the five, and room for an index or a notes column (refused by name)


class ImportError_(ValueError):  # a trailing _: not the builtin ImportError
    """The file cannot be read at all (not a row problem)."""


@dataclass(frozen=True)
class PetitionRow:
    line: int
    summary: str
    session: str
    deputies_group: str
    received_on: date
    compiled_on: date | None = None


def read_table(fmt: str, content: str) -> list[tuple[int, list[str]]]:
    """The rows of the file as (line, cells), header first."""
    if fmt == "csv":
        text = content.removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = []
        try:
            for cells in reader:
                rows.append((reader.line_num, [text_of(c) for c in cells]))
        except csv.Error as exc:
            raise ImportError_(f"Không đọc được tệp CSV: {exc}.") from exc
        return rows
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImportError_("Tệp XLSX phải được gửi dưới dạng base64.") from exc
    rows = read_rows(data, max_rows=2 * MAX_ROWS, max_columns=_MAX_COLUMNS)
    return [(line, [text_of(c) for c in cells]) for line, cells in enumerate(rows, 1)]


def parse_petitions(
    rows: list[tuple[int, list[str]]],
    *,
    session: str | None,
    deputies_group: str | None,
    received_on: date | None,
    today: date,
) -> tuple[list[PetitionRow], list[dict[str, Any]]]:
    """Good rows and the errors of the bad ones ({loc: [body, content, line, column], msg})."""
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise ImportError_("Tệp không có dữ liệu.")
    (_, header), body = rows[0], rows[1:]
    names = [h.strip().lower() for h in header]
    errors: list[dict[str, Any]] = []
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        errors.append(_error(1, "header", f"tên cột không hợp lệ: {', '.join(unknown)}"))
    defaults = {"session": session, "deputies_group": deputies_group, "received_on": received_on}
    for column in COLUMNS:
        if column in OPTIONAL:
            continue
        if column not in names and (column == "summary" or defaults[column] is None):
            errors.append(_error(1, "header", f"thiếu cột {column}"))
    if errors:
        return [], errors
    if not body:
        raise ImportError_("Tệp chỉ có dòng tiêu đề, không có kiến nghị nào.")
    if len(body) > MAX_ROWS:
        raise ImportError_(f"Mỗi tệp có tối đa {MAX_ROWS} kiến nghị; hãy chia thành nhiều tệp.")
    good: list[PetitionRow] = []
    for line, cells in body:
        values = {n: (cells[i] if i < len(cells) else "") for i, n in enumerate(names)}
        if len(cells) > len(names) and any(cells[len(names) :]):
            errors.append(_error(line, "row", "nhiều ô hơn số cột"))
            continue
        row_errors: list[dict[str, Any]] = []
        text: dict[str, str] = {}
        for column in ("summary", "session", "deputies_group"):
            value = values.get(column) or (defaults.get(column) or "")
            if not value:
                row_errors.append(_error(line, column, "bắt buộc"))
            elif len(value) > LIMITS[column]:
                row_errors.append(_error(line, column, f"tối đa {LIMITS[column]} ký tự"))
            text[column] = str(value)
        day = received_on
        raw = values.get("received_on")
        if raw:
            try:
                day = _date(raw)
            except ValueError:
                row_errors.append(
                    _error(line, "received_on", "không phải ngày hợp lệ (YYYY-MM-DD)")
                )
                day = None
        if day is None and not any(e["loc"][3] == "received_on" for e in row_errors):
            row_errors.append(_error(line, "received_on", "bắt buộc"))
        elif day is not None and day > today:
            row_errors.append(_error(line, "received_on", "sau ngày hôm nay"))
        compiled = None
        if values.get("compiled_on"):
            try:
                compiled = _date(values["compiled_on"])
            except ValueError:
                row_errors.append(
                    _error(line, "compiled_on", "không phải ngày hợp lệ (YYYY-MM-DD)")
                )
            if compiled is not None and day is not None and compiled > day:
                row_errors.append(_error(line, "compiled_on", "sau received_on"))
        if row_errors:
            errors.extend(row_errors)
            continue
        if day is None:  # reported above
            continue
        good.append(
            PetitionRow(
                line, text["summary"], text["session"], text["deputies_group"], day, compiled
            )
        )
    return good, errors


def row_error(line: int, column: str, msg: str) -> dict[str, Any]:
    """The error of a row's cell, as the import reports it."""
    return _error(line, column, msg)


def _error(line: int, column: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", "content", line, column], "msg": msg, "type": "import_row"}


def _date(raw: str) -> date:
    raw = raw.strip()
    if re.fullmatch(r"\d+(\.0+)?", raw):  # an Excel serial day number
        serial = int(float(raw))
        if not 1 <= serial <= 2958465:
            raise ValueError(raw)
        return date(1899, 12, 30) + timedelta(days=serial)
    return date.fromisoformat(raw[:10] if "T" in raw else raw)
