"""Reading and writing the indicator catalogue (danh mục chỉ tiêu) as a spreadsheet.

A catalogue file is CSV (UTF-8, with or without a BOM) or XLSX (its first sheet), a header
row then one indicator a row. A column is named by its key or its Vietnamese label:

    code             Mã chỉ tiêu                     required, e.g. TNGT_VU
    name             Tên chỉ tiêu                    required
    definition       Khái niệm, phương pháp tính
    field            Lĩnh vực                        the group it is listed under
    unit_of_measure  Đơn vị tính                     required
    value_type       Loại giá trị                    integer, decimal, percent, text
    scale            Số chữ số thập phân             decimal and percent only (0 to 6)
    disaggregations  Phân tổ                         e.g. sex;area
    aggregation      Cách tổng hợp                   sum, weighted_average, min, max, latest, none
    weight           Chỉ tiêu quyền số               weighted_average only: a numeric indicator
    unit_kinds       Loại đơn vị báo cáo             e.g. ward;commune (the directory's kinds)
    minimum          Giá trị nhỏ nhất                percent: 0 unless given
    maximum          Giá trị lớn nhất                percent: 100 unless given
    at_most          Không vượt quá chỉ tiêu         a numeric indicator it may not exceed
    part_of          Là thành phần của chỉ tiêu      a numeric indicator its parts sum to

Every bad cell is reported with its line (1-based, as a spreadsheet shows it), its column (a
letter in XLSX, the header's name in CSV) and a message; the caller writes nothing unless
the file has no error. The export writes the same columns, so an export imports back
unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from cityops.core.errors import InvalidInput
from cityops.core.xlsx import CELL, HEADER, Sheet, column_name, read_rows, text_of, workbook_of
from cityops.directory.port import UnitKind
from cityops.reports.catalogue import (
    CODE_PATTERN,
    DISAGGREGATIONS,
    Aggregation,
    IndicatorVersion,
    ValueType,
)

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "Mã chỉ tiêu"),
    ("name", "Tên chỉ tiêu"),
    ("definition", "Khái niệm, phương pháp tính"),
    ("field", "Lĩnh vực"),
    ("unit_of_measure", "Đơn vị tính"),
    ("value_type", "Loại giá trị"),
    ("scale", "Số chữ số thập phân"),
    ("disaggregations", "Phân tổ"),
    ("aggregation", "Cách tổng hợp"),
    ("weight", "Chỉ tiêu quyền số"),
    ("unit_kinds", "Loại đơn vị báo cáo"),
    ("minimum", "Giá trị nhỏ nhất"),
    ("maximum", "Giá trị lớn nhất"),
    ("at_most", "Không vượt quá chỉ tiêu"),
    ("part_of", "Là thành phần của chỉ tiêu"),
)
KEYS = tuple(key for key, _ in COLUMNS)
LABELS = dict(COLUMNS)
REQUIRED = ("code", "name", "unit_of_measure", "value_type", "aggregation")
LIMITS = {"name": 300, "definition": 2000, "field": 200, "unit_of_measure": 50}
MAX_ROWS = 2000
MAX_SCALE = 6
NUMERIC = frozenset({ValueType.INTEGER, ValueType.DECIMAL, ValueType.PERCENT})
TEXT_AGGREGATIONS = frozenset({Aggregation.NONE, Aggregation.LATEST})
_CODE = re.compile(CODE_PATTERN)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_WIDTHS = {"name": 45, "definition": 60, "field": 22, "unit_of_measure": 14}


def normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


_BY_HEADER = {normal(k): k for k, _ in COLUMNS} | {normal(v): k for k, v in COLUMNS}


@dataclass(frozen=True)
class CatalogueRow:
    """A good row: the indicator's code and its definition (a version's fields, without the
    version's number and date)."""

    line: int
    code: str
    fields: dict[str, Any]

    def version(self, number: int, effective_from: Any) -> IndicatorVersion:
        return IndicatorVersion(version=number, effective_from=effective_from, **self.fields)


@dataclass
class Parsed:
    rows: list[CatalogueRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    code_column: str = "code"  # how errors name the code's column (a letter in XLSX)

    def error(self, line: int, msg: str) -> dict[str, Any]:
        """An error about the row's indicator as a whole, shown on its code's cell."""
        return _error(line, self.code_column, msg)

    def refusal(self) -> InvalidInput:
        lines = sorted({e["line"] for e in self.errors})
        shown = ", ".join(map(str, lines[:20])) + (", ..." if len(lines) > 20 else "")
        return InvalidInput(
            f"Có {len(lines)} dòng của tệp danh mục không hợp lệ (dòng {shown}); chưa nhập "
            "chỉ tiêu nào. Hãy sửa các ô được chỉ ra rồi nhập lại tệp.",
            errors=self.errors,
        )


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["body", "content"], "msg": message}])


