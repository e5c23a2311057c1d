"""Intake (tiếp nhận đơn): a case recorded by the staff of the unit that received it. Public
intake is `tracking.py`, imported lists `petition_import.py`; all three write a new case the
same way (`record`): the case with its first time limit, its vault item, its counters and its
`CaseReceived` event, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cityops.cases import pipeline
from cityops.cases.council import council, session_of
from cityops.cases.domain import Case
from cityops.cases.models import CaseCreate
from cityops.cases.reads import case_out
from cityops.cases.replies import Case as CaseOut
from cityops.cases.sessions import check_compiled
from cityops.cases.stats import tally
from cityops.cases.store import SealedIdentity, SessionPetition
from cityops.cases.time_limits import limits
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import Forbidden, InvalidInput
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY, Unit

INTAKE_ROLES = ("clerk", "officer", "inspector")


def record(
    who: Principal | None,
    case: Case,
    identity: dict[str, Any],
    *,
    action: str = "case.received",
    also: Callable[[Work[Case]], None] | None = None,
) -> Case:
    """Write a newly received case: the identity goes to the vault, nowhere else."""

    def received(work: Work[Case]) -> None:
        details = {k: v for k, v in identity.items() if v}
        if details:
            work.add(SealedIdentity(case.id, details))
        work.count(*tally(case, received=1, open=1))
        if also is not None:
            also(work)

    return pipeline.create(who, case, action, received)


def intake_unit(who: Principal) -> Unit:
    """The caller's unit, which records what it received."""
    if not who.has_role(*INTAKE_ROLES):
        raise Forbidden("Chỉ văn thư, chuyên viên và thanh tra viên mới được tiếp nhận đơn.")
    unit = DIRECTORY.current.unit(who.unit_id)
    if unit is None or not unit.active:
        raise Forbidden("Bạn không thuộc đơn vị nào đang hoạt động.")
    return unit


def create_case(who: Principal, data: CaseCreate) -> CaseOut:
    """Record a case received by the caller's unit."""
    unit = intake_unit(who)
    if data.received_on > clock.today():
        raise InvalidInput(
            "Ngày tiếp nhận không được sau ngày hôm nay.",
            errors=[{"loc": ["body", "received_on"], "msg": "sau ngày hôm nay"}],
        )
    if data.learned_on and data.learned_on > data.received_on:
        raise InvalidInput(
            "learned_on không được sau ngày tiếp nhận.",
            errors=[{"loc": ["body", "learned_on"], "msg": "sau received_on"}],
        )
    rules = limits()
    session = report_to = None
    if data.session:
        session = session_of(data.session)
        check_compiled(session, data.compiled_on or data.received_on, rules)
        report_to = council().next_regular(session)
    identity = data.identity.model_dump(exclude_none=True) if data.identity else {}
    if data.original_text:
        identity["original_text"] = data.original_text
    case = Case.receive(
        kind=data.kind.value,
        channel=data.channel.value,
        received_on=data.received_on,
        unit=unit,
        summary=data.summary,
        identity=identity,
        limits=rules,
        actor=who.sub,
        complaint_round=data.complaint_round.value if data.complaint_round else None,
        denounced=data.denounced,
        several_sites=data.several_sites,
        remote_area=data.remote_area,
        learned_on=data.learned_on,
        days_lost=(data.days_lost, data.days_lost_reason) if data.days_lost else None,
        persons=data.persons,
        session=session,
        compiled_on=data.compiled_on,
        report_to=report_to,
        deputies_group=data.deputies_group,
    )
    return case_out(record(who, case, identity, also=of_session(case)), who)


def of_session(case: Case) -> Callable[[Work[Case]], None] | None:
    """The row that finds a petition from its session, in the petition's transaction."""
    if not case.session_id:
        return None
    session_id = case.session_id

    def add(work: Work[Case]) -> None:
        work.add(SessionPetition(session_id, case.id))

    return add
