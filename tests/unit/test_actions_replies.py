"""The `actions` of a task, a document and a case reply are what the pipeline allows: for each
action listed, a change by that caller passes the permission step (and the state step) of
`cityops.core.pipeline`; for each action not listed, the change is refused (403 or 409).
Every kind's every state, as everyone who sees the entity, on the fakes of each system."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cityops.cases import reads as case_reads
from cityops.cases.pipeline import PIPELINE as CASES
from cityops.core.auth import Principal
from cityops.core.errors import Forbidden
from cityops.core.ids import new_id
from cityops.core.pipeline import Pipeline
from cityops.core.statemachine import InvalidTransition
from cityops.documents import incoming, outgoing
from cityops.documents import reads as document_reads
from cityops.documents.pipelines import DOCUMENTS
from cityops.tasks import reads as task_reads
from cityops.tasks.changes import PIPELINE as TASKS

from tests.unit.test_cases_fakes import desk_fixture as desk  # noqa: F401
from tests.unit.test_cases_fakes import petition
from tests.unit.test_documents_world import incoming_data, outgoing_data
from tests.unit.test_documents_world import world as world
from tests.unit.test_tasks_world import PEOPLE, World


class Reached(Exception):
    """The change got past every check to its rule."""


def _reached(_work: Any) -> None:
    raise Reached


def passes(pipeline: Pipeline[Any], who: Principal, entity: Any, action: str) -> bool:
    """Whether the pipeline's change of `action` by `who` passes its permission step (seen by
    a spy on `authorise`) and its state step. It never commits: its rule stops it. A guard
    that objects (guards read the command, here none) comes after both steps, so it counts as
    passing; a 403, or the 409 of a state the action is not taken from, is a refusal (and so
    is another kind's action, which must still be a 403 or a 409, never a crash)."""
    permitted: list[bool] = []
    authorise = pipeline.authorise

    def spy(*args: Any) -> Any:
        found = authorise(*args)
        permitted.append(True)
        return found

    pipeline.authorise = spy  # type: ignore[method-assign]
    try:
        pipeline.change(who, entity.id, action, _reached, if_match=entity.version)
    except Reached:
        return True
    except Exception as refused:  # each kind of refusal is told apart below
        if action not in pipeline.machine(entity).actions or not permitted:
            # refused at the permission step, or another kind's action: a 403 or a 409, never
            # a crash (a 500)
            assert isinstance(refused, Forbidden | InvalidTransition), repr(refused)
            return False
        if isinstance(refused, InvalidTransition):
            return (
                "; chỉ thực hiện được khi ở trạng thái " not in refused.detail
            )  # else a guard's reason
        return True  # a guard reading the command it was not given, or its unknown request
    finally:
        del pipeline.authorise
    raise AssertionError("the rule always stops the change")


def check_replies(
    pipeline: Pipeline[Any],
    entities: Iterable[Any],
    people: Iterable[Principal],
    listed: Callable[[Principal, Any], list[str]],
) -> int:
    """Compare each reply's actions with what the pipeline does; the number of checks."""
    checked = 0
    for entity in entities:
        pipeline.store.add(entity)  # type: ignore[attr-defined]
        every = {a for m in pipeline.machines.values() for a in m.actions}
        for who in people:
            if not pipeline.sees(who, entity):
                continue
            shown = listed(who, entity)
            assert len(shown) == len(set(shown))
            for action in sorted(every):
                allowed = passes(pipeline, who, entity, action)
                assert (action in shown) == allowed, (
                    entity.kind if hasattr(entity, "kind") else "task",
                    entity.status,
                    who.username,
                    action,
                    shown,
                )
                checked += 1
    return checked


def in_every_state(entity: Any, states: Iterable[str], **fields: Any) -> list[Any]:
    return [
        entity.model_copy(update={"id": new_id(), "status": state, **fields}, deep=True)
        for state in states
    ]


def test_a_tasks_actions_are_what_the_tasks_pipeline_lets_each_caller_do():
    with World() as w:
        people = [w.who(name) for name in PEOPLE]
        plain = w.task(w.task_in("in_progress"))
        pending = w.task(w.task_in("in_progress", pending_extension=True))
        sub_id = w.take("split", plain.id)["id"]
        tasks = [
            *in_every_state(plain, ("in_progress", "awaiting_confirmation", "done", "cancelled")),
            *in_every_state(pending, ("in_progress",)),
            *in_every_state(w.task(sub_id), ("in_progress", "awaiting_confirmation")),
        ]

        def listed(who: Principal, task: Any) -> list[str]:
            return task_reads.get_task(who, task.id)["actions"]

        assert check_replies(TASKS, tasks, people, listed) > 300
        chairman = listed(w.who("chairman"), tasks[0])
        assert {"edit", "cancel", "decide_extension"} <= set(chairman)
        assert "report_progress" not in chairman
        officer = listed(w.who("sotc.officer"), tasks[0])
        assert {"report_progress", "report_completion"} <= set(officer)
        assert "cancel" not in officer


def test_a_documents_actions_are_what_the_documents_pipeline_lets_each_caller_do(world):
    clerk, officer = world.who("vp.clerk"), world.who("sotc.officer")
    received = incoming.register_incoming(clerk, incoming_data())
    draft = outgoing.draft(officer, outgoing_data(world))
    documents = [
        *in_every_state(received, DOCUMENTS.machines["incoming"].states),
        *in_every_state(draft, DOCUMENTS.machines["outgoing"].states),
    ]

    def listed(who: Principal, document: Any) -> list[str]:
        return document_reads.document_out(who, document).actions

    assert check_replies(DOCUMENTS, documents, world.people.values(), listed) > 200
    assert "submit" in listed(officer, draft) and "submit" not in listed(clerk, draft)
    assert "present" in listed(clerk, received) and "direct" in listed(
        world.who("vp.leader"), received
    )


def test_a_cases_actions_are_what_the_cases_pipeline_lets_each_caller_do(desk):  # noqa: F811
    people = list(desk.people.values())
    inspector = desk.people["inspector"]
    made = [
        desk.create("inspector"),
        desk.create("inspector", **petition()),
        desk.create("sotc_clerk", kind="complaint", complaint_round="first_time",
                    denounced=None, learned_on="2027-01-20"),
    ]  # fmt: skip
    cases = []
    for reply in made:
        case = desk.store.entities[reply["id"]]
        states = CASES.machines[case.kind].states
        cases += in_every_state(case, states, suspended_from="verifying")
        cases += in_every_state(case, ("accepted", "verifying"), handler_id=inspector.sub)

    def listed(who: Principal, case: Any) -> list[str]:
        return case_reads.get_case(who, case.id).actions

    assert check_replies(CASES, cases, people, listed) > 500
    received = desk.store.entities[made[0]["id"]]
    assert "accept" in listed(inspector, received)  # an inspector decides in the Inspectorate
    clerk = listed(desk.people["ttr_clerk"], received)
    assert "classify" in clerk and "accept" not in clerk
