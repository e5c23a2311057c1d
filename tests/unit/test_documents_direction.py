"""Direction and handling, on fakes: who may direct (the receiving unit's leaders; city
leaders for what the People's Committee receives), the handling deadline it opens for the
lead unit (a date or working days) and who then sees the document, the 404/403/428/412/409
order, handling on time or late, filing and returning; a tracked direction's task, created by
the tasks system's own use case in the direction's change (once, or not at all), and its
completion reported with the reply when the document is handled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cityops.core import clock
from cityops.core.calendar import CITY_TZ
from cityops.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from cityops.core.obligations import Outcome
from cityops.core.statemachine import InvalidTransition
from cityops.documents import incoming, outgoing, reads, tracking
from cityops.documents.models import DirectionCreate, Filing, HandlingReport, Note, ReturnToSender

from tests.unit.test_documents_world import TODAY, incoming_data
from tests.unit.test_documents_world import world as world


def direction(world, **changes) -> DirectionCreate:
    fields = {
        "lead_unit_id": world.units["SO-TC"].id,
        "coordinating_unit_ids": [world.units["SO-XD"].id],
        "instructions": "Sở Tài chính chủ trì, phối hợp Sở Xây dựng, báo cáo UBND Thành phố.",
        "due_in_working_days": 10,
    }
    fields.update(changes)
    return DirectionCreate.model_validate(fields)


@pytest.fixture
def registered(world):
    return incoming.register_incoming(world.who("vp.clerk"), incoming_data(urgency="urgent"))


def test_a_city_leader_directs_it_and_the_lead_unit_owes_it_in_ten_working_days(world, registered):
    directed = incoming.direct(world.who("chairman"), registered.id, direction(world), 1)
    assert directed.status == "directed"
    handle = directed.deadlines.get("document.handle")
    assert handle.responsible_unit_id == world.units["SO-TC"].id
    # 10 working days after Wednesday 2 December 2026: Wednesday 16 December
    assert handle.due_at.date() == date(2026, 12, 16)
    assert handle.escalation_chain == [world.units["UBND-HN"].id]
    assert directed.deadlines.get("document.present").status == "closed"  # directed at once
    assert world.documents.events[-1][0] == "DocumentDirected"


def test_the_lead_and_coordinating_units_then_see_it_and_a_ward_does_not(world, registered):
    with pytest.raises(NotFound):
        reads.get_document(world.who("sotc.officer"), registered.id)
    incoming.direct(world.who("chairman"), registered.id, direction(world), 1)
    assert reads.get_document(world.who("sotc.officer"), registered.id).id == registered.id
    assert reads.get_document(world.who("soxd.officer"), registered.id).id == registered.id
    with pytest.raises(NotFound):
        reads.get_document(world.who("hoankiem.officer"), registered.id)
    with pytest.raises(NotFound):
        reads.get_document(world.who("hoankiem.leader"), registered.id)


def test_the_office_leader_directs_what_the_office_receives(world, registered):
    directed = incoming.direct(world.who("vp.leader"), registered.id, direction(world), 1)
    assert directed.direction.by.name == "Ông/Bà vp.leader"  # the directory's name


def test_a_department_leader_cannot_direct_another_units_document_they_see(world, registered):
    incoming.direct(world.who("chairman"), registered.id, direction(world), 1)
    # the Finance leader sees it (lead unit) but may not direct it: 403 before the 409
    with pytest.raises(Forbidden):
        incoming.direct(world.who("sotc.leader"), registered.id, direction(world), 2)


def test_a_city_leader_may_not_direct_a_departments_own_document(world):
    own = incoming.register_incoming(world.who("sotc.clerk"), incoming_data())
    assert not own.for_people_committee
    with pytest.raises(Forbidden):
        incoming.direct(world.who("chairman"), own.id, direction(world), 1)
    assert incoming.direct(world.who("sotc.leader"), own.id, direction(world), 1).number == 1


def test_a_leader_makes_lead_only_a_unit_within_their_own_authority(world):
    """A department's leader directs the department's own units; another department is not
    theirs to make owe a deadline (it may be asked to coordinate, which owes nothing)."""
    own = incoming.register_incoming(world.who("sotc.clerk"), incoming_data())
    other = direction(world, lead_unit_id=world.units["SO-XD"].id, coordinating_unit_ids=[])
    with pytest.raises(InvalidInput, match="hoặc một đơn vị trực thuộc") as refused:
        incoming.direct(world.who("sotc.leader"), own.id, other, 1)
    assert refused.value.errors[0]["loc"] == ["body", "lead_unit_id"]
    assert world.documents.load(own.id).status == "registered"  # nothing changed
    division = world.units["SO-TC.NS"].id
    asked = direction(world, lead_unit_id=division)  # Sở Xây dựng coordinating
    directed = incoming.direct(world.who("sotc.leader"), own.id, asked, 1)
    assert directed.deadlines.get("document.handle").responsible_unit_id == division


def test_the_order_of_refusals_is_404_then_403_then_428_then_412_then_409(world, registered):
    data = direction(world)
    with pytest.raises(NotFound):
        incoming.direct(world.who("hoankiem.leader"), registered.id, data, None)
    with pytest.raises(Forbidden):
        incoming.direct(world.who("vp.clerk"), registered.id, data, None)
    with pytest.raises(PreconditionRequired):
        incoming.direct(world.who("chairman"), registered.id, data, None)
    with pytest.raises(PreconditionFailed):
        incoming.direct(world.who("chairman"), registered.id, data, 7)
    incoming.direct(world.who("chairman"), registered.id, data, 1)
    with pytest.raises(InvalidTransition) as again:
        incoming.direct(world.who("chairman"), registered.id, data, 2)
    assert again.value.status == 409


def test_a_direction_to_a_unit_that_does_not_exist_changes_nothing(world, registered):
    bad = direction(world, lead_unit_id="01JZZZZZZZZZZZZZZZZZZZZZZZ")
    with pytest.raises(InvalidInput):
        incoming.direct(world.who("chairman"), registered.id, bad, 1)
    assert world.documents.load(registered.id).version == 1


def test_without_a_deadline_the_documents_own_is_used_and_without_one_it_is_refused(world):
    clerk = world.who("vp.clerk")
    own = incoming.register_incoming(clerk, incoming_data(handling_deadline="2026-12-20"))
    none = incoming.register_incoming(clerk, incoming_data(number_symbol="2/X"))
    data = direction(world, due_in_working_days=None)
    directed = incoming.direct(world.who("chairman"), own.id, data, 1)
    assert directed.direction.due_on == date(2026, 12, 20)
    with pytest.raises(InvalidInput, match="Văn bản không ghi hạn giải quyết"):
        incoming.direct(world.who("chairman"), none.id, data, 1)


def test_handling_reported_on_the_due_day_is_on_time_and_the_day_after_late(world, registered):
    clerk = world.who("vp.clerk")
    other = incoming.register_incoming(clerk, incoming_data(number_symbol="2/X"))
    for doc in (registered, other):
        incoming.direct(world.who("chairman"), doc.id, direction(world), 1)
    due = world.documents.load(registered.id).deadlines.get("document.handle").due_at
    officer = world.who("sotc.officer")
    clock.set_now(due)
    done = incoming.handle(officer, registered.id, HandlingReport(result="Đã báo cáo"), 2)
    assert done.status == "handled" and done.handling.outcome == Outcome.MET_ON_TIME
    clock.set_now(due + timedelta(seconds=1))
    late = incoming.handle(officer, other.id, HandlingReport(result="Đã báo cáo"), 2)
    assert late.handling.outcome == Outcome.MET_LATE
    assert world.documents.row(late, "document.handle")["status"] == "closed"
    assert world.documents.events[-1][0] == "DocumentHandled"


def test_only_the_lead_unit_handles_it_not_a_coordinating_one(world, registered):
    incoming.direct(world.who("chairman"), registered.id, direction(world), 1)
    with pytest.raises(Forbidden):
        incoming.handle(world.who("soxd.officer"), registered.id, HandlingReport(result="x"), 2)
    started = incoming.start(world.who("sotc.officer"), registered.id, Note(), 2)
    assert started.status == "in_handling"


def test_the_reply_must_be_an_issued_document_of_the_lead_unit(world, registered):
    incoming.direct(world.who("chairman"), registered.id, direction(world), 1)
    draft = outgoing.draft(world.who("sotc.officer"), _reply(world, registered.id))
    with pytest.raises(InvalidInput, match="văn bản đi đã phát hành"):
        incoming.handle(
            world.who("sotc.officer"), registered.id,
            HandlingReport(result="x", reply_document_id=draft.id), 2,
        )  # fmt: skip


def _reply(world, answers: str):
    from tests.unit.test_documents_world import outgoing_data

    return outgoing_data(world, answers_document_id=answers)


def test_a_leader_files_it_for_reference_and_a_clerk_returns_a_misaddressed_one(world):
    clerk = world.who("vp.clerk")
    one = incoming.register_incoming(clerk, incoming_data(number_symbol="1/X"))
    two = incoming.register_incoming(clerk, incoming_data(number_symbol="2/X"))
    filed = incoming.file_for_reference(world.who("vp.leader"), one.id, Filing(note="Lưu"), 1)
    assert filed.status == "filed" and filed.deadlines.get("document.present").status == "closed"
    back = ReturnToSender(reason_code="misaddressed", reason="Gửi nhầm nơi nhận")
    returned = incoming.return_to_sender(clerk, two.id, back, 1)
    assert returned.status == "returned" and returned.closing.code == "misaddressed"
    with pytest.raises(InvalidTransition):
        incoming.direct(world.who("chairman"), two.id, direction(world), 2)


def test_a_tracked_direction_creates_its_task_once_in_the_same_change(world, registered):
    tracked = direction(world, track_as_task=True)
    directed = incoming.direct(world.who("chairman"), registered.id, tracked, 1)
    (task,) = world.tasks.entities.values()
    assert directed.direction.task_id == task.id
    assert task.source_document.incoming_document_id == registered.id
    assert task.source_document.number_symbol == "8123/VPCP-KTTH"
    assert task.lead_unit_id == world.units["SO-TC"].id
    assert task.coordinating_unit_ids == [world.units["SO-XD"].id]
    assert task.due_date == directed.direction.due_on and task.priority == "high"
    assert world.tasks.row(task, "task.complete")["status"] == "open"
    assert "TaskAssigned" in [kind for kind, _ in world.tasks.events]
    with pytest.raises(InvalidTransition):  # directed once: no second task
        incoming.direct(world.who("chairman"), registered.id, tracked, 2)
    assert len(world.tasks.entities) == 1


def test_a_direction_that_fails_writes_no_task(world, registered):
    world.documents.fail_next = 1  # someone else wrote the document first
    with pytest.raises(PreconditionFailed):
        incoming.direct(
            world.who("chairman"), registered.id, direction(world, track_as_task=True), 1
        )
    assert world.tasks.entities == {} and world.tasks.events == []


def test_the_tasks_system_decides_who_may_assign_a_tracked_task(world):
    own = incoming.register_incoming(world.who("sotc.clerk"), incoming_data())
    with pytest.raises(Forbidden, match="mới được giao nhiệm vụ"):
        incoming.direct(world.who("sotc.leader"), own.id, direction(world, track_as_task=True,
                        lead_unit_id=world.units["SO-TC.NS"].id), 1)  # fmt: skip
    assert world.tasks.entities == {} and world.documents.load(own.id).status == "registered"


def test_handling_a_tracked_document_reports_the_tasks_completion_with_the_reply(world, registered):
    from tests.unit.test_documents_outgoing import signed_draft

    incoming.direct(world.who("chairman"), registered.id, direction(world, track_as_task=True), 1)
    signed, _ = signed_draft(world)
    reply = outgoing.issue(world.who("sotc.clerk"), signed.id, Note(), signed.version)
    report = HandlingReport(result="Đã báo cáo", reply_document_id=reply.id)
    handled = incoming.handle(world.who("sotc.officer"), registered.id, report, 2)
    task = world.tasks.load(handled.direction.task_id)
    assert task.status == "awaiting_confirmation"
    assert "01/STC" in task.completion.result and "8123/VPCP-KTTH" in task.completion.result
    assert world.tasks.row(task, "task.complete")["status"] == "paused"


def extend_tracked_task(world, document_id: str, days: int, decision: str = "approved") -> dict:
    """The lead unit's leader asks for `days` more on the direction's task and the chairman
    decides: the tasks' `ExtensionDecided` detail, as the bus carries it to documents."""
    from cityops.tasks import extensions
    from cityops.tasks.models import ExtensionDecisionCreate, ExtensionRequestCreate

    task = world.tasks.load(world.documents.load(document_id).direction.task_id)
    later = task.due_date + timedelta(days=days)
    asked = ExtensionRequestCreate(new_due_date=later, reason="Chờ số liệu của các quận")
    task_reply = extensions.request_extension(
        world.who("sotc.leader"), task.id, asked, task.version
    )
    decided = ExtensionDecisionCreate(decision=decision, reason="Ý kiến của Chủ tịch")
    extension_id = task_reply["extensions"][-1]["id"]
    extensions.decide_extension(
        world.who("chairman"), task.id, extension_id, decided, task_reply["version"]
    )
    return [d for kind, d in world.tasks.events if kind == "ExtensionDecided"][-1]


