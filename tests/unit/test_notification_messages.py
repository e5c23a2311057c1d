"""What a notice says (Vietnamese: what is due, for which unit, when in Hanoi time, and a
link), on which channels, and which events the notifier accepts. Pure: no AWS."""

from __future__ import annotations

import pytest
from cityops.obligations.levels import Level
from cityops.obligations.notices import (
    InvalidNoticeEvent,
    channels_for,
    due_text,
    link_for,
    parse_event,
    render_mail,
    render_sms,
)

NOTICE = {
    "level": "overdue",
    "title": "Báo cáo tình hình giải ngân vốn đầu tư công",
    "system": "tasks",
    "unit_name": "Sở Tài chính",
    "due_at": "2026-11-30T16:59:59.999999Z",
    "link": "https://cityops.example/tasks/01JTASK",
    "working_days_overdue": 2,
}
PROFILE = {"id": "u1", "email": "u1@cityops.example", "phone": "+84901000001"}


def event(**detail):
    base = {
        "entity_ref": "task#01JTASK",
        "key": "task.complete",
        "kind": "task.complete",
        "system": "tasks",
        "title": "Báo cáo",
        "due_at": "2026-11-30T16:59:59.999999Z",
        "responsible_unit_id": "01JUNIT",
        "level": "overdue",
        "recipients": ["u1"],
        "day": "2026-12-01",
    }
    return {"detail-type": "ObligationOverdue", "detail": {**base, **detail}}


def test_the_mail_says_what_is_due_for_which_unit_when_in_hanoi_time_and_where():
    subject, body = render_mail(NOTICE)
    assert subject == "[CityOps] Quá hạn: Báo cáo tình hình giải ngân vốn đầu tư công"
    assert "đã quá hạn 2 ngày làm việc" in body
    assert "Đơn vị chịu trách nhiệm: Sở Tài chính" in body
    assert "Thời hạn: hết ngày 30/11/2026 (giờ Hà Nội)" in body
    assert "Lĩnh vực: Nhiệm vụ" in body
    assert "Xem và xử lý: https://cityops.example/tasks/01JTASK" in body


@pytest.mark.parametrize(
    ("level", "words"),
    [
        ("due_soon", "sắp đến hạn"),
        ("due_today", "đến hạn trong hôm nay"),
        ("escalated", "báo cáo lên cấp trên"),
    ],
)
def test_each_level_says_where_things_stand(level, words):
    assert words in render_mail({**NOTICE, "level": level})[1]


def test_a_deadline_with_a_time_is_given_in_hanoi_time():
    assert due_text("2026-11-27T08:00:00.000000Z") == "15:00 ngày 27/11/2026"
    assert due_text("2026-11-30T16:59:59.999999Z") == "hết ngày 30/11/2026"


def test_the_sms_is_short_and_carries_the_link():
    text = render_sms({**NOTICE, "title": "x" * 200})
    assert text.startswith("CityOps - Quá hạn: ") and text.endswith(NOTICE["link"])
    assert len(text) < 200


def test_the_link_points_into_the_web_app(setting):
    setting("APP_BASE_URL", "https://cityops.hanoi.gov.vn/")
    assert link_for("task#01JTASK") == "https://cityops.hanoi.gov.vn/tasks/01JTASK"
    assert link_for("case#01JCASE") == "https://cityops.hanoi.gov.vn/cases/01JCASE"


def test_mail_always_sms_only_when_late_or_urgent():
    assert channels_for(PROFILE, {}, Level.DUE_SOON, False) == {"email"}
    assert channels_for(PROFILE, {}, Level.DUE_SOON, True) == {"email", "sms"}
    assert channels_for(PROFILE, {}, Level.OVERDUE, False) == {"email", "sms"}
    assert channels_for(PROFILE, {}, Level.ESCALATED, False) == {"email", "sms"}


def test_a_user_s_settings_and_missing_contacts_turn_channels_off():
    off = {"email": False, "sms": False}
    assert channels_for(PROFILE, off, Level.ESCALATED, True) == set()
    assert channels_for({"id": "u2"}, {}, Level.ESCALATED, True) == set()


def test_a_well_formed_event_is_accepted():
    level, detail = parse_event(event())
    assert level is Level.OVERDUE and detail["recipients"] == ["u1"]


@pytest.mark.parametrize(
    "bad",
    [
        {"detail-type": "TaskAssigned", "detail": event()["detail"]},
        {**event(), "detail-type": "ObligationEscalated"},  # level does not match
        event(title=""),
        event(system="weather"),
        event(recipients="u1"),
        event(recipients=[""]),
        event(due_at="tomorrow"),
        {"detail-type": "ObligationOverdue"},
    ],
)
def test_a_malformed_event_is_refused(bad):
    with pytest.raises(InvalidNoticeEvent):
        parse_event(bad)


def test_the_sample_events_are_events_the_notifier_accepts():
    import json
    from pathlib import Path

    samples = sorted((Path(__file__).parents[2] / "events" / "notifier").glob("*.json"))
    assert len(samples) >= 4
    for sample in samples:
        level, detail = parse_event(json.loads(sample.read_text(encoding="utf-8")))
        assert detail["level"] == level.value, sample.name
