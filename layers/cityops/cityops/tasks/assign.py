"""Assigning tasks (giao nhiệm vụ): a city leader, or an Office clerk on a leader's behalf,
assigns a task; the lead unit's leader splits one into sub-tasks."""

from __future__ import annotations

from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.calendar import WorkingCalendar
from cityops.core.errors import Conflict, Forbidden, InvalidInput
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY, Profile, Unit
from cityops.tasks.changes import PIPELINE
from cityops.tasks.domain import Task
from cityops.tasks.models import SubtaskCreate, TaskCreate
from cityops.tasks.policy import CreatorKind, creator_kind
from cityops.tasks.replies import task_reply
from cityops.tasks.store import ParentInProgress
from cityops.tasks.values import Person, SourceDocument, Terms, invalid

OFFICE_UNIT_CODE = "VP-UBND"  # Văn phòng UBND Thành phố: its clerks enter leaders' tasks


def _terms(data: TaskCreate | SubtaskCreate, calendar: WorkingCalendar) -> Terms:
    """What is asked and by when; the last day from `due_date` or `due_in_working_days`
    (after today in Asia/Ho_Chi_Minh)."""
    due = data.due_date
    if due is not None and due < clock.today():
        raise invalid(
            "due_date", "Hạn hoàn thành đã qua; hãy chọn hôm nay hoặc một ngày sau hôm nay."
        )
    if data.due_in_working_days is not None:
        due = calendar.add_working_days(clock.today(), data.due_in_working_days)
    return Terms(data.title, data.content, data.priority, data.tags, due,
                 data.progress_every_working_days)  # fmt: skip


def _units(ids: list[str], field: str, found: dict[str, Unit] | None = None) -> dict[str, Unit]:
    """The active units named in `field` (422 for any other); `found`: already read."""
    found = DIRECTORY.current.units(ids) if found is None else found
    errors = []
    for i, unit_id in enumerate(ids):
        unit = found.get(unit_id)
        if unit is None or not unit.active:
            loc = ["body", field] if field == "lead_unit_id" else ["body", field, i]
            errors.append({"loc": loc, "msg": "Không có đơn vị đang hoạt động này."})
    if errors:
        raise InvalidInput(
            "Có đơn vị không tồn tại hoặc đã ngừng hoạt động; hãy chọn lại đơn vị.", errors=errors
        )
    return found


def unit_paths(ids: list[str], field: str) -> dict[str, list[str]]:
    """The paths of active units named in a request, by id (422 for any other)."""
    found = _units(ids, field)
    return {u: found[u].path for u in ids}


def _assigned(work: Work[Task]) -> None:
    work.emit("TaskAssigned", {})


def _leader_behind(who: Principal, data: TaskCreate) -> Profile | None:
    """The city leader a clerk of the Office enters the task for (None for a leader)."""
    office = None  # looked up only for a clerk: a city leader's create reads no Office unit
    if not who.is_city_leader and who.has_role("clerk"):
        office = DIRECTORY.current.unit_by_code(OFFICE_UNIT_CODE)
    kind = creator_kind(who, office.id if office else None)
    if kind is None:
        raise Forbidden(
            "Chỉ lãnh đạo Thành phố, hoặc văn thư Văn phòng UBND Thành phố thay mặt lãnh "
            "đạo, mới được giao nhiệm vụ."
        )
    if kind is not CreatorKind.OFFICE_CLERK:
        if data.on_behalf_of:
            raise invalid(
                "on_behalf_of",
                "Chỉ văn thư Văn phòng UBND Thành phố mới giao nhiệm vụ thay mặt lãnh đạo; "
                "hãy bỏ trống on_behalf_of.",
            )
        return None
    if not data.on_behalf_of:
        raise invalid(
            "on_behalf_of", "Hãy chọn lãnh đạo mà bạn thay mặt giao nhiệm vụ (on_behalf_of)."
        )
    leader = DIRECTORY.current.profile(data.on_behalf_of)
    if leader is None or "city_leader" not in leader.roles:
        raise invalid("on_behalf_of", "on_behalf_of phải là một lãnh đạo Thành phố.")
    return leader


