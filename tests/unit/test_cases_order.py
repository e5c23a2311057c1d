"""The order of the checks of every handling action, through the real use cases on fakes: a
caller who may not see the case gets 404; one who sees it but may not act, 403; one who may,
428 without If-Match and 412 with a stale one; and only then does the workflow say 409. Each
refusal writes nothing."""

from __future__ import annotations

import pytest
from cityops.cases import handling, workflow
from cityops.cases.domain import Case
from cityops.core.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from cityops.core.ids import new_id
from cityops.core.statemachine import InvalidTransition

from tests.unit.test_cases_fakes import BODIES, NOW, desk_fixture  # noqa: F401 (the desk)

BODY = {
    "classify": {"decision": "competent"},
    "refuse": {"ground": "unsigned", "note": "x"},
    "assign": {"handler_id": "sub-sotc_officer"},
    "dialogue": {"held_on": "2027-02-01"},
    "extend": {"criteria": ["several_sites"], "days": 5, "reason": "x", "decision_number": "1"},
    "decide": {"result": "rejected", "decision_number": "1", "summary": "x"},
    "conclude": {"result": "founded", "conclusion_number": "1", "summary": "x"},
    "answer": {"result": "explained", "answer": "x"},
    "withdraw": {"reason": "x"},
    "withdraw_in_part": {"persons": 1, "reason": "x"},
    "suspend": {"reason": "x", "related_matter": "y"},
    "report_results": {"report": "Báo cáo 1/BC"},
}


def kind_of(action: str) -> str:
    """A kind whose workflow has the action."""
    return next(k for k, m in workflow.MACHINES.items() if action in m.actions)


def withdrawn_case(desk, action: str) -> Case:
    """A case of the Department of Finance, withdrawn (no action is allowed from there), whose
    handler is the department's leader (so that one caller holds every permission)."""
    unit = desk.directory.unit_by_code("SO-TC")
    return desk.store.add(
        Case(
            id=new_id(),
            status="withdrawn",
            created_at=NOW,
            reference="KN-2027-000001",
            kind=kind_of(action),
            complaint_round="first_time" if kind_of(action) == "complaint" else None,
            channel="post",
            pseudonym="Người khiếu nại X",
            anonymous=False,
            received_on=NOW.date(),
            first_received_on=NOW.date(),
            receiving_unit_id=unit.id,
            handling_unit_id=unit.id,
            handling_unit_kind=unit.kind,
            unit_path=list(unit.path),
            handler_id="sub-sotc_leader",
            version=4,
        )
    )


@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_every_action_answers_404_then_403_then_428_and_412_then_409(desk, action):
    case = withdrawn_case(desk, action)
    body = BODIES[action].model_validate(BODY.get(action, {}))
    run = getattr(handling, action)
    steps = [
        ("soxd_leader", 4, NotFound, "Không có vụ việc này."),  # another department: not visible
        ("chairman", 4, Forbidden, "Chỉ "),  # sees every case, handles none
        ("sotc_leader", None, PreconditionRequired, "If-Match"),
        ("sotc_leader", 3, PreconditionFailed, "đã thay đổi kể từ lần đọc trước"),
        ("sotc_leader", 4, InvalidTransition, "Không thể"),
    ]
    for who, version, error, words in steps:
        with pytest.raises(error) as refused:
            run(desk.people[who], case.id, body, version)
        assert words in refused.value.detail, (who, refused.value.detail)
    assert desk.store.commits == 0 and desk.store.audit == []


@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_a_case_that_does_not_exist_or_has_no_valid_id_is_404_for_every_action(desk, action):
    body = BODIES[action].model_validate(BODY.get(action, {}))
    for case_id in (new_id(), "not-a-case"):
        with pytest.raises(NotFound, match="Không có vụ việc này"):
            getattr(handling, action)(desk.people["sotc_leader"], case_id, body, 1)
