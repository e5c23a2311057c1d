"""The People's Council's sessions, kept by an administrator (`/v1/cases/sessions`), and what
their changes do to the petitions: when a regular session is entered or moved, every petition
of the sessions that report to it gets its report deadline opened or moved
(`Case.schedule_report`, each its own change run by the system).

The sessions are few (a handful a year): they are read in one Query and kept for a minute per
process, like the rules (`council()`); a change clears the cache of the process that made it.
"""

from __future__ import annotations

import time

from cityops.cases.domain import Case
from cityops.cases.models import SessionChange, SessionCreate
from cityops.cases.pipeline import PIPELINE, SESSIONS, is_staff
from cityops.cases.replies import CouncilSessionList, CouncilSessionOut
from cityops.cases.rules import Limits
from cityops.cases.sessions import (
    Council,
    CouncilSession,
    check_dates,
    check_in_force,
    report_due,
    window,
)
from cityops.cases.store import SessionCode
from cityops.cases.time_limits import limits
from cityops.core import clock
from cityops.core.auth import SYSTEM, Principal
from cityops.core.errors import Conflict, Forbidden, InvalidInput
from cityops.core.ids import new_id
from cityops.core.pipeline import Work
from cityops.core.statemachine import InvalidTransition

_SECONDS = 60.0
_cached: tuple[float, Council] | None = None


def council() -> Council:
    """Every session, oldest first; cached for a minute."""
    global _cached
    if _cached and time.monotonic() - _cached[0] < _SECONDS:
        return _cached[1]
    stored = SESSIONS.store.all()  # type: ignore[attr-defined]
    found = Council(tuple(sorted(stored, key=lambda s: (s.opens_on, s.id))))
    _cached = (time.monotonic(), found)
    return found


def forget_sessions() -> None:
    global _cached
    _cached = None


def session_of(reference: str, field: str = "session") -> CouncilSession:
    """The session a petition names (id or code), or 422."""
    found = council().find(reference)
    if found is None:
        message = f"Không có kỳ họp {reference!r}: ghi mã hoặc id của một kỳ họp đã nhập."
        raise InvalidInput(message, errors=[{"loc": ["body", field], "msg": "không có kỳ họp này"}])
    return found


# --- reads ---------------------------------------------------------------------------------


def _for_staff(who: Principal) -> None:
    if not (is_staff(who) or who.is_admin):
        raise Forbidden("Chỉ cán bộ mới được xem các kỳ họp của Hội đồng nhân dân.")


def _out(session: CouncilSession, moved: int | None = None) -> CouncilSessionOut:
    rules = limits()
    found = window(session, rules)
    due = report_due(session, rules)[0] if session.kind == "regular" else None
    return CouncilSessionOut(
        id=session.id,
        code=session.code,
        name=session.name,
        kind=session.kind,
        opens_on=session.opens_on,
        closes_on=session.closes_on,
        compile_before=found.before,
        compile_after=found.after,
        results_due_on=due,
        petitions_rescheduled=moved,
        version=session.version,
    )


def list_sessions(who: Principal) -> CouncilSessionList:
    _for_staff(who)
    known = council()
    return CouncilSessionList(items=[_out(s) for s in known.sessions])


def get_session(who: Principal, session_id: str) -> CouncilSessionOut:
    _for_staff(who)
    return _out(SESSIONS.load_visible(who, session_id))


# --- changes -------------------------------------------------------------------------------


def create_session(who: Principal, data: SessionCreate) -> CouncilSessionOut:
    """Enter a session (admin); its code is claimed in the same transaction."""
    if not who.is_admin:
        raise Forbidden("Chỉ quản trị viên mới được nhập kỳ họp.")
    check_dates(data.opens_on, data.closes_on)
    check_in_force(data.opens_on, data.kind.value, limits())
    forget_sessions()  # what the table holds now, not what this process saw a minute ago
    if council().find(data.code):
        raise Conflict(f"Đã có kỳ họp mang mã {data.code}; hãy dùng mã khác.")
    session = CouncilSession(
        id=new_id(),
        status="scheduled",
        created_at=clock.now(),
        code=data.code,
        name=data.name,
        kind=data.kind.value,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
    )

    def claim(work: Work[CouncilSession]) -> None:
        work.add(SessionCode(session.code, session.id))

    before = council()  # read fresh above
    created = SESSIONS.create(who, session, "council_session.created", claim)
    return _out(created, _reschedule(before, created))


def update_session(
    who: Principal, session_id: str, data: SessionChange, expected_version: int | None
) -> CouncilSessionOut:
    """Change a session's name, kind or days (admin, If-Match); the petitions whose report
    is due before it are rescheduled."""

    def edit(work: Work[CouncilSession]) -> None:
        work.entity.edit(
            name=data.name, kind=data.kind.value, opens_on=data.opens_on, closes_on=data.closes_on
        )

    check_in_force(data.opens_on, data.kind.value, limits())
    forget_sessions()  # what the table holds now, not what this process saw a minute ago
    before = council()
    changed = SESSIONS.change(who, session_id, "change", edit, if_match=expected_version)
    return _out(changed, _reschedule(before, changed))


def _reschedule(before: Council, changed: CouncilSession) -> int:
    """Open or move the report deadline of every petition of the sessions that reported, or
    now report, to `changed` (and of `changed`'s own petitions: its next session may differ).
    Returns how many petitions changed."""
    forget_sessions()
    after = council()
    affected = {s.id: s for s in (*before.reporting_to(changed), *after.reporting_to(changed))}
    affected[changed.id] = changed
    rules = limits()
    moved = 0
    for session in affected.values():
        target = after.next_regular(session)
        for case_id in PIPELINE.store.petitions_of_session(session.id):  # type: ignore[attr-defined]
            moved += _schedule(case_id, target, rules)
    return moved


class _Unchanged(Exception):
    """The petition's report is already due on that day: nothing to write."""


def _schedule(case_id: str, target: CouncilSession | None, rules: Limits) -> int:
    def rule(work: Work[Case]) -> None:
        if not work.entity.schedule_report(target, rules, None):
            raise _Unchanged

    try:
        PIPELINE.change(SYSTEM, case_id, "schedule_report", rule, append=True)
    except (_Unchanged, InvalidTransition):  # unchanged, or a petition not handled
        return 0
    return 1
