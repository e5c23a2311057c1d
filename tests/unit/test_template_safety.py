"""What template.yaml must keep so that nothing is lost (issue 11, item 11)."""

from __future__ import annotations

from template import load  # infra/local, on the path by tests/conftest.py


def test_the_user_pool_survives_deleting_or_replacing_the_stack():
    pools = [r for r in load()["Resources"].values() if r["Type"] == "AWS::Cognito::UserPool"]
    assert pools
    for pool in pools:
        assert pool.get("DeletionPolicy") == "Retain"
        assert pool.get("UpdateReplacePolicy") == "Retain"


def test_the_sweep_and_the_notifier_have_reserved_concurrency():
    resources = load()["Resources"]
    for name in ("DeadlineSweepFunction", "NotifierFunction"):
        reserved = resources[name]["Properties"].get("ReservedConcurrentExecutions")
        assert isinstance(reserved, int) and reserved >= 1, name
    assert resources["DeadlineSweepFunction"]["Properties"]["ReservedConcurrentExecutions"] == 1
