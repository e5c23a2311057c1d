"""Cases replies: what the API shows of a case, its lists, history and statistics, the public's
receipt and tracking, and the time-limit rules.

No reply has a field for the identity of a denunciator or complainant: it lives in the
IdentityVault only (`cityops.cases.vault`), and `CaseIdentityOut` is the one model that shows it.
"""

from datetime import date
from typing import Any

from pydantic import ConfigDict, Field

from cityops.cases.models import (
    CaseChannel,
    CaseComplexity,
    CaseKind,
    CaseStatus,
    ComplaintRound,
    RefusalGround,
)
from cityops.cases.record import Extension
from cityops.core.models import DeadlineOut, LocalDay, Reply


class CaseIdentityOut(Reply):
    """What the identity endpoint shows: the inspector assigned and the resolver only."""

    case_id: str
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    id_number: str | None = None
    original_text: str | None = None


class PublicCaseReceipt(Reply):
    tracking_code: str
    secret: str = Field(description="Shown once: keep it to follow the case")
    kind: CaseKind
    status: str
    received_on: date


class CaseMilestone(Reply):
    name: str
    on: date


class PublicCaseStatus(Reply):
    """What the public sees with the tracking code and secret: status and milestones only."""

    tracking_code: str
    kind: CaseKind
    status: str
    milestones: list[CaseMilestone]
    posted_until: date | None = Field(
        default=None,
        description="A voter petition whose answer is published: posted for voters until",
    )


class CaseDeadline(DeadlineOut):
    rule: str | None = None


class CaseExtension(Extension, Reply):  # the case's own record, its times as stored text
    model_config = ConfigDict(extra="ignore")

    from_due_at: str
    from_due_on: LocalDay = None
    to_due_at: str
    to_due_on: LocalDay = None


class CaseWithdrawal(Reply):
    persons: int
    reason: str
    on: date


class CaseTransfer(Reply):
    from_unit_id: str
    to_unit_id: str
    on: date


class Case(Reply):
    """A case as staff who may see it see it: no identity, only the pseudonym."""

    id: str
    reference: str
    kind: CaseKind
    complaint_round: ComplaintRound | None = None
    channel: CaseChannel
    status: CaseStatus
    pseudonym: str
    anonymous: bool
    summary: str | None = None
    denounced: str | None = None
    received_on: date
    first_received_on: date
    receiving_unit_id: str
    handling_unit_id: str
    transfer_to_unit_id: str | None = None
    transfers: list[CaseTransfer] = Field(default_factory=list)
    handler_id: str | None = None
    handler_name: str | None = None
    resolver_id: str | None = None
    competent: bool | None = None
    several_sites: bool = False
    remote_area: bool = False
    complexity: CaseComplexity = CaseComplexity.NORMAL
    complexity_criteria: list[str] = Field(default_factory=list)
    complexity_record: str | None = None
    persons: int = 1
    withdrawn_persons: int = 0
    withdrawals: list[CaseWithdrawal] = Field(default_factory=list)
    learned_on: date | None = None
    days_lost: int | None = None  # to an objective obstacle: not counted in the 90 days
    days_lost_reason: str | None = None
    time_barred: bool | None = None
    session: str | None = None
    session_id: str | None = None
    compiled_on: date | None = None
    deputies_group: str | None = None
    results_session_id: str | None = None
    results_due_on: date | None = None
    results_reported_on: date | None = None
    results_report: str | None = None
    posted_until: date | None = None
    duplicate_of: str | None = None
    not_handled_reason: str | None = None
    refusal_ground: RefusalGround | None = None
    result: str | None = None
    result_number: str | None = None
    result_summary: str | None = None
    roadmap_date: date | None = None
    published_on: date | None = None
    suspended_on: date | None = None
    suspension_ground: str | None = None
    suspension_reason: str | None = None
    suspension_decision: str | None = None
    related_matter: str | None = None
    extensions: list[CaseExtension] = Field(default_factory=list)
    deadlines: list[CaseDeadline] = Field(default_factory=list)
    due_at: str | None = None
    due_on: LocalDay = None
    tracking_code: str | None = None
    version: int
    created_at: str
    updated_at: str
    actions: list[str] = Field(
        default_factory=list,
        description="What the caller may do to it now: its kind's actions from its status "
        "whose permission the caller has (e.g. accept, assign, conclude)",
    )


class CaseListItem(Reply):
    id: str
    reference: str
    kind: CaseKind
    status: CaseStatus
    pseudonym: str
    summary: str | None = None
    handling_unit_id: str
    handler_id: str | None = None
    received_on: date
    due_at: str | None = None
    due_on: LocalDay = None
    tracking_code: str | None = None
    version: int


class CasePage(Reply):
    items: list[CaseListItem]
    next_cursor: str | None = None


class CaseHistoryEntry(Reply):
    id: str
    at: str
    actor_id: str
    actor_name: str | None = None
    action: str
    changes: dict[str, Any] = Field(default_factory=dict)
    note: str | None = None


class CaseHistoryPage(Reply):
    items: list[CaseHistoryEntry]
    next_cursor: str | None = None


class CaseStatsRow(Reply):
    unit_id: str
    unit_code: str | None = None
    unit_name: str | None = None
    kind: CaseKind
    received: int = 0
    transferred_out: int = 0
    accepted: int = 0
    refused: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    withdrawn: int = 0
    open: int = 0
    overdue: int = 0


class CaseStats(Reply):
    from_date: date
    to_date: date
    items: list[CaseStatsRow]


class TimeLimitVersion(Reply):
    length: int
    unit: str
    runs_from: str
    effective_from: date
    source: str
    verified: bool
    note: str | None = None
    origin: str


class TimeLimitRule(Reply):
    rule: str
    kind: str
    in_force: TimeLimitVersion
    versions: list[TimeLimitVersion]
    version: int


class TimeLimitList(Reply):
    items: list[TimeLimitRule]


class PetitionImportResult(Reply):
    imported: int
    already_imported: int
    case_ids: list[str]


class CouncilSessionOut(Reply):
    """A session of the People's Council, with the windows its petitions are compiled in and
    the day the results reported to it are due."""

    id: str
    code: str
    name: str
    kind: str
    opens_on: date
    closes_on: date
    compile_before: tuple[date, date] = Field(description="From and to, both inclusive")
    compile_after: tuple[date, date] = Field(description="From and to, both inclusive")
    results_due_on: date | None = Field(
        default=None,
        description="Regular sessions: the last day to report the results of the petitions "
        "of the sessions before it",
    )
    petitions_rescheduled: int | None = Field(
        default=None, description="After a change: the petitions whose report deadline moved"
    )
    version: int


class CouncilSessionList(Reply):
    items: list[CouncilSessionOut]
