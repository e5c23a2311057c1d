"""Importing units from CSV: every bad row is reported with its line number, and nothing is
written unless every row is good.

Columns: `code,name,short_name,kind,parent_code`. A parent is named by its code: a unit
already in the directory, or a row of the same file (in any order). The first unit of an
empty directory may have no parent: it becomes the root.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from cityops.core.auth import Principal
from cityops.core.dynamo import MAX_TRANSACTION_ITEMS, Change
from cityops.core.errors import Conflict
from cityops.directory import store
from cityops.directory.models import UnitCreate
from cityops.directory.service import UNITS, new_unit_work

COLUMNS = ("code", "name", "short_name", "kind", "parent_code")
MAX_ROWS = 5000
_ITEMS_PER_TRANSACTION = MAX_TRANSACTION_ITEMS


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    created: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    code: str
    parent_code: str | None
    data: dict[str, Any]


def _parse(text: str) -> tuple[list[_Row], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "name", "kind") if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append("missing columns: " + ", ".join(missing))
        if unknown:
            problems.append("unknown columns: " + ", ".join(unknown))
        return [], [RowError(1, "; ".join(problems))]
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, f"more than {MAX_ROWS} rows"))
            break
        values = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        if None in raw:
            errors.append(RowError(line, "more values than columns"))
            continue
        if not any(values.values()):
            continue  # a blank line
        code = values.get("code", "")
        parent_code = values.get("parent_code") or None
        try:
            UnitCreate.model_validate(
                {
                    "code": code,
                    "name": values.get("name", ""),
                    "short_name": values.get("short_name") or None,
                    "kind": values.get("kind", ""),
                    "parent_id": "0" * 26,  # checked below, by code
                }
            )
        except ValidationError as exc:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            errors.append(RowError(line, detail))
            continue
        if code in seen:
            errors.append(RowError(line, f"code {code} is also on line {seen[code]}"))
            continue
        seen[code] = line
        rows.append(_Row(line, code, parent_code, values))
    return rows, errors


def import_units(text: str, who: Principal | None, *, dry_run: bool = False) -> ImportResult:
    """Check every row, then create the units parents first; write nothing if a row is bad."""
    rows, errors = _parse(text)
    by_code = {row.code: row for row in rows}
    existing: dict[str, dict[str, Any] | None] = {}

    def existing_unit(code: str) -> dict[str, Any] | None:
        if code not in existing:
            existing[code] = store.find_unit_by_code(code)
        return existing[code]

    root_exists = bool(store.list_units(None, limit=1, start_key=None)[0])
    roots = [row for row in rows if row.parent_code is None]
    for row in rows:
        if existing_unit(row.code) is not None:
            errors.append(RowError(row.line, f"code {row.code} already exists"))
        if row.parent_code is None:
            if root_exists or len(roots) > 1:
                errors.append(RowError(row.line, "parent_code is required"))
        elif row.parent_code not in by_code and existing_unit(row.parent_code) is None:
            errors.append(RowError(row.line, f"no unit with code {row.parent_code}"))

    order: list[_Row] = []
    placed: set[str] = set()
    pending = [r for r in rows if not any(e.line == r.line for e in errors)]
    while pending:
        ready = [
            r
            for r in pending
            if r.parent_code is None or r.parent_code in placed or r.parent_code not in by_code
        ]
        if not ready:
            for row in pending:
                errors.append(RowError(row.line, "the parents form a cycle"))
            break
        for row in ready:
            order.append(row)
            placed.add(row.code)
        pending = [r for r in pending if r.code not in placed]

    result = ImportResult(errors=sorted(errors, key=lambda e: e.line))
    if result.errors or dry_run:
        return result

    paths: dict[str, list[str]] = {}
    changes: list[Change] = []
    for row in order:
        if row.parent_code is None:
            parent_path: list[str] = []
        elif row.parent_code in paths:
            parent_path = paths[row.parent_code]
        else:
            parent_path = existing_unit(row.parent_code)["path"]  # type: ignore[index]
        data = UnitCreate(
            code=row.code,
            name=row.data["name"],
            short_name=row.data.get("short_name") or None,
            kind=row.data["kind"],
            parent_id=parent_path[-1] if parent_path else "0" * 26,
        )
        change = UNITS.store.change_of(new_unit_work(who, data, parent_path, "unit.imported"))
        paths[row.code] = change.item["path"]
        changes.append(change)
        result.created.append(change.item)
    _write_in_transactions(changes)
    return result


def _write_in_transactions(changes: list[Change]) -> None:
    """Each unit with its code and audit record; several units per transaction, parents first.
    A parent is checked once per transaction, and not at all when created in it."""
    batch: list[dict[str, Any]] = []
    in_batch: set[str] = set()  # units created or checked in this transaction

    def wanted(item: dict[str, Any]) -> bool:
        check = item.get("ConditionCheck")
        return not check or check["Key"]["pk"]["S"].removeprefix("UNIT#") not in in_batch

    for change in changes:
        items = [i for i in change.transact_items() if wanted(i)]
        if len(batch) + len(items) > _ITEMS_PER_TRANSACTION:
            _flush(batch)
            batch, in_batch = [], set()
            items = change.transact_items()
        batch.extend(items)
        in_batch.add(change.item["id"])
        in_batch.update(
            i["ConditionCheck"]["Key"]["pk"]["S"].removeprefix("UNIT#")
            for i in items
            if "ConditionCheck" in i
        )
    if batch:
        _flush(batch)


def _flush(items: list[dict[str, Any]]) -> None:
    from botocore.exceptions import ClientError

    from cityops.core.aws import client

    try:
        client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "TransactionCanceledException":
            raise Conflict(
                "Có mã đơn vị vừa bị đơn vị khác sử dụng trong lúc nhập; hãy chạy lại việc nhập."
            ) from exc
        raise
