"""Incoming documents (văn bản đến): registered with the register's next number, presented,
directed to a lead unit with a deadline, handled; or filed for reference, or returned.

Each use case is its rule handed to the documents' pipeline."""

from __future__ import annotations

import hashlib
from datetime import date

from cityops.core import clock
from cityops.core.auth import SYSTEM, Principal
from cityops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cityops.core.ids import new_id
from cityops.core.models import Person, UnitRef, person
from cityops.core.pipeline import Work
from cityops.core.search import fold, words
from cityops.core.settings import get_settings
from cityops.directory.port import DIRECTORY, Unit
from cityops.documents import policy
from cityops.documents.domain import (
    Channel,
    Direction,
    Document,
    IncomingDocument,
    OutgoingDocument,
    Register,
)
from cityops.documents.models import (
    DirectionCreate,
    Filing,
    HandlingReport,
    IncomingCreate,
    Note,
    ReturnToSender,
)
from cityops.documents.pipelines import DOCUMENTS, taking_a_number
from cityops.documents.registers import register_for
from cityops.documents.store import Duplicate, NumberTaken, UniqueClaim


def urgent_hours() -> dict[str, int]:
    hours = {}
    for part in get_settings().documents_urgent_hours.split(","):
        name, _, value = part.partition("=")
        if name.strip() and value.strip().isdigit():
            hours[name.strip()] = int(value)
    return hours


def unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.id, name=unit.name, code=unit.code, path=unit.path)


def sender_key(register_id: str, issuing_body: str, number_symbol: str, issued_on: date) -> str:
    """The same sender, number and symbol and date in a register is the same document."""
    text = "|".join([fold(issuing_body).strip(), fold(number_symbol).replace(" ", ""),
                     issued_on.isoformat()])  # fmt: skip
    return f"IN#{register_id}#{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def _index_words(document: Document) -> list[str]:
    return words(document.summary, document.number_symbol, getattr(document, "issuing_body", ""))


def _under_the_committee(unit: Unit) -> bool:
    """An office directly under a People's Committee (its parent read only for an office)."""
    parent = DIRECTORY.current.unit(unit.path[0]) if len(unit.path) == 2 else None
    return bool(parent and parent.kind == "people_committee")


def new_incoming(
    who: Principal | None,
    unit: Unit,
    register: Register,
    data: IncomingCreate,
    *,
    source: OutgoingDocument | None = None,
) -> tuple[IncomingDocument, str]:
    """The incoming document as registered (without its number yet) and its sender key."""
    now = clock.now()
    for_committee = unit.kind == "people_committee" or (
        unit.kind == "office" and _under_the_committee(unit)
    )
    document = IncomingDocument(
        id=new_id(), status="registered", created_at=now, unit=unit_ref(unit),
        register_id=register.id, register_name=register.name, year=clock.today().year,
        doc_type=data.doc_type, summary=data.summary, urgency=data.urgency, pages=data.pages,
        signer_name=data.signer_name, created_by=person(who) if who else Person(
            id="system", name="CityOps"),
        search_scope=f"{unit.id}#{clock.today().year}", received_on=data.received_on,
        issuing_body=data.issuing_body, issuing_unit_id=data.issuing_unit_id,
        number_symbol=data.number_symbol, issued_on=data.issued_on, channel=data.channel,
        handling_deadline=data.handling_deadline, for_people_committee=for_committee,
        source_document_id=source.id if source else None,
    )  # fmt: skip
    document.words = _index_words(document)
    key = sender_key(register.sequence, data.issuing_body, data.number_symbol, data.issued_on)
    return document, key


