"""Statuses and transitions of cases, who may take each action, and what the public sees.
No AWS."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cityops.cases import workflow
from cityops.cases.identity import redact
from cityops.cases.models import CaseStatus, ClassifyDecision, PetitionResult
from cityops.cases.pipeline import PERMISSIONS
from cityops.core.statemachine import InvalidTransition


def next_status(action: str, kind: str, status: str, **details: str) -> str:
    """The status the kind's table leads to from `status` (checked, with its guard):
    `decision` for classify, `result` for answer, `previous` for resume."""
    machine = workflow.MACHINES[kind]
    case = SimpleNamespace(kind=kind, status=status, suspended_from=details.get("previous"))
    command = SimpleNamespace(
        decision=ClassifyDecision(details.get("decision", "competent")),
        result=PetitionResult(details.get("result", "resolved")),
    )
    transition = machine.check(action, status, case, command)
    return machine.target(transition, status, case, command)


def walk(kind: str, steps: list[tuple[str, dict]]) -> list[str]:
    status, seen = "received", ["received"]
    for action, details in steps:
        status = next_status(action, kind, status, **details)
        seen.append(status)
    return seen


def test_a_complaint_goes_from_received_to_published():
    steps = [
        ("classify", {"decision": "competent"}),
        ("accept", {}),
        ("verify", {}),
        ("dialogue", {}),
        ("decide", {}),
        ("publish", {}),
    ]
    assert walk("complaint", steps) == [
        "received",
        "received",
        "accepted",
        "verifying",
        "dialogue",
        "decided",
        "published",
    ]


def test_a_denunciation_goes_from_received_to_concluded_and_published():
    steps = [("accept", {}), ("verify", {}), ("conclude", {}), ("publish", {})]
    assert walk("denunciation", steps)[-2:] == ["concluded", "published"]


@pytest.mark.parametrize("result", ["resolved", "being_resolved", "explained"])
def test_a_voter_petition_ends_in_one_of_three_results(result):
    assert walk("voter_petition", [("verify", {}), ("answer", {"result": result})])[-1] == result


def test_a_petition_being_resolved_can_later_be_resolved_but_not_explained():
    assert next_status("answer", "voter_petition", "being_resolved", result="resolved") == (
        "resolved"
    )
    with pytest.raises(InvalidTransition):
        next_status("answer", "voter_petition", "being_resolved", result="explained")


def test_publishing_a_petitions_answer_keeps_its_result():
    assert next_status("publish", "voter_petition", "explained") == "explained"


def test_a_transfer_waits_for_forwarding_and_arrives_as_received():
    assert next_status("classify", "complaint", "received", decision="transfer") == "forwarding"
    assert next_status("forward", "complaint", "forwarding") == "received"


def test_duplicates_and_anonymous_denunciations_are_not_handled():
    assert next_status("classify", "complaint", "received", decision="duplicate") == ("not_handled")
    assert next_status("classify", "denunciation", "received", decision="anonymous") == (
        "not_handled"
    )
    with pytest.raises(InvalidTransition):
        next_status("classify", "complaint", "received", decision="anonymous")


def test_suspension_returns_to_the_status_it_interrupted():
    assert next_status("suspend", "complaint", "dialogue") == "suspended"
    assert next_status("resume", "complaint", "suspended", previous="dialogue") == "dialogue"


@pytest.mark.parametrize(
    ("action", "kind", "status"),
    [
        ("decide", "complaint", "received"),  # accept and verify first
        ("accept", "complaint", "accepted"),
        ("dialogue", "denunciation", "verifying"),  # dialogue is for complaints
        ("extend", "complaint", "accepted"),  # extensions are for denunciations
        ("extend", "denunciation", "suspended"),
        ("answer", "complaint", "verifying"),
        ("accept", "voter_petition", "received"),  # petitions are answered, not accepted
        ("withdraw", "voter_petition", "received"),
        ("withdraw", "complaint", "decided"),
        ("publish", "denunciation", "verifying"),
        ("suspend", "denunciation", "received"),
        ("resume", "complaint", "accepted"),
        ("classify", "complaint", "accepted"),
        ("forward", "complaint", "received"),
        ("conclude", "denunciation", "accepted"),  # verify first
    ],
)
def test_an_action_from_the_wrong_status_is_a_409_conflict(action, kind, status):
    with pytest.raises(InvalidTransition) as caught:
        next_status(action, kind, status, result="resolved", previous="accepted")
    assert caught.value.status == 409


def who(action: str) -> set[str]:
    """Who may take `action`, in every kind that has it."""
    machines = workflow.MACHINES.values()
    return {m.transition(action).who for m in machines if action in m.actions}


def test_only_leaders_accept_refuse_extend_decide_and_only_handlers_move_it_forward():
    for action in ("accept", "refuse", "extend", "decide", "conclude", "answer", "suspend"):
        assert who(action) == {"leader"}
    for action in ("verify", "dialogue"):
        assert who(action) == {"handler"}
    assert who("classify") == who("forward") == {"staff"}


def test_every_status_has_a_public_name_and_every_action_a_rule():
    assert set(workflow.PUBLIC_STATUS) == {s.value for s in CaseStatus}
    for machine in workflow.MACHINES.values():
        assert set(machine.states) == {s.value for s in CaseStatus}
        assert all(tr.sources and tr.who in PERMISSIONS for tr in machine.transitions)
    assert len(workflow.ACTIONS) == 18  # and schedule_report, the system's


def test_resolved_refused_and_withdrawn_cases_are_no_longer_open():
    assert workflow.is_open("verifying") and workflow.is_open("suspended")
    for status in ("refused", "withdrawn", "decided", "concluded", "explained", "not_handled"):
        assert not workflow.is_open(status)


# --- keeping the identity out of what staff see ------------------------------------------------


def test_the_persons_name_phone_email_and_id_are_taken_out_of_free_text():
    identity = {
        "name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "id_number": "001190012345",
    }
    text = "Tôi, NGUYỄN VĂN AN (0912.345.678, an@example.vn, CCCD 001190012345), tố cáo ông Trần B"
    out = redact(text, identity)
    for secret in ("NGUYỄN VĂN AN", "0912.345.678", "an@example.vn", "001190012345"):
        assert secret not in out
    assert "tố cáo ông Trần B" in out
    assert redact("Không có gì", identity) == "Không có gì"
