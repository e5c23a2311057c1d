"""The cases pipeline: who sees a case, who may take each action the workflow names, and the
one way a case changes (`change`, `create`: `cityops.core.pipeline` with the case's events
filled in from the case as the change leaves it, and a log line without any identity).

A case is visible (`cityops.core.access.CASES`) to the unit that handles it, the leaders
above it, city leaders and the city Inspectorate; to anyone else it is not found (404).
"""

from __future__ import annotations

from typing import Any

from cityops.cases import workflow
from cityops.cases.domain import Case
from cityops.cases.identity import redact
from cityops.cases.rules import RuleVersions, default_book
from cityops.cases.sessions import CouncilSession
from cityops.cases.store import CaseStore, SessionStore, TimeLimitStore
from cityops.core import logs
from cityops.core.access import CASES, sees_unit
from cityops.core.auth import Principal, is_system
from cityops.core.pipeline import Permission, Pipeline, Rule, Work


def sees(who: Principal, case: Case) -> bool:
    """The handling unit, the leaders above it, city leaders and the Inspectorate (and the
    system, when a session's change reschedules the petitions' reports)."""
    return is_system(who) or sees_unit(who, case.unit_path, CASES)


def is_staff(who: Principal) -> bool:
    return CASES.admits(who)


def is_city_wide(who: Principal) -> bool:
    """City leaders and the city Inspectorate: every case, the whole city's lists."""
    return CASES.is_city_wide(who)


def is_member(who: Principal, case: Case) -> bool:
    return is_staff(who) and who.unit_id == case.handling_unit_id


def is_deciding_leader(who: Principal, case: Case) -> bool:
    """A leader of the handling unit. In the city Inspectorate, whose decisions are taken by
    the Chief Inspector and the inspectors acting for them, an inspector counts too."""
    if not is_member(who, case):
        return False
    if who.is_leader:
        return True
    return who.has_role("inspector") and case.handling_unit_kind == "inspectorate"


def is_handler(who: Principal, case: Case) -> bool:
    return is_member(who, case) and bool(case.handler_id) and case.handler_id == who.sub


PERMISSIONS: dict[str, Permission[Case]] = {
    "staff": Permission(
        is_member, "Chỉ cán bộ của đơn vị đang giải quyết vụ việc mới được làm việc này."
    ),
    "leader": Permission(
        is_deciding_leader, "Chỉ lãnh đạo của đơn vị đang giải quyết vụ việc mới được làm việc này."
    ),
    "handler": Permission(is_handler, "Chỉ người xử lý được giao mới được thực hiện bước này."),
    "system": Permission(
        lambda who, _case: is_system(who), "Thao tác này do hệ thống CityOps tự thực hiện."
    ),
    "handler_or_leader": Permission(
        lambda who, case: is_handler(who, case) or is_deciding_leader(who, case),
        "Chỉ người xử lý được giao hoặc lãnh đạo của đơn vị đang giải quyết vụ việc mới được "
        "làm việc này.",
    ),
}

PIPELINE: Pipeline[Case] = Pipeline(
    store=CaseStore(),
    machines=workflow.MACHINES,
    sees=sees,
    permissions=PERMISSIONS,
    not_found="Không có vụ việc này.",
    kind_of=lambda case: case.kind,
    changed_message="Vụ việc đã thay đổi kể từ lần đọc trước; hãy tải lại.",
)

RULES: Pipeline[RuleVersions] = Pipeline(
    store=TimeLimitStore(),
    machines={"time_limit": workflow.TIME_LIMIT},
    sees=lambda _who, _rule: True,
    permissions={
        "admin": Permission(
            lambda who, _rule: who.is_admin, "Chỉ quản trị viên mới được thay đổi thời hạn."
        )
    },
    not_found="Không có thời hạn này.",
    changed_message="Thời hạn đã thay đổi kể từ lần đọc trước; hãy tải lại.",
    valid_id=lambda rule: default_book().has(rule),
)

SESSIONS: Pipeline[CouncilSession] = Pipeline(
    store=SessionStore(),
    machines={"council_session": workflow.COUNCIL_SESSION},
    sees=lambda who, _session: is_staff(who) or who.is_admin,
    permissions={
        "admin": Permission(
            lambda who, _session: who.is_admin, "Chỉ quản trị viên mới được thay đổi kỳ họp."
        )
    },
    not_found="Không có kỳ họp này.",
    changed_message="Kỳ họp đã thay đổi kể từ lần đọc trước; hãy tải lại.",
)


def change(
    who: Principal,
    case_id: str,
    action: str,
    rule: Rule,
    *,
    if_match: int | None,
    command: Any,
    note: str | None = None,
) -> Case:
    """Run one action on a case through the pipeline (404 → 403 → 428/412 → 409 → rule)."""

    def run(work: Work[Case]) -> None:
        rule(work)
        _without_identity(work)
        before: Any = work.before  # a change has loaded its case
        machine = PIPELINE.machine(before)
        tr = machine.transition(action)
        work.entity.status = machine.target(tr, before.status, before, work.command)
        _emit(work)

    case = PIPELINE.change(who, case_id, action, run, if_match=if_match, command=command, note=note)
    _log(case, f"case.{action}")
    return case


def _without_identity(work: Work[Case]) -> None:
    """What staff typed in this change (the case's text, the history's note), redacted against
    the sealed identity as the citizen's own text is at intake. The identity is opened in
    memory only, and only when something was typed on a case that has one."""
    case, before = work.entity, work.before
    typed = case.typed_since(before) if before is not None else []
    if not case.has_identity or not (typed or work.note):
        return
    identity = PIPELINE.store.identity(case.id)  # type: ignore[attr-defined]
    case.redact_typed(typed, identity)
    work.note = redact(work.note, identity)


def create(who: Principal | None, case: Case, action: str, rule: Rule | None = None) -> Case:
    """Write a new case (its vault item, tracking code or import marker are its rule's)."""

    def run(work: Work[Case]) -> None:
        if rule is not None:
            rule(work)
        _emit(work)

    created = PIPELINE.create(who, case, action, run)
    _log(created, action)
    return created


def _emit(work: Work[Case]) -> None:
    for detail_type, extra in work.entity.take_events():
        work.emit(detail_type, work.entity.event_detail(**extra))


def _log(case: Case, action: str) -> None:
    logs.logger().info(
        "case changed", extra={"case_id": case.id, "action": action, "status": case.status}
    )
