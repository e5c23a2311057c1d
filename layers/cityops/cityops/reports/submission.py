"""A unit's report, from values to acceptance (Decree 09/2019): its officers enter values
(`put_values`, or a filled template: `cityops.reports.sheet`), submit them; a leader of the
unit approves, which issues the report as an outgoing document (type BC) numbered in the
unit's outgoing register and delivered to the receiving unit's incoming register; the
receiving unit accepts it (locked) or returns it with a reason; an accepted report is
reopened only with a reason. Every value keeps its history in the report's audit records.
"""

from __future__ import annotations

from typing import Any

from cityops.core import clock, logs
from cityops.core.auth import Principal
from cityops.core.deferred import deferred
from cityops.core.errors import DomainError, InvalidInput
from cityops.core.models import person
from cityops.core.pipeline import Work
from cityops.core.settings import get_settings
from cityops.directory.port import DIRECTORY
from cityops.reports import indicators, validation
from cityops.reports.catalogue import IndicatorVersion
from cityops.reports.domain import Issued, Report
from cityops.reports.models import Note, Reason, ValuesPut
from cityops.reports.pipelines import REPORTS

REPORT_DOC_TYPE = "BC"  # Báo cáo (Decree 30/2020 Appendix III)


def specs_of(report: Report) -> dict[str, IndicatorVersion]:
    """The indicator versions the report was opened with, in the form's order."""
    found = indicators.indicators(list(report.indicator_versions))
    out: dict[str, IndicatorVersion] = {}
    for code, number in report.indicator_versions.items():
        version = found[code].numbered(number) if code in found else None
        if version is not None:
            out[code] = version
    return out


def history_of(report: Report) -> dict[str, list[float]]:
    """The unit's accepted figures before this period, newest first, by indicator."""
    before = report.period_starts_on.isoformat()
    items = REPORTS.store.unit_values(report.unit.id, last=before, limit=24)  # type: ignore[attr-defined]
    history: dict[str, list[float]] = {}
    for item in items:
        if item.get("period_ends_on", "") >= before:
            continue
        for code, value in (item.get("values") or {}).items():
            if "|" not in code and isinstance(value, int | float) and not isinstance(value, bool):
                history.setdefault(code, []).append(float(value))
    return history


def detail(report: Report, **extra: Any) -> dict[str, Any]:
    return {
        "report_id": report.id,
        "form_id": report.form_id,
        "period": report.period,
        "unit_id": report.unit.id,
        "receiving_unit_id": report.receiving_unit.id,
        **extra,
    }


