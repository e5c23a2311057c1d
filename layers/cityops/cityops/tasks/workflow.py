"""The workflow of a task, as a table (`cityops.core.statemachine`). Pure: no AWS.

    in_progress → awaiting_confirmation (the lead unit reports completion)
    awaiting_confirmation → done (the assigning side confirms) | in_progress (returned)
    in_progress, awaiting_confirmation → cancelled (the assigning side withdraws it)
Nothing may happen to a done or cancelled task.

Who may take each action (the tasks pipeline resolves these names, `PERMISSIONS`):
    assigning_side:               the creator, the leader it was entered for, any city leader,
                                  and for a sub-task the leaders of the unit that split it
    lead_member:                  any member of the lead unit
    lead_leader:                  the lead unit's leader
    lead_or_coordinating_member:  a member of the lead unit or of a coordinating unit
"""

from __future__ import annotations

from typing import Any

from cityops.core.pipeline import Permission
from cityops.core.statemachine import StateMachine, t
from cityops.tasks.policy import (
    TaskStatus,
    is_assigning_side,
    is_lead_leader,
    is_lead_member,
    reports_progress,
)

IN_PROGRESS = TaskStatus.IN_PROGRESS.value
AWAITING = TaskStatus.AWAITING_CONFIRMATION.value
DONE = TaskStatus.DONE.value
CANCELLED = TaskStatus.CANCELLED.value
OPEN = (IN_PROGRESS, AWAITING)


def _splittable(task: Any, _command: Any) -> str | None:
    return task.why_not_split()


def _extendable(task: Any, _command: Any) -> str | None:
    return task.why_not_extend()


def _decidable(task: Any, command: Any) -> str | None:
    return task.why_not_decide(command.extension_id)  # an unknown request is 404


def _returnable(task: Any, _command: Any) -> str | None:
    return task.why_not_return()


TASK = StateMachine(
    "task",
    states=(IN_PROGRESS, AWAITING, DONE, CANCELLED),
    initial=IN_PROGRESS,
    transitions=(
        t("edit", OPEN, None, "assigning_side", verb="sửa", audit="task.updated"),
        t("split", IN_PROGRESS, None, "lead_leader", guard=_splittable,
          verb="giao nhiệm vụ con của", audit="task.assigned"),
        t("report_progress", IN_PROGRESS, None, "lead_or_coordinating_member",
          verb="báo cáo tiến độ", audit="task.progress_reported"),
        t("request_extension", IN_PROGRESS, None, "lead_leader", guard=_extendable,
          verb="đề nghị gia hạn", audit="task.extension_requested"),
        t("decide_extension", IN_PROGRESS, None, "assigning_side", guard=_decidable,
          verb="quyết định gia hạn", audit="task.extension_decided"),
        t("report_completion", IN_PROGRESS, AWAITING, "lead_member",
          verb="báo cáo hoàn thành", audit="task.completion_reported"),
        t("confirm", AWAITING, DONE, "assigning_side", verb="xác nhận hoàn thành",
          audit="task.completed"),
        t("return", AWAITING, IN_PROGRESS, "assigning_side", guard=_returnable,
          verb="trả lại kết quả hoàn thành của", audit="task.returned"),
        t("cancel", OPEN, CANCELLED, "assigning_side", verb="huỷ", audit="task.cancelled"),
    ),
    label="nhiệm vụ",
    names={IN_PROGRESS: "Đang thực hiện", AWAITING: "Chờ xác nhận", DONE: "Đã hoàn thành",
           CANCELLED: "Đã huỷ"},
)  # fmt: skip

PERMISSIONS = {
    "assigning_side": Permission(
        is_assigning_side,
        "Chỉ bên giao nhiệm vụ mới được sửa nhiệm vụ, quyết định gia hạn, xác nhận hoặc trả "
        "lại kết quả hoàn thành, và huỷ nhiệm vụ.",
    ),
    "lead_leader": Permission(
        is_lead_leader,
        "Chỉ lãnh đạo đơn vị chủ trì mới được giao nhiệm vụ con hoặc đề nghị gia hạn.",
    ),
    "lead_member": Permission(
        is_lead_member, "Chỉ đơn vị chủ trì mới được báo cáo hoàn thành nhiệm vụ."
    ),
    "lead_or_coordinating_member": Permission(
        reports_progress, "Chỉ đơn vị chủ trì và các đơn vị phối hợp mới được báo cáo tiến độ."
    ),
}
