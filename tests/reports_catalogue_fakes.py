"""The catalogue's store in memory, for the unit tests: `MemoryStore` with what
`IndicatorStore` adds (the whole catalogue, a batch of codes, many changes at once)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cityops.core.dynamo import pack
from cityops.core.errors import Conflict
from cityops.core.memory import MemoryStore
from cityops.core.pipeline import Work
from cityops.reports.catalogue import Indicator


@dataclass
class MemoryIndicators(MemoryStore[Indicator]):
    system: str = "reports"
    transactions: list[int] = field(default_factory=list)  # items of each write_all batch
    reads: int = 0  # times the whole catalogue was read

    def all(self) -> list[Indicator]:
        self.reads += 1
        return [self.entities[code].model_copy(deep=True) for code in sorted(self.entities)]

    def many(self, codes: Iterable[str]) -> dict[str, Indicator]:
        return {c: self.entities[c].model_copy(deep=True) for c in codes if c in self.entities}

    def write_all(self, works: list[Work[Indicator]]) -> int:
        """As DynamoDB would: an indicator and its audit record per change, 100 items a
        transaction; a batch with a stale change writes none of its changes."""
        batches = list(pack([[work, "audit"] for work in works]))
        for batch in batches:
            changes: list[Any] = [item for item in batch if item != "audit"]
            for work in changes:
                current = self.entities.get(work.entity.id)
                expected = work.before.version if work.before else None
                if (current.version if current else None) != expected:
                    raise Conflict("Danh mục chỉ tiêu đã bị thay đổi trong lúc nhập.")
            for work in changes:
                self.commit(work)
            self.transactions.append(len(batch))
        return len(batches)
