"""Report forms and the opening of their periods.

An administrator defines a form (`create_form`). Every day the schedule (`open_due_periods`)
opens, for each active form, the periods whose cut-off window has opened since the form took
effect: a report for every unit that must report, each with its `report.submit` deadline
(working days after the cut-off), so nobody creates them by hand and the sweep chases them
like every other deadline. Opening is idempotent: each report claims its (form, period,
unit), and the form notes the periods it has opened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cityops.core import clock, logs
from cityops.core.auth import SYSTEM, Principal
from cityops.core.dynamo import write_changes
from cityops.core.errors import Forbidden, InvalidInput
from cityops.core.ids import new_id
from cityops.core.models import UnitRef, person
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY, Unit, UnitKind
from cityops.reports import indicators
from cityops.reports.catalogue import IndicatorVersion
from cityops.reports.domain import SUBMIT, ExplicitPeriod, Report, ReportForm
from cityops.reports.models import PeriodList, PeriodOut, ReportFormCreate
from cityops.reports.periods import PERIODIC, Period, PeriodType, names_of_year, opened_by
from cityops.reports.pipelines import FORMS, REPORTS
from cityops.reports.store import FormCode, OpenedClaim

_KINDS = {k.value for k in UnitKind}


def unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.id, name=unit.name, code=unit.code, path=list(unit.path))


def _err(loc: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", *loc.split(".")], "msg": msg, "type": "value"}


def create_form(who: Principal, data: ReportFormCreate) -> ReportForm:
    """An administrator defines a form; its indicators and units must exist."""
    if not who.is_admin:
        raise Forbidden("Chỉ quản trị viên mới được tạo biểu mẫu báo cáo.")
    errors: list[dict[str, Any]] = []
    known = indicators.indicators(data.indicator_codes)
    errors += [
        _err(f"indicator_codes.{i}", "Danh mục không có chỉ tiêu này.")
        for i, code in enumerate(data.indicator_codes)
        if code not in known
    ]
    errors += [
        _err(f"reporting_unit_kinds.{i}", "Không có loại đơn vị này.")
        for i, kind in enumerate(data.reporting_unit_kinds)
        if kind not in _KINDS
    ]
    directory = DIRECTORY.current
    wanted = [*data.reporting_unit_ids, data.receiving_unit_id]
    found = directory.units(wanted)
    errors += [
        _err(f"reporting_unit_ids.{i}", "Không có đơn vị này.")
        for i, uid in enumerate(data.reporting_unit_ids)
        if uid not in found
    ]
    receiving = found.get(data.receiving_unit_id)
    if receiving is None:
        errors.append(_err("receiving_unit_id", "Không có đơn vị này."))
    if errors or receiving is None:
        raise InvalidInput(
            "Biểu mẫu nêu chỉ tiêu hoặc đơn vị không có trong hệ thống; hãy kiểm tra các trường "
            "được chỉ ra.",
            errors=errors,
        )
    form = ReportForm(
        id=new_id(),
        status="active",
        created_at=clock.now(),
        code=data.code,
        name=data.name,
        indicator_codes=list(data.indicator_codes),
        reporting_unit_kinds=list(data.reporting_unit_kinds),
        reporting_unit_ids=list(data.reporting_unit_ids),
        receiving_unit=unit_ref(receiving),
        period_type=data.period_type,
        explicit_periods=[ExplicitPeriod(**p.model_dump()) for p in data.explicit_periods],
        deadline_working_days=data.deadline_working_days,
        level_deadline_working_days=list(data.level_deadline_working_days),
        starts_on=data.starts_on or clock.today(),
        created_by=person(who),
    )

    def rule(work: Work[ReportForm]) -> None:
        work.add(FormCode(form.code, form.id))
        work.emit("ReportFormCreated", {"form_id": form.id, "code": form.code})

    return FORMS.create(who, form, "report_form.created", rule)


def load_form(who: Principal, form_id: str) -> ReportForm:
    return FORMS.load_visible(who, form_id)


def list_forms(who: Principal) -> list[ReportForm]:
    if not FORMS.sees(who, None):  # type: ignore[arg-type]
        return []
    return sorted(FORMS.store.all(), key=lambda f: f.code)  # type: ignore[attr-defined]


def retire_form(who: Principal, form_id: str, if_match: int | None) -> ReportForm:
    """No new period is opened for a retired form; its reports stay."""
    return FORMS.change(who, form_id, "retire", if_match=if_match)


def periods(who: Principal, form_id: str, year: int | None) -> PeriodList:
    """The form's periods of a year with their cut-off windows and deadlines."""
    form = load_form(who, form_id)
    the_year = year or clock.today().year
    calendar = DIRECTORY.current.calendar()
    if form.period_type in PERIODIC:
        chosen = [form.period(n) for n in names_of_year(form.period_type, the_year)]
    else:
        chosen = [
            form.period(p.name)
            for p in form.explicit_periods
            if the_year in (p.starts_on.year, p.ends_on.year)
        ]
    items = [
        PeriodOut(
            name=p.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            due_on=form.due_on(p, calendar),
            level_due_on=form.level_deadlines(p, calendar),
            opened=p.name in form.opened_periods,
        )
        for p in chosen
    ]
    return PeriodList(form_id=form.id, year=the_year, items=items)


