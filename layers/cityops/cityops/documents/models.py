"""The documents' request and reply models (snake_case; unknown fields refused)."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from cityops.core.errors import InvalidInput
from cityops.core.ids import ULID_PATTERN
from cityops.core.models import DeadlineOut, LocalDay, Reply, Request
from cityops.documents.domain import DOCUMENT_TYPES, Channel, Urgency

DocType = Literal[tuple(DOCUMENT_TYPES)]  # type: ignore[valid-type]
Id = Annotated[str, Field(pattern=ULID_PATTERN, description="An id (a ULID)")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Summary = Annotated[str, Field(min_length=1, max_length=1000, description="Trích yếu")]
NumberSymbol = Annotated[str, Field(min_length=1, max_length=60, description="e.g. 15/QĐ-UBND")]
Name = Annotated[str, Field(min_length=1, max_length=300)]

STATE_SECRETS_LAW = (
    "Văn bản có độ mật «Mật», «Tối mật» hoặc «Tuyệt mật» không được soạn thảo, lưu giữ trên "
    "hệ thống kết nối Internet (Luật Bảo vệ bí mật nhà nước số 29/2018/QH14, khoản 5 Điều 5 "
    "và Điều 8). CityOps không lưu bất kỳ thông tin nào của văn bản này: hãy vào sổ văn bản "
    "mật riêng của đơn vị, ngoài hệ thống này."
)


class Secrecy(StrEnum):
    """Độ mật. Only `none` is accepted: the others are refused (see STATE_SECRETS_LAW)."""

    NONE = "none"
    CONFIDENTIAL = "confidential"
    SECRET = "secret"  # noqa: S105 (a classification, not a password)
    TOP_SECRET = "top_secret"  # noqa: S105


class StateSecretRefused(InvalidInput):
    """A classified document: refused before anything of it is read further or stored."""

    slug, title = "state-secret-refused", "CityOps không lưu văn bản mật"


class _Document(Request):
    @model_validator(mode="before")
    @classmethod
    def _no_state_secrets(cls, data: Any) -> Any:
        level = data.get("secrecy") if isinstance(data, dict) else None
        if level in {"confidential", "secret", "top_secret"}:
            raise StateSecretRefused(
                STATE_SECRETS_LAW,
                errors=[{"loc": ["body", "secrecy"], "msg": f"không nhận độ mật {level}",
                         "type": "state_secret"}],
            )  # fmt: skip
        return data

    secrecy: Secrecy = Field(
        default=Secrecy.NONE,
        description="Độ mật. Anything but `none` is refused with a 422 that cites the Law on "
        "Protection of State Secrets; nothing of the document is stored.",
    )


class IncomingCreate(_Document):
    """Văn bản đến, as the clerk of the receiving unit registers it."""

    register_id: Id | None = Field(
        default=None, description="Default: the unit's incoming register for this type"
    )
    received_on: date
    issuing_body: Name = Field(description="Cơ quan ban hành")
    issuing_unit_id: Id | None = Field(default=None, description="When it is a unit of ours")
    number_symbol: NumberSymbol
    issued_on: date
    doc_type: DocType = Field(description="Appendix III's abbreviation; CV for công văn")
    summary: Summary
    urgency: Urgency = Urgency.NORMAL
    pages: int | None = Field(default=None, ge=1, le=100_000)
    signer_name: Name | None = None
    channel: Channel = Channel.PAPER
    handling_deadline: date | None = Field(default=None, description="When the document sets one")

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.issued_on > self.received_on:
            raise ValueError("ngày ban hành (issued_on) không thể sau ngày đến (received_on)")
        if self.handling_deadline and self.handling_deadline < self.received_on:
            raise ValueError(
                "hạn giải quyết (handling_deadline) không thể trước ngày đến (received_on)"
            )
        return self


class Note(Request):
    note: Annotated[str, Field(max_length=1000)] | None = None


class DirectionCreate(Request):
    """Ý kiến chỉ đạo: the lead unit, coordinating units, instructions and the deadline (a
    date, or a number of working days from today; default: the document's own)."""

    lead_unit_id: Id
    coordinating_unit_ids: list[Id] = Field(default_factory=list, max_length=30)
    instructions: Text
    due_date: date | None = None
    due_in_working_days: int | None = Field(default=None, ge=1, le=250)
    track_as_task: bool = Field(
        default=False,
        description="Create a task in the tasks system, with this document as "
        "its source (written with the direction: exactly once)",
    )
    task_source: Literal[
        "government",
        "prime_minister",
        "city_party_committee",
        "people_council",
        "people_committee",
    ] = Field(default="people_committee", description="The task's assigning authority")

    @model_validator(mode="after")
    def _one_deadline(self) -> Self:
        if self.due_date is not None and self.due_in_working_days is not None:
            raise ValueError("chỉ gửi một trong hai: due_date hoặc due_in_working_days")
        if len(set(self.coordinating_unit_ids)) != len(self.coordinating_unit_ids):
            raise ValueError("coordinating_unit_ids có một đơn vị bị lặp lại")
        if self.lead_unit_id in self.coordinating_unit_ids:
            raise ValueError("đơn vị chủ trì không thể đồng thời là đơn vị phối hợp")
        return self


class HandlingReport(Request):
    result: Text
    reply_document_id: Id | None = Field(default=None, description="The reply, if one was sent")


class Filing(Request):
    note: Annotated[str, Field(min_length=1, max_length=1000)]


class ReturnToSender(Request):
    reason_code: Literal["misaddressed", "invalid"]
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class RecipientIn(Request):
    unit_id: Id | None = Field(default=None, description="A unit of the directory")
    name: Name | None = Field(default=None, description="An outside body, by name")

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.unit_id is None) == (self.name is None):
            raise ValueError(
                "cần gửi đúng một trong hai: unit_id (đơn vị trong danh bạ) hoặc name (cơ quan, "
                "tổ chức bên ngoài)"
            )
        return self


