"""Cases models: the kinds, statuses and grounds of voter petitions (kiến nghị cử tri),
complaints (khiếu nại) and denunciations (tố cáo), and the requests that change them. What
the API shows is in `cityops.cases.replies`; the case itself is `cityops.cases.domain.Case`.

A person's details arrive only in `CaseIdentity` (and the public's form): they go to the
IdentityVault, never to the case.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from cityops.core.ids import ULID_PATTERN
from cityops.core.models import PastDay, Request


class CaseKind(StrEnum):
    VOTER_PETITION = "voter_petition"  # kiến nghị cử tri
    COMPLAINT = "complaint"  # khiếu nại
    DENUNCIATION = "denunciation"  # tố cáo


class ComplaintRound(StrEnum):
    FIRST_TIME = "first_time"  # khiếu nại lần đầu
    SECOND_TIME = "second_time"  # khiếu nại lần hai


class CaseChannel(StrEnum):
    RECEPTION = "reception"  # tiếp công dân
    POST = "post"  # bưu chính
    ONLINE = "online"  # trực tuyến
    DEPUTIES_COMPILATION = "deputies_compilation"  # tổng hợp của Tổ đại biểu


class CaseStatus(StrEnum):
    RECEIVED = "received"
    FORWARDING = "forwarding"  # not competent: to be forwarded (chuyển đơn)
    ACCEPTED = "accepted"  # thụ lý
    VERIFYING = "verifying"  # xác minh
    DIALOGUE = "dialogue"  # đối thoại (complaints)
    DECIDED = "decided"  # quyết định giải quyết khiếu nại
    CONCLUDED = "concluded"  # kết luận nội dung tố cáo
    PUBLISHED = "published"  # công khai
    REFUSED = "refused"  # không thụ lý
    WITHDRAWN = "withdrawn"  # rút đơn
    SUSPENDED = "suspended"  # tạm đình chỉ
    NOT_HANDLED = "not_handled"  # anonymous or duplicate: not handled as a case
    RESOLVED = "resolved"  # voter petition: đã giải quyết
    BEING_RESOLVED = "being_resolved"  # đang giải quyết (with a roadmap)
    EXPLAINED = "explained"  # đã giải trình, thông tin


class CaseComplexity(StrEnum):
    NORMAL = "normal"
    COMPLEX = "complex"  # phức tạp
    ESPECIALLY_COMPLEX = "especially_complex"  # đặc biệt phức tạp


class RefusalGround(StrEnum):
    """Grounds for not accepting (không thụ lý): Law on Complaints 2011 Art. 11; Law on
    Denunciations 2018 Art. 27."""

    NOT_ADMINISTRATIVE_ACT = "not_administrative_act"
    NO_DIRECT_INTEREST = "no_direct_interest"
    NO_CAPACITY = "no_capacity"
    UNLAWFUL_REPRESENTATIVE = "unlawful_representative"
    UNSIGNED = "unsigned"
    TIME_BARRED = "time_barred"
    ALREADY_DECIDED_SECOND_TIME = "already_decided_second_time"
    BEFORE_COURT = "before_court"
    ALREADY_RESOLVED_NO_NEW_INFORMATION = "already_resolved_no_new_information"
    NO_BASIS_TO_VERIFY = "no_basis_to_verify"
    DENUNCIATOR_LACKS_CAPACITY = "denunciator_lacks_capacity"


REFUSAL_GROUNDS: dict[str, frozenset[RefusalGround]] = {
    "complaint": frozenset(
        {
            RefusalGround.NOT_ADMINISTRATIVE_ACT,
            RefusalGround.NO_DIRECT_INTEREST,
            RefusalGround.NO_CAPACITY,
            RefusalGround.UNLAWFUL_REPRESENTATIVE,
            RefusalGround.UNSIGNED,
            RefusalGround.TIME_BARRED,
            RefusalGround.ALREADY_DECIDED_SECOND_TIME,
            RefusalGround.BEFORE_COURT,
        }
    ),
    "denunciation": frozenset(
        {
            RefusalGround.ALREADY_RESOLVED_NO_NEW_INFORMATION,
            RefusalGround.NO_BASIS_TO_VERIFY,
            RefusalGround.DENUNCIATOR_LACKS_CAPACITY,
            RefusalGround.UNSIGNED,
        }
    ),
}


class ClassifyDecision(StrEnum):
    COMPETENT = "competent"  # thuộc thẩm quyền
    TRANSFER = "transfer"  # không thuộc thẩm quyền: chuyển đơn
    DUPLICATE = "duplicate"  # đơn trùng
    ANONYMOUS = "anonymous"  # tố cáo nặc danh (Art. 25)


class ComplaintResult(StrEnum):
    UPHELD = "upheld"  # khiếu nại đúng
    PARTLY_UPHELD = "partly_upheld"  # đúng một phần
    REJECTED = "rejected"  # sai


class DenunciationResult(StrEnum):
    FOUNDED = "founded"  # tố cáo đúng
    PARTLY_FOUNDED = "partly_founded"  # đúng một phần
    UNFOUNDED = "unfounded"  # sai


class PetitionResult(StrEnum):
    RESOLVED = "resolved"
    BEING_RESOLVED = "being_resolved"
    EXPLAINED = "explained"


Text = Annotated[str, Field(min_length=1, max_length=2000)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]
Note = Annotated[str, Field(min_length=1, max_length=2000)]
Ulid = Annotated[str, Field(pattern=ULID_PATTERN)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


# --- identity ------------------------------------------------------------------------------


class CaseIdentity(Request):
    """The person's details: they go to the IdentityVault, encrypted, never to the case."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    address: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 .()-]{6,20}$")] | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}$")] | None = None
    id_number: Annotated[str, Field(pattern=r"^[0-9A-Z]{6,20}$")] | None = None