# --- opening periods (the schedule) ------------------------------------------------------------


def due_periods(form: ReportForm, today: date) -> list[Period]:
    """The periods the schedule opens today: window opened, not yet opened by the form."""
    if form.period_type in PERIODIC:
        found = opened_by(PeriodType(form.period_type), today, form.starts_on)
    else:
        found = [
            form.period(p.name)
            for p in form.explicit_periods
            if p.starts_on <= today and p.ends_on >= form.starts_on
        ]
    return [p for p in found if p.name not in form.opened_periods]


def reporting_units(form: ReportForm) -> list[Unit]:
    """The active units that must report: by kind and by list."""
    directory = DIRECTORY.current
    chosen = {u.id: u for u in directory.units(form.reporting_unit_ids).values()}
    if form.reporting_unit_kinds:
        kinds = set(form.reporting_unit_kinds)
        chosen |= {u.id: u for u in directory.units_within(None) if u.kind in kinds}
    return sorted((u for u in chosen.values() if u.active), key=lambda u: u.path)


def open_due_periods(today: date | None = None) -> dict[str, Any]:
    """Open every due period of every active form (the daily schedule)."""
    day = today or clock.today()
    opened: list[dict[str, Any]] = []
    for form in FORMS.store.all():  # type: ignore[attr-defined]
        if form.status != "active":
            continue
        for period in due_periods(form, day):
            count = open_period(form, period)
            opened.append({"form_id": form.id, "period": period.name, "reports": count})
            logs.logger().info("period opened", extra=opened[-1])
    return {"opened": opened}


def open_period(form: ReportForm, period: Period) -> int:
    """A report for every unit that must report and has none yet, then the form notes the
    period. Returns how many reports were opened now."""
    catalogue = indicators.catalogue_on(clock.today())
    calendar = DIRECTORY.current.calendar()
    due_at = calendar.due_end_of_day(form.due_on(period, calendar))
    existing = REPORTS.store.units_with_report(form.id, period.name)  # type: ignore[attr-defined]
    works = []
    for unit in reporting_units(form):
        if unit.id in existing:
            continue
        versions = {
            code: spec
            for code in form.indicator_codes
            if code in catalogue
            for spec in [catalogue[code][1]]
            if _reports(spec, unit)
        }
        works.append(_opening(form, period, unit, versions, due_at))
    if hasattr(REPORTS.store, "change_of"):
        write_changes([REPORTS.store.change_of(w) for w in works])
    else:
        for work in works:
            REPORTS.store.commit(work)
    for work in works:
        REPORTS.store.publish(work.events)

    def note(work: Work[ReportForm]) -> None:
        work.entity.note_opened(period.name)

    FORMS.change(SYSTEM, form.id, "note_opened", note, append=True)
    return len(works)


def _reports(spec: IndicatorVersion, unit: Unit) -> bool:
    return not spec.unit_kinds or unit.kind in spec.unit_kinds


def _opening(
    form: ReportForm, period: Period, unit: Unit, versions: dict[str, IndicatorVersion], due_at: Any
) -> Work[Report]:
    report = Report(
        id=new_id(),
        status="open",
        created_at=clock.now(),
        form_id=form.id,
        form_code=form.code,
        form_name=form.name,
        period=period.name,
        period_starts_on=period.starts_on,
        period_ends_on=period.ends_on,
        due_on=due_at.date(),
        unit=unit_ref(unit),
        receiving_unit=form.receiving_unit,
        indicator_versions={code: spec.version for code, spec in versions.items()},
    )

    def rule(work: Work[Report]) -> None:
        work.entity.deadlines.open(
            SUBMIT,
            due_at,
            key=SUBMIT,
            unit_path=unit.path,
            title=f"Báo cáo {form.name} kỳ {period.name}",
        )
        work.add(OpenedClaim(form.id, period.name, unit.id, report.id))
        work.emit(
            "ReportOpened",
            {"report_id": report.id, "form_id": form.id, "period": period.name, "unit_id": unit.id},
        )

    return REPORTS.new_work(SYSTEM, report, "report.opened", rule)
