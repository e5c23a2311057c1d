"""Tasks use cases (theo dõi, đôn đốc nhiệm vụ): one function each. Authorisation is checked
here, on the object, for every read and write; a task the caller may not see is 404.

Every change is one transaction (`cityops.core.dynamo.write_change`): the task guarded by its
version, its audit record, the lines that index it (per unit, per assigner, on its parent),
and the obligation rows the change opens, moves or closes. Events go to the bus after it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from cityops.core import clock
from cityops.core.audit import audit_record, history_page
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ
from cityops.core.dynamo import Change, retry_on_version_conflict, write_change
from cityops.core.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from cityops.core.events import publish_after_commit
from cityops.core.ids import is_ulid, new_id
from cityops.core.obligations import (
    Obligation,
    Outcome,
    close_obligation,
    move_obligation,
    open_obligation,
    outcome_for,
    pause_obligation,
    resume_obligation,
)
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.directory import store as directory
from cityops.directory.service import working_calendar
from cityops.tasks import store
from cityops.tasks.models import (
    CancellationCreate,
    CompletionReport,
    ConfirmationCreate,
    ExtensionDecisionCreate,
    ExtensionRequestCreate,
    ProgressReportCreate,
    ReturnCreate,
    SubtaskCreate,
    TaskCreate,
    TaskPatch,
)
from cityops.tasks.policy import (
    Action,
    CreatorKind,
    OnTimePolicy,
    StatusClass,
    TaskStatus,
    can_see,
    check_transition,
    children_progress,
    coordinating_unit_of,
    creator_kind,
    is_assigning_side,
    is_lead_leader,
    is_lead_member,
    judged_deadline,
    parse_time,
    sees_unit,
    status_class,
)
from cityops.tasks.settings import (
    TASKS_EPOCH_MONTH,
    extension_decision_working_days,
    ontime_policy,
)

SYSTEM = "tasks"
OFFICE_UNIT_CODE = "VP-UBND"  # Văn phòng UBND Thành phố: its clerks enter leaders' tasks
MAX_SUBTASKS = 100
MAX_EXTENSIONS = 10  # bounded: the task item (and its audit records) stay well under 400 KB
MAX_RETURNS = 10
PREVIEW_CHARS = 300  # a report's text kept on the task; the whole text is in its report
LIST_QUERY_BUDGET = 12  # Queries one list page may spend walking partitions (see docs)
STATS_WORKERS = 8
PROGRESS_RETRIES = 20

# What every line that indexes a task copies from it (lists and visibility read only these).
SUMMARY_FIELDS = (
    "id",
    "title",
    "source",
    "priority",
    "status",
    "parent_id",
    "lead_unit_id",
    "lead_unit_path",
    "coordinating_unit_ids",
    "coordinating_unit_paths",
    "assignee_id",
    "created_by",
    "on_behalf_of",
    "assigning_unit_id",
    "original_due_date",
    "due_date",
    "original_deadline",
    "deadline",
    "completion_reported_at",
    "percent",
    "extension_count",
    "created_at",
    "updated_at",
)

NO_SUCH_TASK = "No such task."

# --- small helpers ---------------------------------------------------------------------------


def _now() -> datetime:
    return clock.now()


def _now_iso() -> str:
    return clock.iso(clock.now())


def _today() -> date:
    return clock.today()


def _person(who: Principal) -> dict[str, str]:
    return {"id": who.sub, "name": who.name or who.username}


def _end_of_day(day: date) -> datetime:
    return working_calendar().due_end_of_day(day)


def _in_working_days(n: int) -> datetime:
    """The end of the n-th working day after today (Asia/Ho_Chi_Minh)."""
    return _end_of_day(working_calendar().add_working_days(_today(), n))


def _load(task_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The task and its sub-tasks' lines: one strongly consistent Query."""
    task, children = (
        store.get_task_and_children(task_id, MAX_SUBTASKS) if is_ulid(task_id) else (None, [])
    )
    if task is None:
        raise NotFound(NO_SUCH_TASK)
    return task, children


def _load_visible(who: Principal, task_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    task, children = _load(task_id)
    if not can_see(who, task):
        raise NotFound(NO_SUCH_TASK)
    return task, children


def _check_version(task: dict[str, Any], expected_version: int) -> None:
    if task["version"] != expected_version:
        raise PreconditionFailed("The task has changed since you read it; read it again.")


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["body", field], "msg": message}])


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- deadlines and obligations -----------------------------------------------------------------


def _due_date(data: Any) -> date | None:
    """The last day from `due_date` or `due_in_working_days` (today in Asia/Ho_Chi_Minh)."""
    if data.due_date is not None:
        if data.due_date < _today():
            raise _invalid("due_date", "The due date is in the past.")
        return data.due_date
    if data.due_in_working_days is not None:
        return working_calendar().add_working_days(_today(), data.due_in_working_days)
    return None


def _obligation(task: dict[str, Any], key: str, kind: str, due_at: datetime) -> Obligation:
    """An obligation of the lead unit (its chain of leaders up to the city)."""
    return Obligation(
        entity_ref=f"task#{task['id']}",
        key=key,
        kind=kind,
        system=SYSTEM,
        title=task["title"][:120],
        due_at=due_at,
        responsible_unit_id=task["lead_unit_id"],
        responsible_user_id=task.get("assignee_id"),
        assigned_by=task["created_by"],
        escalation_chain=list(reversed(task["lead_unit_path"])),
    )


def _complete_obligation(task: dict[str, Any]) -> Obligation:
    return _obligation(task, "task.complete", "task.complete", parse_time(task["deadline"]))


