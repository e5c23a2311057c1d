"""Registers and abbreviations, on fakes: who opens a register, a dedicated register numbers
its types in its own sequence (legal normative documents, Art. 15(2)), a closed register takes
nothing, only an administrator sets an abbreviation (If-Match "0" the first time), and leaders
see their subtree's documents while others do not."""

from __future__ import annotations

import pytest
from cityops.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed
from cityops.documents import incoming, outgoing, reads, registers
from cityops.documents.models import AbbreviationSet, Note, RegisterCreate, RegisterPatch

from tests.unit.test_documents_world import incoming_data, outgoing_data
from tests.unit.test_documents_world import world as world  # the fixture


def dedicated(world, code="VP-UBND", types=("QĐ",)) -> RegisterCreate:
    return RegisterCreate(
        unit_id=world.units[code].id,
        kind="incoming",
        name="Sổ quyết định đến",
        doc_types=list(types),
    )


def test_a_dedicated_register_numbers_its_types_in_a_sequence_of_their_own(world):
    book = registers.create_register(world.who("vp.clerk"), dedicated(world))
    clerk = world.who("vp.clerk")
    first_cv = incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))
    first_qd = incoming.register_incoming(clerk, incoming_data(number_symbol="2/QĐ", doc_type="QĐ"))
    second_cv = incoming.register_incoming(clerk, incoming_data(number_symbol="3/A"))
    assert (first_cv.number, second_cv.number) == (1, 2)
    assert (first_qd.register_id, first_qd.number) == (book.id, 1)


def test_a_unit_cannot_number_a_type_in_two_registers_of_a_kind(world):
    registers.create_register(world.who("vp.clerk"), dedicated(world))
    with pytest.raises(Conflict, match="đánh số cho loại văn bản QĐ"):
        registers.create_register(world.who("vp.leader"), dedicated(world))
    with pytest.raises(Conflict, match="các loại văn bản còn lại"):
        registers.create_register(world.who("admin"), dedicated(world, types=()))


def test_only_an_administrator_or_the_units_clerks_and_leaders_open_its_registers(world):
    with pytest.raises(Forbidden):
        registers.create_register(world.who("vp.clerk"), dedicated(world, code="SO-TC"))
    with pytest.raises(Forbidden):
        registers.create_register(world.who("sotc.officer"), dedicated(world, code="SO-TC"))
    assert registers.create_register(world.who("admin"), dedicated(world, code="SO-TC")).id


def test_a_closed_register_takes_no_document(world):
    book = registers.create_register(world.who("vp.clerk"), dedicated(world))
    closed = registers.update_register(
        world.who("vp.clerk"), book.id, RegisterPatch(active=False), 1
    )
    assert closed.status == "closed"
    # a QĐ now goes to the default register, and naming the closed one is refused
    clerk = world.who("vp.clerk")
    moved = incoming.register_incoming(clerk, incoming_data(doc_type="QĐ"))
    assert moved.register_id == world.register_of("VP-UBND", "incoming").id
    with pytest.raises(Conflict, match="đã đóng"):
        incoming.register_incoming(
            clerk, incoming_data(doc_type="QĐ", number_symbol="9/QĐ", register_id=book.id)
        )


def test_a_register_opened_in_place_of_a_closed_one_goes_on_with_its_numbers(world):
    """One sequence a year, unique, without gaps (Art. 15, 22): a new volume of a register
    continues the year's numbers of the one it replaces, and restarts nothing."""
    clerk = world.who("vp.clerk")
    old = world.register_of("VP-UBND", "incoming")
    first = incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))
    registers.update_register(clerk, old.id, RegisterPatch(active=False), old.version)
    new = registers.create_register(
        clerk, RegisterCreate(unit_id=old.unit_id, kind="incoming", name="Sổ đến, quyển 2")
    )
    second = incoming.register_incoming(clerk, incoming_data(number_symbol="2/A"))
    assert (first.number, second.register_id, second.number) == (1, new.id, 2)
    with pytest.raises(Conflict, match="đã được vào sổ với số đến 1"):
        incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))  # registered once
    dedicated_one = registers.create_register(clerk, dedicated(world))
    qd = incoming.register_incoming(clerk, incoming_data(number_symbol="4/QĐ", doc_type="QĐ"))
    assert (qd.register_id, qd.number) == (dedicated_one.id, 1)  # other types: their own


