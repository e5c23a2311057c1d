"""Registering incoming documents, on fakes: numbers from 1 in the register and year, never a
gap or a duplicate, a lost race takes the next number and a failed change takes none; the
same sender, number and date is refused naming the first; classified documents are refused
citing the law; the presentation deadline (the day received or the next working day; hours
for urgent ones) and who may register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cityops.core import clock
from cityops.core.errors import Conflict, Forbidden, InvalidInput
from cityops.core.obligations import Outcome
from cityops.documents import incoming
from cityops.documents.models import IncomingCreate, Note, StateSecretRefused

from tests.unit.test_documents_world import TODAY, incoming_data
from tests.unit.test_documents_world import world as world


def test_incoming_documents_take_numbers_from_one_in_their_register_and_year(world):
    clerk = world.who("vp.clerk")
    numbers = [
        incoming.register_incoming(clerk, incoming_data(number_symbol=f"{n}/VPCP-KTTH")).number
        for n in range(1, 6)
    ]
    assert numbers == [1, 2, 3, 4, 5]
    register = world.register_of("VP-UBND", "incoming")
    assert world.documents.sequences[(register.id, 2026)] == 5


def test_a_registration_that_lost_the_race_for_a_number_takes_the_next_one(world):
    clerk = world.who("vp.clerk")
    incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))
    world.documents.race_next = 2  # two others take numbers 2 and 3 meanwhile
    document = incoming.register_incoming(clerk, incoming_data(number_symbol="2/A"))
    assert document.number == 4  # after the numbers the others took: no duplicate


def test_a_registration_that_fails_takes_no_number(world):
    clerk = world.who("vp.clerk")
    incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))
    with pytest.raises(Conflict):
        incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))  # a duplicate
    assert incoming.register_incoming(clerk, incoming_data(number_symbol="2/A")).number == 2


def test_the_same_sender_number_and_date_in_a_register_is_a_conflict_naming_the_first(world):
    clerk = world.who("vp.clerk")
    first = incoming.register_incoming(clerk, incoming_data())
    again = incoming_data(issuing_body="  VĂN PHÒNG CHÍNH PHỦ", number_symbol="8123/vpcp-ktth")
    with pytest.raises(Conflict) as refused:
        incoming.register_incoming(clerk, again)
    assert refused.value.status == 409
    assert first.id in refused.value.detail and "số đến 1/2026" in refused.value.detail
    assert refused.value.errors[0]["document_id"] == first.id
    assert len(world.documents.entities) == 1


def test_the_same_number_from_another_date_is_another_document(world):
    clerk = world.who("vp.clerk")
    incoming.register_incoming(clerk, incoming_data())
    assert incoming.register_incoming(clerk, incoming_data(issued_on="2026-11-29")).number == 2


@pytest.mark.parametrize("level", ["confidential", "secret", "top_secret"])
def test_a_classified_document_is_refused_citing_the_law_and_nothing_is_kept(world, level):
    body = {**incoming_data().model_dump(mode="json"), "secrecy": level}
    with pytest.raises(StateSecretRefused) as refused:
        IncomingCreate.model_validate(body)
    assert refused.value.status == 422
    assert "Luật Bảo vệ bí mật nhà nước" in refused.value.detail
    assert refused.value.errors[0]["loc"] == ["body", "secrecy"]
    assert world.documents.entities == {} and world.documents.commits == 0


def test_only_a_clerk_registers_an_incoming_document(world):
    with pytest.raises(Forbidden):
        incoming.register_incoming(world.who("vp.leader"), incoming_data())
    with pytest.raises(Forbidden):
        incoming.register_incoming(world.who("sotc.officer"), incoming_data())


def test_a_document_received_in_the_future_or_issued_after_it_was_received_is_refused(world):
    with pytest.raises(InvalidInput):
        incoming.register_incoming(
            world.who("vp.clerk"), incoming_data(received_on=(TODAY + timedelta(days=1)))
        )
    with pytest.raises(ValueError, match=r"ngày ban hành \(issued_on\) không thể sau ngày đến"):
        incoming_data(issued_on=TODAY + timedelta(days=1), received_on=TODAY)


def test_a_normal_document_is_presented_by_the_end_of_the_next_working_day(world):
    # received Friday 4 December: due Monday 7 December, 23:59:59 in Hanoi
    clock.set_now(datetime(2026, 12, 4, 3, 0, tzinfo=UTC))
    document = incoming.register_incoming(
        world.who("vp.clerk"), incoming_data(received_on="2026-12-04")
    )
    deadline = document.deadlines.get("document.present")
    assert deadline.kind == "document.present"
    assert deadline.due_at.isoformat().startswith("2026-12-07T23:59:59")
    row = world.documents.row(document, "document.present")
    assert row["status"] == "open" and row["responsible_unit_id"] == world.units["VP-UBND"].id


def test_presenting_at_the_last_second_of_the_due_day_is_on_time_and_a_second_later_late(world):
    clerk = world.who("vp.clerk")
    on_time = incoming.register_incoming(clerk, incoming_data(number_symbol="1/A"))
    late = incoming.register_incoming(clerk, incoming_data(number_symbol="2/A"))
    due = on_time.deadlines.get("document.present").due_at
    clock.set_now(due)
    incoming.present(clerk, on_time.id, Note(), 1)
    clock.set_now(due + timedelta(seconds=1))
    incoming.present(clerk, late.id, Note(), 1)
    assert world.documents.load(on_time.id).deadlines.get("document.present").outcome == (
        Outcome.MET_ON_TIME
    )
    assert world.documents.load(late.id).deadlines.get("document.present").outcome == (
        Outcome.MET_LATE
    )


@pytest.mark.parametrize(("urgency", "hours"), [("flash", 2), ("top_urgent", 4), ("urgent", 8)])
def test_flash_and_urgent_documents_are_due_within_hours_and_swept_as_urgent(world, urgency, hours):
    from cityops.obligations.kinds import kind_table

    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data(urgency=urgency))
    deadline = document.deadlines.get("document.present")
    assert deadline.due_at == clock.now() + timedelta(hours=hours)
    assert deadline.kind == f"document.present.{urgency}"
    assert kind_table().for_kind(deadline.kind).urgent


def test_registration_is_audited_and_announced(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    assert world.documents.audit[-1]["action"] == "document.registered"
    kind, detail = world.documents.events[-1]
    assert kind == "DocumentRegistered" and detail["number"] == 1
    assert detail["document_id"] == document.id and "summary" not in detail


def test_a_city_leader_directs_what_the_office_registers_for_the_people_committee(world):
    office_doc = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    assert office_doc.for_people_committee


def test_a_sender_of_the_directory_is_named_as_the_directory_names_it(world):
    document = incoming.register_incoming(
        world.who("vp.clerk"),
        incoming_data(issuing_body="STC", issuing_unit_id=world.units["SO-TC"].id),
    )
    assert document.issuing_body == "Sở Tài chính"