def _progress_obligation(task: dict[str, Any]) -> Obligation:
    return _obligation(
        task,
        f"task.progress#{task['progress_seq']}",
        "task.progress",
        parse_time(task["progress_due_at"]),
    )


def _decision_obligation(task: dict[str, Any], extension: dict[str, Any]) -> Obligation:
    """The assigning side's obligation to decide an extension request."""
    return Obligation(
        entity_ref=f"task#{task['id']}",
        key=f"task.extension_decision#{extension['seq']}",
        kind="task.extension_decision",
        system=SYSTEM,
        title=task["title"][:120],
        due_at=parse_time(extension["decision_due_at"]),
        responsible_unit_id=task["assigning_unit_id"],
        responsible_user_id=task.get("on_behalf_of") or task["created_by"],
        assigned_by=task["created_by"],
        escalation_chain=list(reversed(task.get("assigning_unit_path") or [])),
    )


def _open_next_progress(after: dict[str, Any]) -> list[dict[str, Any]]:
    """Open the next `task.progress#<n>` obligation, N working days from today."""
    every = after.get("progress_every_working_days")
    if not every:
        return []
    after["progress_seq"] = int(after.get("progress_seq") or 0) + 1
    after["progress_due_at"] = clock.iso(_in_working_days(every))
    return open_obligation(_progress_obligation(after))


def _close_progress(after: dict[str, Any], outcome: Outcome | None = None) -> list[dict[str, Any]]:
    """Close the open progress obligation (met now, or with `outcome`), if there is one."""
    if not after.get("progress_due_at"):
        return []
    ob = _progress_obligation(after)
    after["progress_due_at"] = None
    return close_obligation(ob, outcome or outcome_for(ob.due_at, _now()))


def _withdraw_pending(after: dict[str, Any], who: Principal, why: str) -> list[dict[str, Any]]:
    """A pending extension request lapses (completion reported, or the task cancelled)."""
    items: list[dict[str, Any]] = []
    for ext in after["extensions"]:
        if ext["status"] == "pending":
            items += close_obligation(_decision_obligation(after, ext), Outcome.CANCELLED)
            ext.update(
                status="withdrawn",
                decided_at=_now_iso(),
                decided_by=_person(who),
                decision_reason=why,
            )
    return items


# --- writing a change --------------------------------------------------------------------------


def _month(iso_time: str) -> str:
    return parse_time(iso_time).astimezone(CITY_TZ).strftime("%Y-%m")


def _summary(task: dict[str, Any]) -> dict[str, Any]:
    return {k: task.get(k) for k in SUMMARY_FIELDS}


