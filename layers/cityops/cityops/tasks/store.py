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
- its source document's line: TASK#<id> / SOURCE  (gsi1pk SOURCE#<number and symbol, folded>,
                       gsi1sk source#<task id>): found by `?source_number=`
- search rows:         SEARCH#<created year>#<word> / <task id>  (`cityops.core.search`, the
                       folded words of the title)
- statistics counters: TASKSTATS#<yyyy-mm> / D#<lead unit id>#<created day>#<bucket> and
  the month roll-up M#<lead unit id>#<bucket> (`core.counters`)
                       (`cityops.tasks.statistics`)

Index `ByUnit` (gsi1pk, gsi1sk): a unit's tasks by its role, newest first (ids are ULIDs, so a
creation window is a key range); an assigner's tasks. Index `ByMonth` (gsi2pk, gsi2sk): every
task by the month (Asia/Ho_Chi_Minh) it was created, for city-wide lists. The lines copy the
task's summary and are rewritten in the same transaction as every change of the task (the
pipeline's one `TransactWriteItems`, guarded by the task's version).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cityops.core.aws import client
from cityops.core.calendar import CITY_TZ
from cityops.core.dynamo import deserialize, query_page, serialize, strip_keys
from cityops.core.pipeline import Work
from cityops.core.search import SearchIndex, fold, words
from cityops.core.store import DynamoStore
from cityops.tasks.domain import Task
from cityops.tasks.settings import tasks_table
from cityops.tasks.values import MAX_SUBTASKS, Report, TaskSummary

BY_UNIT = "ByUnit"
BY_MONTH = "ByMonth"
TASK_SK = "TASK"
CHILD_PREFIX = "TASK#CHILD#"
REPORT_PREFIX = "REPORT#"
# What the task item carries beside the entity, for the city-wide list that reads it from
# `ByMonth` like a line: read from the deadline book and the completion, never loaded back.
DERIVED = ("due_date", "deadline", "original_due_date", "completion_reported_at")


def table() -> str:
    return tasks_table()


def task_pk(task_id: str) -> str:
    return f"TASK#{task_id}"


def unit_partition(unit_id: str) -> str:
    return f"UNIT#{unit_id}"


def assigner_partition(user_id: str) -> str:
    return f"ASSIGNER#{user_id}"


def source_partition(number_symbol: str) -> str:
    """A source document's partition: its number and symbol folded, spaces gone
    (`15/QĐ-UBND` and `15/qd-ubnd` are one)."""
    return "SOURCE#" + "".join(fold(number_symbol).split())


SEARCH_WORDS = 30  # the words of a title that are indexed


def search_index() -> SearchIndex:
    return SearchIndex(table())


def search_scope(task: Task) -> str:
    return str(task.created_at.astimezone(CITY_TZ).year)


def search_words(task: Task) -> list[str]:
    return words(task.title, limit=SEARCH_WORDS)


def month_partition(month: str) -> str:
    return f"CREATED#{month}"


def _month(moment: datetime) -> str:
    return moment.astimezone(CITY_TZ).strftime("%Y-%m")


@dataclass(frozen=True)
class ParentInProgress:
    """A sub-task is written only while its parent is in progress (a record of its create)."""

    parent_id: str


