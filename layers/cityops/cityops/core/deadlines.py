"""The deadline book: every deadline an entity owes, kept on the entity, in one shape.

A use case opens, moves, pauses, resumes, reassigns and closes deadlines on its entity's
book (`task.deadlines.open(...)`); each call changes the record on the entity and notes the
operation. When the change pipeline commits, the store turns the noted operations into
obligation rows and on-time counters in the same transaction (`cityops.core.obligations`),
so the book and the rows the sweep reads never disagree.

One convention for every system: a deadline's escalation chain is the units above its
responsible unit, nearest first (`cityops.core.access.escalation_chain`).
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr

from cityops.core import clock
from cityops.core.access import escalation_chain
from cityops.core.errors import Conflict
from cityops.core.models import Instant, Model
from cityops.core.obligations import (
    Obligation,
    Outcome,
    close_obligation,
    move_obligation,
    open_obligation,
    outcome_for,
    pause_obligation,
    reassign_obligation,
    resume_obligation,
)

DeadlineStatus = Literal["open", "paused", "closed"]
CLOSED_KEPT = 20  # closed deadlines of one kind kept on an entity (the rows keep them all)
OpKind = Literal["open", "move", "pause", "resume", "reassign", "close"]
_OPS = {"move": "dời", "pause": "tạm dừng", "resume": "tính tiếp", "reassign": "giao lại",
        "close": "đóng"}  # fmt: skip
_STATUSES = {"open": "đang được tính", "paused": "đang tạm dừng", "closed": "đã đóng"}


class Deadline(Model):
    """One deadline (hạn) of an entity: what is owed, by whom, by when, and how it ended."""

    model_config = ConfigDict(extra="forbid")

    key: str  # unique within the entity: "task.complete", "complaint.accept#2"
    kind: str  # the obligation kind: "task.complete", "complaint.accept"
    seq: int
    title: str  # safe for notices: never a denunciator's identity
    due_at: Instant
    status: DeadlineStatus = "open"
    responsible_unit_id: str
    responsible_user_id: str | None = None
    assigned_by: str | None = None
    escalation_chain: list[str] = Field(default_factory=list)
    opened_at: Instant
    paused_at: Instant | None = None
    closed_at: Instant | None = None
    outcome: Outcome | None = None
    details: dict[str, Any] = Field(default_factory=dict)  # e.g. the time-limit rule applied

    @property
    def is_running(self) -> bool:
        return self.status == "open"

    @property
    def is_pending(self) -> bool:
        """Not closed: running or paused."""
        return self.status != "closed"


class DeadlineOp(Model):
    """One noted operation, with the deadline as it was before it (what the row holds)."""

    op: OpKind
    before: Deadline | None
    after: Deadline


class DeadlineBook(Model):
    """The deadlines of one entity, by key, in the order they were opened."""

    model_config = ConfigDict(extra="forbid")

    records: dict[str, Deadline] = Field(default_factory=dict)
    seq: int = 0
    opened_of_kind: dict[str, int] = Field(default_factory=dict)  # ever opened, by kind
    _ops: list[DeadlineOp] = PrivateAttr(default_factory=list)

    # --- reading -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Deadline]:  # type: ignore[override]
        return iter(sorted(self.records.values(), key=lambda d: d.seq))

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def get(self, key: str) -> Deadline:
        try:
            return self.records[key]
        except KeyError:
            raise Conflict(f"Không có thời hạn này ({key}).") from None

    def find(self, key: str) -> Deadline | None:
        return self.records.get(key)

    def pending(self, kind: str | None = None) -> list[Deadline]:
        """The deadlines not closed (running or paused), oldest first."""
        return [d for d in self if d.is_pending and (kind is None or d.kind == kind)]

    def running(self, kind: str | None = None) -> list[Deadline]:
        return [d for d in self if d.is_running and (kind is None or d.kind == kind)]

    def next_due(self) -> datetime | None:
        """The earliest running deadline (what lists sort and filter by)."""
        due = [d.due_at for d in self.running()]
        return min(due) if due else None

    def opened(self, kind: str) -> int:
        """How many deadlines of `kind` were ever opened (closed old ones are forgotten on
        the entity, so this is what numbers recurring deadlines: `task.progress#<n>`)."""
        kept = sum(1 for d in self.records.values() if d.kind == kind)
        return max(self.opened_of_kind.get(kind, 0), kept)

    def ops(self) -> list[DeadlineOp]:
        """What changed since the entity was loaded, in order (the store writes these)."""
        return list(self._ops)

    def clear_ops(self) -> None:
        self._ops.clear()

    # --- changing --------------------------------------------------------------------------

    def open(
        self,
        kind: str,
        due_at: datetime,
        *,
        title: str,
        unit_path: Iterable[str],
        user_id: str | None = None,
        assigned_by: str | None = None,
        key: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Deadline:
        """Open a deadline of the unit at the end of `unit_path` (its chain: the units above).
        `key` defaults to `<kind>#<seq>`."""
        path = list(unit_path)
        self.seq += 1
        deadline = Deadline(
            key=key or f"{kind}#{self.seq}",
            kind=kind,
            seq=self.seq,
            title=title[:120],
            due_at=due_at,
            responsible_unit_id=path[-1],
            responsible_user_id=user_id,
            assigned_by=assigned_by,
            escalation_chain=escalation_chain(path),
            opened_at=clock.now(),
            details=dict(details or {}),
        )
        if deadline.key in self.records and self.records[deadline.key].is_pending:
            raise Conflict(f"Thời hạn {deadline.key!r} đang được tính.")
        self.opened_of_kind[kind] = self.opened(kind) + 1
        self.records[deadline.key] = deadline
        self._ops.append(DeadlineOp(op="open", before=None, after=deadline.model_copy()))
        return deadline

    def move(self, key: str, due_at: datetime) -> Deadline:
        """Move a running deadline (an approved extension)."""
        return self._change(key, "move", {"open"}, due_at=due_at)

    def pause(self, key: str) -> Deadline:
        """Stop chasing it while the work waits on someone else; not counted missed."""
        return self._change(key, "pause", {"open"}, status="paused", paused_at=clock.now())

    def resume(
        self, key: str, due_at: datetime | None = None, details: dict[str, Any] | None = None
    ) -> Deadline:
        """Chase it again, due at `due_at` (e.g. moved by the paused time) or as it was, with
        `details` added to its own (what the rule that moved it keeps of it)."""
        current = self.get(key)
        return self._change(
            key, "resume", {"paused"}, status="open", paused_at=None,
            due_at=due_at or current.due_at, details={**current.details, **(details or {})},
        )  # fmt: skip

    def reassign(self, key: str, user_id: str | None) -> Deadline:
        """Reminders follow the work to its new handler."""
        return self._change(key, "reassign", {"open", "paused"}, responsible_user_id=user_id)

    def close(
        self,
        key: str,
        *,
        outcome: Outcome | None = None,
        done_at: datetime | None = None,
        judged_against: datetime | None = None,
    ) -> Outcome:
        """Close it with an outcome: `outcome` as given (cancelled), or met on time or late by
        `done_at` (default now) against `judged_against` (default its own deadline)."""
        current = self.get(key)
        if outcome is None:
            outcome = outcome_for(judged_against or current.due_at, done_at or clock.now())
        self._change(key, "close", {"open", "paused"}, status="closed", outcome=outcome,
                     closed_at=clock.now())  # fmt: skip
        self._forget_old(current.kind)
        return outcome

    def _forget_old(self, kind: str) -> None:
        """Keep at most CLOSED_KEPT closed deadlines of a kind on the entity (a task's
        progress reports recur for years; the item must stay well under DynamoDB's 400 KB).
        The obligation rows keep every one, with its outcome, for the on-time record."""
        closed = [d for d in self if d.kind == kind and d.status == "closed"]
        for old in closed[: max(0, len(closed) - CLOSED_KEPT)]:
            del self.records[old.key]

    def close_pending(self, outcome: Outcome = Outcome.CANCELLED, kind: str | None = None) -> None:
        """Close every deadline not yet closed (the entity ends: cancelled, withdrawn)."""
        for deadline in self.pending(kind):
            self.close(deadline.key, outcome=outcome)

    def _change(self, key: str, op: OpKind, allowed: set[str], **changes: Any) -> Deadline:
        before = self.get(key)
        if before.status not in allowed:
            raise Conflict(
                f"Thời hạn này ({key}) {_STATUSES[before.status]}; không thể {_OPS.get(op, op)}."
            )
        after = before.model_copy(update=changes)
        self.records[key] = after
        earlier = next((o for o in self._ops if o.after.key == key), None)
        if earlier is not None:
            # One row takes one operation per transaction: a new person is folded into the
            # operation already noted; anything else is a use case touching a row twice.
            if op != "reassign" and earlier.op != "reassign":
                raise RuntimeError(f"deadline {key!r} changed twice in one change")
            if op == "reassign":
                earlier.after = earlier.after.model_copy(update=changes)
                return after
            self._ops.remove(earlier)
            before = earlier.before or before
        self._ops.append(DeadlineOp(op=op, before=before, after=after.model_copy()))
        return after


def obligation_of(entity_ref: str, system: str, deadline: Deadline) -> Obligation:
    """The obligation row's description of a deadline."""
    return Obligation(
        entity_ref=entity_ref,
        key=deadline.key,
        kind=deadline.kind,
        system=system,
        title=deadline.title,
        due_at=deadline.due_at,
        responsible_unit_id=deadline.responsible_unit_id,
        responsible_user_id=deadline.responsible_user_id,
        assigned_by=deadline.assigned_by,
        escalation_chain=list(deadline.escalation_chain),
    )


def transaction_items(entity_ref: str, system: str, ops: Iterable[DeadlineOp]) -> list[dict]:
    """The obligation rows and on-time counters that the noted operations write."""
    items: list[dict[str, Any]] = []
    for op in ops:
        after = obligation_of(entity_ref, system, op.after)
        if op.op == "open":
            items += open_obligation(after)
            continue
        if op.before is None:
            raise ValueError(f"{op.op} of {op.after.key!r} without its previous state")
        before = obligation_of(entity_ref, system, op.before)
        if op.op == "move":
            items += move_obligation(before, op.after.due_at)
        elif op.op == "pause":
            items += pause_obligation(before)
        elif op.op == "resume":
            new_due = op.after.due_at if op.after.due_at != op.before.due_at else None
            items += resume_obligation(before, new_due)
        elif op.op == "reassign":
            items += reassign_obligation(before, op.after.responsible_user_id)
        elif op.op == "close":
            outcome = op.after.outcome or Outcome.CANCELLED
            items += close_obligation(before, outcome, paused=op.before.status == "paused")
    return items
