"""Every workflow table of every system, walked: each action from each state is allowed
exactly when the table says so, leads only to states of its machine, and refuses the others
with a 409 that names the states it is allowed from. Also: the tables are well formed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cityops.core.statemachine import InvalidTransition, StateMachine, t

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import diagrams

MACHINES = diagrams.machines()
CASES = [
    pytest.param(machine, state, action, id=f"{system}.{machine.name}.{action}@{state}")
    for system, machine in MACHINES
    for state in machine.states
    for action in machine.actions
]


def test_every_system_with_a_workflow_declares_it():
    systems = {system for system, _ in MACHINES}
    assert {"directory", "obligations", "tasks", "cases"} <= systems


@pytest.mark.parametrize(("machine", "state", "action"), CASES)
def test_an_action_is_allowed_exactly_from_the_states_its_table_names(machine, state, action):
    declared = machine.transition(action)
    if state in declared.sources:
        if declared.guard is None:
            assert machine.check(action, state) is declared
        assert set(declared.targets(state)) <= set(machine.states)
    else:
        with pytest.raises(InvalidTransition) as refused:
            machine.check(action, state)
        assert refused.value.status == 409
        assert all(machine.name_of(s) in refused.value.detail for s in declared.sources)
        assert machine.name_of(state) in refused.value.detail


def test_an_action_a_kind_does_not_have_is_refused_as_a_conflict():
    machine = MACHINES[0][1]
    with pytest.raises(InvalidTransition):
        machine.transition("no_such_action")


def test_a_refusal_says_in_vietnamese_what_cannot_be_done_from_which_state():
    from cityops.cases.workflow import VOTER_PETITION
    from cityops.tasks.workflow import TASK

    with pytest.raises(InvalidTransition) as refused:
        TASK.check("return", "done")
    assert refused.value.detail == (
        "Không thể trả lại kết quả hoàn thành của nhiệm vụ đang ở trạng thái «Đã hoàn thành»; "
        "chỉ thực hiện được khi ở trạng thái «Chờ xác nhận»."
    )
    with pytest.raises(InvalidTransition) as refused:
        TASK.check("cancel", "done")
    assert refused.value.detail.endswith(
        "; chỉ thực hiện được khi ở trạng thái «Đang thực hiện» hoặc «Chờ xác nhận»."
    )
    with pytest.raises(InvalidTransition) as refused:
        VOTER_PETITION.transition("withdraw")  # only complaints and denunciations have it
    assert refused.value.detail == (
        "Thao tác «ghi nhận việc rút» không áp dụng cho kiến nghị cử tri."
    )


def test_a_table_with_an_unknown_state_or_a_repeated_action_is_refused():
    named = {"label": "việc", "names": {"a": "A", "b": "B"}}
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine("x", ("a",), "a", (t("go", "a", "b", "anyone", verb="đi"),), **named)
    with pytest.raises(ValueError, match="declared twice"):
        go = t("go", "a", None, "p", verb="đi")
        StateMachine("x", ("a",), "a", (go, go), **named)
    with pytest.raises(ValueError, match="need a pick"):
        StateMachine("x", ("a", "b"), "a", (t("go", "a", ("a", "b"), "p", verb="đi"),), **named)


def test_a_table_that_does_not_name_its_entity_a_state_or_an_action_is_refused():
    go = (t("go", "a", "b", "p", verb="đi"),)
    with pytest.raises(ValueError, match="no label"):
        StateMachine("x", ("a", "b"), "a", go, names={"a": "A", "b": "B"})
    with pytest.raises(ValueError, match=r"without a name \['b'\]"):
        StateMachine("x", ("a", "b"), "a", go, label="việc", names={"a": "A"})
    with pytest.raises(ValueError, match=r"without a verb \['go'\]"):
        unsaid = (t("go", "a", "b", "p"),)
        StateMachine("x", ("a", "b"), "a", unsaid, label="việc", names={"a": "A", "b": "B"})


def test_the_diagrams_draw_every_transition():
    for _system, machine in MACHINES:
        drawn = machine.mermaid()
        for tr in machine.transitions:
            assert f": {tr.action} ({tr.who})" in drawn
