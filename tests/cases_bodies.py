"""The bodies of the cases tests, on fakes and on moto alike: a denunciation, a complaint and a
voter petition received on Monday 1 February 2027 (Tết 2027 is 4–10 February)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

NOW = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)  # Monday 1/2/2027, 09:00 in Hanoi
DENUNCIATOR = {
    "name": "Nguyễn Thị Hồng Nhung",
    "address": "Số 12 ngõ 34 phố Hàng Bông, Hoàn Kiếm",
    "phone": "0912345678",
    "email": "hongnhung.tocao@example.vn",
    "id_number": "001190012345",
}


# The regular session the petitions of these tests were compiled after: it closed on Wednesday
# 20/1/2027, so petitions compiled from 21/1 to 4/2 (a Tết day: the window ends on the next
# working day, Thursday 11/2) are in its window.
SESSION = {
    "code": "XVII-5",
    "name": "Kỳ họp thứ 5, HĐND Thành phố khóa XVII",
    "kind": "regular",
    "opens_on": "2027-01-18",
    "closes_on": "2027-01-20",
}


def new_case(**fields: Any) -> dict[str, Any]:
    """A denunciation received by post on Monday 1/2/2027, with the denunciator's identity."""
    body: dict[str, Any] = {
        "kind": "denunciation",
        "channel": "post",
        "received_on": "2027-02-01",
        "summary": "Tố cáo cán bộ địa chính nhận tiền khi cấp giấy chứng nhận",
        "denounced": "Cán bộ địa chính phường X",
        "identity": dict(DENUNCIATOR),
        "original_text": f"Tôi là {DENUNCIATOR['name']}, xin tố cáo ...",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def complaint(**fields: Any) -> dict[str, Any]:
    base = {
        "kind": "complaint",
        "complaint_round": "first_time",
        "channel": "reception",
        "summary": "Khiếu nại quyết định thu hồi đất",
        "denounced": None,
        "learned_on": "2027-01-20",
        "identity": {"name": "Trần Văn Khiếu", "phone": "0987654321"},
        "original_text": "Tôi là Trần Văn Khiếu, khiếu nại ...",
    }
    base.update(fields)
    return base


def petition(**fields: Any) -> dict[str, Any]:
    base = {
        "kind": "voter_petition",
        "channel": "deputies_compilation",
        "summary": "Cử tri đề nghị sửa chữa đường ngõ 12",
        "denounced": None,
        "identity": None,
        "original_text": None,
        "session": SESSION["code"],
        "deputies_group": "Tổ đại biểu số 3",
    }
    base.update(fields)
    return base


def set_day(iso: str) -> None:
    """Move the frozen clock to 09:00 in Hanoi on that day."""
    from cityops.core import clock

    clock.set_now(datetime.fromisoformat(f"{iso}T09:00:00+07:00"))
