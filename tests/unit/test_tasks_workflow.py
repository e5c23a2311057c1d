"""The tasks workflow on fakes: every action from every state, allowed exactly where the table
says (and then leading where it says), refused with a 409 that writes nothing everywhere else;
and for every action the order of refusals: 404, then 403, then 428 and 412, then 409."""

from __future__ import annotations

import pytest
from cityops.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from cityops.core.statemachine import InvalidTransition
from cityops.tasks.workflow import TASK

from tests.unit.test_tasks_world import MAY_NOT, WITHOUT_IF_MATCH, World

WALK = [
    pytest.param(state, action, state in TASK.transition(action).sources, id=f"{action}@{state}")
    for state in TASK.states
    for action in TASK.actions
]


@pytest.fixture
def city():
    with World() as world:
        yield world


@pytest.mark.parametrize(("state", "action", "allowed"), WALK)
def test_each_action_is_taken_exactly_from_the_states_the_table_allows(
    city, state, action, allowed
):
    task_id = city.task_in(state, pending_extension=action == "decide_extension")
    before = city.task(task_id)
    commits = city.store.commits
    if not allowed:
        with pytest.raises(InvalidTransition) as refused:
            city.take(action, task_id)
        assert refused.value.status == 409
        assert all(TASK.name_of(s) in refused.value.detail for s in TASK.transition(action).sources)
        assert city.store.commits == commits and city.task(task_id) == before
        return
    city.take(action, task_id)
    (target,) = TASK.transition(action).targets(state)
    after = city.task(task_id)
    assert after.status == target
    if action == "split":  # the sub-task is written; the task itself does not change
        assert after == before and len(city.store.entities) == 2
    else:
        assert after.version == before.version + 1
    assert city.store.commits == commits + 1


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("cancelled", "report_completion"),
        ("cancelled", "confirm"),
        ("cancelled", "cancel"),
        ("done", "report_progress"),
        ("done", "return"),
        ("done", "edit"),
        ("in_progress", "confirm"),
        ("in_progress", "return"),
        ("awaiting_confirmation", "report_progress"),
        ("awaiting_confirmation", "request_extension"),
        ("awaiting_confirmation", "split"),
    ],
)
def test_an_invalid_transition_is_a_conflict(status, action):
    with pytest.raises(Conflict):
        TASK.check(action, status)


def test_the_life_of_a_task_in_progress_to_done_is_allowed_step_by_step():
    for status, action in [
        ("in_progress", "report_progress"),
        ("in_progress", "request_extension"),
        ("in_progress", "decide_extension"),
        ("in_progress", "report_completion"),
        ("awaiting_confirmation", "return"),
        ("awaiting_confirmation", "confirm"),
        ("awaiting_confirmation", "cancel"),
    ]:
        assert status in TASK.transition(action).sources, (status, action)


def test_nothing_at_all_may_happen_to_a_done_or_cancelled_task():
    for tr in TASK.transitions:
        assert "done" not in tr.sources, tr.action
        assert "cancelled" not in tr.sources, tr.action


@pytest.mark.parametrize("action", TASK.actions)
def test_refusals_come_in_order_404_then_403_then_428_and_412_then_409(city, action):
    """A done task (every action is refused from there), asked by callers who fail one check
    fewer each time: each gets the refusal of the first check it fails, and nothing is
    written."""
    task_id = city.task_in("done")
    version = city.version(task_id)
    commits = city.store.commits
    permission = TASK.transition(action).who
    with pytest.raises(NotFound):
        city.take(action, task_id, as_="hoankiem.officer", if_match=None)
    with pytest.raises(NotFound):
        city.take(action, "01JAAAAAAAAAAAAAAAAAAAAAAA", if_match=None)
    with pytest.raises(Forbidden):
        city.take(action, task_id, as_=MAY_NOT[permission], if_match=None)
    if action not in WITHOUT_IF_MATCH:
        with pytest.raises(PreconditionRequired):
            city.take(action, task_id, if_match=None)
        with pytest.raises(PreconditionFailed):
            city.take(action, task_id, if_match=version - 1)
    with pytest.raises(InvalidTransition):
        city.take(action, task_id, if_match=version)
    assert city.store.commits == commits


@pytest.mark.parametrize("action", sorted(set(TASK.actions) - WITHOUT_IF_MATCH))
def test_a_stale_if_match_is_412_for_every_action_that_takes_one(city, action):
    state = next(s for s in TASK.states if s in TASK.transition(action).sources)
    task_id = city.task_in(state, pending_extension=action == "decide_extension")
    commits = city.store.commits
    with pytest.raises(PreconditionFailed):
        city.take(action, task_id, if_match=city.version(task_id) - 1)
    assert city.store.commits == commits
