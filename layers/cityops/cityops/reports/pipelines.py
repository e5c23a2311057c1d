"""Reporting's pipelines: every change to a form or a report runs through one of these
(`cityops.core.pipeline`); the catalogue's is `cityops.reports.indicators.INDICATORS`. Unit
tests swap their stores for fakes with `using(...)`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from cityops.core.pipeline import Pipeline
from cityops.reports import policy
from cityops.reports.domain import Report, ReportForm
from cityops.reports.store import FormStore, ReportStore
from cityops.reports.workflow import FORM, REPORT

REPORTS: Pipeline[Report] = Pipeline(
    store=ReportStore(),
    machines={"report": REPORT},
    sees=policy.sees_report,
    permissions=policy.PERMISSIONS,
    not_found="Không có báo cáo này.",
    changed_message="Báo cáo đã thay đổi kể từ lần đọc trước; hãy tải lại.",
)
FORMS: Pipeline[ReportForm] = Pipeline(
    store=FormStore(),
    machines={"report_form": FORM},
    sees=policy.sees_form,
    permissions=policy.PERMISSIONS,
    not_found="Không có biểu mẫu báo cáo này.",
    changed_message="Biểu mẫu báo cáo đã thay đổi kể từ lần đọc trước; hãy tải lại.",
)


@contextmanager
def using(reports: Any, forms: Any) -> Iterator[None]:
    """Run both pipelines on other stores (the fakes, in unit tests)."""
    with ExitStack() as stack:
        stack.enter_context(REPORTS.using(reports))
        stack.enter_context(FORMS.using(forms))
        yield