def commit_numbered(
    who: Principal | None,
    register: Register,
    document: IncomingDocument,
    key: str,
    *extra: UniqueClaim,
) -> IncomingDocument:
    """Register it with the next number of the register's sequence for the year, in one
    transaction with the sequence, its sender key, its presentation deadline and its search
    words."""
    calendar = DIRECTORY.current.calendar()
    year = document.year or clock.today().year

    def attempt() -> IncomingDocument:
        entity = document.model_copy(deep=True)
        entity.number = DOCUMENTS.store.current_number(register.sequence, year) + 1

        def rule(work: Work[Document]) -> None:
            policy.incoming(work.entity).open_presentation(calendar, urgent_hours())
            work.add(NumberTaken(register.sequence, year, entity.number or 0))
            work.add(UniqueClaim(key, entity.id), *extra)
            work.emit("DocumentRegistered", _detail(work.entity))

        work = DOCUMENTS.new_work(who, entity, "document.registered", rule)
        return DOCUMENTS.commit(work)  # type: ignore[return-value]

    return taking_a_number(attempt)


def _detail(document: Document, **extra: object) -> dict[str, object]:
    return {
        "document_id": document.id, "kind": document.kind, "unit_id": document.unit.id,
        "register_id": document.register_id, "year": document.year, "number": document.number,
        "number_symbol": document.number_symbol, "urgency": document.urgency.value, **extra,
    }  # fmt: skip


def register_incoming(who: Principal, data: IncomingCreate) -> IncomingDocument:
    """A clerk of the receiving unit registers it: the reply has its register, year and
    number. The same sender, number and date already in the register is a 409 naming it."""
    unit = DIRECTORY.current.unit(who.unit_id) if who.unit_id else None
    if unit is None or "clerk" not in who.roles:
        raise Forbidden("Chỉ văn thư của đơn vị nhận mới được vào sổ văn bản đến.")
    if data.received_on > clock.today():
        raise InvalidInput(
            "Ngày đến (received_on) không thể là một ngày trong tương lai.",
            errors=[{"loc": ["body", "received_on"], "msg": "là ngày trong tương lai"}],
        )
    if data.issuing_unit_id:
        sender = DIRECTORY.current.unit(data.issuing_unit_id)
        if sender is None:
            raise InvalidInput(
                "Không có đơn vị này trong danh bạ.",
                errors=[{"loc": ["body", "issuing_unit_id"], "msg": "không có đơn vị này"}],
            )
        data = data.model_copy(update={"issuing_body": sender.name})  # the directory's name
    register = register_for(unit, "incoming", data.doc_type, data.register_id)
    document, key = new_incoming(who, unit, register, data)
    try:
        return commit_numbered(who, register, document, key)
    except Duplicate as exc:
        raise _already_registered(exc.existing_id) from exc


def _already_registered(existing_id: str | None) -> Conflict:
    found = DOCUMENTS.store.load(existing_id) if existing_id else None
    number = f" với số đến {found.number}/{found.year}" if found else ""
    return Conflict(
        f"Văn bản này (cùng cơ quan ban hành, số, ký hiệu và ngày ban hành) đã được vào "
        f"sổ{number}: văn bản {existing_id}.",
        errors=[{"loc": ["body", "number_symbol"], "msg": "đã được vào sổ",
                 "type": "duplicate", "document_id": existing_id}],
    )  # fmt: skip


def present(who: Principal, document_id: str, data: Note, if_match: int | None) -> Document:
    def rule(work: Work[Document]) -> None:
        policy.incoming(work.entity).present(person(who))

    return DOCUMENTS.change(who, document_id, "present", rule, if_match=if_match, note=data.note)


def _due_date(data: DirectionCreate, document: IncomingDocument) -> date:
    calendar = DIRECTORY.current.calendar()
    if data.due_in_working_days is not None:
        return calendar.add_working_days(clock.today(), data.due_in_working_days)
    due = data.due_date or document.handling_deadline
    if due is None:
        raise InvalidInput(
            "Văn bản không ghi hạn giải quyết: hãy cho hạn giải quyết bằng due_date hoặc "
            "due_in_working_days.",
            errors=[{"loc": ["body", "due_date"], "msg": "bắt buộc"}],
        )
    if due < clock.today():
        raise InvalidInput(
            f"Hạn giải quyết {due:%d/%m/%Y} đã qua; hãy chọn hạn từ hôm nay trở đi.",
            errors=[{"loc": ["body", "due_date"], "msg": "là ngày đã qua"}],
        )
    return due