def checked(
    report: Report, given: dict[str, Any], comments: dict[str, str], *, complete: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(values, warnings), or a 422 listing every refused cell."""
    specs = specs_of(report)
    values, errors, warnings = validation.check(
        specs, given, complete=complete, history=history_of(report)
    )
    cells = validation.cells_of(specs)
    errors += [
        {
            "loc": ["body", "comments", c],
            "cell": c,
            "indicator": c.split("|")[0],
            "msg": "Báo cáo không có chỉ tiêu (ô) này.",
            "type": "unknown",
        }
        for c in comments
        if c not in cells
    ]
    if errors:
        raise InvalidInput(
            "Có số liệu không hợp lệ nên chưa lưu số liệu nào; hãy sửa các ô được chỉ ra.",
            errors=errors,
        )
    return values, warnings


def enter_values(who: Principal, report_id: str, data: ValuesPut, if_match: int | None) -> Report:
    def rule(work: Work[Report]) -> None:
        values, warnings = checked(work.entity, dict(data.values), dict(data.comments))
        work.entity.enter(values, dict(data.comments), warnings)

    return REPORTS.change(who, report_id, "enter_values", rule, if_match=if_match)


def submit(who: Principal, report_id: str, data: Note, if_match: int | None) -> Report:
    """Every total entered, no error, and a comment for every warning."""

    def rule(work: Work[Report]) -> None:
        report = work.entity
        _, warnings = checked(report, dict(report.values), {}, complete=True)
        missing = validation.uncommented(warnings, report.comments)
        if missing:
            raise InvalidInput(
                "Cần giải trình các số liệu khác thường trước khi gửi báo cáo.", errors=missing
            )
        report.warnings = warnings
        outcome = report.submit(person(who))
        work.emit("ReportSubmitted", detail(report, on_time=outcome != "met_late"))

    return REPORTS.change(who, report_id, "submit", rule, if_match=if_match, note=data.note)


def approve(who: Principal, report_id: str, data: Note, if_match: int | None) -> Report:
    """A leader of the unit approves: the report is issued as an outgoing document (its
    number taken in the same transaction), then delivered to the receiving unit."""
    from cityops.documents import outgoing  # only an approval issues a document
    from cityops.documents.pipelines import DOCUMENTS, taking_a_number

    issued: list[Any] = []

    def attempt() -> Report:
        def rule(work: Work[Report]) -> None:
            report = work.entity
            summary = f"Báo cáo {report.form_name} kỳ {report.period} của {report.unit.name}"
            document, writes = deferred(
                DOCUMENTS,
                lambda: outgoing.issue_generated(
                    who, report.unit.id, REPORT_DOC_TYPE, summary[:1000], [report.receiving_unit.id]
                ),
            )
            report.issued.append(
                Issued(
                    document_id=document.id,
                    number_symbol=document.number_symbol or "",
                    issued_on=document.issued_on or clock.today(),
                    approved_by=person(who),
                )
            )
            work.add(writes)
            issued[:] = [document]
            work.emit(
                "ReportApproved",
                detail(report, document_id=document.id, number_symbol=document.number_symbol),
            )

        return REPORTS.change(who, report_id, "approve", rule, if_match=if_match, note=data.note)

    approved = taking_a_number(attempt)
    try:
        outgoing.deliver_all(issued[0])
    except DomainError:  # the change stands: the document's DocumentIssued event delivers it
        logs.logger().exception(
            "delivery after approval failed; the event retries it", extra={"report_id": approved.id}
        )
    return approved


def accept(who: Principal, report_id: str, data: Note, if_match: int | None) -> Report:
    def rule(work: Work[Report]) -> None:
        work.entity.accept(person(who))
        work.emit("ReportAccepted", detail(work.entity))

    return REPORTS.change(who, report_id, "accept", rule, if_match=if_match, note=data.note)


def _again_by() -> Any:
    calendar = DIRECTORY.current.calendar()
    days = get_settings().report_resubmit_working_days
    return calendar.due_end_of_day(calendar.add_working_days(clock.today(), days))


def send_back(who: Principal, report_id: str, data: Reason, if_match: int | None) -> Report:
    """Returned with a reason (by the unit's leader before approval, by the receiving unit
    after): the unit submits again within the setting's working days."""

    def rule(work: Work[Report]) -> None:
        work.entity.send_back("return", person(who), data.reason, _again_by())
        work.emit("ReportReturned", detail(work.entity, reason=data.reason))

    return REPORTS.change(who, report_id, "return", rule, if_match=if_match, note=data.reason)


def reopen(who: Principal, report_id: str, data: Reason, if_match: int | None) -> Report:
    """An accepted report opened again with a reason: it leaves the aggregates until it is
    accepted again; its values keep their history."""

    def rule(work: Work[Report]) -> None:
        work.entity.send_back("reopen", person(who), data.reason, _again_by())
        work.emit("ReportReopened", detail(work.entity, reason=data.reason))

    return REPORTS.change(who, report_id, "reopen", rule, if_match=if_match, note=data.reason)


ACTIONS = {
    "submit": (submit, Note),
    "approve": (approve, Note),
    "accept": (accept, Note),
    "return": (send_back, Reason),
    "reopen": (reopen, Reason),
}
