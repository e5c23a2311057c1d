"""A small city on fakes for the documents' rule tests: the People's Committee, its Office,
the Departments of Finance (with a division) and Construction, a ward; their default
registers and abbreviations; the people of the issue's flow. No AWS."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from cityops.core import clock
from cityops.core.auth import SYSTEM, Principal
from cityops.core.ids import new_id
from cityops.directory.port import DIRECTORY, MemoryDirectory, Profile, Unit
from cityops.documents import objects, pipelines, registers
from cityops.documents.fakes import AbbreviationsMemory, DocumentsMemory, RegistersMemory
from cityops.documents.models import AbbreviationSet, IncomingCreate, OutgoingCreate

from tests.paused_time import PausedTime

# Wednesday 2 December 2026, 09:00 in Hanoi
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)


@dataclass
class World:
    directory: MemoryDirectory
    documents: DocumentsMemory
    registers: RegistersMemory
    abbreviations: AbbreviationsMemory
    files: objects.MemoryObjects
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Principal] = field(default_factory=dict)
    tasks: Any = None

    def who(self, name: str) -> Principal:
        return self.people[name]

    def register_of(self, code: str, kind: str) -> Any:
        return next(r for r in self.registers.entities.values()
                    if r.unit_id == self.units[code].id and r.kind == kind)  # fmt: skip


def incoming_data(**changes: Any) -> IncomingCreate:
    fields: dict[str, Any] = {
        "received_on": TODAY.isoformat(),
        "issuing_body": "Văn phòng Chính phủ",
        "number_symbol": "8123/VPCP-KTTH",
        "issued_on": "2026-11-30",
        "doc_type": "CV",
        "summary": "Về việc đẩy nhanh tiến độ giải ngân vốn đầu tư công và Quy hoạch đô thị",
        "urgency": "normal",
        "pages": 2,
    }
    fields.update(changes)
    return IncomingCreate.model_validate(fields)


def outgoing_data(world: World, **changes: Any) -> OutgoingCreate:
    fields: dict[str, Any] = {
        "doc_type": "CV",
        "summary": "Về việc báo cáo tiến độ giải ngân vốn đầu tư công",
        "recipients": [{"unit_id": world.units["VP-UBND"].id}, {"name": "Bộ Tài chính"}],
    }
    fields.update(changes)
    return OutgoingCreate.model_validate(fields)


def _unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    unit_id = new_id()
    path = (*(parent.path if parent else ()), unit_id)
    return Unit(id=unit_id, code=code, name=name, kind=kind, path=path)


@pytest.fixture
def world():
    clock.set_now(NOW)
    directory = MemoryDirectory()
    city_name = "Ủy ban nhân dân thành phố Hà Nội"
    city = directory.add_unit(_unit("UBND-HN", city_name, "people_committee", None))
    office = directory.add_unit(_unit("VP-UBND", "Văn phòng UBND Thành phố", "office", city))
    finance = directory.add_unit(_unit("SO-TC", "Sở Tài chính", "department", city))
    budget = directory.add_unit(_unit("SO-TC.NS", "Phòng Quản lý ngân sách", "division", finance))
    construction = directory.add_unit(_unit("SO-XD", "Sở Xây dựng", "department", city))
    ward = directory.add_unit(_unit("P-HOANKIEM", "UBND phường Hoàn Kiếm", "ward", city))
    units = {u.code: u for u in (city, office, finance, budget, construction, ward)}
    w = World(directory, DocumentsMemory("documents"), RegistersMemory("documents"),
              AbbreviationsMemory("documents"), objects.MemoryObjects(), units)  # fmt: skip
    roles = {
        "chairman": ("UBND-HN", "city_leader"),
        "vp.clerk": ("VP-UBND", "clerk"),
        "vp.leader": ("VP-UBND", "unit_leader"),
        "sotc.leader": ("SO-TC", "unit_leader"),
        "sotc.officer": ("SO-TC", "officer"),
        "sotc.clerk": ("SO-TC", "clerk"),
        "qlns.officer": ("SO-TC.NS", "officer"),
        "soxd.officer": ("SO-XD", "officer"),
        "soxd.leader": ("SO-XD", "unit_leader"),
        "hoankiem.officer": ("P-HOANKIEM", "officer"),
        "hoankiem.leader": ("P-HOANKIEM", "unit_leader"),
        "admin": ("VP-UBND", "admin"),
    }
    # Callers as `core.api.caller` hands them to the use cases: named by their directory
    # profile (`core.access.vouched`), whatever name their token carried.
    for name, (code, role) in roles.items():
        w.people[name] = Principal(sub=name, username=name, name=f"Ông/Bà {name}",
                                   unit_id=units[code].id, roles=frozenset({role}))  # fmt: skip
    for name, who in w.people.items():
        directory.add_profile(Profile(id=who.sub, name=f"Ông/Bà {name}", unit_id=who.unit_id,
                                      roles=who.roles))  # fmt: skip
    abbreviations = {"UBND-HN": "UBND", "VP-UBND": "VP", "SO-TC": "STC", "SO-TC.NS": "QLNS",
                     "SO-XD": "SXD", "P-HOANKIEM": "UBND"}  # fmt: skip
    from cityops.tasks.changes import PIPELINE as TASKS
    from cityops.tasks.fakes import TasksMemory

    w.tasks = TasksMemory()
    with (
        pipelines.using(w.documents, w.registers, w.abbreviations),
        DIRECTORY.using(directory),
        objects.using(w.files),
        TASKS.using(w.tasks),
    ):
        for unit in units.values():
            registers.ensure_default_registers(SYSTEM, unit)
            registers.set_abbreviation(
                w.people["admin"],
                unit.id,
                AbbreviationSet(abbreviation=abbreviations[unit.code]),
                0,
            )
        with PausedTime().on(pipelines.DOCUMENTS):
            yield w
    clock.reset()
