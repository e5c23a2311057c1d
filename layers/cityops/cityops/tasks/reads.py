"""Reading a task: the task with its sub-tasks' progress, its sub-tasks, its history."""

from __future__ import annotations

from typing import Any

from cityops.core import clock
from cityops.core.audit import history_page
from cityops.core.auth import Principal
from cityops.core.pagination import check_limit
from cityops.tasks import store
from cityops.tasks.changes import PIPELINE
from cityops.tasks.policy import can_see
from cityops.tasks.replies import line_reply, task_reply
from cityops.tasks.settings import ontime_policy


def get_task(who: Principal, task_id: str) -> dict[str, Any]:
    """One task with its sub-tasks' progress (one Query: the task and its children's lines)."""
    return task_reply(who, PIPELINE.load_visible(who, task_id))


def list_subtasks(who: Principal, task_id: str) -> dict[str, Any]:
    """The sub-tasks of a task that the caller may see (at most 100: one Query)."""
    task = PIPELINE.load_visible(who, task_id)
    policy, now = ontime_policy(), clock.now()
    items = [line_reply(c, now, policy) for c in task.subtasks if can_see(who, c)]
    return {"items": items, "next_cursor": None}


def task_history(who: Principal, task_id: str, *, limit: int | None, cursor: str | None):
    """Who did what to the task, oldest first."""
    PIPELINE.load_visible(who, task_id)
    return history_page(
        store.table(), store.task_pk(task_id), limit=check_limit(limit), cursor=cursor
    )
