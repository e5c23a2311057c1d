"""The documents' domain objects (văn bản đến, văn bản đi, sổ đăng ký): what officials do to
them, with their deadlines on the deadline book. They know nothing of DynamoDB or HTTP.

Decree 30/2020/NĐ-CP on clerical work: incoming documents are registered in a register with a
number from 1 each year (Art. 22), registered and presented to the leader the day received or
the next working day, flash and urgent ones at once (Art. 4, 23); the leader's direction names
the lead unit, the coordinating units and the handling deadline (Art. 23(2)). Outgoing
documents are numbered when issued, one sequence per issuing body and year (Art. 15), with a
symbol as Appendix I writes it; an issued document may be revoked and keeps its number
(Art. 18(4)).
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from cityops.core import clock
from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import Conflict, InvalidInput
from cityops.core.models import Instant, Model, Person, UnitRef
from cityops.core.obligations import Outcome
from cityops.core.pipeline import Entity

# Appendix III: the document types and their abbreviations; công văn has none (`CV` here).
DOCUMENT_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "CV": "Công văn",
}
CONG_VAN = "CV"


class Urgency(StrEnum):
    """Độ khẩn: thường, Khẩn, Thượng khẩn, Hỏa tốc."""

    NORMAL = "normal"
    URGENT = "urgent"
    TOP_URGENT = "top_urgent"
    FLASH = "flash"


class Channel(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"
    EMAIL = "email"


# --- registers and abbreviations -------------------------------------------------------------


class Register(Entity):
    """A register (sổ đăng ký) of a unit: incoming or outgoing, numbered from 1 each year.
    `doc_types` empty: every type the unit's other registers of that kind do not take; a
    register for legal normative documents takes its own types (Art. 15(2)). One opened in
    place of a closed one (a new volume: same unit, kind and types) goes on with its
    sequence (`sequence_id`), so a year's numbers stay unique and without gaps."""

    entity_type: ClassVar[str] = "register"

    unit_id: str
    unit_path: list[str]
    unit_name: str
    kind: Literal["incoming", "outgoing"]
    name: str
    doc_types: list[str] = Field(default_factory=list)
    sequence_id: str | None = None  # the register whose numbers it goes on with

    @property
    def sequence(self) -> str:
        """The id its numbers (and the keys that register a document once) are kept under."""
        return self.sequence_id or self.id

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def takes(self, doc_type: str) -> bool:
        return not self.doc_types or doc_type in self.doc_types

    def edit(self, name: str | None, active: bool | None) -> None:
        if name is not None:
            self.name = name
        if active is not None:
            self.status = "open" if active else "closed"


class Abbreviation(Entity):
    """A unit's abbreviation for document symbols (`STC`, `UBND`), set by an administrator.
    `id` is the unit's id; a unit that has none yet is version 0."""

    entity_type: ClassVar[str] = "abbreviation"

    unit_id: str
    abbreviation: str = ""

    def change(self, abbreviation: str) -> None:
        self.abbreviation = abbreviation


# --- files -------------------------------------------------------------------------------------

FileStatus = Literal["pending", "available", "quarantined"]
# How messages name a file's status (the console's words).
FILE_STATUS_NAMES: dict[str, str] = {
    "pending": "Đang chờ kiểm tra",
    "available": "Sẵn sàng",
    "quarantined": "Bị cách ly",
}


def file_status_name(status: str) -> str:
    """A file's status as messages quote it: «Bị cách ly»."""
    return f"«{FILE_STATUS_NAMES.get(status, status)}»"


class DocumentFile(Model):
    """A file of a document, kept in S3 under a key the system chose. A correction is a new
    file that `replaces` the old one; nothing is overwritten or deleted."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    media_type: str
    size: int
    sha256: str  # hex
    key: str
    status: FileStatus = "pending"
    reason: str | None = None
    version: int = 1
    replaces: str | None = None
    uploaded_by: Person
    created_at: Instant
    checked_at: Instant | None = None
    s3_version_id: str | None = None
    legal_hold: bool = False


# --- documents ---------------------------------------------------------------------------------


class Direction(Model):
    """Ý kiến chỉ đạo: the lead unit, the coordinating units, the instructions, the deadline."""

    model_config = ConfigDict(extra="forbid")

    by: Person
    at: Instant
    lead_unit: UnitRef
    coordinating_units: list[UnitRef] = Field(default_factory=list)
    instructions: str
    due_on: date
    track_as_task: bool = False
    task_source: str = "people_committee"  # the task's assigning authority, when tracked
    task_id: str | None = None


class Handling(Model):
    model_config = ConfigDict(extra="forbid")

    by: Person
    at: Instant
    result: str
    reply_document_id: str | None = None
    reply_number_symbol: str | None = None
    outcome: Outcome


class Closing(Model):
    """How a document left the normal course: filed for reference, returned, revoked."""

    model_config = ConfigDict(extra="forbid")

    by: Person
    at: Instant
    reason: str
    code: str | None = None


class Recipient(Model):
    """Nơi nhận: a unit of the directory (it gets the document in its incoming register) or
    a named outside body."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str | None = None
    name: str


