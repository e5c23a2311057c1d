"""What the unit tests of tasks share (no tests here): a small city in a fake directory, the
tasks pipeline on an in-memory store, people by name, and each action of the workflow taken
by someone who may take it, as the HTTP function would call it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.ids import new_id
from cityops.directory.port import DIRECTORY, MemoryDirectory, Profile, Unit
from cityops.tasks import assign, completion, edit, extensions, progress, reads
from cityops.tasks.changes import PIPELINE
from cityops.tasks.domain import Task
from cityops.tasks.fakes import TasksMemory
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

from tests.paused_time import PausedTime

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 27/11/2026, 09:00 in Hanoi
TEN_WORKING_DAYS = date(2026, 12, 11)  # ten working days after Friday 27/11/2026

UNITS = {  # code: parent code
    "UBND-HN": None,
    "VP-UBND": "UBND-HN",
    "SO-TC": "UBND-HN",
    "SO-TC.NS": "SO-TC",
    "SO-XD": "UBND-HN",
    "P-HOANKIEM": "UBND-HN",
}
PEOPLE = {  # username: (unit code, roles)
    "chairman": ("UBND-HN", ["city_leader"]),
    "vice.chairman": ("UBND-HN", ["city_leader"]),
    "ubnd.leader": ("UBND-HN", ["unit_leader"]),
    "vp.clerk": ("VP-UBND", ["clerk"]),
    "admin": ("VP-UBND", ["admin"]),
    "sotc.leader": ("SO-TC", ["unit_leader"]),
    "sotc.officer": ("SO-TC", ["officer"]),
    "ns.officer": ("SO-TC.NS", ["officer"]),
    "soxd.leader": ("SO-XD", ["unit_leader"]),
    "soxd.officer": ("SO-XD", ["officer"]),
    "hoankiem.officer": ("P-HOANKIEM", ["officer"]),
}
# Who may take the actions a permission of the workflow names, and someone who sees the task
# but may not.
MAY = {
    "assigning_side": "chairman",
    "lead_leader": "sotc.leader",
    "lead_member": "sotc.officer",
    "lead_or_coordinating_member": "sotc.officer",
}
MAY_NOT = {
    "assigning_side": "sotc.leader",
    "lead_leader": "sotc.officer",
    "lead_member": "soxd.officer",
    "lead_or_coordinating_member": "chairman",
}
WITHOUT_IF_MATCH = {"split", "report_progress"}  # a create and an append


class World:
    """The city, the fake stores in place of DynamoDB, and the tasks use cases."""

    def __init__(self) -> None:
        self.directory = MemoryDirectory()
        self.store = TasksMemory()
        self.codes: dict[str, Unit] = {}
        for code, parent in UNITS.items():
            unit_id = new_id()
            path = [*(self.codes[parent].path if parent else []), unit_id]
            unit = Unit(unit_id, code, f"Đơn vị {code}", tuple(path))
            self.codes[code] = self.directory.add_unit(unit)
        for username, (code, roles) in PEOPLE.items():
            unit_id = self.codes[code].id
            person = Profile(username, f"Người {username}", unit_id, frozenset(roles))
            self.directory.add_profile(person)
        self._contexts = [PIPELINE.using(self.store), DIRECTORY.using(self.directory),
                          PausedTime().on(PIPELINE)]  # fmt: skip

    def __enter__(self) -> World:
        clock.set_now(NOW)
        for context in self._contexts:
            context.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        for context in reversed(self._contexts):
            context.__exit__(None, None, None)
        clock.reset()

    # --- people, units, what is stored -----------------------------------------------------------

    def who(self, username: str) -> Principal:
        code, roles = PEOPLE[username]
        name = f"Người {username}"
        unit_id = self.codes[code].id
        return Principal(sub=username, username=username, name=name, unit_id=unit_id,
                         roles=frozenset(roles))  # fmt: skip

    def unit(self, code: str) -> str:
        return self.codes[code].id

    def task(self, task_id: str) -> Task:
        return self.store.entities[task_id]

    def version(self, task_id: str) -> int:
        return self.task(task_id).version

    def row(self, task_id: str, key: str) -> dict[str, Any] | None:
        return self.store.row(self.task(task_id), key)

    def shown(self, task_id: str, as_: str = "chairman") -> dict[str, Any]:
        return reads.get_task(self.who(as_), task_id)

    # --- the use cases -----------------------------------------------------------------------

    def assign(self, as_: str = "chairman", **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": "Rà soát, đẩy nhanh giải ngân vốn đầu tư công năm 2026",
            "content": "Sở Tài chính chủ trì, phối hợp Sở Xây dựng, báo cáo UBND Thành phố.",
            "source": "people_committee",
            "source_document": {"number_symbol": "123/QĐ-UBND", "issued_on": "2026-11-20"},
            "lead_unit_id": self.unit("SO-TC"),
            "coordinating_unit_ids": [self.unit("SO-XD")],
            "due_in_working_days": 10,
        }
        body.update(overrides)
        data = TaskCreate.model_validate({k: v for k, v in body.items() if v is not None})
        return assign.create_task(self.who(as_), data)

    def take(self, action: str, task_id: str, as_: str | None = None, **how: Any) -> Any:
        """Take a workflow action on the task as someone who may (or as `as_`), with its
        current version as If-Match unless `if_match` is given (None: no If-Match)."""
        from cityops.tasks.workflow import TASK

        who = self.who(as_ or MAY[TASK.transition(action).who])
        if_match = how.pop("if_match", self.version(task_id) if task_id in self.store.entities
                           else 1)  # fmt: skip
        return ACTIONS[action](self, who, task_id, if_match, **how)

    def pending_extension(self, task_id: str) -> str | None:
        task = self.store.entities.get(task_id)
        pending = [e for e in task.extensions if e.status == "pending"] if task else []
        return pending[0].id if pending else None

    def task_in(self, state: str, *, pending_extension: bool = False, **overrides: Any) -> str:
        """A task brought to `state` through the use cases."""
        task_id = self.assign(**overrides)["id"]
        if pending_extension:
            self.take("request_extension", task_id)
        if state in ("awaiting_confirmation", "done"):
            self.take("report_completion", task_id)
        if state == "done":
            self.take("confirm", task_id)
        if state == "cancelled":
            self.take("cancel", task_id)
        return task_id


Action = Callable[..., Any]


def _edit(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    patch = TaskPatch.model_validate({"title": "Tiêu đề mới", **how})
    return edit.update_task(who, task_id, patch, v)


def _split(w: World, who: Principal, task_id: str, _v: Any, **how: Any) -> Any:
    body = {"title": "Tổng hợp số liệu", "content": "Phòng NS tổng hợp"}
    body = {**body, "lead_unit_id": w.unit("SO-TC.NS"), **how}
    return assign.create_subtask(who, task_id, SubtaskCreate.model_validate(body))


def _report(w: World, who: Principal, task_id: str, _v: Any, **how: Any) -> Any:
    body = ProgressReportCreate.model_validate({"text": "Đã rà soát", "percent": 40, **how})
    return progress.report_progress(who, task_id, body)


def _request(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    body = {"new_due_date": "2026-12-31", "reason": "Chờ ý kiến của Bộ Tài chính", **how}
    return extensions.request_extension(who, task_id, ExtensionRequestCreate(**body), v)


def _decide(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    extension_id = how.pop("extension_id", None) or w.pending_extension(task_id) or new_id()
    body = ExtensionDecisionCreate.model_validate(
        {"decision": "approved", "reason": "Đồng ý", **how}
    )
    return extensions.decide_extension(who, task_id, extension_id, body, v)


def _complete(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    body = CompletionReport.model_validate({"result": "Đã hoàn thành", **how})
    return completion.report_completion(who, task_id, body, v)


def _confirm(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    return completion.confirm_completion(who, task_id, ConfirmationCreate(**how), v)


def _return(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    body = ReturnCreate.model_validate({"reason": "Bổ sung số liệu", **how})
    return completion.return_task(who, task_id, body, v)


def _cancel(w: World, who: Principal, task_id: str, v: Any, **how: Any) -> Any:
    body = CancellationCreate.model_validate({"reason": "Không còn phù hợp", **how})
    return edit.cancel_task(who, task_id, body, v)


ACTIONS: dict[str, Action] = {
    "edit": _edit,
    "split": _split,
    "report_progress": _report,
    "request_extension": _request,
    "decide_extension": _decide,
    "report_completion": _complete,
    "confirm": _confirm,
    "return": _return,
    "cancel": _cancel,
}