def read_table(content: bytes, fmt: str) -> list[tuple[int, list[str]]]:
    """The file's rows as (line, cells as text), the header first; blank rows left out."""
    if fmt == "xlsx":
        rows = read_rows(content, max_rows=MAX_ROWS + 1, max_columns=len(COLUMNS) * 2)
        table = [(n, [text_of(c) for c in cells]) for n, cells in enumerate(rows, 1)]
    elif fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _refuse(
                "Tệp CSV không phải văn bản UTF-8: hãy lưu lại tệp với định dạng «CSV UTF-8»."
            ) from None
        reader = csv.reader(io.StringIO(text, newline=""))
        table = []
        try:
            while True:
                start = reader.line_num + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                table.append((start, [text_of(c) for c in cells]))
                if len(table) > MAX_ROWS + 1:
                    break
        except csv.Error as exc:
            raise _refuse(
                f"Không đọc được tệp CSV ở dòng {reader.line_num} (lỗi định dạng: {exc})."
            ) from exc
    else:
        raise _refuse("Định dạng tệp phải là csv hoặc xlsx.")
    table = [(line, cells) for line, cells in table if any(cells)]
    if not table:
        raise _refuse("Tệp trống, không có dữ liệu.")
    if len(table) > MAX_ROWS + 1:
        raise _refuse(f"Mỗi tệp danh mục có tối đa {MAX_ROWS} chỉ tiêu; hãy chia thành nhiều tệp.")
    return table


