"""Handling a case, one use case per action, each a rule run by the cases pipeline (load and
404, who may and 403, If-Match and 428/412, the workflow and 409, then one transaction with
the case's time limits, counters and events). The case's own methods do the work
(`cityops.cases.domain.Case`); a rule adds what the directory says and what is counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cityops.cases.domain import Case
from cityops.cases.models import (
    REFUSAL_GROUNDS,
    CaseAccept,
    CaseAnswer,
    CaseAssign,
    CaseClassify,
    CaseConclude,
    CaseDecide,
    CaseDialogue,
    CaseExtend,
    CaseNote,
    CaseRefuse,
    CaseReportResults,
    CaseResume,
    CaseSuspend,
    CaseWithdraw,
    CaseWithdrawInPart,
)
from cityops.cases.pipeline import PIPELINE, change, sees
from cityops.cases.reads import case_out
from cityops.cases.replies import Case as CaseOut
from cityops.cases.stats import tally
from cityops.cases.store import StillThere
from cityops.cases.time_limits import limits
from cityops.core.auth import Principal
from cityops.core.clock import today
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY, Profile


def _act(
    who: Principal,
    case_id: str,
    action: str,
    body: Any,
    version: int | None,
    rule: Callable[[Case, Work[Case]], None],
    note: str | None = None,
) -> CaseOut:
    """Run `rule(case, work)` as the `action` on the case, noting the body's note."""
    note = note if note is not None else getattr(body, "note", None)
    done = change(
        who,
        case_id,
        action,
        lambda work: rule(work.entity, work),
        if_match=version,
        command=body,
        note=note,
    )
    return case_out(done, who)


def _member(user_id: str) -> Profile | None:
    return DIRECTORY.current.profile(user_id)


def _resolved(outcome: Outcome | None) -> dict[str, int]:
    """The counts of a case resolved (its resolution limit met on time, or late)."""
    if outcome is None:
        return {"open": -1}
    met = "resolved_on_time" if outcome == Outcome.MET_ON_TIME else "resolved_late"
    return {met: 1, "open": -1}


def classify(who: Principal, case_id: str, body: CaseClassify, version: int | None) -> CaseOut:
    """Classify a received case (phân loại đơn): competent, to be transferred, a duplicate, or
    an anonymous denunciation."""

    def rule(case: Case, work: Work[Case]) -> None:
        original = None
        if body.duplicate_of:
            found = PIPELINE.store.load(body.duplicate_of)
            original = found if found is not None and sees(who, found) else None
        target = DIRECTORY.current.unit(body.to_unit_id) if body.to_unit_id else None
        case.classify(
            body.decision.value,
            limits=limits(),
            actor=who.sub,
            today=today(),
            summary=body.summary,
            several_sites=body.several_sites,
            transfer_to=target,
            original=original,
        )
        if body.decision.value in ("duplicate", "anonymous"):  # not handled: no longer open
            work.count(*tally(case, open=-1))
        if original is not None:
            work.add(StillThere(original.id))

    return _act(who, case_id, "classify", body, version, rule)


def forward(who: Principal, case_id: str, body: CaseNote, version: int | None) -> CaseOut:
    """Forward a case classified as not competent to the unit chosen (chuyển đơn)."""

    def rule(case: Case, work: Work[Case]) -> None:
        target = DIRECTORY.current.unit(case.transfer_to_unit_id)
        leaving = tally(case, transferred_out=1, open=-1)
        case.forward(target, limits=limits(), actor=who.sub, today=today())
        work.count(*leaving, *tally(case, received=1, open=1))

    return _act(who, case_id, "forward", body, version, rule)


def accept(who: Principal, case_id: str, body: CaseAccept, version: int | None) -> CaseOut:
    """Accept a complaint or denunciation for resolution (thụ lý)."""

    def rule(case: Case, work: Work[Case]) -> None:
        case.accept(
            actor=who.sub,
            complexity=body.complexity.value,
            remote_area=body.remote_area,
            limits=limits(),
            today=today(),
            criteria=[c.value for c in body.complexity_criteria],
            record=body.complexity_record,
        )
        work.count(*tally(case, accepted=1))

    return _act(who, case_id, "accept", body, version, rule)


def refuse(who: Principal, case_id: str, body: CaseRefuse, version: int | None) -> CaseOut:
    """Refuse to accept (không thụ lý), on one of the legal grounds for the kind."""

    def rule(case: Case, work: Work[Case]) -> None:
        grounds = frozenset(g.value for g in REFUSAL_GROUNDS.get(case.kind, ()))
        case.refuse(body.ground.value, grounds, actor=who.sub, today=today())
        work.count(*tally(case, refused=1, open=-1))

    return _act(who, case_id, "refuse", body, version, rule)


def assign(who: Principal, case_id: str, body: CaseAssign, version: int | None) -> CaseOut:
    """Assign the handler: a staff member of the handling unit."""
    return _act(
        who, case_id, "assign", body, version, lambda c, _w: c.assign(_member(body.handler_id))
    )


def verify(who: Principal, case_id: str, body: CaseNote, version: int | None) -> CaseOut:
    """The handler starts verification (xác minh)."""
    return _act(who, case_id, "verify", body, version, lambda c, _w: c.verify(today()))