class OutgoingCreate(_Document):
    """Văn bản đi, as an officer drafts it."""

    issuing_unit_id: Id | None = Field(
        default=None, description="Default: the drafter's unit (or a unit above it)"
    )
    drafting_unit_id: Id | None = Field(
        default=None, description="Default: the drafter's unit; in the issuing unit's subtree"
    )
    doc_type: DocType
    summary: Summary
    recipients: list[RecipientIn] = Field(min_length=1, max_length=50)
    urgency: Urgency = Urgency.NORMAL
    pages: int | None = Field(default=None, ge=1, le=100_000)
    reply_deadline: date | None = Field(default=None, description="Hạn trả lời")
    answers_document_id: Id | None = Field(default=None, description="The incoming it answers")

    @field_validator("recipients")
    @classmethod
    def _distinct(cls, recipients: list[RecipientIn]) -> list[RecipientIn]:
        units = [r.unit_id for r in recipients if r.unit_id]
        if len(units) != len(set(units)):
            raise ValueError("một đơn vị bị ghi hai lần trong nơi nhận (recipients)")
        return recipients


class Reason(Request):
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class Signing(Request):
    file_id: Id = Field(description="The signed file, uploaded and available")


MEDIA_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/tiff": "tiff",
}
MediaType = Literal[tuple(MEDIA_TYPES)]  # type: ignore[valid-type]


class FileCreate(Request):
    name: Annotated[str, Field(min_length=1, max_length=255, description="Shown, never a key")]
    media_type: MediaType
    size: int = Field(ge=1, description="Bytes; at most the DOCUMENTS_MAX_FILE_MB setting")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="Hex, lower case")]
    replaces_file_id: Id | None = Field(default=None, description="A correction: a new version")

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class LegalHold(Request):
    on: bool


class RegisterCreate(Request):
    unit_id: Id
    kind: Literal["incoming", "outgoing"]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    doc_types: list[DocType] = Field(
        default_factory=list, max_length=30, description="Empty: every other type"
    )


class RegisterPatch(Request):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("cần gửi ít nhất một trường cần thay đổi")
        return self


class AbbreviationSet(Request):
    abbreviation: Annotated[
        str, Field(pattern=r"^[0-9A-ZĐ&.]{1,20}$", description="e.g. UBND, STC, QLNS")
    ]


# --- replies -----------------------------------------------------------------------------------


class FileOut(Reply):
    id: str
    name: str
    media_type: str
    size: int
    sha256: str
    status: Literal["pending", "available", "quarantined"]
    reason: str | None = None
    version: int
    replaces: str | None = None
    legal_hold: bool = False
    created_at: str
    checked_at: str | None = None


