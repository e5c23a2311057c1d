"""Progress reports (báo cáo tiến độ): appends, with no If-Match. A report that loses the race
to a concurrent change is tried again (the pipeline's backoff), so none is ever lost; when it
keeps losing, the caller gets 409 with Retry-After."""

from __future__ import annotations

from typing import Any

from cityops.core.auth import Principal
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY
from cityops.tasks import store
from cityops.tasks.changes import PIPELINE
from cityops.tasks.domain import Task
from cityops.tasks.models import ProgressReportCreate
from cityops.tasks.replies import report_reply
from cityops.tasks.values import Report


def report_progress(who: Principal, task_id: str, data: ProgressReportCreate) -> dict[str, Any]:
    """The lead unit reports progress (meeting the running `task.progress#<n>` and opening
    the next), or a coordinating unit its part."""
    written: list[Report] = []

    def rule(work: Work[Task]) -> None:
        calendar = DIRECTORY.current.calendar()
        report = work.entity.report_progress(who, data.text, data.percent, calendar)
        work.add(report)
        side = "Đơn vị chủ trì" if report.role == "lead" else "Đơn vị phối hợp"
        work.note = f"{side} báo cáo tiến độ: {data.percent}%"
        work.emit(
            "TaskProgressReported",
            {
                "report_id": report.id,
                "unit_id": report.unit_id,
                "role": report.role,
                "percent": data.percent,
            },
        )
        written[:] = [report]

    PIPELINE.change(who, task_id, "report_progress", rule, append=True, command=data)
    return report_reply(written[0])


def list_progress(who: Principal, task_id: str, *, limit: int | None, cursor: str | None):
    """The progress reports of a task, oldest first."""
    PIPELINE.load_visible(who, task_id)
    scope = f"progress:{task_id}"
    items, last = store.reports_page(
        task_id, limit=check_limit(limit), start_key=decode_cursor(cursor, scope)
    )
    return {"items": [report_reply(i) for i in items], "next_cursor": encode_cursor(last, scope)}