# --- intake --------------------------------------------------------------------------------


class CaseCreate(Request):
    """A case entered by staff (clerks, officers) as received."""

    kind: CaseKind
    complaint_round: ComplaintRound | None = None
    channel: CaseChannel
    received_on: PastDay
    summary: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="Staff's summary without the person's identity (trích yếu)"
    )
    denounced: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="The denounced person or body (người bị tố cáo)"
    )
    identity: CaseIdentity | None = None
    original_text: Annotated[str, Field(min_length=1, max_length=16000)] | None = Field(
        default=None, description="The petition's text as written: kept in the vault only"
    )
    persons: Annotated[int, Field(ge=1, le=10000)] = Field(
        default=1, description="How many people filed it together (complaints, denunciations)"
    )
    several_sites: bool = False
    remote_area: bool = False
    learned_on: PastDay | None = Field(
        default=None, description="Complaints: when the complainant learned of the act (Art. 9)"
    )
    days_lost: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        default=None,
        description="Complaints: days lost to illness, disaster, travel or another objective "
        "obstacle, which do not count in the limitation period (Art. 9); with days_lost_reason",
    )
    days_lost_reason: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="The obstacle, and the paper that proves it"
    )
    session: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The council session it was compiled for: its id or code"
    )
    compiled_on: PastDay | None = Field(
        default=None, description="Voter petitions: the day it was compiled (default: received)"
    )
    deputies_group: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _by_kind(self) -> Self:
        return check_kind_fields(self)


def check_kind_fields(data: Any) -> Any:
    kind = data.kind
    if kind == CaseKind.COMPLAINT and data.complaint_round is None:
        raise ValueError("complaint_round là bắt buộc đối với khiếu nại")
    if kind != CaseKind.COMPLAINT and data.complaint_round is not None:
        raise ValueError("complaint_round chỉ dùng cho khiếu nại")
    if getattr(data, "several_sites", False) and kind != CaseKind.DENUNCIATION:
        raise ValueError("several_sites chỉ dùng cho tố cáo")
    if getattr(data, "remote_area", False) and kind != CaseKind.COMPLAINT:
        raise ValueError("remote_area chỉ dùng cho khiếu nại")
    if getattr(data, "persons", 1) > 1 and kind == CaseKind.VOTER_PETITION:
        raise ValueError("persons chỉ dùng cho khiếu nại và tố cáo")
    if getattr(data, "learned_on", None) is not None and kind != CaseKind.COMPLAINT:
        raise ValueError("learned_on chỉ dùng cho khiếu nại")
    lost, why = getattr(data, "days_lost", None), getattr(data, "days_lost_reason", None)
    if (lost is None) != (why is None):
        raise ValueError("days_lost và days_lost_reason phải được ghi cùng nhau")
    if lost is not None and data.learned_on is None:
        raise ValueError("days_lost cần có learned_on, ngày bắt đầu tính thời hiệu")
    if data.denounced is not None and kind != CaseKind.DENUNCIATION:
        raise ValueError("denounced chỉ dùng cho tố cáo")
    channel = getattr(data, "channel", None)
    if channel == CaseChannel.DEPUTIES_COMPILATION and kind != CaseKind.VOTER_PETITION:
        raise ValueError(
            "kênh deputies_compilation (Tổ đại biểu tổng hợp) chỉ dùng cho kiến nghị cử tri"
        )
    if channel == CaseChannel.DEPUTIES_COMPILATION and not (data.session and data.deputies_group):
        raise ValueError(
            "kiến nghị cử tri do Tổ đại biểu tổng hợp cần có session và deputies_group"
        )
    if kind != CaseKind.VOTER_PETITION and (
        getattr(data, "session", None) or getattr(data, "deputies_group", None)
    ):
        raise ValueError("session và deputies_group chỉ dùng cho kiến nghị cử tri")
    compiled_on = getattr(data, "compiled_on", None)
    if compiled_on is not None and not getattr(data, "session", None):
        raise ValueError("compiled_on chỉ dùng cho kiến nghị được tổng hợp cho một kỳ họp")
    if compiled_on is not None and compiled_on > data.received_on:
        raise ValueError("compiled_on không được sau received_on")
    return data


