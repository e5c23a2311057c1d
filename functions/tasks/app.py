"""The tasks function (theo dõi, đôn đốc nhiệm vụ): assign, list, report, extend, complete.

Routing and translation only, one Router per group of routes; the use cases and their rules
are in `cityops.tasks` (`assign`, `edit`, `progress`, `extensions`, `completion`, `reads`,
`lists`, `statistics`).
"""

from __future__ import annotations

import gc

gc.disable()  # no collections while the modules load (a cold start's 30-40 ms)

from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.core.api import caller, idempotent, if_match, make_resolver, reply
from cityops.core.params import Cursor, Day, From, Limit, To, UnitFilter, ulid_path
from cityops.tasks import (
    assign,
    completion,
    edit,
    extensions,
    lists,
    progress,
    reads,
    statistics,
)
from cityops.tasks.models import (
    CancellationCreate,
    CompletionReport,
    ConfirmationCreate,
    ExtensionDecisionCreate,
    ExtensionRequestCreate,
    ProgressPage,
    ProgressReport,
    ProgressReportCreate,
    ReturnCreate,
    SubtaskCreate,
    Task,
    TaskCreate,
    TaskPage,
    TaskPatch,
    TaskStats,
)
from cityops.tasks.policy import StatusClass, TaskSource

gc.enable()
gc.freeze()  # what the imports made is never collected: later collections skip it

logger = Logger()
app = make_resolver()
assigning = Router()  # assign a task, split it into sub-tasks
reading = Router()  # lists, statistics, a task, its history, sub-tasks and reports
working = Router()  # progress reports and extensions
deciding = Router()  # edits, completion, confirmation, return, cancellation

TaskId = Annotated[str, ulid_path("The task's id (a ULID)")]
ExtensionId = Annotated[str, ulid_path("The request's id")]


def _task(body: dict, status: int = 200, *, location: bool = False) -> Response:
    return reply(
        body,
        status,
        version=body["version"],
        location=f"/v1/tasks/{body['id']}" if location else None,
    )


# --- assigning -------------------------------------------------------------------------------


@assigning.post("/v1/tasks")
def create_task(task: Annotated[TaskCreate, Body()]) -> Response[Task]:
    who = caller(app, units=[task.lead_unit_id, *task.coordinating_unit_ids])

    def create() -> Response:
        return _task(assign.create_task(who, task), 201, location=True)

    return idempotent(app, "create_task", who, task.model_dump(mode="json"), create)


@assigning.post("/v1/tasks/<task_id>/subtasks")
def create_subtask(task_id: TaskId, subtask: Annotated[SubtaskCreate, Body()]) -> Response[Task]:
    who = caller(app)

    def create() -> Response:
        return _task(assign.create_subtask(who, task_id, subtask), 201, location=True)

    body = {"parent_id": task_id, **subtask.model_dump(mode="json")}
    return idempotent(app, "create_subtask", who, body, create)


# --- reading ---------------------------------------------------------------------------------


@reading.get("/v1/tasks")
def list_tasks(
    unit_id: UnitFilter = None,
    role: Annotated[Literal["lead", "coordinating"] | None, Query()] = None,
    status_class: Annotated[StatusClass | None, Query()] = None,
    source: Annotated[TaskSource | None, Query()] = None,
    due_from: Day = None,
    due_to: Day = None,
    created_from: Day = None,
    created_to: Day = None,
    assigned_by_me: Annotated[bool, Query()] = False,
    limit: Limit = None,
    cursor: Cursor = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Words of the title")
    ] = None,
    source_number: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="The source document's number and symbol"),
    ] = None,
) -> Response[TaskPage]:
    page = lists.list_tasks(
        caller(app),
        unit_id=unit_id,
        role=role,
        status_class_filter=status_class.value if status_class else None,
        source=source.value if source else None,
        due_from=due_from,
        due_to=due_to,
        created_from=created_from,
        created_to=created_to,
        assigned_by_me=assigned_by_me,
        limit=limit,
        cursor=cursor,
        q=q,
        source_number=source_number,
    )
    return reply(page)


