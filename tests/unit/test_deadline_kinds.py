"""Settings per obligation kind are data: defaults for every kind, present or future, rules
for urgent ones, and a table an administrator can replace without changing code."""

from __future__ import annotations

import json

import pytest
from cityops.obligations.kinds import ENV_VAR, KindSettings, KindTable, kind_table


def test_a_kind_no_rule_names_gets_the_defaults():
    assert kind_table().for_kind("inspection.conclude") == KindSettings(3, 2, False)
    assert kind_table().for_kind("task.complete") == KindSettings(3, 2, False)


@pytest.mark.parametrize(
    "kind", ["document.handle.flash", "document.handle.top_urgent", "document.handle.urgent"]
)
def test_flash_and_urgent_documents_are_urgent(kind):
    settings = kind_table().for_kind(kind)
    assert settings.urgent and settings.horizon_working_days == 1
    assert settings.escalate_after_working_days == 1


@pytest.mark.parametrize(
    "kind",
    [
        "complaint.accept",
        "denunciation.accept",
        "denunciation.verify",
        "denunciation.notify",
        "case.forward",
    ],
)
def test_acceptance_limits_of_a_few_days_are_urgent(kind):
    settings = kind_table().for_kind(kind)
    assert settings == KindSettings(2, 1, True)


def test_the_first_rule_that_matches_wins():
    table = KindTable(
        {
            "default": {"horizon_working_days": 5},
            "rules": [
                {"match": "task.*", "urgent": True},
                {"match": ["task.complete"], "horizon_working_days": 1},
            ],
        }
    )
    assert table.for_kind("task.complete") == KindSettings(5, 2, True)
    assert table.for_kind("report.submit") == KindSettings(5, 2, False)


def test_the_sweep_reads_as_far_as_the_longest_horizon_of_the_kinds_it_sweeps():
    table = KindTable(
        {
            "default": {"horizon_working_days": 4},
            "rules": [{"match": "*.flash", "horizon_working_days": 1, "urgent": True}],
        }
    )
    assert table.max_horizon() == 4
    assert table.max_horizon(urgent_only=True) == 1


def test_an_administrator_replaces_the_table_through_the_environment(setting):
    data = {"default": {"horizon_working_days": 7, "escalate_after_working_days": 3}}
    setting(ENV_VAR, json.dumps(data))
    assert kind_table().for_kind("task.complete") == KindSettings(7, 3, False)
    setting(ENV_VAR, None)
    assert kind_table().for_kind("task.complete") == KindSettings(3, 2, False)


@pytest.mark.parametrize(
    "data",
    [
        {"default": {"horizon_days": 3}},  # unknown setting
        {"default": {"escalate_after_working_days": 0}},
        {"default": {"horizon_working_days": -1}},
        {"default": {"urgent": "yes"}},
        {"rules": [{"urgent": True}]},  # no match
    ],
)
def test_a_bad_table_is_refused(data):
    with pytest.raises(ValueError):
        KindTable(data)
