"""Who sees a report and who may do what to it (issue 10, item 6).

Seeing follows the one access rule (`cityops.core.access.sees_unit`, `REPORTS` policy) on the
reporting unit: its members see its reports, its leaders above see their subtree's, city
leaders see all. The receiving unit's members see every report sent to it. Anyone else gets
404. Forms and the catalogue are the rules everyone reports by: every signed-in official and
administrator reads them; administrators manage them.

Doing: a unit's officers and leaders enter its values and submit them; its leaders approve;
the receiving unit's staff accept or return an approved report; a leader of the unit may send
a submitted report back; an accepted report is reopened by a leader of the receiving unit or
of the reporting unit.
"""

from __future__ import annotations

from typing import Any

from cityops.core.access import REPORTS, STAFF_ROLES, sees_unit
from cityops.core.auth import Principal, is_system
from cityops.core.pipeline import Permission
from cityops.reports.domain import Report, ReportForm


def member_of(who: Principal, unit_id: str, *roles: str) -> bool:
    return bool(unit_id) and who.unit_id == unit_id and bool(who.roles & set(roles))


def receives(who: Principal, report: Report) -> bool:
    return member_of(who, report.receiving_unit.id, *STAFF_ROLES)


def sees_report(who: Principal, report: Report) -> bool:
    return is_system(who) or receives(who, report) or sees_unit(who, report.unit.path, REPORTS)


def sees_form(who: Principal, _form: ReportForm | None = None) -> bool:
    return is_system(who) or who.is_admin or bool(who.roles & STAFF_ROLES)


def _reporter(who: Principal, report: Report) -> bool:
    return member_of(who, report.unit.id, "officer", "unit_leader")


def _approver(who: Principal, report: Report) -> bool:
    return member_of(who, report.unit.id, "unit_leader")


def _returner(who: Principal, report: Report) -> bool:
    if report.status == "approved":
        return receives(who, report)
    return _approver(who, report)


def _reopener(who: Principal, report: Report) -> bool:
    return member_of(who, report.receiving_unit.id, "unit_leader") or _approver(who, report)


def _admin(who: Principal, _entity: Any) -> bool:
    return who.is_admin


PERMISSIONS: dict[str, Permission[Any]] = {
    "reporter": Permission(
        _reporter,
        "Chỉ chuyên viên và lãnh đạo của đơn vị báo cáo mới được nhập số liệu và gửi báo cáo.",
    ),
    "approver": Permission(
        _approver, "Chỉ lãnh đạo của đơn vị báo cáo mới được phê duyệt báo cáo."
    ),
    "receiver": Permission(receives, "Chỉ đơn vị nhận báo cáo mới được tiếp nhận báo cáo."),
    "returner": Permission(
        _returner,
        "Chỉ lãnh đạo đơn vị báo cáo (trước khi phê duyệt) hoặc đơn vị nhận báo cáo (sau "
        "khi phê duyệt) mới được trả lại báo cáo.",
    ),
    "reopener": Permission(
        _reopener,
        "Chỉ lãnh đạo đơn vị nhận báo cáo hoặc đơn vị báo cáo mới được mở lại báo cáo đã "
        "tiếp nhận.",
    ),
    "form_admin": Permission(_admin, "Chỉ quản trị viên mới được quản lý biểu mẫu báo cáo."),
    "system": Permission(
        lambda who, _e: is_system(who), "Thao tác này do hệ thống CityOps tự thực hiện."
    ),
}
