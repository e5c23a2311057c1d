"""The workflow of each kind of case, as a table (`cityops.core.statemachine`). Pure: no AWS.

Complaints (khiếu nại), Law on Complaints 2011 Art. 27–41 and Law 136/2025:
    received → accepted | refused | forwarding (transfer) | not_handled (duplicate)
    accepted → verifying → dialogue → decided → published
Denunciations (tố cáo), Law on Denunciations 2018 Art. 24–35:
    received → accepted | refused | forwarding | not_handled (duplicate, anonymous: Art. 25)
    accepted → verifying → concluded → published; extensions while accepted or verifying
Voter petitions (kiến nghị cử tri), NQLT 72/2025 Art. 49:
    received → verifying → resolved | being_resolved (roadmap) | explained;
    being_resolved → resolved; forwarding and duplicates as above
Every open complaint or denunciation may be withdrawn; an accepted one may be suspended while
a related matter is decided, and resumed to the status it had.

Who may take each action (the cases pipeline resolves these names):
    staff:   any staff member of the handling unit (clerks route incoming cases)
    leader:  a leader of the handling unit (accepts, refuses, extends, decides)
    handler: the assigned handler
    handler_or_leader
"""

from __future__ import annotations

from typing import Any

from cityops.core.statemachine import InvalidTransition, StateMachine, Transition, t

STATES = (
    "received",
    "forwarding",
    "accepted",
    "verifying",
    "dialogue",
    "suspended",
    "decided",
    "concluded",
    "resolved",
    "being_resolved",
    "explained",
    "published",
    "refused",
    "withdrawn",
    "not_handled",
)
# Terminal or waiting statuses after which a case is no longer open (counts as "open" in stats
# until it reaches one of these).
CLOSED = frozenset(
    {
        "refused",
        "withdrawn",
        "not_handled",
        "decided",
        "concluded",
        "published",
        "resolved",
        "being_resolved",
        "explained",
    }
)
PETITION_RESULTS = ("resolved", "being_resolved", "explained")
CLASSIFIED = {"competent": "received", "transfer": "forwarding"}  # else: not handled

PUBLIC_STATUS = {
    "received": "received",
    "forwarding": "received",
    "accepted": "accepted",
    "verifying": "in_progress",
    "dialogue": "in_progress",
    "suspended": "suspended",
    "decided": "resolved",
    "concluded": "resolved",
    "resolved": "resolved",
    "being_resolved": "being_resolved",
    "explained": "explained",
    "published": "published",
    "refused": "refused",
    "withdrawn": "withdrawn",
    "not_handled": "closed",
}


def is_open(status: str) -> bool:
    return status not in CLOSED


# --- picks and guards: the special cases of a transition ---------------------------------------


def _classified(_case: Any, command: Any) -> str:
    """Competent stays received; a transfer waits for forwarding; a duplicate or an anonymous
    denunciation is not handled."""
    return CLASSIFIED.get(command.decision.value, "not_handled")


def _anonymous_only_for_denunciations(case: Any, command: Any) -> str | None:
    if command.decision.value == "anonymous" and case.kind != "denunciation":
        return "Chỉ đơn tố cáo mới có thể phân loại là nặc danh."
    return None


def _answered(_case: Any, command: Any) -> str:
    return command.result.value


def _being_resolved_only_resolves(case: Any, command: Any) -> str | None:
    if case.status == "being_resolved" and command.result.value != "resolved":
        return (
            "Kiến nghị đang giải quyết theo lộ trình chỉ có thể trả lời là đã giải quyết "
            "(resolved)."
        )
    return None


def _previous(case: Any, _command: Any) -> str:
    return case.suspended_from


def _knows_previous(case: Any, _command: Any) -> str | None:
    if not case.suspended_from:
        return (
            "Không xác định được trạng thái của vụ việc trước khi tạm đình chỉ, nên không thể "
            "tiếp tục giải quyết."
        )
    return None


def _classify() -> Transition:
    return t(
        "classify",
        "received",
        ("received", "forwarding", "not_handled"),
        "staff",
        pick=_classified,
        guard=_anonymous_only_for_denunciations,
        verb="phân loại",
    )


class CaseMachine(StateMachine):
    """A kind's machine; an action that only other kinds have is refused in words of the
    action's own ("Thao tác «ghi nhận việc rút» không áp dụng cho kiến nghị cử tri.")."""

    def transition(self, action: str) -> Transition:
        if action not in self.actions and action in VERBS:
            raise InvalidTransition(f"Thao tác «{VERBS[action]}» không áp dụng cho {self.label}.")
        return super().transition(action)


NAMES = {  # the console's labels (web/src/lib/i18n_vi.ts, case.status.*)
    "received": "Mới tiếp nhận",
    "forwarding": "Đang chuyển đơn",
    "accepted": "Đã thụ lý",
    "verifying": "Đang xác minh",
    "dialogue": "Đang đối thoại",
    "suspended": "Tạm đình chỉ",
    "decided": "Đã ra quyết định",
    "concluded": "Đã kết luận",
    "resolved": "Đã giải quyết",
    "being_resolved": "Đang giải quyết",
    "explained": "Đã giải thích",
    "published": "Đã công khai",
    "refused": "Không thụ lý",
    "withdrawn": "Đã rút đơn",
    "not_handled": "Không xử lý",
}


_NOTICE_SENT_FROM = ("accepted", "verifying", "concluded", "published")
_COMPLAINT_NOTICE_FROM = ("accepted", "verifying", "dialogue", "suspended", "decided")
_FORWARD = t("forward", "forwarding", "received", "staff", verb="chuyển")
_VERIFY = "xác minh nội dung"