def _lines(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The index lines of a task, rewritten with its new summary; removed units' lines go."""
    pk, task_id, summary = store.task_pk(after["id"]), after["id"], _summary(after)
    items = []
    units = [("lead", after["lead_unit_id"])]
    units += [("coordinating", u) for u in after.get("coordinating_unit_ids") or []]
    for role, unit_id in units:
        line = {
            **summary,
            "pk": pk,
            "sk": f"UNIT#{role}#{unit_id}",
            "gsi1pk": store.unit_partition(unit_id),
            "gsi1sk": f"{role}#{task_id}",
            "role": role,
            "line_unit_id": unit_id,
        }
        items.append(store.put(line))
    for user_id in dict.fromkeys(u for u in (after["created_by"], after.get("on_behalf_of")) if u):
        line = {
            **summary,
            "pk": pk,
            "sk": f"ASSIGNER#{user_id}",
            "gsi1pk": store.assigner_partition(user_id),
            "gsi1sk": f"assigner#{task_id}",
            "role": "assigner",
        }
        items.append(store.put(line))
    if after.get("parent_id"):
        items.append(
            store.put(
                {
                    **summary,
                    "pk": store.task_pk(after["parent_id"]),
                    "sk": store.CHILD_PREFIX + task_id,
                }
            )
        )
    if before:
        gone = set(before.get("coordinating_unit_ids") or []) - set(
            after.get("coordinating_unit_ids") or []
        )
        items += [store.delete(pk, f"UNIT#coordinating#{u}") for u in sorted(gone)]
    return items


def _write(
    who: Principal,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    also: Iterable[dict[str, Any]] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """Write the task's change in one transaction; returns the task as written."""
    after = {k: v for k, v in after.items() if not k.startswith("gsi") and k not in ("pk", "sk")}
    after["version"] = before["version"] + 1 if before else 1
    after["updated_at"] = _now_iso()
    item = {
        **after,
        "pk": store.task_pk(after["id"]),
        "sk": store.TASK_SK,
        "gsi2pk": store.month_partition(_month(after["created_at"])),
        "gsi2sk": after["id"],
    }
    clean_before = (
        {k: v for k, v in before.items() if not k.startswith("gsi") and k not in ("pk", "sk")}
        if before
        else None
    )
    write_change(
        Change(
            table=store.table(),
            item=item,
            expected_version=before["version"] if before else None,
            audit=audit_record(item["pk"], who, action, clean_before, after, note=note),
            also=[*_lines(before, after), *also],
        )
    )
    return item


def _event_detail(task: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Ids and safe summaries only."""
    return {
        "task_id": task["id"],
        "title": task["title"],
        "source": task["source"],
        "parent_id": task.get("parent_id"),
        "lead_unit_id": task["lead_unit_id"],
        "coordinating_unit_ids": task.get("coordinating_unit_ids") or [],
        "assignee_id": task.get("assignee_id"),
        "assigned_by": task.get("on_behalf_of") or task["created_by"],
        "due_date": task.get("due_date"),
        "deadline": task.get("deadline"),
        "status": task["status"],
        **extra,
    }


# --- replies -----------------------------------------------------------------------------------


def _line_reply(line: dict[str, Any], now: datetime, policy: OnTimePolicy) -> dict[str, Any]:
    return {
        "id": line["id"],
        "title": line["title"],
        "source": line["source"],
        "priority": line["priority"],
        "status": line["status"],
        "status_class": status_class(line, now, policy).value,
        "role": line.get("role"),
        "parent_id": line.get("parent_id"),
        "lead_unit_id": line["lead_unit_id"],
        "coordinating_unit_ids": line.get("coordinating_unit_ids") or [],
        "assignee_id": line.get("assignee_id"),
        "original_due_date": line.get("original_due_date"),
        "due_date": line.get("due_date"),
        "deadline": line.get("deadline"),
        "extension_count": line.get("extension_count") or 0,
        "percent": line.get("percent") or 0,
        "created_at": line["created_at"],
        "updated_at": line["updated_at"],
    }


def task_reply(task: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """The task as the API shows it, with its status class under the current policy."""
    policy, now = ontime_policy(), _now()
    judged = judged_deadline(task, policy)
    creator = {"id": task["created_by"], "name": task.get("created_by_name")}
    on_behalf = (
        {"id": task["on_behalf_of"], "name": task.get("on_behalf_of_name")}
        if task.get("on_behalf_of")
        else None
    )
    return {
        "id": task["id"],
        "title": task["title"],
        "content": task["content"],
        "source": task["source"],
        "source_document": task["source_document"],
        "priority": task["priority"],
        "tags": task.get("tags") or [],
        "parent_id": task.get("parent_id"),
        "lead_unit_id": task["lead_unit_id"],
        "coordinating_unit_ids": task.get("coordinating_unit_ids") or [],
        "assignee_id": task.get("assignee_id"),
        "assigned_by": on_behalf or creator,
        "created_by": creator,
        "on_behalf_of": on_behalf,
        "assigning_unit_id": task.get("assigning_unit_id"),
        "status": task["status"],
        "status_class": status_class(task, now, policy).value,
        "on_time_policy": policy.value,
        "original_due_date": task.get("original_due_date"),
        "due_date": task.get("due_date"),
        "original_deadline": task.get("original_deadline"),
        "deadline": task.get("deadline"),
        "judged_deadline": clock.iso(judged) if judged else None,
        "extension_count": task.get("extension_count") or 0,
        "extensions": task.get("extensions") or [],
        "percent": task.get("percent") or 0,
        "progress": task.get("progress"),
        "coordination": [
            {"unit_id": unit_id, **part}
            for unit_id, part in sorted((task.get("coordination") or {}).items())
        ],
        "report_count": task.get("report_count") or 0,
        "progress_every_working_days": task.get("progress_every_working_days"),
        "next_progress_due_at": task.get("progress_due_at"),
        "completion": task.get("completion"),
        "completion_reported_at": task.get("completion_reported_at"),
        "confirmed_at": task.get("confirmed_at"),
        "confirmed_by": task.get("confirmed_by"),
        "returns": task.get("returns") or [],
        "cancellation": task.get("cancellation"),
        "subtasks": children_progress(children),
        "created_at": task["created_at"],
        "updated_at": task["updated_at"],
        "version": task["version"],
    }


def _report_reply(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in ("id", "task_id", "unit_id", "role", "text", "percent", "at", "by")}


# --- create ------------------------------------------------------------------------------------


def _units(ids: list[str], field: str) -> dict[str, dict[str, Any]]:
    found = directory.get_units(ids) if ids else {}
    errors = []
    for i, unit_id in enumerate(ids):
        unit = found.get(unit_id)
        if unit is None or not unit.get("active", True):
            loc = ["body", field] if field == "lead_unit_id" else ["body", field, i]
            errors.append({"loc": loc, "msg": "no such active unit"})
    if errors:
        raise InvalidInput("Some units do not exist.", errors=errors)
    return found


def _new_task(
    who: Principal,
    *,
    title: str,
    content: str,
    source: str,
    source_document: dict[str, Any],
    priority: str,
    tags: list[str],
    lead: dict[str, Any],
    coordinating: list[dict[str, Any]],
    due: date | None,
    progress_every: int | None,
    assigning_unit: dict[str, Any] | None,
    parent_id: str | None = None,
    assignee_id: str | None = None,
    on_behalf_of: dict[str, Any] | None = None,
) -> dict[str, Any]:
    now = _now_iso()
    deadline = clock.iso(_end_of_day(due)) if due else None
    return {
        "id": new_id(),
        "title": title,
        "content": content,
        "source": source,
        "source_document": source_document,
        "priority": priority,
        "tags": list(dict.fromkeys(tags)),
        "parent_id": parent_id,
        "lead_unit_id": lead["id"],
        "lead_unit_path": list(lead["path"]),
        "coordinating_unit_ids": [u["id"] for u in coordinating],
        "coordinating_unit_paths": {u["id"]: list(u["path"]) for u in coordinating},
        "assignee_id": assignee_id,
        "created_by": who.sub,
        "created_by_name": who.name or who.username,
        "on_behalf_of": on_behalf_of["id"] if on_behalf_of else None,
        "on_behalf_of_name": on_behalf_of.get("name") if on_behalf_of else None,
        "assigning_unit_id": assigning_unit["id"] if assigning_unit else None,
        "assigning_unit_path": list(assigning_unit["path"]) if assigning_unit else [],
        "status": TaskStatus.IN_PROGRESS.value,
        "original_due_date": due.isoformat() if due else None,
        "due_date": due.isoformat() if due else None,
        "original_deadline": deadline,
        "deadline": deadline,
        "extensions": [],
        "extension_count": 0,
        "percent": 0,
        "coordination": {},
        "report_count": 0,
        "progress_every_working_days": progress_every,
        "progress_seq": 0,
        "returns": [],
        "created_at": now,
    }


def _opening_obligations(task: dict[str, Any]) -> list[dict[str, Any]]:
    items = open_obligation(_complete_obligation(task)) if task.get("deadline") else []
    return items + _open_next_progress(task)


def create_task(who: Principal, data: TaskCreate) -> dict[str, Any]:
    """Giao nhiệm vụ: a city leader assigns a task, or an Office clerk enters it on a leader's
    behalf. Opens the `task.complete` obligation (and the first `task.progress#1`)."""
    office = directory.find_unit_by_code(OFFICE_UNIT_CODE)
    kind = creator_kind(who, office["id"] if office else None)
    if kind is None:
        raise Forbidden(
            "Only city leaders, or clerks of the People's Committee's Office on a leader's "
            "behalf, assign tasks."
        )
    leader: dict[str, Any] | None = None
    if kind is CreatorKind.OFFICE_CLERK:
        if not data.on_behalf_of:
            raise _invalid("on_behalf_of", "Name the leader on whose behalf you assign it.")
        leader = directory.get_user(data.on_behalf_of)
        if leader is None or "city_leader" not in (leader.get("roles") or []):
            raise _invalid("on_behalf_of", "on_behalf_of must be a city leader.")
    elif data.on_behalf_of:
        raise _invalid("on_behalf_of", "Only an Office clerk assigns on a leader's behalf.")
    assigning_unit_id = leader.get("unit_id") if leader else who.unit_id
    found = _units([data.lead_unit_id], "lead_unit_id")
    found |= _units(data.coordinating_unit_ids, "coordinating_unit_ids")
    assigning = found.get(assigning_unit_id or "") or (
        directory.get_unit(assigning_unit_id) if assigning_unit_id else None
    )
    if assigning is None:
        raise Forbidden("The assigning leader has no unit in the directory.")
    due = _due_date(data)
    task = _new_task(
        who,
        title=data.title,
        content=data.content,
        source=data.source.value,
        source_document=data.source_document.model_dump(mode="json", exclude_none=True),
        priority=data.priority.value,
        tags=data.tags,
        lead=found[data.lead_unit_id],
        coordinating=[found[u] for u in data.coordinating_unit_ids],
        due=due,
        progress_every=data.progress_every_working_days,
        assigning_unit=assigning,
        on_behalf_of=(
            {"id": leader["id"], "name": leader.get("name")} if leader is not None else None
        ),
    )
    obligations = _opening_obligations(task)
    written = _write(who, "task.assigned", None, task, obligations)
    publish_after_commit(SYSTEM, [("TaskAssigned", _event_detail(written))])
    return task_reply(written, [])


def create_subtask(who: Principal, parent_id: str, data: SubtaskCreate) -> dict[str, Any]:
    """Giao nhiệm vụ con: the lead unit's leader gives part of a task to one of its sub-units,
    or to one of its officers."""
    parent, children = _load_visible(who, parent_id)
    _require(is_lead_leader(who, parent), "Only the lead unit's leader splits a task.")
    check_transition(parent["status"], Action.SPLIT)
    if len(children) >= MAX_SUBTASKS:
        raise Conflict(f"A task has at most {MAX_SUBTASKS} sub-tasks.")
    parent_lead = parent["lead_unit_id"]
    assignee_id = None
    if data.lead_unit_id is not None:
        lead = directory.get_unit(data.lead_unit_id)
        if (
            lead is None
            or not lead.get("active", True)
            or parent_lead not in lead["path"]
            or lead["id"] == parent_lead
        ):
            raise _invalid("lead_unit_id", "The sub-task goes to a sub-unit of the lead unit.")
    else:
        user = directory.get_user(data.assignee_id or "")
        if (
            user is None
            or user.get("unit_id") != parent_lead
            or "officer" not in (user.get("roles") or [])
        ):
            raise _invalid("assignee_id", "The sub-task goes to an officer of the lead unit.")
        lead = directory.get_unit(parent_lead)
        if lead is None:
            raise Conflict("The lead unit no longer exists.")
        assignee_id = user["id"]
    due = _due_date(data)
    if due and parent.get("due_date") and due > date.fromisoformat(parent["due_date"]):
        raise _invalid("due_date", "A sub-task cannot be due after its task.")
    assigning = {"id": parent_lead, "path": parent["lead_unit_path"]}
    task = _new_task(
        who,
        title=data.title,
        content=data.content,
        source=parent["source"],
        source_document=parent["source_document"],
        priority=data.priority.value,
        tags=data.tags,
        lead=lead,
        coordinating=[],
        due=due,
        progress_every=data.progress_every_working_days,
        assigning_unit=assigning,
        parent_id=parent_id,
        assignee_id=assignee_id,
    )
    also = [store.parent_in_progress_check(parent_id), *_opening_obligations(task)]
    written = _write(who, "task.assigned", None, task, also, note=f"sub-task of {parent_id}")
    publish_after_commit(SYSTEM, [("TaskAssigned", _event_detail(written))])
    return task_reply(written, [])


# --- read --------------------------------------------------------------------------------------


def get_task(who: Principal, task_id: str) -> dict[str, Any]:
    """One task with its sub-tasks' progress (one Query: the task and its children's lines)."""
    task, children = _load_visible(who, task_id)
    return task_reply(task, children)


def list_subtasks(who: Principal, task_id: str) -> dict[str, Any]:
    """The sub-tasks of a task that the caller may see (at most MAX_SUBTASKS: one Query)."""
    _task, children = _load_visible(who, task_id)
    policy, now = ontime_policy(), _now()
    items = [_line_reply(c, now, policy) for c in children if can_see(who, c)]
    return {"items": items, "next_cursor": None}


def task_history(who: Principal, task_id: str, *, limit: int | None, cursor: str | None):
    _load_visible(who, task_id)
    return history_page(
        store.table(), store.task_pk(task_id), limit=check_limit(limit), cursor=cursor
    )


def list_progress(who: Principal, task_id: str, *, limit: int | None, cursor: str | None):
    """The progress reports of a task, oldest first."""
    _load_visible(who, task_id)
    scope = f"progress:{task_id}"
    items, last = store.reports_page(
        task_id, limit=check_limit(limit), start_key=decode_cursor(cursor, scope)
    )
    return {"items": [_report_reply(i) for i in items], "next_cursor": encode_cursor(last, scope)}


# --- lists -------------------------------------------------------------------------------------

_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _ulid_prefix(moment: datetime) -> str:
    """The 10 time characters a ULID created at `moment` starts with."""
    value = max(0, int(moment.timestamp() * 1000))
    chars = []
    for _ in range(10):
        value, index = divmod(value, 32)
        chars.append(_ULID_ALPHABET[index])
    return "".join(reversed(chars))


def _id_range(created_from: date | None, created_to: date | None) -> tuple[str, str]:
    """Task ids created within the days (Asia/Ho_Chi_Minh), as a key range."""
    low = (
        _ulid_prefix(datetime.combine(created_from, time.min, tzinfo=CITY_TZ)) + "0" * 16
        if created_from
        else "0" * 26
    )
    high = (
        _ulid_prefix(datetime.combine(created_to, time.max, tzinfo=CITY_TZ)) + "Z" * 16
        if created_to
        else "Z" * 26
    )
    return low, high


def _months(first: str, last: str) -> list[str]:
    """The months from `last` back to `first` ("YYYY-MM"), newest first."""
    out = []
    year, month = int(last[:4]), int(last[5:7])
    while f"{year:04d}-{month:02d}" >= first:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _check_range(low: date | None, high: date | None, names: tuple[str, str]) -> None:
    if low and high and low > high:
        raise InvalidInput(
            f"{names[0]} must not be after {names[1]}.",
            errors=[{"loc": ["query", names[0]], "msg": f"after {names[1]}"}],
        )


def _visible_unit(who: Principal, unit_id: str) -> dict[str, Any]:
    unit = directory.get_unit(unit_id) if is_ulid(unit_id) else None
    if unit is None or not sees_unit(who, unit["path"]):
        raise NotFound("No such unit.")
    return unit


def list_tasks(
    who: Principal,
    *,
    unit_id: str | None = None,
    role: str | None = None,
    status_class_filter: str | None = None,
    source: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    assigned_by_me: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Tasks the caller may see, newest first, as Queries on index partitions (never a Scan):

    - `unit_id` (default: the caller's unit): that unit's lines in `ByUnit`, the lead ones then
      the coordinating ones (or the `role` asked for); the caller must see the unit (else 404);
    - `assigned_by_me`: the caller's assigner lines in `ByUnit`;
    - a city leader without `unit_id`: every task, by creation month in `ByMonth`.
    `created_from/to` is a key range; status class, source and due range filter each page.
    """
    limit = check_limit(limit)
    _check_range(due_from, due_to, ("due_from", "due_to"))
    _check_range(created_from, created_to, ("created_from", "created_to"))
    if assigned_by_me and (unit_id or role):
        raise InvalidInput(
            "Ask for a unit's tasks or for those you assigned, not both.",
            errors=[{"loc": ["query", "assigned_by_me"], "msg": "not with unit_id or role"}],
        )
    if role and not unit_id and who.is_city_leader:
        raise InvalidInput(
            "role needs unit_id: the unit whose part it is.",
            errors=[{"loc": ["query", "role"], "msg": "needs unit_id"}],
        )
    low, high = _id_range(created_from, created_to)
    segments: list[tuple[str, str, str, str, str]] = []  # (id, index, partition, low, high)
    if assigned_by_me:
        segments.append(
            ("assigner", store.BY_UNIT, store.assigner_partition(who.sub), "assigner#" + low,
             "assigner#" + high)
        )  # fmt: skip
    elif unit_id or not who.is_city_leader:
        unit_id = unit_id or who.unit_id
        if not unit_id:
            return {"items": [], "next_cursor": None}
        _visible_unit(who, unit_id)
        for r in [role] if role else ["lead", "coordinating"]:
            segments.append(
                (r, store.BY_UNIT, store.unit_partition(unit_id), f"{r}#{low}", f"{r}#{high}")
            )
    else:
        first = max(TASKS_EPOCH_MONTH, created_from.strftime("%Y-%m") if created_from else "")
        last = (created_to or _today()).strftime("%Y-%m")
        for month in _months(first, last):
            segments.append((month, store.BY_MONTH, store.month_partition(month), low, high))

    policy, now = ontime_policy(), _now()

    def wanted(line: dict[str, Any]) -> bool:
        if source and line["source"] != source:
            return False
        if due_from or due_to:
            due = line.get("due_date")
            if not due:
                return False
            if due_from and due < due_from.isoformat():
                return False
            if due_to and due > due_to.isoformat():
                return False
        return not (
            status_class_filter and status_class(line, now, policy).value != status_class_filter
        )

    scope = "tasks:" + "|".join(
        str(v)
        for v in (
            who.sub,
            unit_id,
            role,
            status_class_filter,
            source,
            due_from,
            due_to,
            created_from,
            created_to,
            assigned_by_me,
        )
    )
    position = decode_cursor(cursor, scope)
    ids = [s[0] for s in segments]
    index, start_key = 0, None
    if position is not None:
        if position.get("seg") not in ids:
            raise InvalidInput(
                "The cursor is not valid for this list.",
                errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}],
            )
        index, start_key = ids.index(position["seg"]), position.get("key")
    items: list[dict[str, Any]] = []
    queries = 0
    while index < len(segments) and len(items) < limit and queries < LIST_QUERY_BUDGET:
        _seg, idx, partition, seg_low, seg_high = segments[index]
        page, last = store.index_page(
            idx,
            partition,
            low=seg_low,
            high=seg_high,
            limit=limit - len(items),
            start_key=start_key,
        )
        queries += 1
        items += [_line_reply(line, now, policy) for line in page if wanted(line)]
        if last:
            start_key = last
        else:
            index, start_key = index + 1, None
    next_cursor = (
        encode_cursor({"seg": ids[index], "key": start_key}, scope)
        if index < len(segments)
        else None
    )
    return {"items": items, "next_cursor": next_cursor}


