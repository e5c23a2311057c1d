"""Reporting's stores in memory, and a small city on fakes for its rule tests.

`ReportsMemory` is `MemoryStore` with the reads `ReportStore` adds (a form's reports, the
units that have one for a period, a period's accepted values, a unit's accepted values) over
the same items the DynamoDB store writes (`ReportStore.to_item` and `values_item`, so a
field the reads need and the store does not write is missing here too); the claim of one
report per (form, period, unit) is kept with its condition, and an approval's document
(`cityops.core.deferred.Writes`) is written to the documents' fakes before the report, a
lost number race writing neither. `FormsMemory` adds `all`.

`reports_world()` builds the city: the People's Committee, its Office (which receives), two
wards, a department, with their registers; the indicators of `INDICATORS`; the people of
the flow. No AWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cityops.core import clock
from cityops.core.auth import SYSTEM, Principal
from cityops.core.deferred import Writes
from cityops.core.errors import Conflict, VersionConflict
from cityops.core.ids import new_id
from cityops.core.memory import MemoryStore
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY, MemoryDirectory, Unit
from cityops.documents import pipelines as document_pipelines
from cityops.documents import registers
from cityops.documents.fakes import AbbreviationsMemory, DocumentsMemory, RegistersMemory
from cityops.documents.models import AbbreviationSet
from cityops.reports import indicators as catalogue
from cityops.reports import pipelines
from cityops.reports.catalogue import Aggregation, Indicator, IndicatorVersion, ValueType
from cityops.reports.domain import Report, ReportForm
from cityops.reports.store import OpenedClaim, ReportStore

from tests.reports_catalogue_fakes import MemoryIndicators

_MAPPING = ReportStore()  # only its item mapping: no AWS call


@dataclass
class ReportsMemory(MemoryStore[Report]):
    system: str = "reports"
    claims: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def commit(self, work: Work[Report]) -> None:
        current = self.entities.get(work.entity.id)
        expected = work.before.version if work.before else None
        if (current.version if current else None) != expected:
            raise VersionConflict("Báo cáo vừa được người khác thay đổi; hãy tải lại.")
        for record in work.records:
            if isinstance(record, OpenedClaim):
                key = (record.form_id, record.period, record.unit_id)
                if key in self.claims:
                    raise Conflict("Báo cáo này đã được mở.")
        writes = [r for r in work.records if isinstance(r, Writes)]
        for record in writes:  # the same transaction: a number race writes nothing
            record.write_to_fake()
        super().commit(work)
        for record in work.records:
            if isinstance(record, OpenedClaim):
                self.claims[(record.form_id, record.period, record.unit_id)] = record.report_id
        for record in writes:
            record.publish()

    # --- what ReportStore reads, over the items it writes ------------------------------------

    def report_items(self) -> list[dict[str, Any]]:
        return [_MAPPING.to_item(r) for r in self.entities.values()]

    def values_items(self) -> list[dict[str, Any]]:
        return [_MAPPING.values_item(r) for r in self.entities.values()]

    def from_items(self, report: dict[str, Any], values: dict[str, Any] | None) -> Report:
        return _MAPPING.from_items(report, values)

    def units_with_report(self, form_id: str, period: str) -> set[str]:
        return {
            i["unit"]["id"]
            for i in self.report_items()
            if i["gsi1pk"] == f"FORM#{form_id}" and i["gsi1sk"].startswith(f"{period}#")
        }

    def of_form(self, form_id: str, first: str, last: str) -> list[dict[str, Any]]:
        found = [
            i
            for i in self.report_items()
            if i["gsi1pk"] == f"FORM#{form_id}" and f"{first}#" <= i["gsi1sk"] <= f"{last}#~"
        ]
        return sorted(found, key=lambda i: i["gsi1sk"])

    def accepted_values(self, form_id: str, period: str) -> list[dict[str, Any]]:
        return [i for i in self.values_items() if i.get("gsi3pk") == f"VALUES#{form_id}#{period}"]

    def unit_values(
        self, unit_id: str, *, first: str = "0", last: str = "9", limit: int | None = None
    ) -> list[dict[str, Any]]:
        found = [
            i
            for i in self.values_items()
            if i.get("gsi2pk") == f"UVALUES#{unit_id}" and first <= i["gsi2sk"] <= f"{last}~"
        ]
        found.sort(key=lambda i: i["gsi2sk"], reverse=True)
        return found[:limit] if limit is not None else found


@dataclass
class FormsMemory(MemoryStore[ReportForm]):
    system: str = "reports"

    def all(self) -> list[ReportForm]:
        return [f.model_copy(deep=True) for f in sorted(self.entities.values(), key=lambda f: f.id)]


# --- the city -----------------------------------------------------------------------------------

# Wednesday 3 March 2027, 09:00 in Hanoi: the window of 2027-03 (15/02–14/03) is open.
MARCH = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)
EFFECTIVE = date(2026, 1, 1)


def version(**fields: Any) -> IndicatorVersion:
    base: dict[str, Any] = {
        "version": 1,
        "effective_from": EFFECTIVE,
        "name": "Chỉ tiêu",
        "unit_of_measure": "vụ",
        "value_type": ValueType.INTEGER,
        "aggregation": Aggregation.SUM,
        "minimum": 0,
    }
    return IndicatorVersion(**{**base, **fields})


# The catalogue of the tests: counts with a bound between them, a disaggregated count, an
# amount with a scale, a rate, a text, and a total with its part indicators.
INDICATORS: dict[str, IndicatorVersion] = {
    "TNGT_VU": version(name="Số vụ tai nạn giao thông"),
    "TNGT_CHET": version(
        name="Số người chết", unit_of_measure="người", at_most="TNGT_VU", disaggregations=["sex"]
    ),
    "THU_NSNN": version(
        name="Thu ngân sách", unit_of_measure="tỷ đồng", value_type=ValueType.DECIMAL, scale=1
    ),
    "TL_GIAINGAN": version(
        name="Tỷ lệ giải ngân",
        unit_of_measure="%",
        value_type=ValueType.PERCENT,
        scale=1,
        minimum=None,
        aggregation=Aggregation.WEIGHTED_AVERAGE,
        weight="THU_NSNN",
    ),
    "GHI_CHU": version(
        name="Ghi chú",
        unit_of_measure="",
        value_type=ValueType.TEXT,
        minimum=None,
        aggregation=Aggregation.NONE,
    ),
    "KIENNGHI": version(name="Kiến nghị cử tri", unit_of_measure="kiến nghị"),
    "KIENNGHI_DA": version(name="Đã trả lời", unit_of_measure="kiến nghị", part_of="KIENNGHI"),
    "KIENNGHI_CHUA": version(name="Chưa trả lời", unit_of_measure="kiến nghị", part_of="KIENNGHI"),
}

PEOPLE = {
    "hk.officer": ("P-HOANKIEM", "officer"),
    "hk.leader": ("P-HOANKIEM", "unit_leader"),
    "hk.clerk": ("P-HOANKIEM", "clerk"),
    "cn.officer": ("P-CUANAM", "officer"),
    "cn.leader": ("P-CUANAM", "unit_leader"),
    "vp.clerk": ("VP-UBND", "clerk"),
    "vp.officer": ("VP-UBND", "officer"),
    "vp.leader": ("VP-UBND", "unit_leader"),
    "sotc.leader": ("SO-TC", "unit_leader"),
    "chairman": ("UBND-HN", "city_leader"),
    "admin": ("VP-UBND", "admin"),
}


@dataclass
class ReportsWorld:
    directory: MemoryDirectory
    reports: ReportsMemory
    forms: FormsMemory
    indicators: MemoryIndicators
    documents: DocumentsMemory
    registers: RegistersMemory
    units: dict[str, Unit] = field(default_factory=dict)
    people: dict[str, Principal] = field(default_factory=dict)

    def who(self, name: str) -> Principal:
        return self.people[name]

    def report_of(self, unit_code: str, period: str = "2027-03") -> Report:
        unit_id = self.units[unit_code].id
        return next(
            r for r in self.reports.entities.values() if r.unit.id == unit_id and r.period == period
        ).model_copy(deep=True)


def _unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    unit_id = new_id()
    return Unit(
        id=unit_id,
        code=code,
        name=name,
        kind=kind,
        path=(*(parent.path if parent else ()), unit_id),
    )


def add_indicators(store: MemoryIndicators, specs: dict[str, IndicatorVersion]) -> None:
    for code, spec in specs.items():
        store.add(
            Indicator(id=code, status="active", version=1, created_at=clock.now(), versions=[spec])
        )


@contextmanager
def reports_world(now: datetime = MARCH) -> Iterator[ReportsWorld]:
    clock.set_now(now)
    directory = MemoryDirectory()
    city = directory.add_unit(_unit("UBND-HN", "UBND Thành phố Hà Nội", "people_committee", None))
    office = directory.add_unit(_unit("VP-UBND", "Văn phòng UBND Thành phố", "office", city))
    finance = directory.add_unit(_unit("SO-TC", "Sở Tài chính", "department", city))
    hoankiem = directory.add_unit(_unit("P-HOANKIEM", "UBND phường Hoàn Kiếm", "ward", city))
    cuanam = directory.add_unit(_unit("P-CUANAM", "UBND phường Cửa Nam", "ward", city))
    units = {u.code: u for u in (city, office, finance, hoankiem, cuanam)}
    world = ReportsWorld(
        directory,
        ReportsMemory(),
        FormsMemory(),
        MemoryIndicators(),
        DocumentsMemory("documents"),
        RegistersMemory("documents"),
        units,
    )
    for name, (code, role) in PEOPLE.items():
        world.people[name] = Principal(
            sub=name,
            username=name,
            name=f"Người {name}",
            unit_id=units[code].id,
            roles=frozenset({role}),
        )
    add_indicators(world.indicators, INDICATORS)
    with ExitStack() as stack:
        stack.enter_context(DIRECTORY.using(directory))
        stack.enter_context(pipelines.using(world.reports, world.forms))
        stack.enter_context(catalogue.INDICATORS.using(world.indicators))
        stack.enter_context(
            document_pipelines.using(
                world.documents, world.registers, AbbreviationsMemory("documents")
            )
        )
        for unit in units.values():
            registers.ensure_default_registers(SYSTEM, unit)
        for code, abbreviation in (("P-HOANKIEM", "UBND"), ("P-CUANAM", "UBND"), ("VP-UBND", "VP")):
            registers.set_abbreviation(
                world.people["admin"], units[code].id, AbbreviationSet(abbreviation=abbreviation), 0
            )
        try:
            yield world
        finally:
            clock.reset()