def create_task(who: Principal, data: TaskCreate) -> dict[str, Any]:
    """Giao nhiệm vụ: a city leader assigns a task, or an Office clerk enters it on a leader's
    behalf. Opens the `task.complete` deadline (and the first `task.progress#1`)."""
    leader = _leader_behind(who, data)
    directory = DIRECTORY.current
    assigning_unit_id = leader.unit_id if leader else who.unit_id
    named = [data.lead_unit_id, *data.coordinating_unit_ids]
    found = directory.units([*named, assigning_unit_id] if assigning_unit_id else named)
    _units([data.lead_unit_id], "lead_unit_id", found)
    _units(data.coordinating_unit_ids, "coordinating_unit_ids", found)
    assigning = found.get(assigning_unit_id or "")
    if assigning is None:
        raise Forbidden(
            "Lãnh đạo giao nhiệm vụ chưa có đơn vị trong danh bạ; đề nghị liên hệ quản trị viên."
        )
    calendar = directory.calendar()
    task = Task.assign(
        who,
        calendar,
        _terms(data, calendar),
        source=data.source,
        source_document=SourceDocument.model_validate(data.source_document.model_dump()),
        lead_path=found[data.lead_unit_id].path,
        coordinating={u: found[u].path for u in data.coordinating_unit_ids},
        assigning_path=assigning.path,
        on_behalf_of=Person(id=leader.id, name=leader.name) if leader else None,
    )
    return task_reply(who, PIPELINE.create(who, task, "task.assigned", _assigned))


def _sub_task_target(parent: Task, data: SubtaskCreate) -> tuple[list[str], str | None]:
    """The sub-task's lead unit's path and its officer: a sub-unit of the lead unit, or an
    officer of the lead unit (422 otherwise)."""
    directory = DIRECTORY.current
    if data.lead_unit_id is not None:
        unit = directory.unit(data.lead_unit_id)
        if (
            unit is None
            or not unit.active
            or parent.lead_unit_id not in unit.path
            or unit.id == parent.lead_unit_id
        ):
            raise invalid(
                "lead_unit_id",
                "Nhiệm vụ con phải giao cho một đơn vị trực thuộc (đang hoạt động) của đơn vị "
                "chủ trì.",
            )
        return unit.path, None
    user = directory.profile(data.assignee_id or "")
    if user is None or user.unit_id != parent.lead_unit_id or "officer" not in user.roles:
        raise invalid(
            "assignee_id", "Nhiệm vụ con phải giao cho một chuyên viên của đơn vị chủ trì."
        )
    lead = directory.unit(parent.lead_unit_id)
    if lead is None:
        raise Conflict("Đơn vị chủ trì của nhiệm vụ không còn trong danh bạ.")
    return lead.path, user.id


def create_subtask(who: Principal, parent_id: str, data: SubtaskCreate) -> dict[str, Any]:
    """Giao nhiệm vụ con: the lead unit's leader gives part of a task to one of its sub-units,
    or to one of its officers (written only while the task is still in progress)."""
    parent = PIPELINE.check(who, parent_id, "split", data)
    lead_path, assignee_id = _sub_task_target(parent, data)
    calendar = DIRECTORY.current.calendar()
    terms = _terms(data, calendar)
    child = parent.split(who, calendar, terms, lead_path=lead_path, assignee_id=assignee_id)

    def rule(work: Work[Task]) -> None:
        work.add(ParentInProgress(parent.id))
        _assigned(work)

    written = PIPELINE.create(
        who, child, "task.assigned", rule, note=f"Nhiệm vụ con của nhiệm vụ {parent_id}"
    )
    return task_reply(who, written)