def test_the_registers_list_shows_the_last_number_of_the_year(world):
    incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    page = registers.list_registers(world.who("vp.clerk"), None, 2026)
    numbers = {r.kind: r.last_number for r in page.items}
    assert numbers == {"incoming": 1, "outgoing": 0}
    with pytest.raises(NotFound):
        registers.list_registers(world.who("hoankiem.officer"), world.units["VP-UBND"].id, 2026)


def test_only_an_administrator_sets_an_abbreviation_with_the_version_it_read(world):
    unit = world.units["SO-TC"].id
    with pytest.raises(Forbidden):
        registers.set_abbreviation(
            world.who("sotc.leader"), unit, AbbreviationSet(abbreviation="X"), 1
        )
    with pytest.raises(PreconditionFailed):
        registers.set_abbreviation(
            world.who("admin"), unit, AbbreviationSet(abbreviation="STC2"), 0
        )
    changed = registers.set_abbreviation(
        world.who("admin"), unit, AbbreviationSet(abbreviation="STC2"), 1
    )
    assert (changed.abbreviation, changed.version) == ("STC2", 2)
    with pytest.raises(ValueError, match="pattern"):
        AbbreviationSet(abbreviation="stc-1")


def test_a_leader_sees_the_subtrees_documents_and_a_neighbour_does_not(world):
    draft = outgoing.draft(
        world.who("qlns.officer"), outgoing_data(world, issuing_unit_id=world.units["SO-TC"].id)
    )
    assert reads.get_document(world.who("sotc.leader"), draft.id).id == draft.id
    assert reads.get_document(world.who("sotc.officer"), draft.id).id == draft.id  # issuing unit
    for outsider in ("soxd.leader", "hoankiem.officer", "vp.clerk"):
        with pytest.raises(NotFound):
            reads.get_document(world.who(outsider), draft.id)
    assert reads.get_document(world.who("chairman"), draft.id).id == draft.id
    with pytest.raises(NotFound):  # an administrator runs the registers, not the content
        reads.get_document(world.who("admin"), draft.id)


def test_only_the_drafting_side_submits_and_a_leader_sends_a_draft_back(world):
    from cityops.documents.models import Reason

    draft = outgoing.draft(world.who("sotc.officer"), outgoing_data(world))
    with pytest.raises(Forbidden):
        outgoing.submit(world.who("sotc.clerk"), draft.id, Note(), 1)
    outgoing.submit(world.who("sotc.officer"), draft.id, Note(), 1)
    back = outgoing.send_back(world.who("sotc.leader"), draft.id, Reason(reason="Sửa trích yếu"), 2)
    assert back.status == "drafted" and back.sent_back.reason == "Sửa trích yếu"


def test_only_a_clerk_of_the_receiving_unit_presents_it(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    with pytest.raises(Forbidden):
        incoming.present(world.who("vp.leader"), document.id, Note(), 1)
    with pytest.raises(NotFound):
        incoming.present(world.who("sotc.clerk"), document.id, Note(), 1)
    assert incoming.present(world.who("vp.clerk"), document.id, Note(), 1).status == "presented"


def test_an_administrator_keeps_registers_but_does_not_read_their_entries(world):
    book = world.register_of("VP-UBND", "incoming")
    with pytest.raises(NotFound):
        registers.load_register(world.who("admin"), book.id)
    with pytest.raises(NotFound):
        registers.load_register(world.who("hoankiem.leader"), book.id)
    assert registers.load_register(world.who("chairman"), book.id).id == book.id
