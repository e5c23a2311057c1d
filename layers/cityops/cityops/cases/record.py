"""What a case (hồ sơ đơn) records: its fields, the parts it is made of (milestones,
transfers, extensions), its deadlines as its deadline book keeps them, and the events it
notes. The behaviour, what officials do to a case, is `cityops.cases.domain.Case`. Knows no
DynamoDB or HTTP; holds no identity (only a pseudonym and redacted text).
"""

from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, PrivateAttr

from cityops.cases import rules
from cityops.cases.identity import redact
from cityops.cases.rules import Limits, TimeLimit
from cityops.core.deadlines import Deadline
from cityops.core.errors import InvalidInput
from cityops.core.models import Instant, Model
from cityops.core.pipeline import Entity

REFERENCE = {"complaint": "KN", "denunciation": "TC", "voter_petition": "KNCT"}
KIND_LABEL = {"complaint": "Khiếu nại", "denunciation": "Tố cáo", "voter_petition": "Kiến nghị"}
DEADLINE_LABEL = {
    "case.forward": "chuyển đơn",
    "complaint.accept": "thụ lý",
    "complaint.resolve": "giải quyết",
    "denunciation.accept": "thụ lý",
    "denunciation.notify": "thông báo thụ lý",
    "complaint.suspension_notice": "gửi quyết định tạm đình chỉ",
    "complaint.resumption_notice": "gửi quyết định tiếp tục giải quyết",
    "denunciation.resolve": "giải quyết",
    "voter_petition.answer": "trả lời",
    "voter_petition.roadmap": "hoàn thành theo lộ trình",
    "voter_petition.report_results": "báo cáo kết quả giải quyết trước kỳ họp",
    "voter_petition.publish_results": "công khai kết quả cho cử tri",
}


class _Part(Model):
    model_config = ConfigDict(extra="forbid")


class Milestone(_Part):
    """What the public's tracking shows: received, transferred, accepted, resolved, ..."""

    name: str
    on: date


class Withdrawal(_Part):
    """Some (or the last) of those who filed a case withdraw (rút đơn)."""

    persons: int
    reason: str
    on: date


class Transfer(_Part):
    from_unit_id: str
    to_unit_id: str
    on: date


class Extension(_Part):
    """A written decision extending a denunciation's resolution (Art. 30)."""

    number: int
    days: int
    complexity: str
    criteria: list[str] = Field(default_factory=list)
    reason: str
    decision_number: str
    decided_by: str
    decided_on: date
    from_due_at: Instant
    to_due_at: Instant


def invalid(field: str, message: str, msg: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["body", field], "msg": msg}])


