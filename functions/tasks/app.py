"""The tasks function (theo dõi, đôn đốc nhiệm vụ): assign, list, report, extend, complete.

Routing and translation only; the use cases and their rules are in `cityops.tasks.service`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.core.api import caller, idempotent, if_match, make_resolver, reply
from cityops.core.ids import ULID_PATTERN
from cityops.tasks import service
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

logger = Logger()
app = make_resolver()

TaskId = Annotated[str, Path(pattern=ULID_PATTERN, description="The task's id (a ULID)")]
ExtensionId = Annotated[str, Path(pattern=ULID_PATTERN, description="The request's id")]
UnitFilter = Annotated[str | None, Query(pattern=ULID_PATTERN)]
Limit = Annotated[int | None, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=2048)]
Day = Annotated[date | None, Query()]


def _task(body: dict, status: int = 200, *, location: bool = False) -> Response:
    return reply(
        body,
        status,
        version=body["version"],
        location=f"/v1/tasks/{body['id']}" if location else None,
    )


@app.post("/v1/tasks")
def create_task(task: Annotated[TaskCreate, Body()]) -> Response[Task]:
    who = caller(app)

    def create() -> Response:
        return _task(service.create_task(who, task), 201, location=True)

    return idempotent(app, "create_task", who, task.model_dump(mode="json"), create)


@app.get("/v1/tasks")
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
) -> Response[TaskPage]:
    page = service.list_tasks(
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
    )
    return reply(page)


@app.get("/v1/tasks/stats")
def task_stats(
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
    unit_id: UnitFilter = None,
) -> Response[TaskStats]:
    stats = service.task_stats(caller(app), unit_id=unit_id, from_date=from_date, to_date=to_date)
    return reply(stats)


@app.get("/v1/tasks/<task_id>")
def get_task(task_id: TaskId) -> Response[Task]:
    return _task(service.get_task(caller(app), task_id))


@app.patch("/v1/tasks/<task_id>")
def update_task(task_id: TaskId, patch: Annotated[TaskPatch, Body()]) -> Response[Task]:
    return _task(service.update_task(caller(app), task_id, patch, if_match(app)))


@app.get("/v1/tasks/<task_id>/history")
def task_history(task_id: TaskId, limit: Limit = None, cursor: Cursor = None) -> dict:
    entries, next_cursor = service.task_history(caller(app), task_id, limit=limit, cursor=cursor)
    return {"items": entries, "next_cursor": next_cursor}


@app.post("/v1/tasks/<task_id>/subtasks")
def create_subtask(task_id: TaskId, subtask: Annotated[SubtaskCreate, Body()]) -> Response[Task]:
    who = caller(app)

    def create() -> Response:
        return _task(service.create_subtask(who, task_id, subtask), 201, location=True)

    body = {"parent_id": task_id, **subtask.model_dump(mode="json")}
    return idempotent(app, "create_subtask", who, body, create)


@app.get("/v1/tasks/<task_id>/subtasks")
def list_subtasks(task_id: TaskId) -> Response[TaskPage]:
    return reply(service.list_subtasks(caller(app), task_id))


@app.post("/v1/tasks/<task_id>/progress")
def report_progress(
    task_id: TaskId, report: Annotated[ProgressReportCreate, Body()]
) -> Response[ProgressReport]:
    who = caller(app)

    def create() -> Response:
        return reply(service.report_progress(who, task_id, report), 201)

    body = {"task_id": task_id, **report.model_dump(mode="json")}
    return idempotent(app, "report_progress", who, body, create)


@app.get("/v1/tasks/<task_id>/progress")
def list_progress(
    task_id: TaskId, limit: Limit = None, cursor: Cursor = None
) -> Response[ProgressPage]:
    return reply(service.list_progress(caller(app), task_id, limit=limit, cursor=cursor))


@app.post("/v1/tasks/<task_id>/extensions")
def request_extension(
    task_id: TaskId, request: Annotated[ExtensionRequestCreate, Body()]
) -> Response[Task]:
    task = service.request_extension(caller(app), task_id, request, if_match(app))
    return _task(task, 201)


@app.post("/v1/tasks/<task_id>/extensions/<extension_id>/decision")
def decide_extension(
    task_id: TaskId, extension_id: ExtensionId, decision: Annotated[ExtensionDecisionCreate, Body()]
) -> Response[Task]:
    task = service.decide_extension(caller(app), task_id, extension_id, decision, if_match(app))
    return _task(task)


@app.post("/v1/tasks/<task_id>/completion")
def report_completion(
    task_id: TaskId, report: Annotated[CompletionReport, Body()]
) -> Response[Task]:
    return _task(service.report_completion(caller(app), task_id, report, if_match(app)))


@app.post("/v1/tasks/<task_id>/confirmation")
def confirm_completion(
    task_id: TaskId, confirmation: Annotated[ConfirmationCreate, Body()]
) -> Response[Task]:
    return _task(service.confirm_completion(caller(app), task_id, confirmation, if_match(app)))


@app.post("/v1/tasks/<task_id>/return")
def return_task(task_id: TaskId, returned: Annotated[ReturnCreate, Body()]) -> Response[Task]:
    return _task(service.return_task(caller(app), task_id, returned, if_match(app)))


@app.post("/v1/tasks/<task_id>/cancellation")
def cancel_task(
    task_id: TaskId, cancellation: Annotated[CancellationCreate, Body()]
) -> Response[Task]:
    return _task(service.cancel_task(caller(app), task_id, cancellation, if_match(app)))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
