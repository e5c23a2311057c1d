"""The case (hồ sơ đơn): a voter petition, complaint or denunciation, with what officials do to
it as methods and its legal time limits in its deadline book. Knows no DynamoDB or HTTP.

Its status is the workflow's (`cityops.cases.workflow`): the change pipeline checks each
action against the kind's table and sets the status the table leads to; the methods here do
the rest of the action (deadlines, dates, the people involved) and note the domain events
(`CaseAccepted`, ...), whose details the pipeline fills from the case as it ends up. Its
fields and bookkeeping are `cityops.cases.record.CaseRecord`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cityops.cases import rules
from cityops.cases.identity import pseudonym, redact
from cityops.cases.interruptions import Interruptions
from cityops.cases.petitions import PetitionDuties
from cityops.cases.record import REFERENCE, CaseRecord, Extension, Transfer, invalid
from cityops.cases.rules import COMPLEXITIES, Limits
from cityops.cases.sessions import CouncilSession
from cityops.core import clock
from cityops.core.access import STAFF_ROLES
from cityops.core.calendar import CITY_TZ, WorkingCalendar
from cityops.core.errors import Conflict
from cityops.core.ids import new_id
from cityops.core.obligations import Outcome
from cityops.directory.port import Profile, Unit

KIND_NAME = {"complaint": "khiếu nại", "denunciation": "tố cáo", "voter_petition": "kiến nghị"}
COMPLEXITY_NAME = {
    "normal": "thông thường",
    "complex": "phức tạp",
    "especially_complex": "đặc biệt phức tạp",
}

NOTICE_KINDS = (
    "denunciation.notify",
    "complaint.suspension_notice",
    "complaint.resumption_notice",
)


class Case(PetitionDuties, Interruptions, CaseRecord):
    """A case as the handling unit keeps it, and what is done to it."""

    # --- intake ------------------------------------------------------------------------------

    @classmethod
    def receive(
        cls,
        *,
        kind: str,
        channel: str,
        received_on: date,
        unit: Unit,
        summary: str | None,
        identity: dict[str, Any],
        limits: Limits,
        actor: str | None,
        complaint_round: str | None = None,
        denounced: str | None = None,
        several_sites: bool = False,
        remote_area: bool = False,
        learned_on: date | None = None,
        days_lost: tuple[int, str] | None = None,
        session: CouncilSession | None = None,
        compiled_on: date | None = None,
        report_to: CouncilSession | None = None,
        deputies_group: str | None = None,
        tracking_code: str | None = None,
        persons: int = 1,
    ) -> Case:
        """A case received at `unit` (tiếp nhận đơn), its intake limit running from the day it
        was received; the person's details only redact what they typed."""
        case_id = new_id()
        identity = {k: v for k, v in identity.items() if v}
        case = cls(
            id=case_id,
            status="received",
            created_at=clock.now(),
            reference=f"{REFERENCE[kind]}-{received_on.year}-{case_id[-6:]}",
            kind=kind,
            complaint_round=complaint_round,
            channel=channel,
            pseudonym=pseudonym(kind),
            anonymous=not identity.get("name"),
            has_identity=bool(identity),
            summary=redact(summary, identity),
            denounced=redact(denounced, identity),
            received_on=received_on,
            first_received_on=received_on,
            receiving_unit_id=unit.id,
            handling_unit_id=unit.id,
            handling_unit_kind=unit.kind,
            unit_path=list(unit.path),
            several_sites=several_sites,
            remote_area=remote_area,
            learned_on=learned_on,
            days_lost=days_lost[0] if days_lost else None,
            days_lost_reason=redact(days_lost[1], identity) if days_lost else None,
            session=session.name if session else None,
            session_id=session.id if session else None,
            compiled_on=(compiled_on or received_on) if session else None,
            deputies_group=deputies_group,
            tracking_code=tracking_code,
            persons=persons,
        )
        if learned_on is not None:
            case.time_barred = rules.is_time_barred(
                limits.book, limits.calendar, learned_on, received_on, case.days_lost
            )
        case._start_intake_limit(received_on, limits, actor)
        if report_to is not None:
            case.schedule_report(report_to, limits, actor)
        case._milestone("received", received_on)
        case._note("CaseReceived", channel=channel)
        return case

    def classify(
        self,
        decision: str,
        *,
        limits: Limits,
        actor: str,
        today: date,
        summary: str | None = None,
        several_sites: bool | None = None,
        transfer_to: Unit | None = None,
        original: Case | None = None,
    ) -> None:
        """Classify a received case (phân loại đơn): competent; not competent, to be forwarded
        to `transfer_to` (which starts the forwarding limit); a duplicate of `original`; or an
        anonymous denunciation, which is not handled as a denunciation (Art. 25)."""
        if summary:
            self.summary = summary
        if several_sites is not None and self.kind != "denunciation":
            raise invalid(
                "several_sites",
                "several_sites chỉ dùng cho đơn tố cáo.",
                "chỉ dùng cho tố cáo",
            )
        if decision == "competent":
            self.competent = True
            if several_sites is not None and several_sites != self.several_sites:
                self.several_sites = several_sites
                limit = limits.in_force(
                    rules.intake_rule(self.kind, several_sites), self.received_on
                )
                for deadline in self.deadlines.running("denunciation.accept"):
                    self._move(deadline, limit.due_at(self.received_on, limits.calendar))
                    self._set_rule(deadline.key, limit)
        elif decision == "transfer":
            self._mark_for_transfer(transfer_to, limits, actor)
        elif decision == "duplicate":
            if original is None or original.id == self.id or original.kind != self.kind:
                raise invalid(
                    "duplicate_of",
                    "duplicate_of phải là một vụ việc khác, cùng loại, mà bạn được xem.",
                    "không có vụ việc này",
                )
            self.duplicate_of = original.id
            self._not_handled("duplicate", today)
        else:  # anonymous
            if not self.anonymous:
                raise Conflict(
                    "Đơn đã ghi họ tên người tố cáo nên không phải tố cáo nặc danh; hãy phân "
                    "loại theo cách khác."
                )
            self._not_handled("anonymous", today)

    def forward(self, target: Unit | None, *, limits: Limits, actor: str, today: date) -> None:
        """Forward it to the unit chosen (chuyển đơn): the forwarding limit is met, and the
        receiving unit's own limit starts today."""
        if target is None or not target.active:
            raise Conflict("Đơn vị được chọn không còn hoạt động; hãy phân loại lại vụ việc.")
        for deadline in self.deadlines.running("case.forward"):
            self.deadlines.close(deadline.key)
        source = self.handling_unit_id
        self.handling_unit_id, self.handling_unit_kind = target.id, target.kind
        self.unit_path = list(target.path)
        self.received_on = today
        self.transfer_to_unit_id = self.competent = None
        self.handler_id = self.handler_name = self.resolver_id = None
        self.transfers.append(Transfer(from_unit_id=source, to_unit_id=target.id, on=today))
        self._start_intake_limit(today, limits, actor)
        self._open_report(limits, actor)  # the results are the new unit's to report
        self._milestone("transferred", today)
        self._note("CaseTransferred", from_unit_id=source, to_unit_id=target.id)

    # --- acceptance ----------------------------------------------------------------------------

    def accept(
        self,
        *,
        actor: str,
        complexity: str,
        remote_area: bool | None,
        limits: Limits,
        today: date,
        criteria: list[str] | None = None,
        record: str | None = None,
    ) -> None:
        """Accept a complaint or denunciation for resolution (thụ lý): the acceptance limit is
        met, the resolution limit starts (and the acceptance-notice limit, for a denunciation)."""
        if self.kind == "complaint" and self.time_barred:
            raise Conflict(
                "Khiếu nại đã hết thời hiệu (Điều 9); hãy chọn không thụ lý, căn cứ time_barred."
            )
        if self.kind == "denunciation" and self.anonymous:
            raise Conflict(
                "Tố cáo nặc danh không được xử lý như tố cáo (Điều 25); hãy phân loại đơn là "
                "nặc danh (anonymous)."
            )
        if self.kind == "denunciation" and (complexity != "normal" or criteria or record):
            raise invalid(
                "complexity",
                "Mức độ phức tạp của tố cáo được xác định theo các tiêu chí trong quyết định "
                "gia hạn, không ghi khi thụ lý.",
                "chỉ dùng cho khiếu nại",
            )
        if remote_area is not None and self.kind != "complaint":
            raise invalid(
                "remote_area", "remote_area chỉ dùng cho đơn khiếu nại.", "chỉ dùng cho khiếu nại"
            )
        self._close_running()
        if remote_area is not None:
            self.remote_area = remote_area
        if self.kind == "complaint":
            complexity = rules.complaint_complexity(
                complexity, criteria or [], record, today, limits.book
            )
            self.complexity_criteria = sorted(criteria or []) if complexity != "normal" else []
            self.complexity_record = record if complexity != "normal" else None
        self.complexity, self.competent = complexity, True
        self.accepted_on, self.resolver_id = today, actor
        rule = rules.resolve_rule(self.kind, self.complaint_round, complexity, self.remote_area)
        resolve = self._open(
            f"{self.kind}.resolve", limits.in_force(rule, today), today, limits, actor
        )
        if self.kind == "denunciation":
            notice = limits.in_force("denunciation.notify", today)
            self._open("denunciation.notify", notice, today, limits, actor)
        self._milestone("accepted", today)
        self._note("CaseAccepted", resolve_due_at=clock.iso(resolve.due_at))

    def refuse(self, ground: str, grounds: frozenset[str], *, actor: str, today: date) -> None:
        """Refuse to accept (không thụ lý), on one of the legal `grounds` of its kind."""
        if ground not in grounds:
            raise invalid(
                "ground",
                f"{ground} không phải là căn cứ không thụ lý {KIND_NAME[self.kind]}.",
                "không phải căn cứ cho loại đơn này",
            )
        self._close_running()
        self.refusal_ground, self.resolver_id = ground, actor
        self._milestone("refused", today)

    # --- handling ------------------------------------------------------------------------------

    def assign(self, member: Profile | None) -> None:
        """Assign the handler (người được giao xác minh): a staff member of the handling unit.
        Reminders follow the work to them."""
        if (
            member is None
            or member.unit_id != self.handling_unit_id
            or not member.roles & STAFF_ROLES
        ):
            raise invalid(
                "handler_id",
                "Người xử lý phải là cán bộ của đơn vị đang giải quyết vụ việc.",
                "không thuộc đơn vị đang giải quyết",
            )
        self.handler_id, self.handler_name = member.id, member.name
        for deadline in self.deadlines.pending():
            self.deadlines.reassign(deadline.key, member.id)

    def verify(self, today: date) -> None:
        """The handler starts verification (xác minh)."""
        self.verification_started_on = today

    def dialogue(self, held_on: date, today: date) -> None:
        """The handler records the dialogue with the complainant (đối thoại)."""
        if held_on > today:
            raise invalid(
                "held_on", "Ngày đối thoại không được sau ngày hôm nay.", "sau ngày hôm nay"
            )
        self.dialogue_on = held_on

    def notify(self, today: date) -> None:
        """The notices were sent: a denunciation's acceptance notices to the denunciator and
        the denounced (Art. 29); a complaint's suspension or resumption decision to the parties
        (Decree 155/2026 Art. 28a–28b)."""
        running = [d for k in NOTICE_KINDS for d in self.deadlines.running(k)]
        if not running:
            raise Conflict("Không có thông báo nào đang đến hạn gửi, nên không có gì để ghi nhận.")
        for deadline in running:
            self.deadlines.close(deadline.key)
        self.notified_on = today
        self._milestone("notified", today)

    def extend(
        self,
        *,
        criteria: list[str],
        days: int,
        reason: str,
        decision_number: str,
        actor: str,
        limits: Limits,
        today: date,
    ) -> Extension:
        """Extend a denunciation's resolution by a written decision (Art. 30): one extension for
        a complex case (one criterion of Decree 31 Art. 3), two for an especially complex one
        (two or more), each at most the rule's length."""
        found = sorted({*self.complexity_criteria, *criteria})
        complexity = max(
            self.complexity,
            "especially_complex" if len(found) >= 2 else "complex",
            key=COMPLEXITIES.index,
        )
        done, allowed = len(self.extensions), rules.EXTENSIONS_ALLOWED[complexity]
        if done >= allowed:
            raise Conflict(
                f"Tố cáo {COMPLEXITY_NAME[complexity]} chỉ được gia hạn {allowed} lần; vụ việc "
                f"này đã được gia hạn {done} lần."
            )
        cap = limits.in_force("denunciation.extension", today)
        if days > cap.length:
            raise invalid(
                "days", f"Mỗi lần gia hạn tối đa {cap.length} ngày ({cap.source}).",
                f"tối đa {cap.length}",
            )  # fmt: skip
        running = self.deadlines.running("denunciation.resolve")
        if not running:
            raise Conflict(
                "Tố cáo không có thời hạn giải quyết nào đang chạy, nên không thể gia hạn."
            )
        deadline = running[0]
        old_day = deadline.due_at.astimezone(CITY_TZ).date()
        new_due = cap.due_at(old_day, limits.calendar, length=days)
        self._move(deadline, new_due)
        self.complexity, self.complexity_criteria = complexity, found
        extension = Extension(
            number=done + 1,
            days=days,
            complexity=complexity,
            criteria=list(criteria),
            reason=reason,
            decision_number=decision_number,
            decided_by=actor,
            decided_on=today,
            from_due_at=deadline.due_at,
            to_due_at=new_due,
        )
        self.extensions.append(extension)
        self._milestone("extended", today)
        self._note("CaseExtended", number=done + 1, due_at=clock.iso(new_due), days=days)
        return extension

    # --- results -----------------------------------------------------------------------------

    def decide(self, result: str, number: str, summary: str, *, actor: str, today: date):
        """The complaint resolution decision (quyết định giải quyết khiếu nại)."""
        return self._resolve(result, number, summary, actor, today)

    def conclude(self, result: str, number: str, summary: str, *, actor: str, today: date):
        """The conclusion on a denunciation (kết luận nội dung tố cáo)."""
        return self._resolve(result, number, summary, actor, today)

    def answer(
        self,
        result: str,
        text: str,
        roadmap_date: date | None,
        *,
        actor: str,
        calendar: WorkingCalendar,
        today: date,
    ) -> tuple[bool, Outcome | None]:
        """The answer to a voter petition: resolved, being resolved (with a roadmap date, which
        becomes a deadline of its own), or explained (NQLT 72/2025 Art. 49(2)). Returns whether
        it answered the petition (rather than ending its roadmap) and how its limit was met."""
        if self.status == "being_resolved":
            for deadline in self.deadlines.running("voter_petition.roadmap"):
                self.deadlines.close(deadline.key)
            self.result, self.result_summary, self.resolved_on = result, text, today
            self._milestone("resolved", today)
            self._note("CaseResolved", result=result, on_time=None)
            return False, None
        if roadmap_date is not None and roadmap_date <= today:
            raise invalid(
                "roadmap_date",
                "Ngày hoàn thành theo lộ trình phải sau ngày hôm nay.",
                "phải sau ngày hôm nay",
            )
        outcome = self._resolve(result, None, text, actor, today)
        if roadmap_date is not None:
            self.roadmap_date = roadmap_date
            self.deadlines.open(
                "voter_petition.roadmap",
                calendar.due_end_of_day(roadmap_date),
                **self._deadline_fields("voter_petition.roadmap", None, today, actor),
            )
        return True, outcome

    def publish(self, today: date, limits: Limits) -> None:
        """Publish the result (công khai): the decision, the conclusion or the answer."""
        if self.published_on:
            raise Conflict("Kết quả đã được công khai.")
        if self.kind == "voter_petition":
            self.publish_petition(limits, today)
        self.published_on = today
        self._milestone("published", today)

    # --- the parts ---------------------------------------------------------------------------

    def _resolve(
        self, result: str, number: str | None, summary: str, actor: str, today: date
    ) -> Outcome | None:
        """Close the resolution (or answer) limit and record the result."""
        outcome = None
        for kind in (f"{self.kind}.resolve", "voter_petition.answer"):
            for deadline in self.deadlines.running(kind):
                outcome = self.deadlines.close(deadline.key)
        self.result, self.result_number, self.result_summary = result, number, summary
        self.resolved_on, self.resolver_id = today, actor
        self._milestone("resolved", today)
        on_time = None if outcome is None else outcome == Outcome.MET_ON_TIME
        self._note("CaseResolved", result=result, on_time=on_time)
        return outcome

    def _mark_for_transfer(self, target: Unit | None, limits: Limits, actor: str) -> None:
        if target is None or not target.active:
            raise invalid(
                "to_unit_id",
                "Không có đơn vị đang hoạt động này để chuyển đơn đến.",
                "không có đơn vị này",
            )
        if target.id == self.handling_unit_id:
            raise invalid(
                "to_unit_id",
                "Không thể chuyển vụ việc cho chính đơn vị đang giải quyết.",
                "trùng đơn vị đang giải quyết",
            )
        self.competent, self.transfer_to_unit_id = False, target.id
        self.deadlines.close_pending(Outcome.CANCELLED)
        limit = limits.in_force("case.forward", self.received_on)
        self._open("case.forward", limit, self.received_on, limits, actor)

    def _not_handled(self, reason: str, today: date) -> None:
        self.not_handled_reason = reason
        self.deadlines.close_pending(Outcome.CANCELLED)
        self._milestone("closed", today)