class Document(Entity):
    """What incoming and outgoing documents share: the owning unit (receiving or issuing),
    the register and number once taken, the type, summary, urgency and files."""

    entity_type: ClassVar[str] = "document"

    kind: Literal["incoming", "outgoing"]
    unit: UnitRef  # receiving (incoming) or issuing (outgoing)
    register_id: str | None = None
    register_name: str | None = None
    year: int | None = None
    number: int | None = None
    number_symbol: str | None = None
    doc_type: str
    summary: str
    urgency: Urgency = Urgency.NORMAL
    pages: int | None = None
    signer_name: str | None = None
    files: list[DocumentFile] = Field(default_factory=list)
    created_by: Person
    search_scope: str  # `<unit id>#<year>`: where its words are indexed
    words: list[str] = Field(default_factory=list)

    def units(self) -> list[UnitRef]:
        """Every unit with a part in it (who may see it follows from these)."""
        return [self.unit]

    # --- files -----------------------------------------------------------------------------

    def file(self, file_id: str) -> DocumentFile:
        for f in self.files:
            if f.id == file_id:
                return f
        raise InvalidInput(
            "Văn bản không có tệp này.",
            errors=[{"loc": ["file_id"], "msg": "không có tệp này"}],
        )

    def attach(self, new: DocumentFile) -> None:
        if new.replaces:
            old = self.file(new.replaces)
            new.version = max(f.version for f in self.files if f.id == old.id or
                              f.replaces == old.id) + 1  # fmt: skip
        self.files.append(new)

    def accept_file(self, file_id: str, s3_version_id: str | None) -> None:
        found = self.file(file_id)
        if found.status != "pending":
            raise Conflict(
                f"Tệp đã được kiểm tra, hiện ở trạng thái {file_status_name(found.status)}."
            )
        found.status, found.checked_at, found.s3_version_id = (
            "available",
            clock.now(),
            s3_version_id,
        )

    def quarantine_file(self, file_id: str, reason: str, s3_version_id: str | None) -> None:
        found = self.file(file_id)
        if found.status != "pending":
            raise Conflict(
                f"Tệp đã được kiểm tra, hiện ở trạng thái {file_status_name(found.status)}."
            )
        found.status, found.reason, found.checked_at = "quarantined", reason, clock.now()
        found.s3_version_id = s3_version_id

    def hold_file(self, file_id: str, on: bool) -> None:
        self.file(file_id).legal_hold = on


class IncomingDocument(Document):
    """Văn bản đến: registered in the receiving unit's incoming register with the next number."""

    kind: Literal["incoming"] = "incoming"
    received_on: date
    issuing_body: str
    issuing_unit_id: str | None = None  # when it came from a unit of the directory
    issued_on: date
    channel: Channel = Channel.PAPER
    handling_deadline: date | None = None  # set by the document itself
    for_people_committee: bool = False  # received by the People's Committee or its Office
    source_document_id: str | None = None  # the outgoing document it was delivered from
    presented_by: Person | None = None
    presented_at: Instant | None = None
    direction: Direction | None = None
    handling: Handling | None = None
    closing: Closing | None = None  # filed for reference or returned to the sender
    sender_revoked: Closing | None = None  # the sender revoked it (Art. 18(4))

    def units(self) -> list[UnitRef]:
        found = [self.unit]
        if self.direction:
            found += [self.direction.lead_unit, *self.direction.coordinating_units]
        return found

    def open_presentation(self, calendar: WorkingCalendar, urgent_hours: dict[str, int]) -> None:
        """Register and present it the day received or the next working day (Art. 4, 23(1));
        flash and urgent ones within hours of registration (the urgent sweep chases them)."""
        if self.urgency == Urgency.NORMAL:
            # the next working day after the day received (a Saturday's: Monday)
            due: datetime = calendar.due_end_of_day(calendar.add_working_days(self.received_on, 1))
            kind = "document.present"
        else:
            due = clock.now() + timedelta(hours=urgent_hours.get(self.urgency.value, 4))
            kind = f"document.present.{self.urgency.value}"
        self.deadlines.open(
            kind, due, title=self._title("Trình văn bản đến"), unit_path=self.unit.path,
            key="document.present",
        )  # fmt: skip

    def _title(self, what: str) -> str:
        return f"{what} số {self.number}: {self.summary}"

    def _close_presentation(self) -> None:
        if (
            "document.present" in self.deadlines
            and self.deadlines.get("document.present").is_pending
        ):
            self.deadlines.close("document.present")

    def present(self, by: Person) -> None:
        self.presented_by, self.presented_at = by, clock.now()
        self._close_presentation()

    def direct(self, direction: Direction, calendar: WorkingCalendar) -> None:
        """The leader's direction: it opens the lead unit's handling deadline."""
        if direction.lead_unit.id in {u.id for u in direction.coordinating_units}:
            raise InvalidInput(
                "Đơn vị chủ trì không thể đồng thời là đơn vị phối hợp.",
                errors=[
                    {"loc": ["body", "coordinating_unit_ids"], "msg": "trùng với đơn vị chủ trì"}
                ],
            )
        self._close_presentation()
        self.direction = direction
        self.deadlines.open(
            "document.handle", calendar.due_end_of_day(direction.due_on),
            title=self._title("Giải quyết văn bản đến"), unit_path=direction.lead_unit.path,
            assigned_by=direction.by.id, key="document.handle",
        )  # fmt: skip

    def follows(self, task_id: str, due_on: date) -> bool:
        """Whether the direction's handling deadline has yet to follow its task `task_id` to
        `due_on`: not for another task, a date already followed, or a deadline closed."""
        direction = self.direction
        if direction is None or direction.task_id != task_id or direction.due_on == due_on:
            return False
        handle = (
            self.deadlines.get("document.handle") if "document.handle" in self.deadlines else None
        )
        return handle is not None and handle.status == "open"

    def follow_task(self, task_id: str, due_on: date, calendar: WorkingCalendar) -> None:
        """The direction's task was given a later due date (an approved extension): the
        handling deadline is the same work's, so it moves with it, and the lead unit is not
        counted late on the document for the time the assigning side granted."""
        if self.follows(task_id, due_on):
            self.deadlines.move("document.handle", calendar.due_end_of_day(due_on))
            self.direction.due_on = due_on  # type: ignore[union-attr]

    def handle(self, by: Person, result: str, reply: "OutgoingDocument | None") -> Outcome:
        """The lead unit reports it handled: the handling deadline closes on time or late."""
        outcome = self.deadlines.close("document.handle")
        self.handling = Handling(
            by=by, at=clock.now(), result=result, outcome=outcome,
            reply_document_id=reply.id if reply else None,
            reply_number_symbol=reply.number_symbol if reply else None,
        )  # fmt: skip
        return outcome

    def file_for_reference(self, by: Person, note: str) -> None:
        self._close_presentation()
        self.closing = Closing(by=by, at=clock.now(), reason=note)

    def return_to_sender(self, by: Person, code: str, reason: str) -> None:
        self._close_presentation()
        self.closing = Closing(by=by, at=clock.now(), reason=reason, code=code)

    def note_sender_revocation(self, by: Person, reason: str) -> None:
        if self.sender_revoked is None:
            self.sender_revoked = Closing(by=by, at=clock.now(), reason=reason)


