"""Every instant a reply gives as a due time comes with its date in Asia/Ho_Chi_Minh (what
officials read), by one rule of `cityops.core.models.Reply`: `<x>_on` beside `<x>_at`."""

from __future__ import annotations

import json
from pathlib import Path

from cityops.core.models import LocalDay, Reply

from tests.unit.test_cases_fakes import desk_fixture  # noqa: F401 (the desk fixture)

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def is_instant(schema: dict) -> bool:
    text = json.dumps(schema)
    return '"string"' in text and '"date"' not in text


def test_every_due_instant_in_every_reply_has_its_local_date_beside_it():
    schemas = json.loads(OPENAPI.read_text())["components"]["schemas"]
    missing = []
    for name, schema in schemas.items():
        props = schema.get("properties", {})
        for field, spec in props.items():
            if not (field.endswith("due_at") or field.endswith("deadline")) or not is_instant(spec):
                continue
            siblings = (field.removesuffix("_at") + "_on", field + "_on")
            siblings += (field.replace("deadline", "due_date"),)
            if not any(s in props for s in siblings):
                missing.append(f"{name}.{field}")
    assert missing == []


def test_the_local_date_of_an_instant_after_five_in_the_afternoon_utc_is_the_next_day():
    class Reminder(Reply):
        due_at: str | None = None
        due_on: LocalDay = None

    assert Reminder(due_at="2027-02-17T16:59:59.999999Z").due_on.isoformat() == "2027-02-17"
    assert Reminder(due_at="2027-02-17T17:00:00Z").due_on.isoformat() == "2027-02-18"
    assert Reminder(due_at=None).due_on is None


def test_a_cases_reply_gives_each_deadline_its_local_date(desk):
    case = desk.create("ttr_clerk")
    assert case["due_at"] == "2027-02-17T16:59:59.999999Z" and case["due_on"] == "2027-02-17"
    assert [d["due_on"] for d in case["deadlines"]] == ["2027-02-17"]


def test_the_printed_incoming_register_passes_a_document_on_the_hanoi_date_of_its_direction():
    from cityops.documents.export import INCOMING_COLUMNS, _incoming_row

    item = {
        "received_on": "2026-12-02",
        "number": 7,
        "doc_type": "CV",
        "summary": "Về việc triển khai",
        "status": "directed",
        "direction": {"at": "2026-12-02T23:30:00Z", "lead_unit": {"name": "Sở Tài chính"}},
    }  # directed at 06:30 on 3 December in Hanoi
    row = dict(zip(INCOMING_COLUMNS, _incoming_row(item), strict=True))
    assert row["Ngày đến"] == "02/12/2026" and row["Ngày chuyển"] == "03/12/2026"