def _units(data: DirectionCreate, document: IncomingDocument) -> tuple[UnitRef, list[UnitRef]]:
    """The lead and coordinating units, from the directory. The lead owes the deadline, so
    it is a unit within the directing leader's authority: the People's Committee's whole
    tree for what the Committee or its Office receives, else the receiving unit's own; any
    unit may be asked to coordinate, which owes nothing."""
    ids = [data.lead_unit_id, *data.coordinating_unit_ids]
    found = DIRECTORY.current.units([*ids, document.unit.id])
    missing = [
        {
            "loc": ["body", "lead_unit_id" if i == 0 else "coordinating_unit_ids"],
            "msg": f"đơn vị {unit_id} không tồn tại hoặc đã ngừng hoạt động",
        }
        for i, unit_id in enumerate(ids)
        if unit_id not in found or not found[unit_id].active
    ]
    if missing:
        raise InvalidInput("Có đơn vị không tồn tại hoặc đã ngừng hoạt động.", errors=missing)
    lead, receiving = found[data.lead_unit_id], found.get(document.unit.id)
    office = receiving is not None and receiving.kind == "office"
    authority = document.unit.path[-2 if document.for_people_committee and office else -1]
    if authority not in lead.path:
        message = f"Đơn vị chủ trì phải là {document.unit.name} hoặc một đơn vị trực thuộc."
        raise InvalidInput(message, errors=[{"loc": ["body", "lead_unit_id"], "msg": message}])
    return unit_ref(lead), [unit_ref(found[i]) for i in data.coordinating_unit_ids]


def direct(
    who: Principal, document_id: str, data: DirectionCreate, if_match: int | None
) -> Document:
    """The leader's direction: the lead unit's handling deadline opens; with
    `track_as_task` a task is created in the tasks system, in the same transaction."""
    from cityops.documents import tracking

    def rule(work: Work[Document]) -> None:
        document = policy.incoming(work.entity)
        lead, coordinating = _units(data, document)
        direction = Direction(
            by=person(who), at=clock.now(), lead_unit=lead, coordinating_units=coordinating,
            instructions=data.instructions, due_on=_due_date(data, document),
            track_as_task=data.track_as_task, task_source=data.task_source,
        )  # fmt: skip
        document.direct(direction, DIRECTORY.current.calendar())
        if data.track_as_task:
            tracking.track_as_task(who, work, direction)
        work.emit("DocumentDirected", _detail(
            document, lead_unit_id=lead.id, coordinating_unit_ids=[u.id for u in coordinating],
            due_on=direction.due_on.isoformat(), task_id=direction.task_id,
        ))  # fmt: skip

    return DOCUMENTS.change(who, document_id, "direct", rule, if_match=if_match, command=data)


def start(who: Principal, document_id: str, data: Note, if_match: int | None) -> Document:
    return DOCUMENTS.change(who, document_id, "start", if_match=if_match, note=data.note)


def handle(
    who: Principal, document_id: str, data: HandlingReport, if_match: int | None
) -> Document:
    """The lead unit reports it handled: the handling deadline closes on time or late (by
    now against the deadline); the reply, if any, is an issued document of the lead unit."""
    reply = _reply_document(who, data.reply_document_id) if data.reply_document_id else None

    def rule(work: Work[Document]) -> None:
        document = policy.incoming(work.entity)
        if reply is not None and document.direction and reply.unit.id not in {
            document.direction.lead_unit.id, document.unit.id,
        }:  # fmt: skip
            raise InvalidInput(
                "Văn bản trả lời phải là văn bản do đơn vị chủ trì phát hành.",
                errors=[{"loc": ["body", "reply_document_id"], "msg": "của đơn vị khác"}],
            )
        outcome = document.handle(person(who), data.result, reply)
        if document.direction and document.direction.task_id:
            from cityops.documents import tracking

            answer = f" Văn bản trả lời: {reply.number_symbol}." if reply else ""
            tracking.report_task_done(
                who,
                work,
                f"Đã giải quyết văn bản đến số "
                f"{document.number}/{document.year} "
                f"({document.number_symbol}): {data.result}.{answer}",
            )
        work.emit("DocumentHandled", _detail(document, outcome=outcome.value,
                  reply_document_id=reply.id if reply else None))  # fmt: skip

    return DOCUMENTS.change(who, document_id, "handle", rule, if_match=if_match, command=data)


