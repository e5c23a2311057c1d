"""The entity store on DynamoDB: the adapter behind the pipeline's `Store` port.

A system's store subclasses `DynamoStore` and says only what is its own: the keys of its
entity, its index keys, and the rows its records become (index lines, progress reports, the
vault's item). The base writes every change the one way (`cityops.core.dynamo.write_change`):
the entity guarded by its version, its audit record, its rows, the obligation rows and
on-time counters of its deadline book, and its counters, in one `TransactWriteItems`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic

from cityops.core import counters, deadlines, events
from cityops.core.audit import audit_record
from cityops.core.deferred import Writes
from cityops.core.dynamo import Change, get_item, serialize, strip_keys, write_change
from cityops.core.errors import DomainError
from cityops.core.pipeline import E, Work


class DynamoStore(Generic[E]):
    """Subclasses set `system`, `model` and `sort_key`, and override `index_keys` and
    `record_items` where they have them."""

    system: ClassVar[str]
    model: type[E]
    sort_key: ClassVar[str]

    def table(self) -> str:
        raise NotImplementedError

    def pk(self, entity_id: str) -> str:
        return f"{self.sort_key}#{entity_id}"

    # --- mapping ---------------------------------------------------------------------------

    def index_keys(self, entity: E) -> dict[str, Any]:
        """The index attributes of the entity's item (gsi1pk, gsi1sk, ...)."""
        return {}

    def to_item(self, entity: E) -> dict[str, Any]:
        return {
            **entity.model_dump(mode="json"),
            **self.index_keys(entity),
            "pk": self.pk(entity.id),
            "sk": self.sort_key,
        }

    def from_item(self, item: dict[str, Any]) -> E:
        return self.model.model_validate(strip_keys(item))

    def record_items(self, work: Work[E]) -> list[dict[str, Any]]:
        """The transaction items of `work.records` and of what the entity's change rewrites
        (its index lines): the system's own rows."""
        if work.records:
            raise NotImplementedError(f"{type(self).__name__} cannot write {work.records!r}")
        return []

    # --- the port ----------------------------------------------------------------------------

    def load(self, entity_id: str) -> E | None:
        item = get_item(self.table(), self.pk(entity_id), self.sort_key)
        return self.from_item(item) if item else None

    def commit(self, work: Work[E]) -> None:
        write_change(self.change_of(work), lambda index, item: self._refused(work, index, item))
        for record in work.records:
            if isinstance(record, Writes):
                record.publish()  # another system's changes in this transaction: their events

    def _refused(self, work: Work[E], index: int, item: dict[str, Any]) -> DomainError | None:
        """Another system's item (`Writes`) is refused as its own store says, ours as ours."""
        for record in work.records:
            if isinstance(record, Writes) and item in record.transact_items():
                return record.store.refused(work, index, item)
        return self.refused(work, index, item)

    def refused(self, work: Work[E], index: int, item: dict[str, Any]) -> DomainError | None:
        """The store's own error when the condition of item `index` of the change's
        transaction fails (None: `write_change`'s: exists already, changed, or a related
        row not in the state the change expects)."""
        return None

    def change_of(self, work: Work[E]) -> Change:
        """The one transaction of a change (`commit` writes it; a bulk import may put several
        in one TransactWriteItems)."""
        entity = work.entity
        item = self.to_item(entity)
        existed = work.before is not None and work.before.version > 0
        before = work.before.model_dump(mode="json") if existed and work.before else None
        after = entity.model_dump(mode="json")
        also = [
            *self.record_items(work),
            *deadlines.transaction_items(entity.ref, self.system, entity.deadlines.ops()),
            *counters.transaction_items(work.counts),
        ]
        audit = audit_record(item["pk"], work.who, work.action, before, after, note=work.note)
        # Version 0 is an entity that a store offers before it exists (a calendar year, a
        # user's settings): writing it is a create.
        expected = work.before.version if existed and work.before else None
        return Change(self.table(), item, expected, audit=audit, also=also)

    def publish(self, changes: list[tuple[str, dict[str, Any]]]) -> None:
        events.publish_after_commit(self.system, changes)

    # --- transaction items a record may need -------------------------------------------------

    def put(self, item: dict[str, Any], *, new: bool = False) -> dict[str, Any]:
        """A Put in the change's transaction; `new`: it must not exist yet."""
        put: dict[str, Any] = {"TableName": self.table(), "Item": serialize(item)}
        if new:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        return {"Put": put}

    def delete(self, pk: str, sk: str) -> dict[str, Any]:
        return {"Delete": {"TableName": self.table(), "Key": serialize({"pk": pk, "sk": sk})}}
