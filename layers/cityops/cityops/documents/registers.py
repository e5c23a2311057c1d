"""Registers (sổ đăng ký) and abbreviations: the use cases that keep them, and the rule that
says which register numbers a document.

Each unit keeps an incoming and an outgoing register by default (`ensure_default_registers`,
run by the seed and by an administrator for a new unit), numbered from 1 each year; a unit
may keep more, such as one per type of legal normative document (Decree 30/2020 Art. 15(2)).
"""

from __future__ import annotations

from typing import Any, Literal

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from cityops.core.ids import is_ulid, new_id
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY, Unit
from cityops.documents import policy
from cityops.documents.domain import DOCUMENT_TYPES, Abbreviation, Register
from cityops.documents.models import (
    AbbreviationOut,
    AbbreviationPage,
    AbbreviationSet,
    EntryPage,
    RegisterCreate,
    RegisterEntry,
    RegisterOut,
    RegisterPage,
    RegisterPatch,
)
from cityops.documents.pipelines import ABBREVIATIONS, REGISTERS
from cityops.documents.store import REGISTER_INDEX, query_index

DEFAULT_NAMES = {"incoming": "Sổ đăng ký văn bản đến", "outgoing": "Sổ đăng ký văn bản đi"}
KIND_NAMES = {"incoming": "văn bản đến", "outgoing": "văn bản đi"}  # as messages say them


def register_out(register: Register, last_number: int | None = None) -> RegisterOut:
    return RegisterOut(**register.model_dump(mode="json"), last_number=last_number)


def load_register(who: Principal, register_id: str) -> Register:
    """A register whose entries the caller may read: its unit's documents are visible to
    them (an administrator keeps registers but does not read their entries)."""
    register = REGISTERS.load_visible(who, register_id)
    if not policy.sees_unit_path(who, register.unit_path):
        raise NotFound(REGISTERS.not_found)
    return register


def _unit(unit_id: str, field: str = "unit_id") -> Unit:
    unit = DIRECTORY.current.unit(unit_id)
    if unit is None:
        raise InvalidInput(
            "Không có đơn vị này.", errors=[{"loc": ["body", field], "msg": "không có đơn vị này"}]
        )
    return unit


def new_register(unit: Unit, kind: str, name: str, doc_types: list[str]) -> Register:
    return Register(
        id=new_id(), unit_id=unit.id, unit_path=unit.path, unit_name=unit.name, kind=kind,
        name=name, doc_types=doc_types, status="open", created_at=clock.now(),
    )  # fmt: skip


def create_register(who: Principal, data: RegisterCreate) -> RegisterOut:
    """An administrator, or a clerk or leader of the unit, opens a register for it."""
    unit = _unit(data.unit_id)
    if not policy.may_keep_register(who, _Keeper(unit.id)):
        raise Forbidden(
            "Chỉ quản trị viên, hoặc văn thư, lãnh đạo của đơn vị, mới được mở sổ đăng ký cho "
            "đơn vị."
        )
    of_kind = [r for r in REGISTERS.store.of_unit(unit.id) if r.kind == data.kind]
    mine = [r for r in of_kind if r.is_open]
    overlap = {t for r in mine for t in r.doc_types} & set(data.doc_types)
    if overlap or (not data.doc_types and any(not r.doc_types for r in mine)):
        which = (
            f"loại văn bản {', '.join(sorted(overlap))}" if overlap else "các loại văn bản còn lại"
        )
        raise Conflict(
            f"Đơn vị đã có một sổ đăng ký {KIND_NAMES[data.kind]} khác đang mở, đánh số cho "
            f"{which}."
        )
    register = new_register(unit, data.kind, data.name, list(data.doc_types))
    replaced = [r for r in of_kind if not r.is_open and set(r.doc_types) == set(data.doc_types)]
    if replaced:  # a new volume: the year's numbers go on
        register.sequence_id = max(replaced, key=lambda r: r.id).sequence
    return register_out(REGISTERS.create(who, register, "register.created"))


class _Keeper:
    def __init__(self, unit_id: str):
        self.unit_id = unit_id


def ensure_default_registers(who: Principal | None, unit: Unit) -> list[Register]:
    """The unit's default incoming and outgoing registers, opened if it has none."""
    have = REGISTERS.store.of_unit(unit.id)
    made = []
    for kind in ("incoming", "outgoing"):
        if not any(r.kind == kind and not r.doc_types for r in have):
            register = new_register(unit, kind, DEFAULT_NAMES[kind], [])
            made.append(REGISTERS.create(who, register, "register.created"))
    return made


def update_register(
    who: Principal, register_id: str, patch: RegisterPatch, if_match: int | None
) -> RegisterOut:
    def rule(work: Work[Register]) -> None:
        work.entity.edit(patch.name, None)

    register = REGISTERS.change(who, register_id, "edit", rule, if_match=if_match, command=patch)
    return register_out(register)


def list_registers(who: Principal, unit_id: str | None, year: int | None) -> RegisterPage:
    """The registers of the caller's unit (or of a unit they may see), with the last number
    taken in `year` (default this year)."""
    target = unit_id or who.unit_id
    unit = DIRECTORY.current.unit(target) if target else None
    if unit is None or not (who.is_admin or policy.sees_unit_path(who, unit.path)):
        raise NotFound("Không có đơn vị này.")
    year = year or clock.today().year
    from cityops.documents.pipelines import DOCUMENTS

    items = [
        register_out(r, DOCUMENTS.store.current_number(r.sequence, year))
        for r in sorted(REGISTERS.store.of_unit(unit.id), key=lambda r: (r.kind, r.id))
    ]
    return RegisterPage(items=items)


