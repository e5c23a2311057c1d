"""The indicator catalogue's store, in the `Reports` table.

- an indicator:        IND#<code> / IND       with every version (a list, oldest first)
    GSI1               CATALOGUE  / <code>     the whole catalogue, in code order: one Query
- its audit records:   IND#<code> / EVENT#<ulid>

An import writes many indicators' changes (each: the indicator guarded by its version, and
its audit record) packed in as few TransactWriteItems as DynamoDB allows (100 items each).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cityops.core.dynamo import batch_get, query_all, write_changes
from cityops.core.errors import Conflict, VersionConflict
from cityops.core.pipeline import Work
from cityops.core.settings import get_settings
from cityops.core.store import DynamoStore
from cityops.reports.catalogue import Indicator

CATALOGUE_INDEX = "GSI1"
CATALOGUE_KEY = "CATALOGUE"


class IndicatorStore(DynamoStore[Indicator]):
    system = "reports"
    model = Indicator
    sort_key = "IND"

    def table(self) -> str:
        return get_settings().reports_table

    def index_keys(self, entity: Indicator) -> dict[str, Any]:
        return {"gsi1pk": CATALOGUE_KEY, "gsi1sk": entity.id}

    def all(self) -> list[Indicator]:
        """The whole catalogue, in code order: one Query of GSI1, page after page."""
        items = query_all(
            self.table(),
            index=CATALOGUE_INDEX,
            key_condition="gsi1pk = :catalogue",
            values={":catalogue": CATALOGUE_KEY},
        )
        return [self.from_item(item) for item in items]

    def many(self, codes: Iterable[str]) -> dict[str, Indicator]:
        """These indicators by code (BatchGetItem); unknown codes are simply absent."""
        keys = [{"pk": self.pk(code), "sk": self.sort_key} for code in dict.fromkeys(codes)]
        found = [self.from_item(item) for item in batch_get(self.table(), keys)] if keys else []
        return {indicator.code: indicator for indicator in found}

    def write_all(self, works: list[Work[Indicator]]) -> int:
        """Write every change, several per TransactWriteItems; the number of transactions.
        A change whose indicator moved on since it was read fails its transaction (409)."""
        try:
            return write_changes([self.change_of(work) for work in works])
        except (Conflict, VersionConflict) as exc:
            raise Conflict(
                "Danh mục chỉ tiêu đã bị thay đổi trong lúc nhập; hãy nhập lại tệp (những "
                "chỉ tiêu đã ghi được giữ nguyên)."
            ) from exc
