"""XLSX with the standard library (zipfile and XML), for every system's spreadsheets.

The writer: one or more sheets, inline strings, numbers, booleans, a bold style for titles,
merged title rows and column widths; enough for a register printed in the Appendix IV layout
or a report's template, and Excel and LibreOffice open it.

The reader (`read_rows`): the cells of a workbook's first sheet (or a named one) as values by
position, shared and inline strings, numbers and booleans. It is written for files from
anyone: a file that is not a workbook, one that unpacks to more than `MAX_UNPACKED_BYTES`,
one with a DTD (entity expansion), or a sheet with more rows or columns than the caller
allows is refused with an `InvalidInput`, before anything large is read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from cityops.core.errors import InvalidInput

Cell = str | int | float | bool | None

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200

_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="12"/><name val="Times New Roman"/></font><font><b/><sz val="12"/><name val="Times New Roman"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="2"><border/><border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/></border></borders>
<cellStyleXfs count="1"><xf/></cellStyleXfs>
<cellXfs count="4"><xf/><xf fontId="1" applyFont="1"><alignment horizontal="center"/></xf><xf fontId="1" borderId="1" applyFont="1" applyBorder="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf borderId="1" applyBorder="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>
</styleSheet>"""  # noqa: E501

TITLE, HEADER, CELL = 1, 2, 3  # styles

MEDIA_TYPE = _CT + ".sheet"


# --- names of cells ------------------------------------------------------------------------


def column_name(column: int) -> str:
    """The letters of a column, 1-based: 1 is A, 27 is AA."""
    if column < 1:
        raise ValueError(f"no column {column}")
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell_name(row: int, column: int) -> str:
    """A cell's name from its row and column, both 1-based: `cell_name(7, 3) == "C7"`."""
    if row < 1:
        raise ValueError(f"no row {row}")
    return f"{column_name(column)}{row}"


_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def cell_position(ref: str) -> tuple[int, int]:
    """(row, column), both 1-based, of a cell's name: `cell_position("C7") == (7, 3)`."""
    match = _REF.match(ref.strip().upper())
    if not match:
        raise ValueError(f"not a cell name: {ref!r}")
    column = 0
    for char in match.group(1):
        column = column * 26 + (ord(char) - 64)
    return int(match.group(2)), column


# --- writing -------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet: `rows` are (cells, style); `merges` are (row, first col, last col),
    the row 1-based and the columns 0-based."""

    name: str
    rows: list[tuple[list[object], int]]
    widths: list[int] = field(default_factory=list)
    merges: Sequence[tuple[int, int, int]] = ()


def _cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float) and value == value and value not in (float("inf"), -float("inf")):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> str:
    lines = []
    for r, (cells, style) in enumerate(sheet.rows, start=1):
        body = "".join(_cell(cell_name(r, c), v, style) for c, v in enumerate(cells, 1))
        lines.append(f'<row r="{r}">{body}</row>')
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(sheet.widths, 1)
    )
    merged = "".join(
        f'<mergeCell ref="{cell_name(r, a + 1)}:{cell_name(r, b + 1)}"/>'
        for r, a, b in sheet.merges
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"<sheetData>{''.join(lines)}</sheetData>"
        + (f'<mergeCells count="{len(sheet.merges)}">{merged}</mergeCells>' if merged else "")
        + "</worksheet>"
    )


def workbook_of(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX file of these sheets, in order (names cut to Excel's 31 characters)."""
    if not sheets:
        raise ValueError("a workbook needs a sheet")
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f"{overrides}"
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        "</Types>"
    )
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{rel_type}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}<Relationship Id="rId{n + 1}" Type="{rel_type}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    names = "".join(
        f'<sheet name="{escape(s.name[:31], {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    book = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{_R_NS}"><sheets>{names}</sheets></workbook>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet))
    return out.getvalue()


def workbook(
    sheet: str,
    rows: list[tuple[list[object], int]],
    widths: list[int],
    merges: Sequence[tuple[int, int, int]] = (),
) -> bytes:
    """A one-sheet XLSX file: `rows` are (cells, style); `merges` are (row, first col, last
    col), the row 1-based and the columns 0-based."""
    return workbook_of([Sheet(sheet, rows, widths, merges)])


# --- reading -------------------------------------------------------------------------------

