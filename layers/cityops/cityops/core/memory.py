"""The in-memory store: the pipeline's `Store` port without AWS, for the unit tests of
business rules (cosmicpython's FakeUnitOfWork). It keeps what DynamoDB would: the entities
guarded by their versions, their audit records, the obligation rows their deadline books
open, move and close (with the same conditions), the counters, the records and the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic

from cityops.core.auth import Principal
from cityops.core.errors import Conflict, VersionConflict
from cityops.core.pipeline import E, Work

_ALLOWED = {  # the status an obligation row must have for each operation (as in DynamoDB)
    "move": {"open"},
    "pause": {"open"},
    "resume": {"paused"},
    "reassign": {"open", "paused"},
}


@dataclass
class MemoryStore(Generic[E]):
    system: str
    entities: dict[str, E] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    obligations: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    counters: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    records: list[Any] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    commits: int = 0
    fail_next: int = 0  # lose this many races (VersionConflict) before committing

    def add(self, entity: E) -> E:
        """Put an entity in place as if it had been created (a test's starting point)."""
        self.entities[entity.id] = entity.model_copy(deep=True)
        return entity

    def load(self, entity_id: str) -> E | None:
        found = self.entities.get(entity_id)
        return found.model_copy(deep=True) if found else None

    def commit(self, work: Work[E]) -> None:
        entity = work.entity
        current = self.entities.get(entity.id)
        if self.fail_next:
            self.fail_next -= 1
            raise VersionConflict("Người khác vừa thay đổi dữ liệu này; hãy tải lại.")
        creating = work.before is None or work.before.version == 0
        if creating and current is not None:
            raise Conflict("Đã tồn tại.")
        if not creating and (current is None or current.version != work.before.version):
            raise VersionConflict("Người khác vừa thay đổi dữ liệu này; hãy tải lại.")
        rows = {k: dict(v) for k, v in self.obligations.items()}
        for op in entity.deadlines.ops():
            key = (entity.ref, op.after.key)
            row = rows.get(key)
            if op.op == "open":
                if row is not None:
                    raise Conflict("Một thời hạn liên quan vừa thay đổi; hãy tải lại rồi thử lại.")
            elif row is None or row["status"] not in _ALLOWED.get(op.op, {"open", "paused"}):
                raise Conflict("Một thời hạn liên quan vừa thay đổi; hãy tải lại rồi thử lại.")
            rows[key] = {**op.after.model_dump(mode="json"), "system": self.system}
        for count in work.counts:
            row = self.counters.setdefault((count.key["pk"], count.key["sk"]), {})
            for name, delta in count.deltas.items():
                row[name] = row.get(name, 0) + delta
        self.obligations = rows
        self.entities[entity.id] = entity.model_copy(deep=True)
        self.records += work.records
        self.audit.append(
            {
                "ref": entity.ref,
                "action": work.action,
                "actor": _actor(work.who),
                "note": work.note,
                "version": entity.version,
            }
        )
        self.commits += 1

    def publish(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        self.events += events

    def row(self, entity: E, key: str) -> dict[str, Any] | None:
        """The obligation row of one of the entity's deadlines."""
        return self.obligations.get((entity.ref, key))


def _actor(who: Principal | None) -> str:
    return who.sub if who else "system"
