"""Who is told: only the responsible unit (its person, or its members), its leaders once
late, the escalation chain's leaders and the assigner once escalated. Nobody from an
unrelated unit, and no non-leader up the chain, is ever told. Pure, with a fake directory."""

from __future__ import annotations

import pytest
from cityops.obligations.levels import Decision, Level
from cityops.obligations.recipients import recipients

MEMBERS = {
    "CITY": [
        {"id": "chairman", "roles": ["city_leader"]},
        {"id": "city.officer", "roles": ["officer"]},
    ],
    "DEPT": [
        {"id": "dept.leader", "roles": ["unit_leader"]},
        {"id": "dept.officer", "roles": ["officer"]},
        {"id": "dept.clerk", "roles": ["clerk"]},
    ],
    "DIV": [{"id": "div.leader", "roles": ["unit_leader"]}, {"id": "div.officer", "roles": []}],
    "WARD": [{"id": "ward.leader", "roles": ["unit_leader"]}, {"id": "ward.officer", "roles": []}],
}
UNRELATED = {"ward.leader", "ward.officer"}


def members(unit_id):
    return MEMBERS.get(unit_id, [])


def row(**overrides):
    return {
        "responsible_unit_id": "DIV",
        "responsible_user_id": None,
        "assigned_by": "dept.officer",
        "escalation_chain": ["DEPT", "CITY"],
        **overrides,
    }


SOON = Decision(Level.DUE_SOON, working_days_left=1)
TODAY = Decision(Level.DUE_TODAY)
OVERDUE = Decision(Level.OVERDUE, working_days_overdue=1)
ESCALATED = Decision(Level.ESCALATED, working_days_overdue=2, escalation_step=1)
ESCALATED_TWICE = Decision(Level.ESCALATED, working_days_overdue=4, escalation_step=2)


def test_a_reminder_for_a_unit_s_work_goes_to_its_members():
    assert recipients(row(), SOON, members) == ["div.leader", "div.officer"]


def test_a_reminder_for_a_person_s_work_goes_to_that_person_alone():
    assert recipients(row(responsible_user_id="div.officer"), TODAY, members) == ["div.officer"]


def test_a_responsible_person_who_left_the_unit_is_not_told_the_unit_is():
    told = recipients(row(responsible_user_id="ward.officer"), SOON, members)
    assert told == ["div.leader", "div.officer"]


def test_overdue_adds_the_responsible_unit_s_leaders_and_no_one_above():
    told = recipients(row(responsible_user_id="div.officer"), OVERDUE, members)
    assert told == ["div.officer", "div.leader"]


def test_escalation_reaches_the_leaders_of_the_unit_above_and_the_assigner():
    told = recipients(row(responsible_user_id="div.officer"), ESCALATED, members)
    assert told == ["div.officer", "div.leader", "dept.leader", "dept.officer"]
    assert "chairman" not in told  # the next unit up is for the next step
    assert "dept.clerk" not in told  # not a leader, not the assigner


def test_the_next_step_reaches_one_unit_higher():
    told = recipients(row(responsible_user_id="div.officer"), ESCALATED_TWICE, members)
    assert "dept.leader" in told and "chairman" in told
    assert "city.officer" not in told


def test_a_chain_that_starts_with_the_responsible_unit_is_read_from_the_unit_above():
    chain = ["DIV", "DEPT", "CITY"]  # the unit's path, reversed
    told = recipients(row(escalation_chain=chain, assigned_by=None), ESCALATED, members)
    assert told == ["div.leader", "div.officer", "dept.leader"]


def test_an_assigner_who_is_also_a_leader_above_is_told_once():
    told = recipients(row(assigned_by="dept.leader"), ESCALATED, members)
    assert told.count("dept.leader") == 1


def test_without_a_chain_escalation_reaches_the_assigner_only_above_the_unit():
    told = recipients(row(escalation_chain=[]), ESCALATED, members)
    assert set(told) == {"div.leader", "div.officer", "dept.officer"}


@pytest.mark.parametrize("decision", [SOON, TODAY, OVERDUE, ESCALATED, ESCALATED_TWICE])
def test_members_of_unrelated_units_are_never_told(decision):
    assert not UNRELATED & set(recipients(row(), decision, members))
    assert not UNRELATED & set(
        recipients(row(responsible_user_id="div.officer"), decision, members)
    )
