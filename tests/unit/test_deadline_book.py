"""The deadline book and the one access rule, with no AWS: what each operation does to a
deadline, which operations a deadline in each state refuses, the rows and counters they
become, on-time at the last second of the due day, and who sees which unit under each
system's policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cityops.core import access, clock
from cityops.core.auth import Principal
from cityops.core.calendar import WorkingCalendar
from cityops.core.deadlines import DeadlineBook, transaction_items
from cityops.core.dynamo import merge_counter_updates
from cityops.core.errors import Conflict
from cityops.core.obligations import Outcome

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
PATH = ["CITY", "DEPT", "DIV"]


@pytest.fixture(autouse=True)
def frozen():
    clock.set_now(NOW)
    yield
    clock.reset()


def book_with(due: datetime) -> DeadlineBook:
    """A book with one open deadline, as loaded for a later change (no operations noted)."""
    book = DeadlineBook()
    book.open("task.complete", due, title="Báo cáo", unit_path=PATH, key="task.complete")
    book.clear_ops()
    return book


def test_a_deadline_belongs_to_the_last_unit_and_escalates_up_its_path_nearest_first():
    book = book_with(NOW + timedelta(days=3))
    deadline = book.get("task.complete")
    assert deadline.responsible_unit_id == "DIV"
    assert deadline.escalation_chain == ["DEPT", "CITY"]
    assert access.escalation_chain(["CITY"]) == []


def test_keys_default_to_kind_and_sequence():
    book = DeadlineBook()
    first = book.open("case.forward", NOW, title="x", unit_path=PATH)
    second = book.open("case.forward", NOW, title="x", unit_path=PATH)
    assert (first.key, second.key) == ("case.forward#1", "case.forward#2")


def test_done_at_the_last_second_of_the_due_day_is_on_time_and_a_second_later_late():
    due = WorkingCalendar().due_end_of_day(datetime(2027, 3, 5).date())
    assert book_with(due).close("task.complete", done_at=due) is Outcome.MET_ON_TIME
    late = due + timedelta(seconds=1)
    assert book_with(due).close("task.complete", done_at=late) is Outcome.MET_LATE


def test_an_outcome_can_be_judged_against_another_deadline():
    due = NOW + timedelta(days=10)
    book = book_with(due)
    outcome = book.close("task.complete", done_at=NOW, judged_against=NOW - timedelta(days=1))
    assert outcome is Outcome.MET_LATE


def test_a_paused_deadline_is_not_running_and_cannot_be_moved_until_resumed():
    book = book_with(NOW + timedelta(days=3))
    book.pause("task.complete")
    assert book.running() == [] and len(book.pending()) == 1 and book.next_due() is None
    with pytest.raises(Conflict):
        book.move("task.complete", NOW + timedelta(days=9))
    book.clear_ops()
    book.resume("task.complete", NOW + timedelta(days=5))
    assert book.next_due() == NOW + timedelta(days=5)


def test_a_closed_deadline_refuses_every_further_operation():
    book = book_with(NOW + timedelta(days=3))
    book.close("task.complete", outcome=Outcome.CANCELLED)
    book.clear_ops()
    for operation in (
        lambda: book.move("task.complete", NOW),
        lambda: book.pause("task.complete"),
        lambda: book.resume("task.complete"),
        lambda: book.close("task.complete"),
        lambda: book.reassign("task.complete", "u"),
    ):
        with pytest.raises(Conflict):
            operation()


def test_opening_a_key_that_is_still_pending_is_refused():
    book = book_with(NOW)
    with pytest.raises(Conflict):
        book.open("task.complete", NOW, title="x", unit_path=PATH, key="task.complete")


def test_each_operation_becomes_its_obligation_row_and_counters():
    due = NOW + timedelta(days=3)
    book = DeadlineBook()
    book.open("task.complete", due, title="Báo cáo", unit_path=PATH, key="task.complete")
    opened = transaction_items("task#1", "tasks", book.ops())
    # The row, its day's count and its month's roll-up.
    assert [next(iter(i)) for i in opened] == ["Put", "Update", "Update"]
    book.clear_ops()
    book.move("task.complete", due + timedelta(days=2))
    moved = transaction_items("task#1", "tasks", book.ops())
    # The row, minus one on the old day and its month, plus one on the new day and its month
    # (4/3 and 6/3: one month, so its roll-up is one row once merged).
    assert len(moved) == 5 and len(merge_counter_updates(moved)) == 4
    book.clear_ops()
    book.pause("task.complete")
    paused = transaction_items("task#1", "tasks", book.ops())
    assert "open_shard" in paused[0]["Update"]["UpdateExpression"]
    book.clear_ops()
    book.close("task.complete")
    closed = transaction_items("task#1", "tasks", book.ops())
    values = closed[0]["Update"]["ExpressionAttributeValues"]
    assert values[":expected"] == {"S": "paused"} and values[":outcome"] == {"S": "met_on_time"}


def test_an_entity_keeps_its_last_closed_deadlines_of_a_kind_and_every_running_one():
    book = DeadlineBook()
    for n in range(1, 26):
        book.open("task.progress", NOW, title="x", unit_path=PATH, key=f"task.progress#{n}")
        book.clear_ops()
        if n < 25:
            book.close(f"task.progress#{n}")
            book.clear_ops()
    kept = [d.key for d in book]
    assert len(kept) == 21 and kept[0] == "task.progress#5" and kept[-1] == "task.progress#25"
    assert book.running()[0].key == "task.progress#25"
    assert book.opened("task.progress") == 25  # what numbers the next one, forgotten or not


def test_a_new_person_is_folded_into_the_operation_already_noted():
    book = DeadlineBook()
    book.open("case.forward", NOW, title="x", unit_path=PATH, key="k")
    book.reassign("k", "handler-2")
    assert len(book.ops()) == 1 and book.ops()[0].after.responsible_user_id == "handler-2"


def test_a_row_changed_twice_in_one_change_is_a_programming_error():
    book = book_with(NOW)
    book.move("task.complete", NOW + timedelta(days=1))
    with pytest.raises(RuntimeError):
        book.close("task.complete")


# --- the one access rule ---------------------------------------------------------------------


def who(unit: str, *roles: str) -> Principal:
    return Principal(sub="s", username="s", name="s", unit_id=unit, roles=frozenset(roles))


@pytest.mark.parametrize(
    ("caller", "policy", "sees"),
    [
        (who("DIV", "officer"), access.DEFAULT, True),  # their own unit
        (who("DEPT", "officer"), access.DEFAULT, False),  # not below, without leading
        (who("DEPT", "unit_leader"), access.DEFAULT, True),  # a leader: the subtree
        (who("OTHER", "unit_leader"), access.DEFAULT, False),
        (who("OTHER", "city_leader"), access.DEFAULT, True),
        (who("OTHER", "admin"), access.DEFAULT, True),  # administrators run the directory
        (who("OTHER", "admin"), access.TASKS, False),  # but are not in a task's chain
        (who("DIV", "admin"), access.TASKS, True),  # their own unit still
        (who("OTHER", "city_leader"), access.TASKS, True),
        (who("", "officer"), access.DEFAULT, False),  # no unit: nothing
    ],
)
def test_who_sees_a_unit_under_each_policy(caller, policy, sees):
    assert access.sees_unit(caller, PATH, policy) is sees


def test_a_policy_can_admit_only_some_roles_and_make_others_city_wide():
    staff = access.AccessPolicy(
        "staff", roles=frozenset({"officer", "inspector"}), city_wide=lambda p: p.unit_id == "TT"
    )
    assert access.sees_unit(who("TT", "inspector"), PATH, staff)
    assert not access.sees_unit(who("DIV", "admin"), PATH, staff)
    assert access.sees_unit(who("DIV", "officer"), PATH, staff)


def test_an_audit_record_holds_only_the_deadlines_the_change_touched():
    from cityops.core.audit import diff

    book = DeadlineBook()
    for n in (1, 2):
        book.open("task.progress", NOW, title="x", unit_path=PATH, key=f"task.progress#{n}")
    book.clear_ops()
    before = {"title": "a", "deadlines": book.model_dump(mode="json")}
    book.close("task.progress#2")
    after = {"title": "a", "deadlines": book.model_dump(mode="json")}
    changes = diff(before, after)
    assert list(changes) == ["deadlines.task.progress#2"]
    assert changes["deadlines.task.progress#2"][1]["status"] == "closed"