class PublicCaseCreate(Request):
    """What a citizen submits without an account (POST /v1/public/cases)."""

    kind: CaseKind
    complaint_round: ComplaintRound | None = None
    subject: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="What the case is about, in a line; do not put your name here"
    )
    content: Annotated[str, Field(min_length=1, max_length=16000)] = Field(
        description="The full text: kept encrypted, read only by the inspector and resolver"
    )
    denounced: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    address: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 .()-]{6,20}$")] | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}$")] | None = None
    id_number: Annotated[str, Field(pattern=r"^[0-9A-Z]{6,20}$")] | None = None

    @model_validator(mode="after")
    def _by_kind(self) -> Self:
        return check_kind_fields(self)


# --- actions -------------------------------------------------------------------------------


class CaseClassify(Request):
    decision: ClassifyDecision
    to_unit_id: Ulid | None = None
    duplicate_of: Ulid | None = None
    several_sites: bool | None = None
    summary: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _fields(self) -> Self:
        if (self.decision == ClassifyDecision.TRANSFER) != (self.to_unit_id is not None):
            raise ValueError("to_unit_id là bắt buộc khi chuyển đơn (transfer) và chỉ dùng khi đó")
        if (self.decision == ClassifyDecision.DUPLICATE) != (self.duplicate_of is not None):
            raise ValueError(
                "duplicate_of là bắt buộc khi là đơn trùng (duplicate) và chỉ dùng khi đó"
            )
        return self


class ComplexityCriterion(StrEnum):
    """What makes a denunciation complex (Decree 31/2019/NĐ-CP Art. 3): one criterion makes it
    complex (phức tạp), two or more especially complex (đặc biệt phức tạp)."""

    SEVERAL_SITES = "several_sites"  # nhiều địa điểm
    SEVERAL_CONTENTS = "several_contents"  # nhiều nội dung
    MANY_DENUNCIATORS = "many_denunciators"  # nhiều người tố cáo
    FOREIGN_ELEMENT = "foreign_element"  # có yếu tố nước ngoài
    SEVERAL_AGENCIES = "several_agencies"  # liên quan trách nhiệm của nhiều cơ quan
    AGENCIES_DISAGREE = "agencies_disagree"  # các cơ quan còn ý kiến khác nhau
    CONTRADICTORY_EVIDENCE = "contradictory_evidence"  # tài liệu, chứng cứ mâu thuẫn


class CaseNote(Request):
    note: Note | None = None


class CaseAccept(Request):
    """Acceptance (thụ lý). A complaint accepted from 2026-07-01 is complex only on the seven
    criteria of a complex denunciation, recorded in writing (Decree 155/2026 Art. 3a): without
    `complexity_criteria` and `complexity_record` it keeps the normal limit."""

    complexity: CaseComplexity = CaseComplexity.NORMAL
    complexity_criteria: Annotated[list[ComplexityCriterion], Field(max_length=7)] = Field(
        default_factory=list
    )
    complexity_record: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The written record of the criteria (number and date)"
    )
    remote_area: bool | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.complexity_criteria)) != len(self.complexity_criteria):
            raise ValueError("mỗi tiêu chí chỉ được ghi một lần")
        return self


class CaseRefuse(Request):
    ground: RefusalGround
    note: Note


class CaseAssign(Request):
    handler_id: Annotated[str, Field(min_length=1, max_length=128)]
    note: Note | None = None


class CaseDialogue(Request):
    held_on: date
    note: Note | None = None


class CaseExtend(Request):
    """A written decision to extend a denunciation's resolution (Art. 30), with the criteria
    that make it complex."""

    criteria: Annotated[list[ComplexityCriterion], Field(min_length=1, max_length=7)]
    days: Annotated[int, Field(ge=1, le=365)]
    reason: Text
    decision_number: Annotated[str, Field(min_length=1, max_length=60)]

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.criteria)) != len(self.criteria):
            raise ValueError("mỗi tiêu chí chỉ được ghi một lần")
        return self

    @property
    def complexity(self) -> CaseComplexity:
        if len(self.criteria) >= 2:
            return CaseComplexity.ESPECIALLY_COMPLEX
        return CaseComplexity.COMPLEX


