"""Outgoing documents (văn bản đi): drafted by an officer, submitted, signed by a leader of
the issuing unit (the signed file uploaded), issued by its clerk with the next number of its
outgoing register, and delivered to every recipient that is a unit of the directory, once.
An issued document may be revoked with a reason: its recipients are told; its number stays.
"""

from __future__ import annotations

from typing import Any

from cityops.core import clock, logs
from cityops.core.auth import Principal
from cityops.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from cityops.core.ids import new_id
from cityops.core.models import person
from cityops.core.pipeline import Work
from cityops.core.search import words
from cityops.directory.port import DIRECTORY
from cityops.documents import incoming
from cityops.documents.domain import Document, OutgoingDocument, Recipient, symbol
from cityops.documents.incoming import _detail, unit_ref
from cityops.documents.models import Note, OutgoingCreate, Reason, Signing
from cityops.documents.pipelines import DOCUMENTS, taking_a_number
from cityops.documents.policy import as_outgoing
from cityops.documents.registers import abbreviation_of, register_for
from cityops.documents.store import NumberTaken


def _field(name: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", name], "msg": msg}


def draft(who: Principal, data: OutgoingCreate) -> Document:
    """An officer (or leader) drafts it for their unit or a unit above it; the drafting unit
    is theirs, or a unit in the issuing unit's subtree."""
    if not who.roles & {"officer", "unit_leader"} or not who.unit_id:
        raise Forbidden("Chỉ chuyên viên và lãnh đạo đơn vị mới được dự thảo văn bản đi.")
    directory = DIRECTORY.current
    mine = directory.unit(who.unit_id)
    if mine is None:
        raise Forbidden(
            "Đơn vị của tài khoản này chưa có trong danh bạ; đề nghị liên hệ quản trị viên."
        )
    issuing = directory.unit(data.issuing_unit_id) if data.issuing_unit_id else mine
    if issuing is None or issuing.id not in mine.path:
        raise InvalidInput(
            "Đơn vị ban hành phải là đơn vị của tài khoản này hoặc một đơn vị cấp trên.",
            errors=[_field("issuing_unit_id", "không phải đơn vị của tài khoản này hoặc cấp trên")],
        )
    drafting = directory.unit(data.drafting_unit_id) if data.drafting_unit_id else mine
    if drafting is None or issuing.id not in drafting.path:
        raise InvalidInput(
            "Đơn vị soạn thảo phải là đơn vị ban hành hoặc một đơn vị trực thuộc đơn vị ban hành.",
            errors=[_field("drafting_unit_id", "không trực thuộc đơn vị ban hành")],
        )
    today = clock.today()
    if data.reply_deadline and data.reply_deadline < today:  # the recipients would owe it late
        raise InvalidInput(
            f"Hạn trả lời {data.reply_deadline:%d/%m/%Y} đã qua; hãy chọn hạn từ hôm nay trở đi.",
            errors=[_field("reply_deadline", "là ngày đã qua")],
        )
    recipients = _recipients(data)
    if data.answers_document_id:
        _answerable(who, data.answers_document_id)
    document = OutgoingDocument(
        id=new_id(), status="drafted", created_at=clock.now(), unit=unit_ref(issuing),
        drafting_unit=unit_ref(drafting), doc_type=data.doc_type, summary=data.summary,
        urgency=data.urgency, pages=data.pages, recipients=recipients,
        reply_deadline=data.reply_deadline, answers_document_id=data.answers_document_id,
        created_by=person(who), search_scope=f"{issuing.id}#{today.year}",
    )  # fmt: skip
    document.words = words(document.summary, *(r.name for r in recipients))
    return DOCUMENTS.create(who, document, "document.drafted")


def _recipients(data: OutgoingCreate) -> list[Recipient]:
    ids = [r.unit_id for r in data.recipients if r.unit_id]
    found = DIRECTORY.current.units(ids)
    errors = [
        _field(f"recipients.{i}.unit_id", "không có đơn vị này")
        for i, r in enumerate(data.recipients)
        if r.unit_id and r.unit_id not in found
    ]
    if errors:
        raise InvalidInput("Có nơi nhận không phải là đơn vị trong danh bạ.", errors=errors)
    return [
        Recipient(unit_id=r.unit_id, name=found[r.unit_id].name)
        if r.unit_id
        else Recipient(name=r.name or "")
        for r in data.recipients
    ]


def _answerable(who: Principal, incoming_id: str) -> None:
    try:
        answered = DOCUMENTS.load_visible(who, incoming_id)
    except NotFound:
        answered = None
    if answered is None or answered.kind != "incoming":
        raise InvalidInput(
            "answers_document_id phải là một văn bản đến mà tài khoản này được xem.",
            errors=[_field("answers_document_id", "không có văn bản đến này")],
        )


def submit(who: Principal, document_id: str, data: Note, if_match: int | None) -> Document:
    def rule(work: Work[Document]) -> None:
        _outgoing(work).submit()

    return DOCUMENTS.change(who, document_id, "submit", rule, if_match=if_match, note=data.note)


def send_back(who: Principal, document_id: str, data: Reason, if_match: int | None) -> Document:
    def rule(work: Work[Document]) -> None:
        _outgoing(work).send_back(person(who), data.reason)

    return DOCUMENTS.change(who, document_id, "send_back", rule, if_match=if_match)


def sign(who: Principal, document_id: str, data: Signing, if_match: int | None) -> Document:
    def rule(work: Work[Document]) -> None:
        _outgoing(work).sign(person(who), data.file_id)

    return DOCUMENTS.change(who, document_id, "sign", rule, if_match=if_match, command=data)


def issue(who: Principal, document_id: str, data: Note, if_match: int | None) -> Document:
    """The clerk issues it: the number is taken now from the issuing unit's outgoing register
    for the year (the symbol follows Appendix I); then each recipient unit gets it."""

    def attempt() -> Document:
        def rule(work: Work[Document]) -> None:
            document = _outgoing(work)
            directory = DIRECTORY.current
            issuing = directory.unit(document.unit.id)
            drafting = directory.unit(document.drafting_unit.id)
            if issuing is None or drafting is None:
                raise Conflict("Đơn vị ban hành hoặc đơn vị soạn thảo không còn trong danh bạ.")
            register = register_for(issuing, "outgoing", document.doc_type)
            today = clock.today()
            number = DOCUMENTS.store.current_number(register.sequence, today.year) + 1
            drafter = abbreviation_of(drafting) if drafting.id != issuing.id else None
            text = symbol(number, document.doc_type, abbreviation_of(issuing), drafter)
            document.issue(person(who), register, number, text, today)
            document.words = words(document.summary, text, *(r.name for r in document.recipients))
            work.add(NumberTaken(register.sequence, today.year, number))
            work.emit("DocumentIssued", _detail(
                document, recipient_unit_ids=[r.unit_id for r in document.recipients
                                              if r.unit_id]))  # fmt: skip

        return DOCUMENTS.change(who, document_id, "issue", rule, if_match=if_match, note=data.note)

    issued = as_outgoing(taking_a_number(attempt))
    _after_commit("delivery", deliver_all, issued)
    return issued


def _after_commit(what: str, step: Any, outgoing: OutgoingDocument) -> None:
    """Run a follow-up of a committed change at once; a failure is logged, never answered:
    the change stands, and its event (`DocumentIssued`, `DocumentRevoked`) runs it again."""
    try:
        step(outgoing)
    except DomainError:
        logs.logger().exception(
            f"{what} after commit failed; the event retries it", extra={"document_id": outgoing.id}
        )


def deliver_all(outgoing: OutgoingDocument) -> list[dict[str, str]]:
    """Each recipient unit gets the document in its incoming register, once: run right after
    issuing and again by the `DocumentIssued` event, so that a failure in between is made
    good (each delivery is its own transaction, claimed by its key)."""
    out = []
    for recipient in outgoing.recipients:
        if recipient.unit_id:
            copy_id = incoming.deliver(outgoing, recipient.unit_id)
            out.append({"unit_id": recipient.unit_id, "document_id": copy_id})
    return out


def revoke(who: Principal, document_id: str, data: Reason, if_match: int | None) -> Document:
    """A leader of the issuing unit revokes it (Art. 18(4)): the number stays used; each
    recipient's copy notes the revocation."""

    def rule(work: Work[Document]) -> None:
        document = _outgoing(work)
        document.revoke(person(who), data.reason)
        work.emit("DocumentRevoked", _detail(
            document, reason=data.reason,
            recipient_unit_ids=[r.unit_id for r in document.recipients if r.unit_id]))  # fmt: skip

    revoked = as_outgoing(DOCUMENTS.change(who, document_id, "revoke", rule, if_match=if_match))
    _after_commit("revocation notes", tell_recipients, revoked)
    return revoked


def tell_recipients(outgoing: OutgoingDocument) -> None:
    for recipient in outgoing.recipients:
        if recipient.unit_id:
            incoming.tell_of_revocation(outgoing, recipient.unit_id)


def deliveries(outgoing: OutgoingDocument) -> list[dict[str, Any]]:
    """Where an issued document landed: each recipient unit's copy, if delivered."""
    out = []
    for recipient in outgoing.recipients:
        if recipient.unit_id:
            key = incoming.delivery_key(outgoing.id, recipient.unit_id)
            copy = DOCUMENTS.store.unique_owner(key)
            out.append({"unit_id": recipient.unit_id, "name": recipient.name,
                        "document_id": copy})  # fmt: skip
    return out


def _outgoing(work: Work[Document]) -> OutgoingDocument:
    return as_outgoing(work.entity)


def issue_generated(
    who: Principal, unit_id: str, doc_type: str, summary: str, recipient_unit_ids: list[str]
) -> OutgoingDocument:
    """Issue at once a document another system made and a leader of `unit_id` approved (an
    approved report, type BC): signed by that leader, numbered now in the unit's outgoing
    register for the year, addressed to the recipient units. The caller runs it inside its
    own change (`cityops.core.deferred`) and delivers it (`deliver_all`) after its commit."""
    directory = DIRECTORY.current
    issuing = directory.unit(unit_id)
    found = directory.units(recipient_unit_ids)
    if issuing is None or len(found) != len(set(recipient_unit_ids)):
        raise Conflict("Đơn vị ban hành hoặc một nơi nhận không còn trong danh bạ.")
    register = register_for(issuing, "outgoing", doc_type)
    today = clock.today()
    number = DOCUMENTS.store.current_number(register.sequence, today.year) + 1
    text = symbol(number, doc_type, abbreviation_of(issuing), None)
    by = person(who)
    recipients = [Recipient(unit_id=u, name=found[u].name) for u in recipient_unit_ids]
    document = OutgoingDocument(
        id=new_id(), status="issued", created_at=clock.now(), unit=unit_ref(issuing),
        drafting_unit=unit_ref(issuing), doc_type=doc_type, summary=summary,
        recipients=recipients, created_by=by, search_scope=f"{issuing.id}#{today.year}",
        signed_by=by, signed_at=clock.now(), signer_name=by.name,
    )  # fmt: skip
    document.issue(by, register, number, text, today)
    document.words = words(document.summary, text, *(r.name for r in recipients))

    def rule(work: Work[Document]) -> None:
        work.add(NumberTaken(register.sequence, today.year, number))
        work.emit("DocumentIssued", _detail(document, recipient_unit_ids=recipient_unit_ids))

    return as_outgoing(DOCUMENTS.create(who, document, "document.issued", rule))
