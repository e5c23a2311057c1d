"""Who sees a document and who may do what to it (issue 9, item 9).

Seeing follows the one access rule (`cityops.core.access.sees_unit`, `DOCUMENTS` policy) on
every unit with a part in the document: its receiving or issuing unit, its drafting unit, and
once directed its lead and coordinating units. So a unit's members see its documents and
those it leads or coordinates, its leaders see their subtree's, city leaders see all, and
anyone else gets 404.

Doing: a unit's clerks register its incoming documents and issue its outgoing ones; its
leaders direct and sign; its officers draft, and handle what their unit leads. City leaders
direct what the People's Committee and its Office receive.
"""

from __future__ import annotations

from typing import Any

from cityops.core.access import DOCUMENTS, sees_unit
from cityops.core.auth import Principal, is_system
from cityops.core.pipeline import Permission
from cityops.documents.domain import Document, IncomingDocument, OutgoingDocument, Register


def member_of(who: Principal, unit_id: str, *roles: str) -> bool:
    return who.unit_id == unit_id and bool(who.roles & set(roles))


def sees_unit_path(who: Principal, unit_path: list[str]) -> bool:
    return is_system(who) or sees_unit(who, unit_path, DOCUMENTS)


def sees_document(who: Principal, document: Document) -> bool:
    if is_system(who):
        return True
    return any(sees_unit(who, unit.path, DOCUMENTS) for unit in document.units())


def sees_register(who: Principal, register: Register) -> bool:
    return is_system(who) or who.is_admin or sees_unit(who, register.unit_path, DOCUMENTS)


def may_direct(who: Principal, document: Any) -> bool:
    if member_of(who, document.unit.id, "unit_leader"):
        return True
    return who.is_city_leader and getattr(document, "for_people_committee", False)


def _lead_id(document: Any) -> str | None:
    direction = getattr(document, "direction", None)
    return direction.lead_unit.id if direction else None


def may_handle(who: Principal, document: Any) -> bool:
    lead = _lead_id(document)
    return bool(lead) and member_of(who, lead, "officer", "unit_leader")


def may_add_incoming_file(who: Principal, document: Any) -> bool:
    return member_of(who, document.unit.id, "clerk") or may_handle(who, document)


def may_draft(who: Principal, document: Any) -> bool:
    if isinstance(document, OutgoingDocument) and document.created_by.id == who.sub:
        return True
    drafting = getattr(document, "drafting_unit", None)  # an incoming document has none: 403
    return drafting is not None and member_of(who, drafting.id, "officer", "unit_leader")


def may_sign(who: Principal, document: Any) -> bool:
    return member_of(who, document.unit.id, "unit_leader")


def may_add_outgoing_file(who: Principal, document: Any) -> bool:
    return may_draft(who, document) or may_sign(who, document)


def may_keep_register(who: Principal, register: Any) -> bool:
    return who.is_admin or member_of(who, register.unit_id, "clerk", "unit_leader")


PERMISSIONS: dict[str, Permission[Any]] = {
    "receiving_clerk": Permission(
        lambda who, d: member_of(who, d.unit.id, "clerk"),
        "Chỉ văn thư của đơn vị nhận mới được thực hiện thao tác này.",
    ),
    "director": Permission(
        may_direct,
        "Chỉ lãnh đạo đơn vị nhận (hoặc lãnh đạo Thành phố, đối với văn bản đến Ủy ban nhân "
        "dân và Văn phòng) mới được cho ý kiến chỉ đạo hoặc cho lưu hồ sơ văn bản này.",
    ),
    "lead_handler": Permission(
        may_handle, "Chỉ chuyên viên hoặc lãnh đạo của đơn vị chủ trì mới được xử lý văn bản này."
    ),
    "incoming_file_editor": Permission(
        may_add_incoming_file,
        "Chỉ văn thư của đơn vị nhận hoặc chuyên viên, lãnh đạo của đơn vị chủ trì mới được "
        "đính kèm tệp.",
    ),
    "drafter": Permission(
        may_draft,
        "Chỉ người dự thảo hoặc chuyên viên, lãnh đạo của đơn vị soạn thảo mới được thực hiện "
        "thao tác này.",
    ),
    "signer": Permission(
        may_sign, "Chỉ lãnh đạo của đơn vị ban hành mới được thực hiện thao tác này."
    ),
    "issuing_clerk": Permission(
        lambda who, d: member_of(who, d.unit.id, "clerk"),
        "Chỉ văn thư của đơn vị ban hành mới được phát hành văn bản này.",
    ),
    "outgoing_file_editor": Permission(
        may_add_outgoing_file,
        "Chỉ chuyên viên, lãnh đạo của đơn vị soạn thảo và lãnh đạo của đơn vị ban hành mới "
        "được đính kèm tệp.",
    ),
    "system": Permission(
        lambda who, _d: is_system(who), "Thao tác này do hệ thống CityOps tự thực hiện."
    ),
    "records_admin": Permission(
        lambda who, _d: who.is_admin, "Chỉ quản trị viên mới được thực hiện thao tác này."
    ),
    "register_keeper": Permission(
        may_keep_register,
        "Chỉ quản trị viên, hoặc văn thư, lãnh đạo của đơn vị, mới được thay đổi sổ đăng ký "
        "của đơn vị.",
    ),
}


def incoming(document: Document) -> IncomingDocument:
    if not isinstance(document, IncomingDocument):
        raise TypeError(f"{document.id} is not an incoming document")
    return document


def as_outgoing(document: Document) -> OutgoingDocument:
    if not isinstance(document, OutgoingDocument):
        raise TypeError(f"{document.id} is not an outgoing document")
    return document