class TaskStore(DynamoStore[Task]):
    system = "tasks"
    model = Task
    sort_key = TASK_SK

    def table(self) -> str:
        return table()

    # --- mapping ---------------------------------------------------------------------------

    def index_keys(self, entity: Task) -> dict[str, Any]:
        return {"gsi2pk": month_partition(_month(entity.created_at)), "gsi2sk": entity.id}

    def to_item(self, entity: Task) -> dict[str, Any]:
        summary = _line(entity)
        return {**super().to_item(entity), **{k: summary[k] for k in DERIVED}}

    def from_item(self, item: dict[str, Any]) -> Task:
        fields = strip_keys(item)
        return self.model.model_validate({k: v for k, v in fields.items() if k not in DERIVED})

    def load(self, entity_id: str) -> Task | None:
        """The task and its sub-tasks' lines in one strongly consistent Query (`TASK` sorts
        before `TASK#CHILD#...`; events, reports and lines sort elsewhere)."""
        reply = client("dynamodb").query(
            TableName=self.table(),
            KeyConditionExpression="pk = :pk AND begins_with(sk, :task)",
            ExpressionAttributeValues=serialize({":pk": task_pk(entity_id), ":task": TASK_SK}),
            ConsistentRead=True,
            Limit=MAX_SUBTASKS + 1,
        )
        items = [deserialize(i) for i in reply.get("Items", [])]
        found = next((i for i in items if i["sk"] == TASK_SK), None)
        if found is None:
            return None
        task = self.from_item(found)
        task.subtasks = [
            TaskSummary.model_validate(i) for i in items if i["sk"].startswith(CHILD_PREFIX)
        ]
        return task

    def record_items(self, work: Work[Task]) -> list[dict[str, Any]]:
        items = self.lines(work.before, work.entity)
        for record in work.records:
            if isinstance(record, Report):
                row = {
                    **record.row(),
                    "pk": task_pk(record.task_id),
                    "sk": REPORT_PREFIX + record.id,
                }
                items.append(self.put(row, new=True))
            elif isinstance(record, ParentInProgress):
                items.append(self.parent_in_progress(record.parent_id))
            else:
                raise TypeError(f"a task's change cannot write {record!r}")
        return items

    def lines(self, before: Task | None, after: Task) -> list[dict[str, Any]]:
        """The index lines of a task, rewritten with its new summary; removed units' lines go
        (plain Puts: the task's own version guard in the same transaction serialises them)."""
        pk, task_id, summary = task_pk(after.id), after.id, _line(after)
        items = []
        units = [("lead", after.lead_unit_id)]
        units += [("coordinating", u) for u in after.coordinating_unit_ids]
        for role, unit_id in units:
            items.append(
                self.put(
                    {
                        **summary,
                        "pk": pk,
                        "sk": f"UNIT#{role}#{unit_id}",
                        "gsi1pk": unit_partition(unit_id),
                        "gsi1sk": f"{role}#{task_id}",
                        "role": role,
                        "line_unit_id": unit_id,
                    }
                )
            )
        for user_id in dict.fromkeys(u for u in (after.created_by, after.on_behalf_of) if u):
            items.append(
                self.put(
                    {
                        **summary,
                        "pk": pk,
                        "sk": f"ASSIGNER#{user_id}",
                        "gsi1pk": assigner_partition(user_id),
                        "gsi1sk": f"assigner#{task_id}",
                        "role": "assigner",
                    }
                )
            )
        items.append(
            self.put(
                {
                    **summary,
                    "pk": pk,
                    "sk": "SOURCE",
                    "gsi1pk": source_partition(after.source_document.number_symbol),
                    "gsi1sk": f"source#{task_id}",
                }
            )
        )
        items += search_index().changes(
            task_id,
            (search_scope(before), search_words(before)) if before else None,
            (search_scope(after), search_words(after)),
        )
        if after.parent_id:
            child = {**summary, "pk": task_pk(after.parent_id), "sk": CHILD_PREFIX + task_id}
            items.append(self.put(child))
        if before is not None:
            gone = set(before.coordinating_unit_ids) - set(after.coordinating_unit_ids)
            items += [self.delete(pk, f"UNIT#coordinating#{u}") for u in sorted(gone)]
        return items

    def parent_in_progress(self, parent_id: str) -> dict[str, Any]:
        """Holds only while the parent task is in progress."""
        return {
            "ConditionCheck": {
                "TableName": self.table(),
                "Key": serialize({"pk": task_pk(parent_id), "sk": TASK_SK}),
                "ConditionExpression": "#status = :in_progress",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": serialize({":in_progress": "in_progress"}),
            }
        }


def _line(task: Task) -> dict[str, Any]:
    return task.summary().model_dump(mode="json", exclude={"role"})


# --- reads -----------------------------------------------------------------------------------


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
    query = {"index": index, "key_condition": condition, "values": values}
    return query_page(table(), **query, limit=limit, start_key=start_key, forward=False)


def tasks_by_id(task_ids: list[str]) -> dict[str, TaskSummary]:
    """Tasks' items read as lines (they carry the derived fields), by id: BatchGetItem."""
    from cityops.core.dynamo import batch_get

    keys = [{"pk": task_pk(i), "sk": TASK_SK} for i in task_ids]
    return {i["id"]: TaskSummary.model_validate(i) for i in batch_get(table(), keys)}