def test_an_approved_extension_of_a_tracked_task_moves_the_documents_deadline_once(
    world, registered
):
    tracked = direction(world, track_as_task=True)
    directed = incoming.direct(world.who("chairman"), registered.id, tracked, 1)
    detail = extend_tracked_task(world, registered.id, days=14)
    assert detail["incoming_document_id"] == registered.id
    assert tracking.follow_task_extension(detail) == registered.id
    moved = world.documents.load(registered.id)
    later = directed.direction.due_on + timedelta(days=14)
    assert moved.direction.due_on == later
    assert moved.deadlines.get("document.handle").due_at.astimezone(CITY_TZ).date() == later
    assert moved.deadlines.get("document.handle").status == "open"
    assert world.documents.audit[-1]["action"] == "document.deadline_followed"
    assert world.documents.audit[-1]["note"] == f"Nhiệm vụ được gia hạn đến {later:%d/%m/%Y}."
    # The bus delivers at least once: the same event again moves nothing.
    assert tracking.follow_task_extension(detail) is None
    assert world.documents.load(registered.id).version == moved.version


def test_a_rejected_extension_or_a_handled_document_leaves_the_documents_deadline(
    world, registered
):
    tracked = direction(world, track_as_task=True)
    directed = incoming.direct(world.who("chairman"), registered.id, tracked, 1)
    rejected = extend_tracked_task(world, registered.id, days=7, decision="rejected")
    assert tracking.follow_task_extension(rejected) is None
    assert world.documents.load(registered.id).direction.due_on == directed.direction.due_on

    approved = extend_tracked_task(world, registered.id, days=7)
    report = HandlingReport(result="Đã báo cáo UBND Thành phố")
    handled = incoming.handle(world.who("sotc.officer"), registered.id, report, 2)
    assert tracking.follow_task_extension(approved) is None  # handled first: nothing to move
    after = world.documents.load(registered.id)
    assert after.version == handled.version and after.direction == handled.direction