class CaseDecide(Request):
    result: ComplaintResult
    decision_number: Annotated[str, Field(min_length=1, max_length=60)]
    summary: LongText


class CaseConclude(Request):
    result: DenunciationResult
    conclusion_number: Annotated[str, Field(min_length=1, max_length=60)]
    summary: LongText


class CaseAnswer(Request):
    result: PetitionResult
    answer: LongText
    roadmap_date: date | None = None

    @model_validator(mode="after")
    def _roadmap(self) -> Self:
        if (self.result == PetitionResult.BEING_RESOLVED) != (self.roadmap_date is not None):
            raise ValueError(
                "roadmap_date là bắt buộc khi đang giải quyết (being_resolved) và chỉ dùng khi đó"
            )
        return self


class CaseWithdraw(Request):
    """Everyone who filed it and has not yet withdrawn withdraws: the case is terminated."""

    reason: Text


class CaseWithdrawInPart(Request):
    """Some of several complainants or denunciators withdraw: the case goes on for the others
    (Decree 155/2026 Art. 7a)."""

    persons: Annotated[int, Field(ge=1, le=10000, description="How many withdraw now")]
    reason: Text


class SuspensionGround(StrEnum):
    """Why a case is suspended (căn cứ tạm đình chỉ): a related matter being decided (Law
    136/2025), and from 2026-07-01 the grounds of Decree 155/2026 Art. 28a."""

    RELATED_MATTER = "related_matter"  # chờ kết quả giải quyết của cơ quan khác
    DISASTER = "disaster"  # thiên tai
    EPIDEMIC = "epidemic"  # dịch bệnh
    WAR = "war"  # chiến tranh
    ACCIDENT = "accident"  # tai nạn
    ILLNESS = "illness"  # ốm đau
    WORK_TRAVEL = "work_travel"  # đi công tác xa
    STUDY_FAR_AWAY = "study_far_away"  # đi học tập ở xa
    FILES_HELD_OR_SEALED = "files_held_or_sealed"  # hồ sơ bị tạm giữ, niêm phong


class CaseSuspend(Request):
    """The decision to suspend (quyết định tạm đình chỉ): its ground, recorded."""

    ground: SuspensionGround = SuspensionGround.RELATED_MATTER
    reason: Text
    related_matter: Text | None = None
    decision_number: Annotated[str, Field(min_length=1, max_length=60)] | None = None

    @model_validator(mode="after")
    def _related(self) -> Self:
        if (self.ground == SuspensionGround.RELATED_MATTER) != (self.related_matter is not None):
            raise ValueError(
                "related_matter là bắt buộc với căn cứ related_matter và chỉ dùng cho căn cứ đó"
            )
        return self


class CaseResume(Request):
    """The decision to resume (quyết định tiếp tục giải quyết)."""

    decision_number: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    note: Note | None = None


class CaseReportResults(Request):
    """The answering unit's report of the results to the People's Council (Art. 49)."""

    report: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The report's number and date, e.g. 'Báo cáo 12/BC-SXD ngày 10/11/2027'"
    )
    note: Note | None = None


class SessionKind(StrEnum):
    REGULAR = "regular"  # kỳ họp thường lệ
    EXTRAORDINARY = "extraordinary"  # kỳ họp chuyên đề, bất thường


class SessionChange(Request):
    """A session of the People's Council as an administrator enters it."""

    name: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="e.g. 'Kỳ họp thứ 20, HĐND Thành phố khóa XVI'"
    )
    kind: SessionKind
    opens_on: date
    closes_on: date


class SessionCreate(SessionChange):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")] = Field(
        description="A short unique code, e.g. 'XVI-20': what imported lists name"
    )


class TimeLimitChange(Request):
    """A new version of a rule (or a replacement of the version with the same date)."""

    length: Annotated[int, Field(ge=0, le=365)] = Field(
        description="Days; for a requirement (unit `requirement`): 1 in force, 0 lifted"
    )
    unit: Annotated[str, Field(pattern=r"^(working_days|days|requirement)$")]
    effective_from: date
    source: Annotated[str, Field(min_length=1, max_length=500)]
    note: Note | None = None


class PetitionImport(Request):
    """A compiled list of voter petitions (CSV text, or an XLSX file in base64)."""

    format: Annotated[str, Field(pattern=r"^(csv|xlsx)$")] = "csv"
    content: Annotated[str, Field(min_length=1, max_length=60000)]
    session: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="The council session of every row (its id or code)"
    )
    deputies_group: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    received_on: PastDay | None = None
