"""The tasks pipeline: every change of a task runs through `cityops.core.pipeline` (load and
404, who may (403), If-Match (428/412), the workflow (409), the rule, one transaction, events).

What it adds for tasks, to every change alike: the task's move between statistics buckets
(`cityops.tasks.statistics`), counted in the same transaction, and the task's summary in
every event it publishes (ids and safe summaries, with the status the change left it in).
"""

from __future__ import annotations

from typing import Any

from cityops.core.auth import Principal
from cityops.core.pipeline import Pipeline, Work
from cityops.tasks import statistics
from cityops.tasks.domain import Task
from cityops.tasks.policy import can_see
from cityops.tasks.store import TaskStore
from cityops.tasks.workflow import PERMISSIONS, TASK

NO_SUCH_TASK = "Không có nhiệm vụ này."


class TaskPipeline(Pipeline[Task]):
    def commit(self, work: Work[Task]) -> Task:
        work.count(*statistics.counts(work.before, work.entity))
        detail = work.entity.event_detail()
        work.events = [(kind, {**detail, **extra}) for kind, extra in work.events]
        return super().commit(work)

    def check(self, who: Principal, task_id: str, action: str, command: Any = None) -> Task:
        """The checks of `change` for an action that writes another entity (a split writes
        the sub-task): 404, 403 and the workflow's 409. Returns the task as loaded."""
        task = self.load_visible(who, task_id)
        self.authorise(who, action, task)
        self.machine(task).check(action, task.status, task, command)
        return task


PIPELINE = TaskPipeline(
    store=TaskStore(),
    machines={"task": TASK},
    sees=can_see,
    permissions=PERMISSIONS,
    not_found=NO_SUCH_TASK,
    changed_message="Nhiệm vụ đã thay đổi kể từ lần đọc trước; hãy tải lại rồi thực hiện lại.",
)
