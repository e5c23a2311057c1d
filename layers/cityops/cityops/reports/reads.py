"""Reading reports: one report with its cells, a list, and its history. Each read is one
Query (a report and its values share a partition; a list is a page of one index)."""

from __future__ import annotations

from cityops.core.access import REPORTS as ACCESS
from cityops.core.audit import history_page
from cityops.core.auth import Principal
from cityops.core.errors import InvalidInput
from cityops.core.pagination import decode_cursor, encode_cursor
from cityops.directory.port import visible_unit
from cityops.reports import policy, validation
from cityops.reports.catalogue import DISAGGREGATIONS
from cityops.reports.domain import Report
from cityops.reports.models import CellOut, HistoryPage, ReportOut, ReportPage, ReportSummary
from cityops.reports.pipelines import REPORTS
from cityops.reports.store import FORM_INDEX, THIRD_INDEX, UNIT_INDEX, table
from cityops.reports.submission import specs_of

DEFAULT_LIMIT = 50


def load(who: Principal, report_id: str) -> Report:
    return REPORTS.load_visible(who, report_id)


def actions(who: Principal, report: Report) -> list[str]:
    """What the caller may do to it now (what the console shows)."""
    return REPORTS.actions(who, report)


def part_label(cell: str) -> str:
    if "|" not in cell:
        return ""
    dimension, part = cell.split("|", 1)[1].split("=", 1)
    return DISAGGREGATIONS.get(dimension, {}).get(part, part)


def report_out(who: Principal, report: Report) -> ReportOut:
    specs = specs_of(report)
    cells = []
    for cell, spec in validation.cells_of(specs).items():
        label = part_label(cell)
        cells.append(
            CellOut(
                cell=cell,
                indicator=cell.split("|")[0],
                name=f"{spec.name} – {label}" if label else spec.name,
                unit_of_measure=spec.unit_of_measure,
                value_type=spec.value_type.value,
                value=report.values.get(cell),
                comment=report.comments.get(cell),
            )
        )
    data = report.model_dump(
        mode="json", exclude={"values", "comments", "deadlines", "indicator_versions"}
    )
    due = report.deadlines.next_due()
    return ReportOut.model_validate(
        {
            **data,
            "cells": cells,
            "on_time": report.on_time,
            "actions": actions(who, report),
            "due_at": due.isoformat() if due else None,
        }
    )


def list_reports(
    who: Principal,
    *,
    form_id: str | None,
    period: str | None,
    unit_id: str | None,
    to_unit_id: str | None,
    status: str | None,
    limit: int | None,
    cursor: str | None,
) -> ReportPage:
    """A unit's reports (`unit_id`, default the caller's), the reports a unit receives
    (`to_unit_id`), or a form's reports (`form_id`, optionally one `period`): newest period
    first, only those the caller may see. A unit the caller may not see is a 404."""
    if period and not form_id:
        raise InvalidInput(
            "Lọc theo kỳ báo cáo (period) thì phải chọn cả biểu mẫu báo cáo (form_id).",
            errors=[{"loc": ["query", "period"], "msg": "Cần chọn kèm biểu mẫu (form_id)."}],
        )
    names: dict[str, str] = {}
    filters, values = [], {}
    if status:
        filters.append("#status = :status")
        names["#status"], values[":status"] = "status", status
    if to_unit_id:
        visible_unit(who, to_unit_id, ACCESS)  # what a unit receives: its staff and leaders above
        index, partition, prefix = THIRD_INDEX, f"TO#{to_unit_id}", None
    elif unit_id or not form_id:
        unit = visible_unit(who, unit_id or who.unit_id, ACCESS)
        index, partition, prefix = UNIT_INDEX, f"UNIT#{unit.id}", None
    else:
        index, partition, prefix = FORM_INDEX, f"FORM#{form_id}", f"{period}#" if period else None
    if form_id and index != FORM_INDEX:
        filters.append("form_id = :form")
        values[":form"] = form_id
    if period and index != FORM_INDEX:
        filters.append("period = :period")
        values[":period"] = period
    scope = f"reports:{index}:{partition}:{prefix}:{status}:{form_id}:{period}"
    items, last = REPORTS.store.page(  # type: ignore[attr-defined]
        index,
        partition,
        prefix=prefix,
        limit=limit or DEFAULT_LIMIT,
        start_key=decode_cursor(cursor, scope),
        filter_expression=" AND ".join(filters) or None,
        values=values,
        names=names or None,
    )
    summaries = []
    for item in items:
        report = REPORTS.store.from_items(item, None)  # type: ignore[attr-defined]
        if policy.sees_report(who, report):
            summaries.append(ReportSummary.model_validate({**item, "on_time": report.on_time}))
    return ReportPage(items=summaries, next_cursor=encode_cursor(last, scope))


def history(
    who: Principal, report_id: str, *, limit: int | None, cursor: str | None
) -> HistoryPage:
    """Who changed what and when: each value's before and after (`values.<cell>`)."""
    report = load(who, report_id)
    entries, next_cursor = history_page(
        table(),
        REPORTS.store.pk(report.id),  # type: ignore[attr-defined]
        limit=limit or DEFAULT_LIMIT,
        cursor=cursor,
    )
    return HistoryPage(items=entries, next_cursor=next_cursor)