def dialogue(who: Principal, case_id: str, body: CaseDialogue, version: int | None) -> CaseOut:
    """The handler records the dialogue with the complainant (đối thoại)."""
    held = body.held_on
    return _act(who, case_id, "dialogue", body, version, lambda c, _w: c.dialogue(held, today()))


def notify(who: Principal, case_id: str, body: CaseNote, version: int | None) -> CaseOut:
    """The acceptance notices of a denunciation were sent (Art. 29)."""
    return _act(who, case_id, "notify", body, version, lambda c, _w: c.notify(today()))


def extend(who: Principal, case_id: str, body: CaseExtend, version: int | None) -> CaseOut:
    """Extend a denunciation's resolution by a written decision (Art. 30)."""

    def rule(case: Case, work: Work[Case]) -> None:
        extension = case.extend(
            criteria=[c.value for c in body.criteria],
            days=body.days,
            reason=body.reason,
            decision_number=body.decision_number,
            actor=who.sub,
            limits=limits(),
            today=today(),
        )
        work.note = f"Gia hạn lần {extension.number}: quyết định số {body.decision_number}"

    return _act(who, case_id, "extend", body, version, rule)


def _result(
    who: Principal,
    case_id: str,
    action: str,
    body: Any,
    version: int | None,
    resolve: Callable[[Case], tuple[bool, Outcome | None]],
) -> CaseOut:
    """A result (decision, conclusion, answer): `resolve` records it and says whether the case
    was resolved by it (counted on time or late, and no longer open)."""

    def rule(case: Case, work: Work[Case]) -> None:
        resolved, outcome = resolve(case)
        if resolved:
            work.count(*tally(case, **_resolved(outcome)))

    return _act(who, case_id, action, body, version, rule)


def decide(who: Principal, case_id: str, body: CaseDecide, version: int | None) -> CaseOut:
    """The complaint resolution decision (quyết định giải quyết khiếu nại)."""
    return _result(who, case_id, "decide", body, version, lambda case: (True, case.decide(
        body.result.value, body.decision_number, body.summary, actor=who.sub, today=today()
    )))  # fmt: skip


def conclude(who: Principal, case_id: str, body: CaseConclude, version: int | None) -> CaseOut:
    """The conclusion on a denunciation (kết luận nội dung tố cáo)."""
    return _result(who, case_id, "conclude", body, version, lambda case: (True, case.conclude(
        body.result.value, body.conclusion_number, body.summary, actor=who.sub, today=today()
    )))  # fmt: skip


def answer(who: Principal, case_id: str, body: CaseAnswer, version: int | None) -> CaseOut:
    """The answer to a voter petition: resolved, being resolved (with a roadmap), explained."""
    calendar = DIRECTORY.current.calendar
    return _result(who, case_id, "answer", body, version, lambda case: case.answer(
        body.result.value, body.answer, body.roadmap_date, actor=who.sub, calendar=calendar(),
        today=today(),
    ))  # fmt: skip


def publish(who: Principal, case_id: str, body: CaseNote, version: int | None) -> CaseOut:
    """Publish the result (công khai): the decision, the conclusion or the petition's answer
    (posted for voters for the posting period, Art. 51)."""
    return _act(who, case_id, "publish", body, version, lambda c, _w: c.publish(today(), limits()))


def report_results(
    who: Principal, case_id: str, body: CaseReportResults, version: int | None
) -> CaseOut:
    """The answering unit reports a petition's results to the People's Council (Art. 49):
    the report deadline is met, publication to the voters falls due."""
    return _act(who, case_id, "report_results", body, version, lambda case, _w: (
        case.report_results(body.report, limits=limits(), actor=who.sub, today=today())
    ))  # fmt: skip


def withdraw(who: Principal, case_id: str, body: CaseWithdraw, version: int | None) -> CaseOut:
    """The complainant or denunciator withdraws (rút đơn): every running limit is cancelled."""

    def rule(case: Case, work: Work[Case]) -> None:
        case.withdraw(body.reason, today())
        work.count(*tally(case, withdrawn=1, open=-1))

    return _act(who, case_id, "withdraw", body, version, rule, note=body.reason)


def withdraw_in_part(
    who: Principal, case_id: str, body: CaseWithdrawInPart, version: int | None
) -> CaseOut:
    """Some of several complainants or denunciators withdraw: the case goes on (Art. 7a)."""

    def rule(case: Case, _work: Work[Case]) -> None:
        case.withdraw_in_part(body.persons, body.reason, today())

    return _act(who, case_id, "withdraw_in_part", body, version, rule, note=body.reason)


def suspend(who: Principal, case_id: str, body: CaseSuspend, version: int | None) -> CaseOut:
    """Suspend on a recorded ground (tạm đình chỉ): the clock stops; a complaint's decision is
    to be sent to the parties (Decree 155/2026 Art. 28a)."""

    def rule(case: Case, _work: Work[Case]) -> None:
        case.suspend(
            body.ground.value, body.reason, body.related_matter, body.decision_number,
            limits=limits(), actor=who.sub, today=today(),
        )  # fmt: skip

    return _act(who, case_id, "suspend", body, version, rule, note=body.reason)


def resume(who: Principal, case_id: str, body: CaseResume, version: int | None) -> CaseOut:
    """Resume a suspended case: its time limits run on from today (Decree 155/2026 Art. 28b)."""

    def rule(case: Case, _work: Work[Case]) -> None:
        case.resume(limits=limits(), actor=who.sub, today=today())

    return _act(who, case_id, "resume", body, version, rule)