class OutgoingDocument(Document):
    """Văn bản đi: drafted, submitted, signed by a leader, issued with the issuing unit's next
    number (the drafting unit's abbreviation in a công văn's symbol)."""

    kind: Literal["outgoing"] = "outgoing"
    drafting_unit: UnitRef
    recipients: list[Recipient]
    reply_deadline: date | None = None
    answers_document_id: str | None = None
    submitted_at: Instant | None = None
    sent_back: Closing | None = None
    signed_by: Person | None = None
    signed_at: Instant | None = None
    signed_file_id: str | None = None
    issued_by: Person | None = None
    issued_on: date | None = None
    revocation: Closing | None = None

    def units(self) -> list[UnitRef]:
        return [self.unit] if self.drafting_unit.id == self.unit.id else [
            self.unit, self.drafting_unit]  # fmt: skip

    def submit(self) -> None:
        self.submitted_at, self.sent_back = clock.now(), None

    def send_back(self, by: Person, reason: str) -> None:
        self.sent_back = Closing(by=by, at=clock.now(), reason=reason)

    def sign(self, by: Person, file_id: str) -> None:
        self.signed_by, self.signed_at, self.signed_file_id = by, clock.now(), file_id
        self.signer_name = by.name

    def issue(self, by: Person, register: Register, number: int, symbol: str, on: date) -> None:
        self.register_id, self.register_name = register.id, register.name
        self.year, self.number, self.number_symbol = on.year, number, symbol
        self.issued_by, self.issued_on = by, on

    def revoke(self, by: Person, reason: str) -> None:
        self.revocation = Closing(by=by, at=clock.now(), reason=reason)


def signed_file_ready(document: Any, command: Any) -> str | None:
    """The guard of signing: the signed file must be uploaded and checked."""
    file_id = getattr(command, "file_id", None)
    match = next((f for f in document.files if f.id == file_id), None)
    if match is None:
        return (
            "Chưa có tệp văn bản đã ký: hãy tải tệp đã ký lên trước, rồi ký với file_id của tệp đó."
        )
    if match.status != "available":
        return (
            f"Tệp đã ký đang ở trạng thái {file_status_name(match.status)}; chỉ có thể ký "
            f"khi tệp ở trạng thái {file_status_name('available')} (đã tải lên và kiểm tra "
            "xong)."
        )
    return None


def symbol(number: int, doc_type: str, issuer: str, drafter: str | None) -> str:
    """Số, ký hiệu (Appendix I): `15/QĐ-UBND` for a typed document; a công văn takes the
    issuing unit's abbreviation, then the drafting unit's: `05/STC-QLNS`."""
    if doc_type == CONG_VAN:
        return f"{number:02d}/{issuer}-{drafter}" if drafter else f"{number:02d}/{issuer}"
    return f"{number:02d}/{doc_type}-{issuer}"
