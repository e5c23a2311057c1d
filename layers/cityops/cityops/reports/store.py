"""Reporting's store: the only code that speaks DynamoDB for forms and reports (the catalogue
is `cityops.reports.indicator_store`).

Table `Reports` (pk, sk):
- an indicator:        IND#<code>      / IND      GSI1 CATALOGUE / <code>
- a form:              FORM#<id>       / FORM     GSI1 FORMS / <id>
- its code, claimed:   FORMCODE#<code> / FORMCODE
- a report:            REPORT#<id>     / REPORT   (small: no values)
    GSI1 FORM#<form> / <period>#<unit>                 a form's reports by period
    GSI2 UNIT#<unit> / <period end>#<form>             a unit's reports
    GSI3 TO#<receiving unit> / <period end>#<form>#<unit>   what a unit receives
- its values:          REPORT#<id>     / VALUES   every cell and comment in one item (171
  indicators with their parts stay far below 400 KB), and once accepted:
    GSI2 UVALUES#<unit> / <period end>#<form>          the unit's series and history
    GSI3 VALUES#<form>#<period> / <unit>               a period's city aggregate
- its audit records:   REPORT#<id>     / EVENT#<ulid>  (each value's before and after)
- a claimed opening:   OPENED#<form>#<period>#<unit> / OPENED   one report per unit and period

A report and its values are read together by one Query of its partition (`REPORT` ≤ sk ≤
`VALUES`). A change writes the report, its values item when they or their indexes change,
the audit record, its deadline rows and counters, in one transaction of a few items, so a
period of 126 communes × 171 indicators is 126 small transactions, never one over 100 items.
The completeness matrix is one Query of GSI1; a period's aggregate one Query of GSI3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cityops.core.deferred import Writes
from cityops.core.dynamo import item_pk, query_all, query_page, strip_keys
from cityops.core.errors import Conflict, DomainError, VersionConflict
from cityops.core.pipeline import Work
from cityops.core.settings import get_settings
from cityops.core.store import DynamoStore
from cityops.reports.domain import Report, ReportForm

FORM_INDEX, UNIT_INDEX, THIRD_INDEX = "GSI1", "GSI2", "GSI3"
_VALUE_FIELDS = ("values", "comments")


def table() -> str:
    return get_settings().reports_table


@dataclass(frozen=True)
class OpenedClaim:
    """Only one report per form, period and unit: the claim fails a second opening."""

    form_id: str
    period: str
    unit_id: str
    report_id: str


def claim_item(store: DynamoStore[Any], claim: OpenedClaim) -> dict[str, Any]:
    item = {
        "pk": f"OPENED#{claim.form_id}#{claim.period}#{claim.unit_id}",
        "sk": "OPENED",
        "report_id": claim.report_id,
    }
    return store.put(item, new=True)


@dataclass(frozen=True)
class FormCode:
    """A form's code is taken once: a second form with it fails its create (409)."""

    code: str
    form_id: str


class FormStore(DynamoStore[ReportForm]):
    system = "reports"
    model = ReportForm
    sort_key = "FORM"

    def table(self) -> str:
        return table()

    def record_items(self, work: Work[ReportForm]) -> list[dict[str, Any]]:
        items = []
        for record in work.records:
            if not isinstance(record, FormCode):
                raise TypeError(f"a form's change cannot write {record!r}")
            item = {"pk": f"FORMCODE#{record.code}", "sk": "FORMCODE", "form_id": record.form_id}
            items.append(self.put(item, new=True))
        return items

    def refused(
        self, work: Work[ReportForm], index: int, item: dict[str, Any]
    ) -> DomainError | None:
        if item_pk(item).startswith("FORMCODE#"):
            code = item_pk(item).removeprefix("FORMCODE#")
            return Conflict(f"Đã có biểu mẫu báo cáo khác mang mã {code}; hãy chọn mã khác.")
        return None

    def index_keys(self, entity: ReportForm) -> dict[str, Any]:
        return {"gsi1pk": "FORMS", "gsi1sk": entity.id}

    def all(self) -> list[ReportForm]:
        items = query_all(
            table(), index=FORM_INDEX, key_condition="gsi1pk = :p", values={":p": "FORMS"}
        )
        return [self.from_item(i) for i in items]


def _end(report: Report) -> str:
    return report.period_ends_on.isoformat()