# --- statistics --------------------------------------------------------------------------------


def _all_units(prefix: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    start = None
    while True:
        page, start = directory.list_units(prefix, limit=200, start_key=start)
        out.extend(page)
        if not start:
            return out


def _stats_units(who: Principal, unit_id: str | None) -> list[dict[str, Any]]:
    """The units whose counts the caller may see: a unit's subtree (or, without `unit_id`,
    all units for a city leader, a leader's subtree, anyone else's own unit)."""
    if unit_id:
        unit = _visible_unit(who, unit_id)
        candidates = _all_units(directory.tree_key(unit["path"]))
    elif who.is_city_leader:
        candidates = _all_units(None)
    elif not who.unit_id:
        return []
    else:
        own = directory.get_unit(who.unit_id)
        if own is None:
            return []
        candidates = _all_units(directory.tree_key(own["path"])) if who.is_leader else [own]
    return [u for u in candidates if sees_unit(who, u["path"])]


def _empty_counts() -> dict[str, int]:
    return {c.value: 0 for c in StatusClass}


def task_stats(
    who: Principal, *, unit_id: str | None, from_date: date | None, to_date: date | None
) -> dict[str, Any]:
    """Counts per status class of the tasks each visible unit leads that were assigned within
    [from, to] (Asia/Ho_Chi_Minh): one Query per unit on its `lead#` key range in `ByUnit`
    (more pages only for a unit with more than a page of tasks in the window)."""
    today = _today()
    to_date = to_date or today
    from_date = from_date or date(to_date.year, 1, 1)
    _check_range(from_date, to_date, ("from", "to"))
    units = _stats_units(who, unit_id)
    low, high = _id_range(from_date, to_date)
    policy, now = ontime_policy(), _now()

    def count(unit: dict[str, Any]) -> dict[str, int]:
        counts = _empty_counts()
        start = None
        while True:
            page, start = store.index_page(
                store.BY_UNIT,
                store.unit_partition(unit["id"]),
                low=f"lead#{low}",
                high=f"lead#{high}",
                limit=200,
                start_key=start,
            )
            for line in page:
                counts[status_class(line, now, policy).value] += 1
            if not start:
                return counts

    from concurrent.futures import ThreadPoolExecutor  # only statistics read in parallel

    with ThreadPoolExecutor(max_workers=STATS_WORKERS) as pool:
        per_unit = list(pool.map(count, units))
    totals = _empty_counts()
    rows = []
    for unit, counts in zip(units, per_unit, strict=True):
        for k, v in counts.items():
            totals[k] += v
        rows.append(
            {
                "unit_id": unit["id"],
                "code": unit["code"],
                "name": unit["name"],
                "total": sum(counts.values()),
                "counts": counts,
            }
        )
    return {
        "from": from_date.isoformat(),
        "to": to_date.isoformat(),
        "as_of": clock.iso(now),
        "on_time_policy": policy.value,
        "units": rows,
        "total": sum(totals.values()),
        "counts": totals,
    }


# --- changes -----------------------------------------------------------------------------------


def update_task(
    who: Principal, task_id: str, patch: TaskPatch, expected_version: int
) -> dict[str, Any]:
    """The assigning side edits a task (If-Match). Deadlines change through extensions."""
    before, children = _load_visible(who, task_id)
    _require(is_assigning_side(who, before), "Only the assigning side edits a task.")
    _check_version(before, expected_version)
    check_transition(before["status"], Action.EDIT)
    after = copy.deepcopy(before)
    changes = patch.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if "coordinating_unit_ids" in changes:
        ids = changes.pop("coordinating_unit_ids")
        if before["lead_unit_id"] in ids:
            raise _invalid("coordinating_unit_ids", "The lead unit cannot also coordinate.")
        found = _units(ids, "coordinating_unit_ids")
        after["coordinating_unit_ids"] = ids
        after["coordinating_unit_paths"] = {u: list(found[u]["path"]) for u in ids}
    if "tags" in changes:
        changes["tags"] = list(dict.fromkeys(changes["tags"]))
    if "source_document" in changes:
        changes["source_document"] = patch.source_document.model_dump(  # type: ignore[union-attr]
            mode="json", exclude_none=True
        )
    after.update(changes)
    written = _write(who, "task.updated", before, after)
    return task_reply(written, children)


def report_progress(who: Principal, task_id: str, data: ProgressReportCreate) -> dict[str, Any]:
    """Báo cáo tiến độ: the lead unit reports progress, a coordinating unit reports its part.
    An append: retried on a concurrent change, so no report is ever lost. A lead report
    meets the open `task.progress#<n>` obligation and opens the next one."""

    def attempt() -> tuple[dict[str, Any], dict[str, Any]]:
        before, _children = _load_visible(who, task_id)
        if is_lead_member(who, before):
            role, unit_id = "lead", before["lead_unit_id"]
        else:
            unit_id = coordinating_unit_of(who, before) or ""
            role = "coordinating"
            _require(bool(unit_id), "Only the lead and coordinating units report progress.")
        check_transition(before["status"], Action.REPORT_PROGRESS)
        at = _now_iso()
        report_id = new_id()
        part = {"percent": data.percent, "text": data.text, "at": at, "by": _person(who)}
        summary = {**part, "text": data.text[:PREVIEW_CHARS], "report_id": report_id}
        after = copy.deepcopy(before)
        after["report_count"] = int(before.get("report_count") or 0) + 1
        also: list[dict[str, Any]] = []
        if role == "lead":
            after["percent"] = data.percent
            after["progress"] = summary
            also += _close_progress(after)
            also += _open_next_progress(after)
        else:
            after.setdefault("coordination", {})[unit_id] = summary
        report = {
            "pk": store.task_pk(task_id),
            "sk": store.REPORT_PREFIX + report_id,
            "id": report_id,
            "task_id": task_id,
            "unit_id": unit_id,
            "role": role,
            **part,
        }
        written = _write(
            who,
            "task.progress_reported",
            before,
            after,
            [store.put_new(report), *also],
            note=f"{role} {data.percent}%",
        )
        return written, report

    written, report = retry_on_version_conflict(attempt, attempts=PROGRESS_RETRIES)
    publish_after_commit(
        SYSTEM,
        [
            (
                "TaskProgressReported",
                _event_detail(
                    written,
                    report_id=report["id"],
                    unit_id=report["unit_id"],
                    role=report["role"],
                    percent=report["percent"],
                ),
            )
        ],
    )
    return _report_reply(report)


def request_extension(
    who: Principal, task_id: str, data: ExtensionRequestCreate, expected_version: int
) -> dict[str, Any]:
    """Đề nghị gia hạn: the lead unit's leader asks for a new deadline, with a reason. Opens
    the assigning side's `task.extension_decision#<n>` obligation."""
    before, children = _load_visible(who, task_id)
    _require(is_lead_leader(who, before), "Only the lead unit's leader requests an extension.")
    _check_version(before, expected_version)
    check_transition(before["status"], Action.REQUEST_EXTENSION)
    if not before.get("deadline"):
        raise Conflict("A task without a deadline cannot be extended.")
    extensions = before.get("extensions") or []
    if any(e["status"] == "pending" for e in extensions):
        raise Conflict("An extension request is already waiting for a decision.")
    if len(extensions) >= MAX_EXTENSIONS:
        raise Conflict(f"A task has at most {MAX_EXTENSIONS} extension requests.")
    if data.new_due_date <= date.fromisoformat(before["due_date"]):
        raise _invalid("new_due_date", "The new due date must be after the current one.")
    after = copy.deepcopy(before)
    extension = {
        "id": new_id(),
        "seq": len(extensions) + 1,
        "requested_at": _now_iso(),
        "requested_by": _person(who),
        "previous_due_date": before["due_date"],
        "new_due_date": data.new_due_date.isoformat(),
        "reason": data.reason,
        "status": "pending",
        "decision_due_at": clock.iso(_in_working_days(extension_decision_working_days())),
    }
    after["extensions"] = [*extensions, extension]
    also = open_obligation(_decision_obligation(after, extension))
    written = _write(who, "task.extension_requested", before, after, also)
    publish_after_commit(
        SYSTEM,
        [
            (
                "ExtensionRequested",
                _event_detail(
                    written,
                    extension_id=extension["id"],
                    new_due_date=extension["new_due_date"],
                    decision_due_at=extension["decision_due_at"],
                ),
            )
        ],
    )
    return task_reply(written, children)


def decide_extension(
    who: Principal,
    task_id: str,
    extension_id: str,
    data: ExtensionDecisionCreate,
    expected_version: int,
) -> dict[str, Any]:
    """The assigning side approves or rejects an extension request, with a reason; approval
    moves the `task.complete` obligation to the new deadline in the same transaction."""
    before, children = _load_visible(who, task_id)
    _require(is_assigning_side(who, before), "Only the assigning side decides extensions.")
    ext_index = next(
        (i for i, e in enumerate(before.get("extensions") or []) if e["id"] == extension_id),
        None,
    )
    if ext_index is None:
        raise NotFound("No such extension request.")
    _check_version(before, expected_version)
    if before["extensions"][ext_index]["status"] != "pending":
        raise Conflict("This extension request was already decided.")
    check_transition(before["status"], Action.DECIDE_EXTENSION)
    after = copy.deepcopy(before)
    extension = after["extensions"][ext_index]
    decision_ob = _decision_obligation(after, extension)
    also = close_obligation(decision_ob, outcome_for(decision_ob.due_at, _now()))
    extension.update(
        status=data.decision,
        decided_at=_now_iso(),
        decided_by=_person(who),
        decision_reason=data.reason,
    )
    if data.decision == "approved":
        new_due = date.fromisoformat(extension["new_due_date"])
        also += move_obligation(_complete_obligation(before), _end_of_day(new_due))
        after["due_date"] = new_due.isoformat()
        after["deadline"] = clock.iso(_end_of_day(new_due))
        after["extension_count"] = int(before.get("extension_count") or 0) + 1
    written = _write(who, "task.extension_decided", before, after, also, note=data.decision)
    publish_after_commit(
        SYSTEM,
        [
            (
                "ExtensionDecided",
                _event_detail(
                    written,
                    extension_id=extension_id,
                    decision=data.decision,
                    previous_due_date=extension["previous_due_date"],
                    new_due_date=extension["new_due_date"],
                    extension_count=written.get("extension_count") or 0,
                ),
            )
        ],
    )
    return task_reply(written, children)


def report_completion(
    who: Principal, task_id: str, data: CompletionReport, expected_version: int
) -> dict[str, Any]:
    """Báo cáo hoàn thành: the lead unit reports the task done, with its result; it then waits
    for the assigning side's confirmation. The time of this report is what on-time judges."""
    before, children = _load_visible(who, task_id)
    _require(is_lead_member(who, before), "Only the lead unit reports completion.")
    _check_version(before, expected_version)
    check_transition(before["status"], Action.REPORT_COMPLETION)
    after = copy.deepcopy(before)
    at = _now_iso()
    after["status"] = TaskStatus.AWAITING_CONFIRMATION.value
    after["completion"] = {"result": data.result, "reported_at": at, "reported_by": _person(who)}
    after["completion_reported_at"] = at
    also = _close_progress(after)  # the completion report is the last progress report
    also += _withdraw_pending(after, who, "completion reported")
    if before.get("deadline"):  # nothing to chase while the assigning side decides
        also += pause_obligation(_complete_obligation(before))
    written = _write(who, "task.completion_reported", before, after, also)
    publish_after_commit(
        SYSTEM, [("TaskCompletionReported", _event_detail(written, reported_at=at))]
    )
    return task_reply(written, children)


def confirm_completion(
    who: Principal, task_id: str, data: ConfirmationCreate, expected_version: int
) -> dict[str, Any]:
    """The assigning side confirms completion: the `task.complete` obligation closes, met on
    time or late by the completion report's time against the deadline the policy judges by."""
    before, children = _load_visible(who, task_id)
    _require(is_assigning_side(who, before), "Only the assigning side confirms completion.")
    _check_version(before, expected_version)
    check_transition(before["status"], Action.CONFIRM)
    after = copy.deepcopy(before)
    after["status"] = TaskStatus.DONE.value
    after["confirmed_at"] = _now_iso()
    after["confirmed_by"] = _person(who)
    policy = ontime_policy()
    reported = parse_time(before["completion_reported_at"])
    also: list[dict[str, Any]] = []
    outcome = None
    if before.get("deadline"):
        outcome = outcome_for(judged_deadline(before, policy), reported)
        also = close_obligation(_complete_obligation(before), outcome, paused=True)
    written = _write(who, "task.completed", before, after, also, note=data.note)
    publish_after_commit(
        SYSTEM,
        [
            (
                "TaskCompleted",
                _event_detail(
                    written,
                    outcome=outcome.value if outcome else None,
                    status_class=status_class(written, _now(), policy).value,
                    extension_count=written.get("extension_count") or 0,
                    completion_reported_at=written["completion_reported_at"],
                ),
            )
        ],
    )
    return task_reply(written, children)


def return_task(
    who: Principal, task_id: str, data: ReturnCreate, expected_version: int
) -> dict[str, Any]:
    """The assigning side returns a reported completion for more work, with a reason."""
    before, children = _load_visible(who, task_id)
    _require(is_assigning_side(who, before), "Only the assigning side returns a task.")
    _check_version(before, expected_version)
    check_transition(before["status"], Action.RETURN)
    returns = before.get("returns") or []
    if len(returns) >= MAX_RETURNS:
        raise Conflict(f"A task can be returned at most {MAX_RETURNS} times.")
    after = copy.deepcopy(before)
    completion = before.get("completion") or {}
    after["returns"] = [
        *returns,
        {
            "at": _now_iso(),
            "by": _person(who),
            "reason": data.reason,
            "reported_at": completion.get("reported_at"),
        },
    ]
    after["status"] = TaskStatus.IN_PROGRESS.value
    after["completion"] = None
    after["completion_reported_at"] = None
    also = _open_next_progress(after)
    if before.get("deadline"):  # chased again, against the same deadline
        also += resume_obligation(_complete_obligation(before))
    written = _write(who, "task.returned", before, after, also, note=data.reason)
    publish_after_commit(SYSTEM, [("TaskReturned", _event_detail(written, reason=data.reason))])
    return task_reply(written, children)


def cancel_task(
    who: Principal, task_id: str, data: CancellationCreate, expected_version: int
) -> dict[str, Any]:
    """The assigning side cancels a task: every open obligation closes as cancelled."""
    before, children = _load_visible(who, task_id)
    _require(is_assigning_side(who, before), "Only the assigning side cancels a task.")
    _check_version(before, expected_version)
    check_transition(before["status"], Action.CANCEL)
    after = copy.deepcopy(before)
    after["status"] = TaskStatus.CANCELLED.value
    after["cancellation"] = {"at": _now_iso(), "by": _person(who), "reason": data.reason}
    also: list[dict[str, Any]] = []
    if before.get("deadline"):
        awaiting = before["status"] == TaskStatus.AWAITING_CONFIRMATION.value
        also += close_obligation(_complete_obligation(before), Outcome.CANCELLED, paused=awaiting)
    also += _close_progress(after, Outcome.CANCELLED)
    also += _withdraw_pending(after, who, "task cancelled")
    written = _write(who, "task.cancelled", before, after, also, note=data.reason)
    publish_after_commit(SYSTEM, [("TaskCancelled", _event_detail(written, reason=data.reason))])
    return task_reply(written, children)
