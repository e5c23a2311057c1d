"""Reporting's workflows as data (Decree 09/2019).

A report (báo cáo) is opened by the schedule when its period's cut-off window opens, for every
unit that must report: its officers enter values (open), submit them, a leader of the unit
approves (the report is issued as an outgoing document, type BC), and the receiving unit
accepts it, which locks it, or returns it with a reason. An accepted report is reopened only
with a reason; its values keep their history.

Forms (biểu mẫu) are kept by administrators; the schedule notes on a form the periods it has
opened. Indicators (chỉ tiêu) are revised by importing the catalogue: a revision adds a
version and never rewrites one. The names in the `who` column are the permissions of
`cityops.reports.policy`.
"""

from __future__ import annotations

from cityops.core.statemachine import StateMachine, t

REPORT_STATES = ("open", "submitted", "approved", "accepted", "returned")
EDITABLE = ("open", "returned")

REPORT = StateMachine(
    "report",
    states=REPORT_STATES,
    initial="open",
    transitions=(
        t(
            "enter_values",
            EDITABLE,
            None,
            "reporter",
            verb="nhập số liệu cho",
            audit="report.values_entered",
        ),
        t("submit", EDITABLE, "submitted", "reporter", verb="gửi", audit="report.submitted"),
        t("approve", "submitted", "approved", "approver", verb="phê duyệt",
          audit="report.approved"),
        t("accept", "approved", "accepted", "receiver", verb="tiếp nhận", audit="report.accepted"),
        t(
            "return",
            ("submitted", "approved"),
            "returned",
            "returner",
            verb="trả lại",
            audit="report.returned",
        ),
        t("reopen", "accepted", "open", "reopener", verb="mở lại", audit="report.reopened"),
    ),
    label="báo cáo",
    names={"open": "Đang nhập", "submitted": "Đã gửi", "approved": "Đã phê duyệt",
           "accepted": "Đã tiếp nhận", "returned": "Bị trả lại"},
)  # fmt: skip

FORM = StateMachine(
    "report_form",
    states=("active", "retired"),
    initial="active",
    transitions=(
        t(
            "note_opened",
            "active",
            None,
            "system",
            verb="mở kỳ báo cáo của",
            audit="report_form.period_opened",
        ),
        t("retire", "active", "retired", "form_admin", verb="ngừng dùng",
          audit="report_form.retired"),
    ),
    label="biểu mẫu báo cáo",
    names={"active": "Đang dùng", "retired": "Ngừng dùng"},
)  # fmt: skip

INDICATOR = StateMachine(
    "indicator",
    states=("active",),
    initial="active",
    transitions=(
        t("revise", "active", None, "catalogue_admin", verb="sửa đổi", audit="indicator.revised"),
    ),
    label="chỉ tiêu",
    names={"active": "Đang dùng"},
)
