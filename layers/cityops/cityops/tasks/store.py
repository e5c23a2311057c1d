"""The tasks store: the only code that speaks DynamoDB for tasks.

Table `TasksTable` (pk, sk):

- a task:              TASK#<id> / TASK            (gsi2pk CREATED#<yyyy-mm>, gsi2sk <id>)
- a sub-task's line:   TASK#<parent id> / TASK#CHILD#<child id>   (the child's summary)
- an audit record:     TASK#<id> / EVENT#<ulid>
- a progress report:   TASK#<id> / REPORT#<ulid>
- a unit's line:       TASK#<id> / UNIT#<role>#<unit id>
                       (gsi1pk UNIT#<unit id>, gsi1sk <role>#<task id>; role lead|coordinating)
- an assigner's line:  TASK#<id> / ASSIGNER#<user id>
                       (gsi1pk ASSIGNER#<user id>, gsi1sk assigner#<task id>)

Index `ByUnit` (gsi1pk, gsi1sk): a unit's tasks by its role, newest first (ids are ULIDs, so a
creation window is a key range); an assigner's tasks. Index `ByMonth` (gsi2pk, gsi2sk): every
task by the month (Asia/Ho_Chi_Minh) it was created, for city-wide lists. The lines copy the
task's summary and are rewritten in the same transaction as every change of the task.
"""

from __future__ import annotations

from typing import Any

from cityops.core.aws import client
from cityops.core.dynamo import deserialize, get_item, query_page, serialize
from cityops.tasks.settings import tasks_table

BY_UNIT = "ByUnit"
BY_MONTH = "ByMonth"
TASK_SK = "TASK"
CHILD_PREFIX = "TASK#CHILD#"
REPORT_PREFIX = "REPORT#"


def table() -> str:
    return tasks_table()


def task_pk(task_id: str) -> str:
    return f"TASK#{task_id}"


def unit_partition(unit_id: str) -> str:
    return f"UNIT#{unit_id}"


def assigner_partition(user_id: str) -> str:
    return f"ASSIGNER#{user_id}"


def month_partition(month: str) -> str:
    return f"CREATED#{month}"


def get_task(task_id: str) -> dict[str, Any] | None:
    return get_item(table(), task_pk(task_id), TASK_SK)


def get_task_and_children(task_id: str, max_children: int) -> tuple[dict | None, list[dict]]:
    """The task and its sub-tasks' lines in one strongly consistent Query (`TASK` sorts
    before `TASK#CHILD#...`; events, reports and lines sort elsewhere)."""
    reply = client("dynamodb").query(
        TableName=table(),
        KeyConditionExpression="pk = :pk AND begins_with(sk, :task)",
        ExpressionAttributeValues=serialize({":pk": task_pk(task_id), ":task": TASK_SK}),
        ConsistentRead=True,
        Limit=max_children + 1,
    )
    items = [deserialize(i) for i in reply.get("Items", [])]
    task = next((i for i in items if i["sk"] == TASK_SK), None)
    children = [i for i in items if i["sk"].startswith(CHILD_PREFIX)]
    return task, children


def reports_page(
    task_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    return query_page(
        table(),
        key_condition="pk = :pk AND begins_with(sk, :report)",
        values={":pk": task_pk(task_id), ":report": REPORT_PREFIX},
        limit=limit,
        start_key=start_key,
    )


def index_page(
    index: str,
    partition: str,
    *,
    low: str | None,
    high: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One Query on an index partition, newest first, within [low, high] of its sort key."""
    pk, sk = ("gsi1pk", "gsi1sk") if index == BY_UNIT else ("gsi2pk", "gsi2sk")
    if low is not None and high is not None:
        condition = f"{pk} = :pk AND {sk} BETWEEN :low AND :high"
        values = {":pk": partition, ":low": low, ":high": high}
    else:
        condition, values = f"{pk} = :pk", {":pk": partition}
    return query_page(
        table(),
        index=index,
        key_condition=condition,
        values=values,
        limit=limit,
        start_key=start_key,
        forward=False,
    )


# --- transaction items -----------------------------------------------------------------------


def put(item: dict[str, Any]) -> dict[str, Any]:
    """A plain Put in a task's transaction (lines owned by the task: the task's own version
    guard in the same transaction serialises them)."""
    return {"Put": {"TableName": table(), "Item": serialize(item)}}


def put_new(item: dict[str, Any]) -> dict[str, Any]:
    """A Put that must create (a progress report: never overwritten)."""
    return {
        "Put": {
            "TableName": table(),
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def delete(pk: str, sk: str) -> dict[str, Any]:
    return {"Delete": {"TableName": table(), "Key": serialize({"pk": pk, "sk": sk})}}


def parent_in_progress_check(parent_id: str) -> dict[str, Any]:
    """Holds only while the parent task is in progress (a sub-task is split from a live task)."""
    return {
        "ConditionCheck": {
            "TableName": table(),
            "Key": serialize({"pk": task_pk(parent_id), "sk": TASK_SK}),
            "ConditionExpression": "#status = :in_progress",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": serialize({":in_progress": "in_progress"}),
        }
    }