def _error(line: int, column: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", "content", line, column], "line": line, "column": column, "msg": msg}


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


class _Reader:
    """Checks the rows of one file against each other and against the catalogue."""

    def __init__(self, table: list[tuple[int, list[str]]], fmt: str, existing: Mapping[str, Any]):
        (self.header_line, header), self.body = table[0], table[1:]
        self.fmt = fmt
        self.existing = existing  # code -> its latest IndicatorVersion
        self.out = Parsed()
        self.position: dict[str, int] = {}  # key -> 0-based column
        self.header = header
        for i, name in enumerate(header):
            key = _BY_HEADER.get(normal(name))
            if not name:
                continue
            if key is None:
                self.fail(self.header_line, i, f"Không có cột «{name}» trong mẫu danh mục.")
            elif key in self.position:
                self.fail(self.header_line, i, f"Cột {key} xuất hiện hai lần.")
            else:
                self.position[key] = i
        self.out.code_column = self.where("code")
        for key in REQUIRED:
            if key not in self.position:
                self.out.errors.append(
                    _error(self.header_line, key, f"Thiếu cột {key} («{LABELS[key]}»).")
                )

    def column(self, index: int) -> str:
        if self.fmt == "xlsx":
            return column_name(index + 1)
        return self.header[index] if index < len(self.header) and self.header[index] else "?"

    def where(self, key: str) -> str:
        return self.column(self.position[key]) if key in self.position else key

    def fail(self, line: int, index: int, msg: str) -> None:
        self.out.errors.append(_error(line, self.column(index), msg))

    # --- one row ---------------------------------------------------------------------------

    def row(self, line: int, cells: list[str]) -> tuple[str, dict[str, Any]] | None:
        """The row's code and fields, or None when a cell is bad (its errors are noted)."""
        errors_before = len(self.out.errors)
        extra = [i for i in range(len(self.header), len(cells)) if cells[i]]
        for i in extra:
            self.fail(line, i, "Có giá trị ở cột không có tiêu đề.")
        raw = {k: (cells[i] if i < len(cells) else "") for k, i in self.position.items()}

        def bad(key: str, msg: str) -> None:
            self.out.errors.append(_error(line, self.where(key), msg))

        for key in REQUIRED:
            if not raw.get(key):
                bad(key, "Bắt buộc phải có giá trị.")
        for key, limit in LIMITS.items():
            if len(raw.get(key, "")) > limit:
                bad(key, f"Tối đa {limit} ký tự.")
        code = raw.get("code", "")
        if code and not _CODE.match(code):
            bad(
                "code",
                "Mã chỉ tiêu gồm chữ in hoa, chữ số và dấu _, bắt đầu bằng chữ in hoa, "
                "tối đa 40 ký tự (ví dụ TNGT_VU).",
            )
        kind = _enum(ValueType, raw.get("value_type", ""), "value_type", bad)
        aggregation = _enum(Aggregation, raw.get("aggregation", ""), "aggregation", bad)
        fields: dict[str, Any] = {
            "name": raw.get("name", ""),
            "definition": raw.get("definition", ""),
            "field": raw.get("field", ""),
            "unit_of_measure": raw.get("unit_of_measure", ""),
            "value_type": kind,
            "aggregation": aggregation,
            "scale": self._scale(raw.get("scale", ""), kind, bad),
            "disaggregations": self._names(
                raw.get("disaggregations", ""), list(DISAGGREGATIONS), "disaggregations", bad
            ),
            "unit_kinds": self._names(
                raw.get("unit_kinds", ""), [k.value for k in UnitKind], "unit_kinds", bad
            ),
            **self._bounds(raw, kind, bad),
        }
        for key in ("weight", "at_most", "part_of"):
            fields[key] = raw.get(key) or None
            if fields[key] and not _CODE.match(fields[key]):
                bad(key, f"«{fields[key]}» không phải mã chỉ tiêu.")
            elif fields[key] and fields[key] == code:
                bad(key, "Chỉ tiêu không thể tham chiếu đến chính nó.")
        if kind == ValueType.TEXT:
            if aggregation and aggregation not in TEXT_AGGREGATIONS:
                bad("aggregation", "Chỉ tiêu dạng văn bản chỉ tổng hợp theo none hoặc latest.")
            if fields["disaggregations"]:
                bad("disaggregations", "Chỉ tiêu dạng văn bản không có phân tổ.")
            for key in ("at_most", "part_of"):
                if fields[key]:
                    bad(key, f"Chỉ tiêu dạng văn bản không có {key}.")
        if aggregation == Aggregation.WEIGHTED_AVERAGE and not fields["weight"]:
            bad(
                "weight",
                "Cách tổng hợp weighted_average cần chỉ tiêu quyền số (cột weight).",
            )
        elif aggregation and aggregation != Aggregation.WEIGHTED_AVERAGE and fields["weight"]:
            bad("weight", "Chỉ tiêu quyền số chỉ dùng với cách tổng hợp weighted_average.")
        if len(self.out.errors) > errors_before:
            return None
        try:
            IndicatorVersion(version=1, effective_from="2000-01-01", **fields)
        except ValidationError as exc:  # a limit the checks missed, said at its column
            from cityops.core.api import field_message

            for err in exc.errors():
                bad(str(err["loc"][0]) if err["loc"] else "code", field_message(err))
            return None
        return code, fields

    def _scale(self, raw: str, kind: ValueType | None, bad: Any) -> int:
        if not raw:
            return 0
        if kind is not None and kind not in (ValueType.DECIMAL, ValueType.PERCENT):
            bad("scale", "Số chữ số thập phân chỉ dùng cho chỉ tiêu loại decimal và percent.")
            return 0
        if not raw.isdigit() or int(raw) > MAX_SCALE:
            bad("scale", f"Số chữ số thập phân phải là số nguyên từ 0 đến {MAX_SCALE}.")
            return 0
        return int(raw)

    @staticmethod
    def _names(raw: str, allowed: list[str], key: str, bad: Any) -> list[str]:
        names = _split(raw)
        unknown = [n for n in names if n not in allowed]
        if unknown:
            bad(key, f"Không hợp lệ: {', '.join(unknown)} (chỉ được dùng: {', '.join(allowed)}).")
        elif len(set(names)) < len(names):
            bad(key, "Có giá trị được ghi hai lần.")
        return [n for n in names if n in allowed]

    @staticmethod
    def _bounds(raw: dict[str, str], kind: ValueType | None, bad: Any) -> dict[str, Any]:
        bounds: dict[str, float | None] = {}
        for key in ("minimum", "maximum"):
            text = raw.get(key, "")
            bounds[key] = None
            if not text:
                continue
            if kind == ValueType.TEXT:
                bad(key, "Chỉ tiêu dạng văn bản không có giá trị nhỏ nhất, lớn nhất.")
            elif not _NUMBER.match(text):
                bad(key, "Phải là một số, ví dụ 0 hoặc 12.5 (dùng dấu chấm cho phần thập phân).")
            elif kind == ValueType.INTEGER and not float(text).is_integer():
                bad(key, "Giới hạn của chỉ tiêu loại integer phải là số nguyên.")
            else:
                bounds[key] = float(text)
        if kind == ValueType.PERCENT:
            if bounds["minimum"] is None and not raw.get("minimum"):
                bounds["minimum"] = 0.0
            if bounds["maximum"] is None and not raw.get("maximum"):
                bounds["maximum"] = 100.0
        low, high = bounds["minimum"], bounds["maximum"]
        if low is not None and high is not None and low > high:
            bad("maximum", f"Giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất ({_number(low)}).")
        return bounds

    # --- the rows together ---------------------------------------------------------------

    def read(self) -> Parsed:
        if self.out.errors:
            return self.out  # a bad header: the rows cannot be read
        if not self.body:
            raise _refuse("Tệp chỉ có dòng tiêu đề, không có chỉ tiêu nào.")
        good: list[CatalogueRow] = []
        seen: dict[str, int] = {}
        kinds: dict[str, ValueType | None] = {
            code: version.value_type for code, version in self.existing.items()
        }
        for line, cells in self.body:
            found = self.row(line, cells)
            at = self.position["code"]
            code = cells[at] if at < len(cells) else ""
            if code in seen:
                self.out.errors.append(
                    _error(line, self.where("code"), f"Mã {code} đã có ở dòng {seen[code]}.")
                )
                continue
            if code:
                seen[code] = line
                kinds[code] = found[1]["value_type"] if found else None
            if found:
                good.append(CatalogueRow(line, code, found[1]))
        for row in good:
            for key in ("weight", "at_most", "part_of"):
                target = row.fields[key]
                if target and target not in kinds:
                    self._fail_at(
                        row.line, key, f"Không có chỉ tiêu {target} trong tệp và trong danh mục."
                    )
                elif target and kinds[target] is not None and kinds[target] not in NUMERIC:
                    self._fail_at(row.line, key, f"{target} không phải chỉ tiêu dạng số.")
        self._cycles(good)
        bad_lines = {e["line"] for e in self.out.errors}
        self.out.rows = [row for row in good if row.line not in bad_lines]
        self.out.errors.sort(key=lambda e: e["line"])  # stable: a line's errors in order
        return self.out

    def _fail_at(self, line: int, key: str, msg: str) -> None:
        self.out.errors.append(_error(line, self.where(key), msg))

    def _cycles(self, rows: list[CatalogueRow]) -> None:
        parent = {code: v.part_of for code, v in self.existing.items() if v.part_of}
        for row in rows:
            parent.pop(row.code, None)
            if row.fields["part_of"]:
                parent[row.code] = row.fields["part_of"]
        for row in rows:
            chain, current = [row.code], parent.get(row.code)
            while current and current not in chain:
                chain.append(current)
                current = parent.get(current)
            if current == row.code:
                path = " → ".join([*chain, row.code])
                self._fail_at(
                    row.line, "part_of", f"Các chỉ tiêu part_of tạo thành vòng lặp: {path}."
                )


def _enum(kind: Any, raw: str, key: str, bad: Any) -> Any:
    if not raw:
        return None
    try:
        return kind(raw.strip().lower())
    except ValueError:
        bad(key, f"«{raw}» không hợp lệ (chỉ được dùng: {', '.join(v.value for v in kind)}).")
        return None


def parse_catalogue(content: bytes, fmt: str, existing: Mapping[str, IndicatorVersion]) -> Parsed:
    """Check every row of a catalogue file; `existing` is the latest version of each
    indicator already in the catalogue (for the indicators a row names)."""
    return _Reader(read_table(content, fmt), fmt, existing).read()


# --- the export ----------------------------------------------------------------------------


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def export_rows(catalogue: Iterable[tuple[str, IndicatorVersion]]) -> list[list[str]]:
    """The rows of the catalogue's file, without the header, in the columns' order."""
    out = []
    for code, v in catalogue:
        scaled = v.value_type in (ValueType.DECIMAL, ValueType.PERCENT)
        cells = {
            "code": code,
            "name": v.name,
            "definition": v.definition,
            "field": v.field,
            "unit_of_measure": v.unit_of_measure,
            "value_type": v.value_type.value,
            "scale": str(v.scale) if scaled else "",
            "disaggregations": ";".join(v.disaggregations),
            "aggregation": v.aggregation.value,
            "weight": v.weight or "",
            "unit_kinds": ";".join(v.unit_kinds),
            "minimum": _number(v.minimum),
            "maximum": _number(v.maximum),
            "at_most": v.at_most or "",
            "part_of": v.part_of or "",
        }
        out.append([cells[key] for key in KEYS])
    return out


def to_csv(rows: list[list[str]]) -> bytes:
    """CSV in UTF-8 with a BOM (so that Excel reads its Vietnamese), the keys as header."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(KEYS)
    writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], title: str = "Danh mục chỉ tiêu") -> bytes:
    """One sheet, the Vietnamese labels as header; scale and bounds as numbers."""
    numeric = {KEYS.index(k) for k in ("scale", "minimum", "maximum")}
    body: list[tuple[list[object], int]] = [([label for _, label in COLUMNS], HEADER)]
    for cells in rows:
        body.append(
            ([_as_number(c) if i in numeric and c else c for i, c in enumerate(cells)], CELL)
        )
    widths = [_WIDTHS.get(key, 16) for key in KEYS]
    return workbook_of([Sheet(title, body, widths)])


def _as_number(text: str) -> int | float:
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