def _handled(working: tuple[str, ...]) -> tuple[Transition, ...]:
    """What complaints and denunciations share: acceptance or refusal once received, a handler
    assigned while open, verification, withdrawal while open, suspension while being worked
    on (`working`), and resuming to the status it was suspended from."""
    return (
        _classify(),
        _FORWARD,
        t("accept", "received", "accepted", "leader", verb="thụ lý"),
        t("refuse", "received", "refused", "leader", verb="từ chối thụ lý"),
        t("assign", ("received", *working, "suspended"), None, "leader", verb="giao xử lý"),
        t("verify", "accepted", "verifying", "handler", verb=_VERIFY),
        t(
            "withdraw",
            ("received", "forwarding", *working, "suspended"),
            "withdrawn",
            "handler_or_leader",
            verb="ghi nhận việc rút",
        ),
        t(
            "withdraw_in_part",
            ("received", "forwarding", *working, "suspended"),
            None,
            "handler_or_leader",
            verb="ghi nhận việc rút một phần",
        ),
        t("suspend", working, "suspended", "leader", verb="tạm đình chỉ việc giải quyết"),
        t(
            "resume",
            "suspended",
            working,
            "leader",
            pick=_previous,
            guard=_knows_previous,
            verb="tiếp tục giải quyết",
        ),
    )


COMPLAINT = CaseMachine(
    "complaint",
    states=STATES,
    initial="received",
    transitions=(
        *_handled(("accepted", "verifying", "dialogue")),
        t("dialogue", "verifying", "dialogue", "handler", verb="tổ chức đối thoại về"),
        # The suspension and resumption decisions sent (Decree 155/2026 Art. 28a–28b).
        t("notify", _COMPLAINT_NOTICE_FROM, None, "handler_or_leader", verb="gửi thông báo về"),
        t(
            "decide",
            ("verifying", "dialogue"),
            "decided",
            "leader",
            verb="ra quyết định giải quyết",
        ),
        t(
            "publish",
            "decided",
            "published",
            "handler_or_leader",
            verb="công khai kết quả giải quyết",
        ),
    ),
    label="đơn khiếu nại",
    names=NAMES,
)

DENUNCIATION = CaseMachine(
    "denunciation",
    states=STATES,
    initial="received",
    transitions=(
        *_handled(("accepted", "verifying")),
        t("notify", _NOTICE_SENT_FROM, None, "handler_or_leader", verb="gửi thông báo về"),
        t("extend", ("accepted", "verifying"), None, "leader", verb="gia hạn giải quyết"),
        t("conclude", "verifying", "concluded", "leader", verb="kết luận nội dung"),
        t(
            "publish",
            "concluded",
            "published",
            "handler_or_leader",
            verb="công khai kết quả giải quyết",
        ),
    ),
    label="đơn tố cáo",
    names=NAMES,
)

VOTER_PETITION = CaseMachine(
    "voter_petition",
    states=STATES,
    initial="received",
    transitions=(
        _classify(),
        _FORWARD,
        t("assign", ("received", "verifying", "being_resolved"), None, "leader", verb="giao xử lý"),
        t("verify", "received", "verifying", "handler", verb=_VERIFY),
        t(
            "answer",
            ("received", "verifying", "being_resolved"),
            PETITION_RESULTS,
            "leader",
            pick=_answered,
            guard=_being_resolved_only_resolves,
            verb="trả lời",
        ),
        # Publishing a petition's answer keeps its result as its status.
        t(
            "publish",
            PETITION_RESULTS,
            None,
            "handler_or_leader",
            verb="công khai kết quả giải quyết",
        ),
        # The results reported to the People's Council before its next session (Art. 49).
        t("report_results", PETITION_RESULTS, None, "leader", verb="báo cáo kết quả giải quyết"),
        # The next regular session entered or moved by an administrator: the report's
        # deadline opens or moves (run by the system for every petition of the sessions
        # that report to it).
        t(
            "schedule_report",
            ("received", "forwarding", "verifying", *PETITION_RESULTS),
            None,
            "system",
            verb="lên lịch báo cáo cho",
        ),
    ),
    label="kiến nghị cử tri",
    names=NAMES,
)

MACHINES: dict[str, StateMachine] = {m.name: m for m in (COMPLAINT, DENUNCIATION, VOTER_PETITION)}
SYSTEM_ACTIONS = frozenset({"schedule_report"})  # run by CityOps, never by a caller's request
ACTIONS = tuple(
    dict.fromkeys(a for m in MACHINES.values() for a in m.actions if a not in SYSTEM_ACTIONS)
)
VERBS = {tr.action: tr.verb for m in MACHINES.values() for tr in m.transitions}

# A time-limit rule has one state: an administrator adds versions to it (`time_limits.py`).
COUNCIL_SESSION = StateMachine(
    "council_session",
    states=("scheduled",),
    initial="scheduled",
    transitions=(
        t("change", "scheduled", None, "admin", verb="thay đổi", audit="council_session.changed"),
    ),
    label="kỳ họp",
    names={"scheduled": "Đã lên lịch"},
)

TIME_LIMIT = StateMachine(
    "time_limit",
    states=("in_force",),
    initial="in_force",
    transitions=(
        t("change", "in_force", None, "admin", verb="thay đổi", audit="time_limit.changed"),
    ),
    label="thời hạn",
    names={"in_force": "Đang áp dụng"},
)