class ReportStore(DynamoStore[Report]):
    system = "reports"
    model = Report
    sort_key = "REPORT"

    def table(self) -> str:
        return table()

    # --- mapping ---------------------------------------------------------------------------

    def index_keys(self, entity: Report) -> dict[str, Any]:
        return {
            "gsi1pk": f"FORM#{entity.form_id}",
            "gsi1sk": f"{entity.period}#{entity.unit.id}",
            "gsi2pk": f"UNIT#{entity.unit.id}",
            "gsi2sk": f"{_end(entity)}#{entity.form_id}",
            "gsi3pk": f"TO#{entity.receiving_unit.id}",
            "gsi3sk": f"{_end(entity)}#{entity.form_id}#{entity.unit.id}",
        }

    def to_item(self, entity: Report) -> dict[str, Any]:
        item = super().to_item(entity)
        for name in _VALUE_FIELDS:
            item.pop(name, None)
        item["on_time"] = entity.on_time
        item["cells"] = len(entity.values)
        return item

    def values_item(self, entity: Report) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": self.pk(entity.id),
            "sk": "VALUES",
            "report_id": entity.id,
            "form_id": entity.form_id,
            "period": entity.period,
            "unit_id": entity.unit.id,
            "unit_path": entity.unit.path,
            "unit_name": entity.unit.name,
            "period_ends_on": _end(entity),
            "indicator_versions": entity.indicator_versions,
            "values": entity.values,
            "comments": entity.comments,
        }
        if entity.status == "accepted" and entity.accepted_at is not None:
            item |= {
                "accepted_at": entity.accepted_at.isoformat(),
                "gsi2pk": f"UVALUES#{entity.unit.id}",
                "gsi2sk": f"{_end(entity)}#{entity.form_id}",
                "gsi3pk": f"VALUES#{entity.form_id}#{entity.period}",
                "gsi3sk": entity.unit.id,
            }
        return item

    def from_items(self, report: dict[str, Any], values: dict[str, Any] | None) -> Report:
        data = {k: v for k, v in strip_keys(report).items() if k not in {"on_time", "cells"}}
        for name in _VALUE_FIELDS:
            data[name] = (values or {}).get(name) or {}
        return Report.model_validate(data)

    def record_items(self, work: Work[Report]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        before, after = work.before, work.entity
        accepted = {before.status == "accepted" if before else False, after.status == "accepted"}
        if (
            before is None
            or any(getattr(before, n) != getattr(after, n) for n in _VALUE_FIELDS)
            or len(accepted) > 1
        ):
            items.append(self.put(self.values_item(after)))
        for record in work.records:
            if isinstance(record, OpenedClaim):
                items.append(claim_item(self, record))
            elif isinstance(record, Writes):
                items += record.transact_items()
            else:
                raise TypeError(f"a report's change cannot write {record!r}")
        return items

    # --- the port ----------------------------------------------------------------------------

    def load(self, entity_id: str) -> Report | None:
        items, _ = query_page(
            table(),
            key_condition="pk = :pk AND sk BETWEEN :a AND :b",
            values={":pk": self.pk(entity_id), ":a": "REPORT", ":b": "VALUES"},
            limit=2,
            consistent=True,
        )
        by_sk = {i["sk"]: i for i in items}
        if "REPORT" not in by_sk:
            return None
        return self.from_items(by_sk["REPORT"], by_sk.get("VALUES"))

    def refused(self, work: Work[Report], index: int, item: dict[str, Any]) -> DomainError:
        if index == 0:
            if work.before is None or work.before.version == 0:
                return Conflict("Báo cáo này đã được mở.")
            return VersionConflict("Báo cáo vừa được người khác thay đổi; hãy tải lại.")
        return Conflict(
            "Một bản ghi liên quan không còn ở trạng thái mà thao tác này cần; hãy tải lại rồi "
            "thử lại."
        )

    # --- reads -------------------------------------------------------------------------------

    def page(
        self,
        index: str,
        partition: str,
        *,
        prefix: str | None = None,
        limit: int,
        start_key: dict[str, Any] | None,
        filter_expression: str | None = None,
        values: dict[str, Any] | None = None,
        names: dict[str, str] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of report items from an index partition (newest period first)."""
        pk, sk = f"{index.lower()}pk", f"{index.lower()}sk"
        condition = f"{pk} = :p" + (f" AND begins_with({sk}, :s)" if prefix else "")
        query_values = {":p": partition, **({":s": prefix} if prefix else {}), **(values or {})}
        return query_page(
            table(),
            index=index,
            key_condition=condition,
            values=query_values,
            names=names,
            limit=limit,
            start_key=start_key,
            forward=False,
            filter_expression=filter_expression,
        )

    def units_with_report(self, form_id: str, period: str) -> set[str]:
        items = query_all(
            table(),
            index=FORM_INDEX,
            key_condition="gsi1pk = :p AND begins_with(gsi1sk, :s)",
            values={":p": f"FORM#{form_id}", ":s": f"{period}#"},
        )
        return {i["unit"]["id"] for i in items}

    def of_form(self, form_id: str, first: str, last: str) -> list[dict[str, Any]]:
        """Every report item of the form for the periods first..last (one paged Query)."""
        return query_all(
            table(),
            index=FORM_INDEX,
            key_condition="gsi1pk = :p AND gsi1sk BETWEEN :a AND :b",
            values={":p": f"FORM#{form_id}", ":a": f"{first}#", ":b": f"{last}#~"},
        )

    def accepted_values(self, form_id: str, period: str) -> list[dict[str, Any]]:
        """The values of every accepted report of the period (one paged Query)."""
        return query_all(
            table(),
            index=THIRD_INDEX,
            key_condition="gsi3pk = :p",
            values={":p": f"VALUES#{form_id}#{period}"},
        )

    def unit_values(
        self, unit_id: str, *, first: str = "0", last: str = "9", limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The unit's accepted values by period end (newest first), from `first` to `last`
        (ISO dates)."""
        condition = "gsi2pk = :p AND gsi2sk BETWEEN :a AND :b"
        values = {":p": f"UVALUES#{unit_id}", ":a": first, ":b": f"{last}~"}
        if limit is not None:
            items, _ = query_page(
                table(),
                index=UNIT_INDEX,
                key_condition=condition,
                values=values,
                limit=limit,
                forward=False,
            )
            return items
        return query_all(
            table(), index=UNIT_INDEX, key_condition=condition, values=values, forward=False
        )