def _reply_document(who: Principal, reply_id: str) -> OutgoingDocument:
    try:
        reply = DOCUMENTS.load_visible(who, reply_id)
    except NotFound:
        reply = None
    if not isinstance(reply, OutgoingDocument) or reply.status != "issued":
        raise InvalidInput(
            "Văn bản trả lời phải là một văn bản đi đã phát hành mà tài khoản này được xem.",
            errors=[
                {"loc": ["body", "reply_document_id"], "msg": "không phải văn bản đi đã phát hành"}
            ],
        )
    return reply


def file_for_reference(
    who: Principal, document_id: str, data: Filing, if_match: int | None
) -> Document:
    def rule(work: Work[Document]) -> None:
        policy.incoming(work.entity).file_for_reference(person(who), data.note)

    return DOCUMENTS.change(who, document_id, "file", rule, if_match=if_match)


def return_to_sender(
    who: Principal, document_id: str, data: ReturnToSender, if_match: int | None
) -> Document:
    def rule(work: Work[Document]) -> None:
        policy.incoming(work.entity).return_to_sender(person(who), data.reason_code, data.reason)

    return DOCUMENTS.change(who, document_id, "return", rule, if_match=if_match)


# --- delivery of an issued outgoing document to a unit of the directory ---------------------


def delivery_key(outgoing_id: str, unit_id: str) -> str:
    return f"DELIVERY#{outgoing_id}#{unit_id}"


def deliver(outgoing: OutgoingDocument, unit_id: str) -> str:
    """Register the issued document in the recipient unit's incoming register, once (a
    second delivery finds the first): its reply deadline is the handling deadline."""
    key = delivery_key(outgoing.id, unit_id)
    existing = DOCUMENTS.store.unique_owner(key)
    if existing:
        return existing
    unit = DIRECTORY.current.unit(unit_id)
    if unit is None:
        raise NotFound("Không có đơn vị này.")
    data = IncomingCreate.model_construct(
        register_id=None, received_on=clock.today(), issuing_body=outgoing.unit.name,
        issuing_unit_id=outgoing.unit.id, number_symbol=outgoing.number_symbol or "",
        issued_on=outgoing.issued_on or clock.today(), doc_type=outgoing.doc_type,
        summary=outgoing.summary, urgency=outgoing.urgency, pages=outgoing.pages,
        signer_name=outgoing.signer_name, channel=Channel.ELECTRONIC,
        handling_deadline=outgoing.reply_deadline,
    )  # fmt: skip
    register = register_for(unit, "incoming", outgoing.doc_type)
    document, sender = new_incoming(SYSTEM, unit, register, data, source=outgoing)
    document.files = [f.model_copy() for f in outgoing.files if f.status == "available"]
    try:
        return commit_numbered(SYSTEM, register, document, sender, UniqueClaim(key, document.id)).id
    except Duplicate as exc:
        owner = DOCUMENTS.store.unique_owner(key) if exc.existing_id else None
        if owner:
            return owner
        raise _already_registered(exc.existing_id) from exc


def tell_of_revocation(outgoing: OutgoingDocument, unit_id: str) -> str | None:
    """The recipient's copy notes that the sender revoked it (once)."""
    copy_id = DOCUMENTS.store.unique_owner(delivery_key(outgoing.id, unit_id))
    if copy_id is None:
        return None
    copy = DOCUMENTS.store.load(copy_id)
    if not isinstance(copy, IncomingDocument) or copy.sender_revoked is not None:
        return copy_id
    reason = outgoing.revocation.reason if outgoing.revocation else ""
    by = outgoing.revocation.by if outgoing.revocation else Person(id="system", name="CityOps")

    def rule(work: Work[Document]) -> None:
        policy.incoming(work.entity).note_sender_revocation(by, reason)

    DOCUMENTS.change(SYSTEM, copy_id, "note_revocation", rule, append=True, note=reason)
    return copy_id
