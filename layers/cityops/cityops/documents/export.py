"""A register printed as officials know it (Decree 30/2020 Art. 16(2)(b), 22(3)(b); Appendix
IV): the cover (the unit, the register, the year, the first and last dates and numbers), then
its 10 columns, one row per number in order. Read with one Query of the register's index."""

from __future__ import annotations

from datetime import date
from typing import Any

from cityops.core.auth import Principal
from cityops.core.dynamo import query_all
from cityops.core.models import local_day
from cityops.core.xlsx import CELL, HEADER, TITLE, workbook
from cityops.documents import store
from cityops.documents.domain import DOCUMENT_TYPES
from cityops.documents.registers import check_year, load_register

INCOMING_COLUMNS = [
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
    "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận",
    "Ghi chú",
]  # fmt: skip
OUTGOING_COLUMNS = [
    "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung", "Người ký",
    "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
    "Ghi chú",
]  # fmt: skip
WIDTHS = [14, 10, 28, 18, 14, 48, 26, 14, 12, 24]


def _day(text: str | None) -> str:
    """A date (`2026-12-03`) as officials write it."""
    return date.fromisoformat(text).strftime("%d/%m/%Y") if text else ""


def _day_of(instant: str | None) -> str:
    """The Hanoi date of an instant (`2026-12-02T23:30:00Z` → 03/12/2026)."""
    day = local_day(instant)
    return day.strftime("%d/%m/%Y") if day else ""


def _kind_and_summary(item: dict[str, Any]) -> str:
    return f"{DOCUMENT_TYPES.get(item['doc_type'], item['doc_type'])}: {item['summary']}"


_NOTES = {
    "returned": "Đã trả lại nơi gửi",
    "filed": "Lưu tham khảo",
    "revoked": "Đã thu hồi",
    "handled": "Đã giải quyết",
}


def _note(item: dict[str, Any]) -> str:
    notes = [_NOTES.get(item["status"], "")]
    if item.get("sender_revoked"):
        notes.append("Nơi gửi đã thu hồi")
    return "; ".join(n for n in notes if n)


def _incoming_row(item: dict[str, Any]) -> list[object]:
    direction = item.get("direction") or {}
    lead = (direction.get("lead_unit") or {}).get("name", "")
    return [
        _day(item.get("received_on")), item["number"], item.get("issuing_body", ""),
        item.get("number_symbol", ""), _day(item.get("issued_on")), _kind_and_summary(item),
        lead, _day_of(direction.get("at")), "", _note(item),
    ]  # fmt: skip


def _outgoing_row(item: dict[str, Any]) -> list[object]:
    recipients = "; ".join(r["name"] for r in item.get("recipients") or [])
    return [
        item.get("number_symbol", ""), _day(item.get("issued_on")), _kind_and_summary(item),
        item.get("signer_name") or "", recipients,
        (item.get("drafting_unit") or {}).get("name", ""), "", _day(item.get("issued_on")), "",
        _note(item),
    ]  # fmt: skip


def export_register(who: Principal, register_id: str, year: int | None) -> tuple[str, bytes]:
    """The register's year as an XLSX workbook: (file name, bytes)."""
    register = load_register(who, register_id)
    year = check_year(year)
    items = query_all(
        store.table(),
        index=store.REGISTER_INDEX,
        key_condition="gsi1pk = :pk",
        values={":pk": f"REG#{register.id}#{year}"},
    )
    incoming = register.kind == "incoming"
    day_of = "received_on" if incoming else "issued_on"
    days = [i[day_of] for i in items if i.get(day_of)]
    numbers = [i["number"] for i in items]
    title = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" if incoming else "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    cover: list[tuple[list[object], int]] = [
        ([register.unit_name.upper()], TITLE),
        ([title], TITLE),
        ([register.name], TITLE),
        ([f"Năm: {year}"], TITLE),
        (
            [
                f"Từ ngày {_day(min(days)) if days else '...'} đến ngày "
                f"{_day(max(days)) if days else '...'}"
            ],
            TITLE,
        ),
        (
            [
                f"Từ số {min(numbers) if numbers else '...'} đến số "
                f"{max(numbers) if numbers else '...'}"
            ],
            TITLE,
        ),
        (["Quyển số: 01"], TITLE),
        ([], 0),
    ]
    columns = INCOMING_COLUMNS if incoming else OUTGOING_COLUMNS
    rows = [*cover, (list(columns), HEADER), ([f"({i})" for i in range(1, 11)], HEADER)]
    row_of = _incoming_row if incoming else _outgoing_row
    rows += [(row_of(item), CELL) for item in items]
    merges = [(r, 0, 9) for r in range(1, 8)]
    kind = "den" if incoming else "di"
    name = f"so-van-ban-{kind}-{year}-{register.id}.xlsx"
    return name, workbook(f"Sổ văn bản {year}", rows, WIDTHS, merges)
