"""Every transition of the three case workflows, walked through the cases pipeline on fakes:
for each kind, each status and each action, the action is either allowed (and leads to the
status the law gives) or refused with a 409 that names the statuses it is allowed from. The
table below is the workflow as the law reads (docs/cases.md), written here independently of
`cityops.cases.workflow`, so that a change to either shows."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from cityops.cases import workflow
from cityops.cases.domain import Case
from cityops.cases.models import CaseStatus, ClassifyDecision, PetitionResult
from cityops.cases.pipeline import PIPELINE
from cityops.core import clock
from cityops.core.access import UNITS
from cityops.core.auth import Principal
from cityops.core.ids import new_id
from cityops.core.memory import MemoryStore
from cityops.core.statemachine import InvalidTransition

from tests.unit.test_cases_fakes import NOW

C, D, V = "complaint", "denunciation", "voter_petition"
KINDS = (C, D, V)
STATES = tuple(s.value for s in CaseStatus)
RESULTS = ("resolved", "being_resolved", "explained")

# action -> kind -> the statuses it may be taken from
ALLOWED: dict[str, dict[str, set[str]]] = {
    "classify": {k: {"received"} for k in KINDS},
    "forward": {k: {"forwarding"} for k in KINDS},
    "accept": {C: {"received"}, D: {"received"}},
    "refuse": {C: {"received"}, D: {"received"}},
    "assign": {
        C: {"received", "accepted", "verifying", "dialogue", "suspended"},
        D: {"received", "accepted", "verifying", "suspended"},
        V: {"received", "verifying", "being_resolved"},
    },
    "verify": {C: {"accepted"}, D: {"accepted"}, V: {"received"}},
    "dialogue": {C: {"verifying"}},
    "notify": {
        C: {"accepted", "verifying", "dialogue", "suspended", "decided"},
        D: {"accepted", "verifying", "concluded", "published"},
    },
    "extend": {D: {"accepted", "verifying"}},
    "decide": {C: {"verifying", "dialogue"}},
    "conclude": {D: {"verifying"}},
    "answer": {V: {"received", "verifying", "being_resolved"}},
    "publish": {C: {"decided"}, D: {"concluded"}, V: set(RESULTS)},
    "withdraw": {
        C: {"received", "forwarding", "accepted", "verifying", "dialogue", "suspended"},
        D: {"received", "forwarding", "accepted", "verifying", "suspended"},
    },
    "withdraw_in_part": {
        C: {"received", "forwarding", "accepted", "verifying", "dialogue", "suspended"},
        D: {"received", "forwarding", "accepted", "verifying", "suspended"},
    },
    "suspend": {C: {"accepted", "verifying", "dialogue"}, D: {"accepted", "verifying"}},
    "resume": {C: {"suspended"}, D: {"suspended"}},
}
# The status after an allowed action (None: it stays), with the commands the walk sends.
LEADS_TO = {
    "classify": "received",  # competent; the other decisions are walked below
    "forward": "received",
    "accept": "accepted",
    "refuse": "refused",
    "verify": "verifying",
    "dialogue": "dialogue",
    "decide": "decided",
    "conclude": "concluded",
    "withdraw": "withdrawn",
    "suspend": "suspended",
    "resume": "accepted",  # the status it was suspended from
    "answer": "explained",  # the result given (only "resolved" once being resolved)
    "publish": "published",  # a petition keeps its result
}
COMMAND = SimpleNamespace(
    decision=ClassifyDecision.COMPETENT, result=PetitionResult.EXPLAINED, note=None
)
ALL = [(kind, state, action) for kind, state, action in itertools.product(KINDS, STATES, ALLOWED)]


def boss(unit_id: str) -> Principal:
    """A leader of the handling unit who is also its handler: every permission holds."""
    return Principal("sub-boss", "boss", "boss", unit_id, frozenset({"unit_leader"}))


@pytest.fixture
def fake(monkeypatch):
    clock.set_now(NOW)
    monkeypatch.setattr(UNITS, "source", lambda _unit_id: None)  # no directory: no Inspectorate
    UNITS.forget()
    store: MemoryStore[Case] = MemoryStore("cases")
    with PIPELINE.using(store):
        yield store
    clock.reset()


def case_in(store: MemoryStore, kind: str, state: str) -> Case:
    unit = new_id()
    return store.add(
        Case(
            id=new_id(),
            status=state,
            created_at=NOW,
            reference="X-1",
            kind=kind,
            channel="post",
            pseudonym="P",
            anonymous=False,
            received_on=NOW.date(),
            first_received_on=NOW.date(),
            receiving_unit_id=unit,
            handling_unit_id=unit,
            unit_path=[unit],
            handler_id="sub-boss",
            suspended_from="accepted" if state == "suspended" else None,
            version=1,
        )
    )


def expected(kind: str, state: str, action: str) -> str:
    if action == "answer" and state == "being_resolved":
        return "resolved"
    if action == "publish" and kind == V:
        return state
    return LEADS_TO.get(action) or state


@pytest.mark.parametrize(("kind", "state", "action"), ALL, ids=["-".join(x) for x in ALL])
def test_each_action_from_each_status_of_each_kind_is_allowed_or_a_409(fake, kind, state, action):
    case = case_in(fake, kind, state)
    command = COMMAND
    if action == "answer" and state == "being_resolved":
        command = SimpleNamespace(result=PetitionResult.RESOLVED)
    who = boss(case.handling_unit_id)
    if state in ALLOWED[action].get(kind, set()):
        done = PIPELINE.change(who, case.id, action, None, if_match=1, command=command)
        assert done.status == expected(kind, state, action)
        assert fake.audit[-1]["action"] == f"case.{action}"
    else:
        with pytest.raises(InvalidTransition) as refused:
            PIPELINE.change(who, case.id, action, None, if_match=1, command=command)
        machine = workflow.MACHINES[kind]
        assert refused.value.status == 409
        if action in machine.actions:
            allowed = [machine.name_of(s) for s in machine.states if s in ALLOWED[action][kind]]
            either = ", ".join(allowed[:-1]) + " hoặc " if allowed[1:] else ""
            assert refused.value.detail.startswith("Không thể ")
            assert refused.value.detail.endswith(
                f"; chỉ thực hiện được khi ở trạng thái {either}{allowed[-1]}."
            )
        else:  # an action only other kinds have
            assert refused.value.detail == (
                f"Thao tác «{workflow.VERBS[action]}» không áp dụng cho {machine.label}."
            )
        assert fake.commits == 0 and fake.entities[case.id].status == state


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("decision", "leads_to"),
    [("competent", "received"), ("transfer", "forwarding"), ("duplicate", "not_handled")],
)
def test_classification_leads_to_the_status_of_its_decision(fake, kind, decision, leads_to):
    case = case_in(fake, kind, "received")
    command = SimpleNamespace(decision=ClassifyDecision(decision))
    done = PIPELINE.change(boss(case.handling_unit_id), case.id, "classify", if_match=1,
                           command=command)  # fmt: skip
    assert done.status == leads_to


@pytest.mark.parametrize(("kind", "allowed"), [(C, False), (D, True), (V, False)])
def test_only_a_denunciation_is_classified_as_anonymous(fake, kind, allowed):
    case = case_in(fake, kind, "received")
    command = SimpleNamespace(decision=ClassifyDecision.ANONYMOUS)
    who = boss(case.handling_unit_id)
    if allowed:
        done = PIPELINE.change(who, case.id, "classify", if_match=1, command=command)
        assert done.status == "not_handled"
        return
    with pytest.raises(InvalidTransition, match="Chỉ đơn tố cáo"):
        PIPELINE.change(who, case.id, "classify", if_match=1, command=command)


@pytest.mark.parametrize(("state", "result"), list(itertools.product(STATES, RESULTS)))
def test_a_petition_is_answered_with_its_result_and_once_being_resolved_only_resolved(
    fake, state, result
):
    case = case_in(fake, V, state)
    command = SimpleNamespace(result=PetitionResult(result))
    who = boss(case.handling_unit_id)
    allowed = state in ALLOWED["answer"][V] and (state != "being_resolved" or result == "resolved")
    if allowed:
        assert PIPELINE.change(who, case.id, "answer", if_match=1, command=command).status == result
    else:
        with pytest.raises(InvalidTransition):
            PIPELINE.change(who, case.id, "answer", if_match=1, command=command)


@pytest.mark.parametrize(
    ("kind", "previous"), [(C, "dialogue"), (C, "verifying"), (D, "verifying")]
)
def test_resuming_returns_to_the_status_it_was_suspended_from(fake, kind, previous):
    case = case_in(fake, kind, "suspended")
    fake.entities[case.id].suspended_from = previous
    done = PIPELINE.change(boss(case.handling_unit_id), case.id, "resume", if_match=1,
                           command=COMMAND)  # fmt: skip
    assert done.status == previous


def test_a_suspended_case_that_does_not_know_its_status_cannot_resume(fake):
    case = case_in(fake, C, "suspended")
    fake.entities[case.id].suspended_from = None
    with pytest.raises(InvalidTransition, match="trước khi tạm đình chỉ"):
        PIPELINE.change(boss(case.handling_unit_id), case.id, "resume", if_match=1,
                        command=COMMAND)  # fmt: skip


def test_the_table_here_is_the_workflows_table():
    for action, kinds in ALLOWED.items():
        for kind in KINDS:
            machine = workflow.MACHINES[kind]
            declared = machine.transition(action).sources if action in machine.actions else set()
            assert set(declared) == kinds.get(kind, set()), (kind, action)
