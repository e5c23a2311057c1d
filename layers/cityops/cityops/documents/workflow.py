"""The documents' workflows as data (Decree 30/2020 Art. 15–23).

Incoming (văn bản đến): registered → presented to the leader → directed (lead unit,
coordinating units, deadline) → in handling → handled; or filed for reference; or returned
to the sender (misaddressed, invalid). A leader may direct what was registered without the
formal presentation (the presentation deadline closes either way).

Outgoing (văn bản đi): drafted → submitted → signed (the signed file uploaded) → issued (the
number is taken) → revoked (Art. 18(4): the number stays used).

Files are added, checked and held on any document without changing its state. The names in
the `who` column are the permissions of `cityops.documents.policy`.
"""

from __future__ import annotations

from cityops.core.statemachine import StateMachine, t
from cityops.documents.domain import signed_file_ready

INCOMING_STATES = (
    "registered", "presented", "directed", "in_handling", "handled", "filed", "returned",
)  # fmt: skip
OUTGOING_STATES = ("drafted", "submitted", "signed", "issued", "revoked")
_OPEN_INCOMING = ("registered", "presented", "directed", "in_handling")

INCOMING = StateMachine(
    "incoming_document",
    states=INCOMING_STATES,
    initial="registered",
    transitions=(
        t("present", "registered", "presented", "receiving_clerk", verb="trình",
          audit="document.presented"),
        t("direct", ("registered", "presented"), "directed", "director",
          verb="chỉ đạo xử lý", audit="document.directed"),
        t("start", "directed", "in_handling", "lead_handler", verb="bắt đầu xử lý",
          audit="document.handling_started"),
        t("handle", ("directed", "in_handling"), "handled", "lead_handler",
          verb="hoàn thành xử lý", audit="document.handled"),
        t("file", ("registered", "presented"), "filed", "director", verb="lưu hồ sơ",
          audit="document.filed"),
        t("return", ("registered", "presented"), "returned", "receiving_clerk",
          verb="trả lại", audit="document.returned"),
        t("follow_task", ("directed", "in_handling"), None, "system",
          verb="dời hạn giải quyết theo nhiệm vụ của", audit="document.deadline_followed"),
        t("note_revocation", INCOMING_STATES, None, "system", verb="ghi nhận việc thu hồi",
          audit="document.sender_revoked"),
        t("attach_file", _OPEN_INCOMING, None, "incoming_file_editor", verb="đính kèm tệp vào",
          audit="document.file_added"),
        t("check_file", INCOMING_STATES, None, "system", verb="kiểm tra tệp của",
          audit="document.file_checked"),
        t("hold_file", INCOMING_STATES, None, "records_admin", verb="phong tỏa tệp của",
          audit="document.file_hold"),
    ),
    label="văn bản đến",
    names={"registered": "Đã vào sổ", "presented": "Đã trình", "directed": "Đã chỉ đạo",
           "in_handling": "Đang xử lý", "handled": "Đã xử lý", "filed": "Lưu hồ sơ",
           "returned": "Trả lại"},
)  # fmt: skip

OUTGOING = StateMachine(
    "outgoing_document",
    states=OUTGOING_STATES,
    initial="drafted",
    transitions=(
        t("submit", "drafted", "submitted", "drafter", verb="trình ký", audit="document.submitted"),
        t("send_back", "submitted", "drafted", "signer", verb="trả lại",
          audit="document.sent_back"),
        t("sign", "submitted", "signed", "signer", guard=signed_file_ready, verb="ký",
          audit="document.signed"),
        t("issue", "signed", "issued", "issuing_clerk", verb="phát hành", audit="document.issued"),
        t("revoke", "issued", "revoked", "signer", verb="thu hồi", audit="document.revoked"),
        t("attach_file", ("drafted", "submitted"), None, "outgoing_file_editor",
          verb="đính kèm tệp vào", audit="document.file_added"),
        t("check_file", OUTGOING_STATES, None, "system", verb="kiểm tra tệp của",
          audit="document.file_checked"),
        t("hold_file", OUTGOING_STATES, None, "records_admin", verb="phong tỏa tệp của",
          audit="document.file_hold"),
    ),
    label="văn bản đi",
    names={"drafted": "Dự thảo", "submitted": "Đã trình ký", "signed": "Đã ký",
           "issued": "Đã phát hành", "revoked": "Đã thu hồi"},
)  # fmt: skip

REGISTER = StateMachine(
    "register",
    states=("open", "closed"),
    initial="open",
    transitions=(
        t("edit", ("open", "closed"), ("open", "closed"), "register_keeper", verb="sửa",
          pick=lambda register, patch: (
              register.status if patch.active is None else ("open" if patch.active else "closed")
          ),
          audit="register.updated"),
    ),
    label="sổ đăng ký",
    names={"open": "Đang mở", "closed": "Đã đóng"},
)  # fmt: skip

ABBREVIATION = StateMachine(
    "abbreviation",
    states=("set",),
    initial="set",
    transitions=(
        t("set", "set", None, "records_admin", verb="thay đổi", audit="abbreviation.changed"),
    ),
    label="chữ viết tắt",
    names={"set": "Đã đặt"},
)
