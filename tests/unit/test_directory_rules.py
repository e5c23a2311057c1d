"""The directory's rules through the pipeline, on fakes: who edits units and the calendar,
the version they must send, what a patch does to a unit's state, and which days a year's
announcements may name. No AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from cityops.core.ids import new_id
from cityops.core.memory import MemoryStore
from cityops.directory import service
from cityops.directory.domain import CalendarYearRecord, UnitRecord
from cityops.directory.models import CalendarChange, UnitPatch
from cityops.obligations import inbox
from cityops.obligations.models import NotificationSettingsChange

NOW = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


def person(*roles: str, sub: str = "u-1") -> Principal:
    return Principal(sub=sub, username=sub, name=sub, unit_id="", roles=frozenset(roles))


@pytest.fixture
def units():
    clock.set_now(NOW)
    fake: MemoryStore[UnitRecord] = MemoryStore("directory")
    city = new_id()
    unit = fake.add(UnitRecord(id=new_id(), code="SO-TC", name="Sở Tài chính", kind="department",
                               parent_id=city, path=[city], status="active", created_at=NOW,
                               version=2))  # fmt: skip
    with service.UNITS.using(fake):
        yield fake, unit
    clock.reset()


def test_only_an_administrator_edits_a_unit(units):
    _fake, unit = units
    with pytest.raises(Forbidden):
        service.update_unit(person("unit_leader"), unit.id, UnitPatch(name="Sở mới"), 2)


def test_an_edit_needs_the_version_read(units):
    fake, unit = units
    with pytest.raises(PreconditionRequired):
        service.update_unit(person("admin"), unit.id, UnitPatch(name="Sở mới"), None)
    with pytest.raises(PreconditionFailed):
        service.update_unit(person("admin"), unit.id, UnitPatch(name="Sở mới"), 1)
    assert fake.commits == 0


def test_an_unknown_unit_is_not_found_even_for_an_administrator(units):
    with pytest.raises(NotFound):
        service.update_unit(person("admin"), new_id(), UnitPatch(name="x"), 1)


def test_deactivating_a_unit_makes_it_inactive_and_reactivating_active_again(units):
    fake, unit = units
    edited = service.update_unit(person("admin"), unit.id, UnitPatch(active=False), 2)
    assert edited.active is False and fake.entities[unit.id].status == "inactive"
    again = service.update_unit(person("admin"), unit.id, UnitPatch(name="Sở TC"), 3)
    assert fake.entities[unit.id].status == "inactive" and again.name == "Sở TC"
    service.update_unit(person("admin"), unit.id, UnitPatch(active=True), 4)
    assert fake.entities[unit.id].status == "active"
    assert [a["action"] for a in fake.audit] == ["unit.updated"] * 3


def test_a_unit_keeps_its_parent(units):
    fake, unit = units
    with pytest.raises(InvalidInput, match=r"Không thể bỏ đơn vị cấp trên \(parent_id\)"):
        service.update_unit(person("admin"), unit.id, UnitPatch(parent_id=None), 2)
    assert fake.commits == 0


@pytest.fixture
def calendar(monkeypatch):
    clock.set_now(NOW)
    fake: MemoryStore[CalendarYearRecord] = MemoryStore("directory")
    fake.load = lambda year: (
        fake.entities.get(year)
        or CalendarYearRecord(  # type: ignore[method-assign]
            id=year, year=int(year), status="announced", created_at=NOW
        )
    )
    monkeypatch.setattr(service, "get_calendar", lambda year: fake.entities[str(year)])
    monkeypatch.setattr(service, "forget_calendar", lambda: None)
    with service.CALENDAR.using(fake):
        yield fake
    clock.reset()


def test_the_first_announcement_of_a_year_is_written_against_version_0(calendar):
    change = CalendarChange(days_off=[date(2027, 2, 11)], working_days=[date(2027, 2, 20)])
    year = service.put_calendar(person("admin"), 2027, change, 0)
    assert year.version == 1 and year.days_off == [date(2027, 2, 11)]
    with pytest.raises(PreconditionFailed):
        service.put_calendar(person("admin"), 2027, change, 0)


def test_a_day_that_is_already_off_or_in_another_year_is_refused_and_nothing_written(calendar):
    change = CalendarChange(days_off=[date(2027, 5, 1), date(2028, 1, 3)])
    with pytest.raises(InvalidInput) as refused:
        service.put_calendar(person("admin"), 2027, change, 0)
    assert [e["loc"] for e in refused.value.errors] == [
        ["body", "days_off", 0],
        ["body", "days_off", 1],
    ]
    assert calendar.commits == 0


def test_only_an_administrator_announces_days_off(calendar):
    with pytest.raises(Forbidden):
        service.put_calendar(person("clerk"), 2027, CalendarChange(), 0)


def test_a_users_settings_are_theirs_alone(monkeypatch):
    clock.set_now(NOW)
    fake = MemoryStore("directory")
    fake.load = lambda sub: (
        fake.entities.get(sub)
        or inbox.NotificationPreferences(  # type: ignore[method-assign]
            id=sub, status="set", created_at=NOW
        )
    )
    with inbox.SETTINGS.using(fake):
        saved = inbox.put_notification_settings(
            person("officer", sub="ann"), NotificationSettingsChange(email=False, sms=True), 0
        )
        assert (saved.email, saved.version) == (False, 1)
        with pytest.raises(NotFound):
            inbox.SETTINGS.change(person("officer", sub="bob"), "ann", "set", if_match=1)
    clock.reset()