_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def text_of(cell: Cell) -> str:
    """A cell as the text an official typed in it: empty for no value, a whole number
    without its `.0`, `true` or `false`, text in NFC without surrounding spaces."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFC", str(cell)).strip()


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["body", "content"], "msg": message}])


def _xml(archive: zipfile.ZipFile, name: str, budget: list[int]) -> Any:
    from xml.etree import ElementTree

    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _refuse(f"Tệp không có phần {name}: đây không phải tệp XLSX.") from None
    with archive.open(info) as part:
        data = part.read(budget[0] + 1)  # never more than is left of the budget
    budget[0] -= len(data)
    if budget[0] < 0:
        raise _refuse(f"Tệp XLSX giải nén ra quá {MAX_UNPACKED_BYTES // 2**20} MB.")
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise _refuse("Tệp XLSX có DTD, không được phép.")
    try:
        # No DTD, so no entity expansion: what remains is plain XML.
        return ElementTree.fromstring(data)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise _refuse(f"Phần {name} của tệp XLSX không phải XML hợp lệ.") from exc


def _text(node: Any) -> str:
    """The text of a string item: its `t`, or the `t` of each run (not phonetic hints)."""
    direct = node.find(f"{_M}t")
    if direct is not None:
        return direct.text or ""
    return "".join(t.text or "" for t in node.iterfind(f"{_M}r/{_M}t"))


def _sheet_part(archive: zipfile.ZipFile, sheet: str | None, budget: list[int]) -> str:
    book = _xml(archive, "xl/workbook.xml", budget)
    sheets = book.findall(f"{_M}sheets/{_M}sheet")
    chosen = sheets[0] if sheets and sheet is None else None
    for candidate in sheets if sheet is not None else ():
        if candidate.get("name") == sheet:
            chosen = candidate
    if chosen is None:
        raise _refuse(f"Tệp XLSX không có trang tính {sheet}." if sheet else "Tệp XLSX trống.")
    rel_id = chosen.get(f"{{{_R_NS}}}id")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels", budget)
    for rel in rels.iter(f"{_PKG_RELS}Relationship"):
        if rel.get("Id") == rel_id:
            target = (rel.get("Target") or "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise _refuse("Không tìm thấy trang tính trong tệp XLSX.")


def _value(cell: Any, shared: list[str]) -> Cell:
    kind = cell.get("t")
    if kind == "inlineStr":
        node = cell.find(f"{_M}is")
        return _text(node) if node is not None else ""
    raw = cell.findtext(f"{_M}v")
    if raw is None or raw == "":
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            raise _refuse(f"Ô {cell.get('r')} trỏ tới một chuỗi không có trong tệp.") from None
    if kind == "b":
        return raw.strip() == "1"
    if kind in ("str", "e"):  # a formula's text, an error such as #N/A
        return raw
    try:
        number = float(raw)
    except ValueError:
        return raw
    if number.is_integer() and re.fullmatch(r"-?\d+(\.0*)?", raw.strip()):
        return int(number)
    return number


def read_rows(
    data: bytes,
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
) -> list[list[Cell]]:
    """The cells of the first sheet (or the sheet named `sheet`): `rows[r - 1][c - 1]` is the
    cell of row r and column c, None when empty. Rows end at their last cell; a row with no
    cell is an empty list. Refuses (InvalidInput) what is not a workbook or is too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse("Tệp không phải tệp XLSX (không phải tệp nén zip).") from None
    with archive:
        declared = sum(info.file_size for info in archive.infolist())
        if declared > MAX_UNPACKED_BYTES:
            raise _refuse(f"Tệp XLSX giải nén ra quá {MAX_UNPACKED_BYTES // 2**20} MB.")
        budget = [MAX_UNPACKED_BYTES]
        try:
            part = _sheet_part(archive, sheet, budget)
            shared: list[str] = []
            if "xl/sharedStrings.xml" in archive.namelist():
                strings = _xml(archive, "xl/sharedStrings.xml", budget)
                shared = [_text(si) for si in strings.iterfind(f"{_M}si")]
            root = _xml(archive, part, budget)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
            raise _refuse("Tệp XLSX bị hỏng, không đọc được.") from exc
    return _cells(root, shared, max_rows, max_columns)


def _cells(root: Any, shared: list[str], max_rows: int, max_columns: int) -> list[list[Cell]]:
    rows: dict[int, dict[int, Cell]] = {}
    last_row = 0
    for row in root.iterfind(f"{_M}sheetData/{_M}row"):
        r = _number(row.get("r"), last_row + 1, "dòng")
        if r > max_rows:
            raise _refuse(f"Trang tính có quá {max_rows} dòng.")
        last_row = r
        cells = rows.setdefault(r, {})
        last_column = 0
        for cell in row.iterfind(f"{_M}c"):
            ref = cell.get("r")
            if ref:
                try:
                    ref_row, column = cell_position(ref)
                except ValueError:
                    raise _refuse(f"Trang tính có ô tên {ref[:20]!r} không hợp lệ.") from None
                if ref_row != r:
                    raise _refuse(f"Ô {ref} không nằm trong dòng {r} của nó.")
            else:
                column = last_column + 1
            if column > max_columns:
                raise _refuse(f"Trang tính có quá {max_columns} cột.")
            last_column = column
            value = _value(cell, shared)
            if value is not None and value != "":
                cells[column] = value
    out: list[list[Cell]] = []
    height = max((r for r, cells in rows.items() if cells), default=0)
    for r in range(1, height + 1):
        cells = rows.get(r) or {}
        width = max(cells, default=0)
        out.append([cells.get(c) for c in range(1, width + 1)])
    return out


def _number(raw: str | None, default: int, what: str) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 1_048_576:
        raise _refuse(f"Trang tính có {what} đánh số {raw[:20]!r} không hợp lệ.")
    return int(raw)