def register_for(
    unit: Unit | Any, kind: Literal["incoming", "outgoing"], doc_type: str,
    register_id: str | None = None,
) -> Register:  # fmt: skip
    """The register that numbers a document of `doc_type` in the unit: the one asked for,
    or the open register that takes that type, a dedicated one before the default."""
    registers = [r for r in REGISTERS.store.of_unit(unit.id) if r.kind == kind]
    if register_id is not None:
        found = next((r for r in registers if r.id == register_id), None)
        if found is None:
            raise InvalidInput(
                f"Đơn vị không có sổ đăng ký {KIND_NAMES[kind]} này.",
                errors=[{"loc": ["body", "register_id"], "msg": "không có sổ đăng ký này"}],
            )
        if not found.is_open:
            raise Conflict(
                f"Sổ «{found.name}» đã đóng, không nhận thêm văn bản; hãy chọn sổ khác (hoặc "
                "bỏ register_id để dùng sổ mặc định)."
            )
        if not found.takes(doc_type):
            raise Conflict(
                f"Sổ «{found.name}» không dùng cho loại văn bản «{_type_name(doc_type)}»; "
                "hãy chọn sổ khác."
            )
        return found
    open_ones = [r for r in registers if r.is_open and r.takes(doc_type)]
    dedicated = [r for r in open_ones if r.doc_types]
    chosen = (dedicated or open_ones or [None])[0]
    if chosen is None:
        raise Conflict(
            f"{unit.name} chưa có sổ đăng ký {KIND_NAMES[kind]} nào đang mở cho loại văn bản "
            f"«{_type_name(doc_type)}»; hãy mở sổ trước."
        )
    return chosen


def _type_name(doc_type: str) -> str:
    return DOCUMENT_TYPES.get(doc_type, doc_type)


def register_entries(
    who: Principal, register_id: str, year: int, *, limit: int | None, cursor: str | None
) -> EntryPage:
    """The register's entries for the year in number order (one Query of its index)."""
    register = load_register(who, register_id)
    scope = f"entries:{register.id}:{year}"
    items, last = query_index(
        REGISTER_INDEX, "gsi1pk", f"REG#{register.id}#{year}", start=decode_cursor(cursor, scope),
        limit=check_limit(limit), forward=True,
    )  # fmt: skip
    return EntryPage(
        register_id=register.id,
        year=year,
        items=[entry(i) for i in items],
        next_cursor=encode_cursor(last, scope),
    )


def entry(item: dict[str, Any]) -> RegisterEntry:
    return RegisterEntry(
        number=item["number"], document_id=item["id"], kind=item["kind"], status=item["status"],
        received_on=item.get("received_on"), issued_on=item.get("issued_on"),
        issuing_body=item.get("issuing_body") or (item.get("unit") or {}).get("name"),
        number_symbol=item.get("number_symbol"), doc_type=item["doc_type"],
        summary=item["summary"], urgency=item.get("urgency", "normal"),
    )  # fmt: skip


# --- abbreviations -----------------------------------------------------------------------------


def abbreviation_out(item: Abbreviation) -> AbbreviationOut:
    return AbbreviationOut(
        unit_id=item.unit_id, abbreviation=item.abbreviation, version=item.version
    )


def set_abbreviation(
    who: Principal, unit_id: str, data: AbbreviationSet, if_match: int | None
) -> AbbreviationOut:
    """An administrator sets a unit's abbreviation for symbols (If-Match "0" the first time)."""
    if not is_ulid(unit_id) or DIRECTORY.current.unit(unit_id) is None:
        raise NotFound("Không có đơn vị này.")

    def rule(work: Work[Abbreviation]) -> None:
        work.entity.change(data.abbreviation)

    return abbreviation_out(ABBREVIATIONS.change(who, unit_id, "set", rule, if_match=if_match))


def get_abbreviation(unit_id: str) -> AbbreviationOut:
    if not is_ulid(unit_id) or DIRECTORY.current.unit(unit_id) is None:
        raise NotFound("Không có đơn vị này.")
    found = ABBREVIATIONS.store.load(unit_id)
    if found is None:  # the store offers version 0 for a unit that has none yet
        raise NotFound("Không có đơn vị này.")
    return abbreviation_out(found)


def list_abbreviations() -> AbbreviationPage:
    items = ABBREVIATIONS.store.all()
    return AbbreviationPage(
        items=[AbbreviationOut(unit_id=u, abbreviation=a, version=0) for u, a in items.items()]
    )


def abbreviation_of(unit: Unit) -> str:
    found = ABBREVIATIONS.store.load(unit.id)
    if found is None or not found.abbreviation:
        raise Conflict(
            f"{unit.name} chưa có chữ viết tắt dùng trong ký hiệu văn bản: đề nghị quản trị "
            f"viên đặt chữ viết tắt (PUT /v1/abbreviations/{unit.id})."
        )
    return found.abbreviation


def this_year() -> int:
    return clock.today().year


def check_year(year: int | None) -> int:
    year = year or this_year()
    if not 2000 <= year <= 2100:
        raise InvalidInput("Năm phải từ 2000 đến 2100.")
    return year