@reading.get("/v1/tasks/stats")
def task_stats(
    from_date: From = None,
    to_date: To = None,
    unit_id: UnitFilter = None,
) -> Response[TaskStats]:
    stats = statistics.task_stats(
        caller(app), unit_id=unit_id, from_date=from_date, to_date=to_date
    )
    return reply(stats)


@reading.get("/v1/tasks/<task_id>")
def get_task(task_id: TaskId) -> Response[Task]:
    return _task(reads.get_task(caller(app), task_id))


@reading.get("/v1/tasks/<task_id>/history")
def task_history(task_id: TaskId, limit: Limit = None, cursor: Cursor = None) -> dict:
    entries, next_cursor = reads.task_history(caller(app), task_id, limit=limit, cursor=cursor)
    return {"items": entries, "next_cursor": next_cursor}


@reading.get("/v1/tasks/<task_id>/subtasks")
def list_subtasks(task_id: TaskId) -> Response[TaskPage]:
    return reply(reads.list_subtasks(caller(app), task_id))


@reading.get("/v1/tasks/<task_id>/progress")
def list_progress(
    task_id: TaskId, limit: Limit = None, cursor: Cursor = None
) -> Response[ProgressPage]:
    return reply(progress.list_progress(caller(app), task_id, limit=limit, cursor=cursor))


# --- progress and extensions -----------------------------------------------------------------


@working.post("/v1/tasks/<task_id>/progress")
def report_progress(
    task_id: TaskId, report: Annotated[ProgressReportCreate, Body()]
) -> Response[ProgressReport]:
    who = caller(app)

    def create() -> Response:
        return reply(progress.report_progress(who, task_id, report), 201)

    body = {"task_id": task_id, **report.model_dump(mode="json")}
    return idempotent(app, "report_progress", who, body, create)


@working.post("/v1/tasks/<task_id>/extensions")
def request_extension(
    task_id: TaskId, request: Annotated[ExtensionRequestCreate, Body()]
) -> Response[Task]:
    task = extensions.request_extension(caller(app), task_id, request, _if_match())
    return _task(task, 201)


@working.post("/v1/tasks/<task_id>/extensions/<extension_id>/decision")
def decide_extension(
    task_id: TaskId, extension_id: ExtensionId, decision: Annotated[ExtensionDecisionCreate, Body()]
) -> Response[Task]:
    task = extensions.decide_extension(caller(app), task_id, extension_id, decision, _if_match())
    return _task(task)


# --- the assigning side's decisions and the completion ---------------------------------------


@deciding.patch("/v1/tasks/<task_id>")
def update_task(task_id: TaskId, patch: Annotated[TaskPatch, Body()]) -> Response[Task]:
    return _task(edit.update_task(caller(app), task_id, patch, _if_match()))


@deciding.post("/v1/tasks/<task_id>/completion")
def report_completion(
    task_id: TaskId, report: Annotated[CompletionReport, Body()]
) -> Response[Task]:
    return _task(completion.report_completion(caller(app), task_id, report, _if_match()))


@deciding.post("/v1/tasks/<task_id>/confirmation")
def confirm_completion(
    task_id: TaskId, confirmation: Annotated[ConfirmationCreate, Body()]
) -> Response[Task]:
    task = completion.confirm_completion(caller(app), task_id, confirmation, _if_match())
    return _task(task)


@deciding.post("/v1/tasks/<task_id>/return")
def return_task(task_id: TaskId, returned: Annotated[ReturnCreate, Body()]) -> Response[Task]:
    return _task(completion.return_task(caller(app), task_id, returned, _if_match()))


@deciding.post("/v1/tasks/<task_id>/cancellation")
def cancel_task(
    task_id: TaskId, cancellation: Annotated[CancellationCreate, Body()]
) -> Response[Task]:
    return _task(edit.cancel_task(caller(app), task_id, cancellation, _if_match()))


def _if_match() -> int | None:
    """The client's If-Match (None when absent: the pipeline answers 428 in its place, after
    404 and 403)."""
    return if_match(app, required=False)


for router in (assigning, reading, working, deciding):
    app.include_router(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