class FileHold(Reply):
    """A file's legal hold, as an administrator sets it: administrators keep holds, not the
    documents' contents, which they may not read."""

    document_id: str
    file_id: str
    legal_hold: bool
    version: int = Field(description="The document's version, for the next If-Match")


class Upload(Reply):
    method: Literal["PUT"] = "PUT"
    url: str
    headers: dict[str, str] = Field(description="Send exactly these headers with the PUT")
    expires_at: str


class FileUpload(Reply):
    file: FileOut
    upload: Upload


class FileDownload(Reply):
    file: FileOut
    url: str
    expires_at: str


class DocumentOut(Reply):
    """An incoming or an outgoing document (`kind`); fields of the other kind are absent."""

    id: str
    kind: Literal["incoming", "outgoing"]
    status: str
    version: int
    unit: dict[str, Any]
    register_id: str | None = None
    register_name: str | None = None
    year: int | None = None
    number: int | None = None
    number_symbol: str | None = None
    doc_type: str
    doc_type_name: str
    summary: str
    urgency: Urgency
    pages: int | None = None
    signer_name: str | None = None
    files: list[FileOut] = Field(default_factory=list)
    deadlines: list[DeadlineOut] = Field(default_factory=list)
    created_by: dict[str, Any]
    created_at: str
    updated_at: str | None = None
    overdue: bool = False
    # incoming
    received_on: date | None = None
    issuing_body: str | None = None
    issuing_unit_id: str | None = None
    issued_on: date | None = None
    channel: Channel | None = None
    handling_deadline: date | None = None
    source_document_id: str | None = None
    presented_at: str | None = None
    direction: dict[str, Any] | None = None
    handling: dict[str, Any] | None = None
    closing: dict[str, Any] | None = None
    sender_revoked: dict[str, Any] | None = None
    # outgoing
    drafting_unit: dict[str, Any] | None = None
    recipients: list[dict[str, Any]] | None = None
    reply_deadline: date | None = None
    answers_document_id: str | None = None
    signed_by: dict[str, Any] | None = None
    signed_at: str | None = None
    signed_file_id: str | None = None
    issued_by: dict[str, Any] | None = None
    revocation: dict[str, Any] | None = None
    deliveries: list[dict[str, Any]] | None = None
    actions: list[str] = Field(
        description="What the caller may do to it now: its kind's actions from its status "
        "whose permission the caller has (e.g. direct, submit, sign, issue, attach_file)"
    )


class DocumentSummary(Reply):
    id: str
    kind: str
    status: str
    unit: dict[str, Any]
    register_id: str | None = None
    year: int | None = None
    number: int | None = None
    number_symbol: str | None = None
    doc_type: str
    summary: str
    urgency: str
    received_on: date | None = None
    issued_on: date | None = None
    issuing_body: str | None = None
    lead_unit_id: str | None = None
    handling_due_at: str | None = None
    handling_due_on: LocalDay = None
    overdue: bool = False
    created_at: str
    role: str = Field(default="owner", description="The unit's part: owner, lead, ...")


class DocumentPage(Reply):
    items: list[DocumentSummary]
    next_cursor: str | None = None


class RegisterOut(Reply):
    id: str
    unit_id: str
    unit_name: str
    kind: str
    name: str
    doc_types: list[str]
    status: str
    version: int
    last_number: int | None = Field(default=None, description="For the year asked, if any")


class RegisterPage(Reply):
    items: list[RegisterOut]


class RegisterEntry(Reply):
    number: int
    document_id: str
    kind: str
    status: str
    received_on: date | None = None
    issued_on: date | None = None
    issuing_body: str | None = None
    number_symbol: str | None = None
    doc_type: str
    summary: str
    urgency: str


class EntryPage(Reply):
    register_id: str
    year: int
    items: list[RegisterEntry]
    next_cursor: str | None = None


class AbbreviationOut(Reply):
    unit_id: str
    abbreviation: str
    version: int


class AbbreviationPage(Reply):
    items: list[AbbreviationOut]


class HistoryPage(Reply):
    items: list[dict[str, Any]]
    next_cursor: str | None = None
