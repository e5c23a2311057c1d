"""Statuses and transitions of a case, and who may take each action. Pure: no AWS.

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
"""

from __future__ import annotations

from cityops.core.errors import Conflict

KINDS = ("voter_petition", "complaint", "denunciation")
C, D, V = "complaint", "denunciation", "voter_petition"

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

# action -> kind -> statuses it may be taken from
ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "classify": {k: frozenset({"received"}) for k in KINDS},
    "forward": {k: frozenset({"forwarding"}) for k in KINDS},
    "accept": {C: frozenset({"received"}), D: frozenset({"received"})},
    "refuse": {C: frozenset({"received"}), D: frozenset({"received"})},
    "assign": {
        C: frozenset({"received", "accepted", "verifying", "dialogue", "suspended"}),
        D: frozenset({"received", "accepted", "verifying", "suspended"}),
        V: frozenset({"received", "verifying", "being_resolved"}),
    },
    "verify": {C: frozenset({"accepted"}), D: frozenset({"accepted"}), V: frozenset({"received"})},
    "dialogue": {C: frozenset({"verifying"})},
    "notify": {D: frozenset({"accepted", "verifying", "concluded", "published"})},
    "extend": {D: frozenset({"accepted", "verifying"})},
    "decide": {C: frozenset({"verifying", "dialogue"})},
    "conclude": {D: frozenset({"verifying"})},
    "answer": {V: frozenset({"received", "verifying", "being_resolved"})},
    "publish": {
        C: frozenset({"decided"}),
        D: frozenset({"concluded"}),
        V: frozenset(PETITION_RESULTS),
    },
    "withdraw": {
        C: frozenset({"received", "forwarding", "accepted", "verifying", "dialogue", "suspended"}),
        D: frozenset({"received", "forwarding", "accepted", "verifying", "suspended"}),
    },
    "suspend": {
        C: frozenset({"accepted", "verifying", "dialogue"}),
        D: frozenset({"accepted", "verifying"}),
    },
    "resume": {C: frozenset({"suspended"}), D: frozenset({"suspended"})},
}

# Who may take each action (checked with `may`):
#   "staff":   any staff member of the handling unit (clerks route incoming cases)
#   "leader":  a leader of the handling unit (accepts, refuses, extends, decides)
#   "handler": the assigned handler
#   "handler_or_leader"
WHO: dict[str, str] = {
    "classify": "staff",
    "forward": "staff",
    "accept": "leader",
    "refuse": "leader",
    "assign": "leader",
    "verify": "handler",
    "dialogue": "handler",
    "notify": "handler_or_leader",
    "extend": "leader",
    "decide": "leader",
    "conclude": "leader",
    "answer": "leader",
    "publish": "handler_or_leader",
    "withdraw": "handler_or_leader",
    "suspend": "leader",
    "resume": "leader",
}

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


class InvalidTransition(Conflict):
    """The action cannot be taken from the case's current status (409)."""


def check(action: str, kind: str, status: str) -> None:
    """Raise InvalidTransition unless `action` may be taken on a `kind` case in `status`."""
    allowed = ALLOWED[action].get(kind)
    if allowed is None:
        raise InvalidTransition(f"A {kind.replace('_', ' ')} cannot be {_past(action)}.")
    if status not in allowed:
        raise InvalidTransition(
            f"A {kind.replace('_', ' ')} that is {status.replace('_', ' ')} cannot be "
            f"{_past(action)}; it can be from: {', '.join(sorted(allowed))}."
        )


def next_status(action: str, kind: str, status: str, **details: str | None) -> str:
    """The status after `action` (checked): `decision` for classify, `result` for answer,
    `previous` for resume."""
    check(action, kind, status)
    if action == "classify":
        decision = details.get("decision")
        if decision == "transfer":
            return "forwarding"
        if decision in ("duplicate", "anonymous"):
            if decision == "anonymous" and kind != D:
                raise InvalidTransition("Only a denunciation can be classified as anonymous.")
            return "not_handled"
        return "received"
    if action == "answer":
        result = details.get("result")
        if result not in PETITION_RESULTS:
            raise ValueError(f"unknown result {result!r}")
        if status == "being_resolved" and result != "resolved":
            raise InvalidTransition("A petition being resolved can only be answered as resolved.")
        return result
    if action == "resume":
        previous = details.get("previous")
        if not previous:
            raise InvalidTransition("The suspended case does not know its previous status.")
        return previous
    if action == "publish":
        return "published" if kind != V else status
    return {
        "forward": "received",
        "accept": "accepted",
        "refuse": "refused",
        "verify": "verifying",
        "dialogue": "dialogue",
        "decide": "decided",
        "conclude": "concluded",
        "withdraw": "withdrawn",
        "suspend": "suspended",
    }.get(action, status)


def is_open(status: str) -> bool:
    return status not in CLOSED


def _past(action: str) -> str:
    return {
        "classify": "classified",
        "forward": "forwarded",
        "accept": "accepted",
        "refuse": "refused",
        "assign": "assigned",
        "verify": "put to verification",
        "dialogue": "put to dialogue",
        "notify": "notified",
        "extend": "extended",
        "decide": "decided",
        "conclude": "concluded",
        "answer": "answered",
        "publish": "published",
        "withdraw": "withdrawn",
        "suspend": "suspended",
        "resume": "resumed",
    }[action]