def test_an_extension_of_another_task_does_not_move_a_documents_deadline(world, registered):
    tracked = direction(world, track_as_task=True)
    incoming.direct(world.who("chairman"), registered.id, tracked, 1)
    detail = extend_tracked_task(world, registered.id, days=14)
    assert (
        tracking.follow_task_extension({**detail, "task_id": "01JAAAAAAAAAAAAAAAAAAAAAAA"}) is None
    )
    assert tracking.follow_task_extension({**detail, "incoming_document_id": None}) is None


def test_the_due_date_given_cannot_be_in_the_past(world, registered):
    data = direction(world, due_in_working_days=None, due_date=TODAY - timedelta(days=1))
    with pytest.raises(InvalidInput, match="Hạn giải quyết 01/12/2026 đã qua"):
        incoming.direct(world.who("chairman"), registered.id, data, 1)


def test_files_of_an_incoming_document_are_added_by_its_clerk_or_the_lead_units_handlers(
    world, registered
):
    from cityops.documents import files
    from cityops.documents.models import FileCreate

    data = FileCreate(name="x.pdf", media_type="application/pdf", size=10, sha256="b" * 64)
    with pytest.raises(NotFound):
        files.request_upload(world.who("sotc.officer"), registered.id, data)
    incoming.direct(world.who("chairman"), registered.id, direction(world), 1)
    with pytest.raises(Forbidden):  # a coordinating unit sees it but adds nothing
        files.request_upload(world.who("soxd.officer"), registered.id, data)
    assert files.request_upload(world.who("sotc.officer"), registered.id, data).file.id
    assert files.request_upload(world.who("vp.clerk"), registered.id, data).file.id