class CaseRecord(Entity):
    """A case's record; `Case` adds what is done to it."""

    entity_type: ClassVar[str] = "case"

    reference: str
    kind: str
    complaint_round: str | None = None
    channel: str
    pseudonym: str
    anonymous: bool
    has_identity: bool = False
    summary: str | None = None
    denounced: str | None = None
    received_on: date
    first_received_on: date
    receiving_unit_id: str
    handling_unit_id: str
    handling_unit_kind: str = ""
    unit_path: list[str]
    several_sites: bool = False
    remote_area: bool = False
    complexity: str = "normal"
    complexity_criteria: list[str] = Field(default_factory=list)
    complexity_record: str | None = None
    persons: int = 1
    withdrawn_persons: int = 0
    withdrawals: list[Withdrawal] = Field(default_factory=list)
    learned_on: date | None = None
    days_lost: int | None = None  # to an objective obstacle: not counted in the 90 days
    days_lost_reason: str | None = None
    time_barred: bool | None = None
    session: str | None = None  # the session's name, as it was when the petition came in
    session_id: str | None = None
    compiled_on: date | None = None
    deputies_group: str | None = None
    results_session_id: str | None = None  # the next regular session, reported to
    results_due_on: date | None = None
    results_reported_on: date | None = None
    results_report: str | None = None
    posted_until: date | None = None
    tracking_code: str | None = None
    competent: bool | None = None
    transfer_to_unit_id: str | None = None
    handler_id: str | None = None
    handler_name: str | None = None
    resolver_id: str | None = None
    duplicate_of: str | None = None
    not_handled_reason: str | None = None
    refusal_ground: str | None = None
    result: str | None = None
    result_number: str | None = None
    result_summary: str | None = None
    roadmap_date: date | None = None
    accepted_on: date | None = None
    verification_started_on: date | None = None
    dialogue_on: date | None = None
    notified_on: date | None = None
    resolved_on: date | None = None
    published_on: date | None = None
    withdrawn_on: date | None = None
    suspended_from: str | None = None
    suspended_on: date | None = None
    suspension_ground: str | None = None
    suspension_reason: str | None = None
    suspension_decision: str | None = None
    related_matter: str | None = None
    paused_days: int = 0
    transfers: list[Transfer] = Field(default_factory=list)
    extensions: list[Extension] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    _events: list[tuple[str, dict[str, Any]]] = PrivateAttr(default_factory=list)

    # What staff type that everyone who sees the case reads (lists, search, the history): as
    # the citizen's own text at intake, it holds no part of the identity.
    TYPED: ClassVar[tuple[str, ...]] = (
        "summary", "denounced", "complexity_record", "days_lost_reason", "results_report",
        "not_handled_reason", "result_summary", "suspension_reason", "related_matter",
    )  # fmt: skip

    def typed_since(self, before: "CaseRecord") -> list[str]:
        """The typed fields this change wrote, and the reasons of the withdrawals and
        extensions it added (as `withdrawals.2`)."""
        fields = [
            f for f in self.TYPED if getattr(self, f) and getattr(self, f) != getattr(before, f)
        ]
        for name in ("withdrawals", "extensions"):
            fields += [
                f"{name}.{i}" for i in range(len(getattr(before, name)), len(getattr(self, name)))
            ]
        return fields

    def redact_typed(self, fields: list[str], identity: dict[str, Any]) -> None:
        """Those fields (`typed_since`) with the identity taken out (`identity.redact`)."""
        for field_name in fields:
            name, _, index = field_name.partition(".")
            if index:
                part = getattr(self, name)[int(index)]
                part.reason = redact(part.reason, identity)
            else:
                setattr(self, name, redact(getattr(self, name), identity))

    # --- reading ---------------------------------------------------------------------------

    @property
    def persons_remaining(self) -> int:
        """Those who filed it and have not withdrawn."""
        return self.persons - self.withdrawn_persons

    @property
    def due_at(self) -> datetime | None:
        """The earliest deadline not yet met (a suspended case's too: its clock only stops)."""
        due = [d.due_at for d in self.deadlines.pending()]
        return min(due) if due else None

    def event_detail(self, **extra: Any) -> dict[str, Any]:
        """An event's detail: ids, kind and status only, never a person or the case's text."""
        return {
            "case_id": self.id,
            "reference": self.reference,
            "kind": self.kind,
            "status": self.status,
            "unit_id": self.handling_unit_id,
            **extra,
        }

    def take_events(self) -> list[tuple[str, dict[str, Any]]]:
        """The events noted since the case was loaded (and forget them)."""
        events, self._events = self._events, []
        return events

    # --- bookkeeping ---------------------------------------------------------------------

    def _start_intake_limit(self, on: date, limits: Limits, actor: str | None) -> None:
        limit = limits.in_force(rules.intake_rule(self.kind, self.several_sites), on)
        self._open(rules.deadline_kind(limit.rule), limit, on, limits, actor)

    def _open(
        self, kind: str, limit: TimeLimit, runs_from: date, limits: Limits, actor: str | None
    ) -> Deadline:
        """Open the deadline of `kind` for the handling unit (never with identity in its
        title), due by `limit` counted from `runs_from`. A limit in calendar days keeps the
        period's own last day (`ends_on`), before a day off moved its deadline: what is left
        of it when the case is suspended is counted to that day."""
        fields = self._deadline_fields(kind, limit, runs_from, actor)
        if limit.unit != "working_days":
            fields["details"]["ends_on"] = (runs_from + timedelta(days=limit.length)).isoformat()
        return self.deadlines.open(kind, limit.due_at(runs_from, limits.calendar), **fields)

    def _deadline_fields(
        self, kind: str, limit: TimeLimit | None, runs_from: date, actor: str | None
    ) -> dict[str, Any]:
        return {
            "title": f"{KIND_LABEL[self.kind]} {self.reference}: {DEADLINE_LABEL[kind]}",
            "unit_path": self.unit_path,
            "user_id": self.handler_id,
            "assigned_by": actor,
            "details": {
                "rule": limit.rule if limit else None,
                "unit": limit.unit if limit else None,
                "runs_from": runs_from.isoformat(),
            },
        }

    def _move(self, deadline: Deadline, due_at: datetime) -> None:
        if due_at != deadline.due_at:
            self.deadlines.move(deadline.key, due_at)

    def _set_rule(self, key: str, limit: TimeLimit) -> None:
        current = self.deadlines.get(key)
        details = {**current.details, "rule": limit.rule, "unit": limit.unit}
        self.deadlines.records[key] = current.model_copy(update={"details": details})

    def _close_running(self) -> None:
        for deadline in self.deadlines.running():
            self.deadlines.close(deadline.key)

    def _milestone(self, name: str, on: date) -> None:
        self.milestones.append(Milestone(name=name, on=on))

    def _note(self, detail_type: str, **extra: Any) -> None:
        self._events.append((detail_type, extra))
