"""Reporting's cost at the city's size: 126 communes × 171 indicators (issue 10, item 7), in
moto in-process.

Per number of units (42 and 126): opening a period (the schedule's transactions, the most
items in one, seconds); then, with every report accepted, a period's completeness matrix and
its city aggregate: seconds and the DynamoDB calls each makes (a botocore
`before-parameter-build` hook, once per call, on the client of `cityops.core.aws.client`),
which must be the same at 42 and at 126 units;
and the largest item a report writes (its values item, in bytes as DynamoDB counts them:
attribute names plus values) against DynamoDB's 400 KB, and the largest transaction (a
report's values entered through the use case) against 100 items.

The reports are accepted by writing their items as `ReportStore` maps them (`to_item`,
`values_item`), not through submit → approve → accept: those are measured by the tests, and
what is measured here is the reading. Printed, and written to bench/results/reports.json (or
$BENCH_RESULTS/reports.json). Exits 1 if a call count grows with the units.

    python bench/reports.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
SIZES = (42, 126)
NOW = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)  # Wed 3/3/2027 09:00 in Hanoi: 2027-03 is open
PERIOD = "2027-03"
ITEM_LIMIT, TRANSACTION_LIMIT = 400 * 1024, 100


def environment() -> None:
    """moto in-process: fake credentials, never real ones."""
    sys.path.insert(0, str(ROOT / "infra" / "local"))
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "ap-southeast-1",
            "AWS_REGION": "ap-southeast-1",
            "CITYOPS_ENV": "test",
            "CURSOR_SECRET": "bench",
            "POWERTOOLS_SERVICE_NAME": "bench",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)


# --- the world ---------------------------------------------------------------------------------


def communes_csv(n: int, parent: str = "UBND-HN") -> str:
    rows = [f"BX-{i:03d},UBND xã Đo Tải {i:03d},Xã {i:03d},commune,{parent}" for i in range(n)]
    return "code,name,short_name,kind,parent_code\n" + "\n".join(rows) + "\n"


def add_communes(n: int) -> list[str]:
    """`n` communes under the city (through the directory's import): their ids."""
    from cityops.directory import importer

    result = importer.import_units(communes_csv(n), None)
    if result.errors:
        raise RuntimeError(result.errors)
    return [u["id"] for u in result.created]


def admin_of(unit_id: str) -> Any:
    from cityops.core.auth import Principal

    return Principal("bench-admin", "bench-admin", "Quản trị", unit_id, frozenset({"admin"}))


def import_catalogue(admin: Any) -> list[str]:
    """The benchmark's 171 indicators: their codes."""
    from cityops.reports import indicators

    from bench.catalogue import catalogue_csv

    result = indicators.import_catalogue(admin, catalogue_csv(), "csv")
    return [*result.created_codes, *result.revised_codes, *result.unchanged_codes]


def make_form(admin: Any, codes: list[str], unit_ids: list[str], receiving: str) -> Any:
    from cityops.reports import forms
    from cityops.reports.models import ReportFormCreate

    data = ReportFormCreate.model_validate(
        {
            "code": f"BC-DOTAI-{len(unit_ids)}",
            "name": f"Báo cáo đo tải ({len(unit_ids)} xã)",
            "indicator_codes": codes,
            "reporting_unit_ids": unit_ids,
            "receiving_unit_id": receiving,
            "period_type": "monthly",
            "deadline_working_days": 2,
        }
    )
    return forms.create_form(admin, data)


def valid_values(specs: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    """A value for every cell of the report that passes every rule: totals the sum of their
    part indicators, disaggregations split exactly, at_most and bounds kept."""
    from cityops.reports.catalogue import DISAGGREGATIONS, ValueType

    values: dict[str, Any] = {}

    def number(code: str, spec: Any, n: int) -> Any:
        if spec.value_type is ValueType.INTEGER:
            return 1000 + 37 * n + seed
        if spec.value_type is ValueType.PERCENT:
            return float(Decimal(str(50 + (n * 7 + seed) % 50)).scaleb(0))
        return float(
            Decimal(1234 + n + seed).scaleb(0)
            + Decimal("0.25").quantize(Decimal(1).scaleb(-spec.scale))
        )

    for n, (code, spec) in enumerate(specs.items()):
        if spec.value_type is ValueType.TEXT:
            values[code] = f"Tình hình ổn định, hoàn thành kế hoạch kỳ {n} (đơn vị {seed})."
        else:
            values[code] = number(code, spec, n)
    for code in specs:  # a total is the sum of its part indicators
        parts = [c for c, s in specs.items() if s.part_of == code]
        if parts:
            values[code] = sum(values[c] for c in parts)
    for code, spec in specs.items():
        if spec.at_most and spec.at_most in values and spec.value_type is not ValueType.TEXT:
            values[code] = min(values[code], values[spec.at_most])
        low, high = spec.minimum, spec.maximum
        if spec.value_type is ValueType.PERCENT:
            low, high = (0 if low is None else low), (100 if high is None else high)
        if isinstance(values[code], int | float):
            value = values[code]
            value = max(value, low) if low is not None else value
            value = min(value, high) if high is not None else value
            values[code] = int(value) if spec.value_type is ValueType.INTEGER else value
    for code, spec in specs.items():  # parts of a disaggregation split the total exactly
        for dimension in spec.disaggregations:
            names = list(DISAGGREGATIONS[dimension])
            total = values[code]
            if spec.value_type is ValueType.INTEGER:
                share = [total // len(names)] * len(names)
                share[0] += total - sum(share)
            else:
                step = Decimal(1).scaleb(-spec.scale)
                each = (Decimal(str(total)) / len(names)).quantize(step)
                share = [float(each)] * len(names)
                share[0] = float(Decimal(str(total)) - each * (len(names) - 1))
            for part, value in zip(names, share, strict=True):
                values[f"{code}|{dimension}={part}"] = value
    return values


def dynamo_size(value: Any) -> int:
    """An item's size as DynamoDB counts it: names and values in UTF-8, numbers about one
    byte per two digits plus one, plus three bytes for each list or map."""
    if isinstance(value, dict):
        return 3 + sum(len(str(k).encode()) + dynamo_size(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return 3 + sum(1 + dynamo_size(v) for v in value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float | Decimal):
        return 1 + (len(str(value).replace("-", "").replace(".", "")) + 1) // 2
    return len(str(value).encode())


@contextmanager
def dynamo_calls() -> Iterator[Counter[str]]:
    """Every DynamoDB call made meanwhile, by operation (Query by index or table), and the
    items of each TransactWriteItems (under `transaction_items`, a list)."""
    from cityops.core.aws import client

    calls: Counter[str] = Counter()
    sizes: list[int] = []

    def before(model: Any, params: dict[str, Any], **_: Any) -> None:
        # before-parameter-build: once per API call, with the call's own parameters
        name = model.name
        if name == "Query":
            name = f"Query {params.get('IndexName') or 'table'}"
        if name == "TransactWriteItems":
            sizes.append(len(params.get("TransactItems", [])))
        calls[name] += 1

    hooks = client("dynamodb").meta.events
    hooks.register("before-parameter-build.dynamodb", before)
    try:
        yield calls
    finally:
        hooks.unregister("before-parameter-build.dynamodb", before)
        calls["transaction_items"] = sizes  # type: ignore[assignment]


def accept_all(form_id: str, period: str, specs: dict[str, Any]) -> None:
    """Every report of the period accepted with a full set of values, its items written as
    ReportStore maps them."""
    from cityops.core import clock
    from cityops.core.aws import client
    from cityops.core.dynamo import serialize
    from cityops.core.models import Person
    from cityops.reports.domain import Submission
    from cityops.reports.pipelines import REPORTS

    store = REPORTS.store
    items = store.of_form(form_id, period, period)  # type: ignore[attr-defined]
    puts = []
    for n, item in enumerate(items):
        report = store.from_items(item, None)  # type: ignore[attr-defined]
        report.values = valid_values(specs, seed=n)
        report.status, report.accepted_at = "accepted", clock.now()
        by = Person(id="bench", name="Đo tải")
        report.first_submission = Submission(by=by, at=clock.now(), on_time=n % 3 != 0)
        puts += [store.to_item(report), store.values_item(report)]  # type: ignore[attr-defined]
    dynamodb = client("dynamodb")
    for start in range(0, len(puts), 25):
        request = {
            store.table(): [
                {"PutRequest": {"Item": serialize(i)}}  # type: ignore[attr-defined]
                for i in puts[start : start + 25]
            ]
        }
        while request:
            request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems")


def specs_of_form(form: Any) -> dict[str, Any]:
    from cityops.reports import indicators

    found = indicators.indicators(form.indicator_codes)
    return {c: found[c].current for c in form.indicator_codes if c in found}


def largest_values_item(form_id: str, period: str) -> int:
    from cityops.core.dynamo import query_all
    from cityops.reports.store import THIRD_INDEX, table

    items = query_all(
        table(),
        index=THIRD_INDEX,
        key_condition="gsi3pk = :p",
        values={":p": f"VALUES#{form_id}#{period}"},
    )
    return max(dynamo_size(i) for i in items)


def enter_one(form_id: str, period: str, unit_id: str, who_unit: str) -> dict[str, Any]:
    """One report's 171 values entered through the use case: its transaction's items."""
    from cityops.core.auth import Principal
    from cityops.reports import submission
    from cityops.reports.models import ValuesPut
    from cityops.reports.pipelines import REPORTS

    item = next(
        i
        for i in REPORTS.store.of_form(form_id, period, period)  # type: ignore[attr-defined]
        if i["unit"]["id"] == unit_id
    )
    report = REPORTS.store.load(item["id"])
    if report is None:
        raise RuntimeError(f"no report {item['id']}")
    officer = Principal(
        "bench-officer", "bench-officer", "Cán bộ", who_unit, frozenset({"officer"})
    )
    values = valid_values(submission.specs_of(report))
    with dynamo_calls() as calls:
        saved = submission.enter_values(officer, report.id, ValuesPut(values=values), 1)
    return {"cells": len(saved.values), "transaction_items": calls["transaction_items"]}


# --- one size ------------------------------------------------------------------------------------


def one_size(units: int) -> dict[str, Any]:
    from moto import mock_aws

    with mock_aws():
        import resources
        from cityops.core import clock
        from cityops.core.auth import SYSTEM, Principal
        from cityops.core.aws import reset_clients
        from cityops.core.settings import get_settings
        from cityops.directory import importer
        from cityops.directory import store as directory
        from cityops.documents import registers
        from cityops.reports import figures, forms
        from template import Template

        reset_clients()
        directory.forget_calendar()
        tpl = Template()
        resources.create_all(tpl)
        for function in tpl.functions().values():
            for key, value in function.environment.items():
                if key.endswith("_TABLE") or key == "EVENT_BUS_NAME":
                    os.environ[key] = value
        get_settings.cache_clear()
        clock.set_now(NOW)
        text = (ROOT / "infra" / "seed" / "units.csv").read_text(encoding="utf-8")
        seed = {u["code"]: u for u in importer.import_units(text, None).created}
        office = seed["VP-UBND"]["id"]
        admin = admin_of(office)
        codes = import_catalogue(admin)
        ids = add_communes(units)
        form = make_form(admin, codes, ids, office)
        with dynamo_calls() as opening:
            started = time.perf_counter()
            opened = forms.open_due_periods()
            open_seconds = time.perf_counter() - started
        writes = opening["transaction_items"]
        from cityops.directory.port import DIRECTORY

        commune = DIRECTORY.current.unit(ids[0])
        registers.ensure_default_registers(SYSTEM, commune)  # type: ignore[arg-type]
        entered = enter_one(form.id, PERIOD, ids[0], ids[0])
        specs = specs_of_form(form)
        accept_all(form.id, PERIOD, specs)
        chairman = Principal(
            "bench-chairman",
            "bench-chairman",
            "Chủ tịch",
            seed["UBND-HN"]["id"],
            frozenset({"city_leader"}),
        )
        with dynamo_calls() as matrix_calls:
            started = time.perf_counter()
            matrix = figures.completeness(chairman, form.id, PERIOD, PERIOD)
            matrix_seconds = time.perf_counter() - started
        with dynamo_calls() as aggregate_calls:
            started = time.perf_counter()
            aggregate = figures.aggregates(chairman, form.id, PERIOD)
            aggregate_seconds = time.perf_counter() - started
        largest = largest_values_item(form.id, PERIOD)
        clock.reset()
        reset_clients()

        def calls(counter: Counter[str]) -> dict[str, int]:
            return {k: v for k, v in sorted(counter.items()) if k != "transaction_items"}

        return {
            "units": units,
            "indicators": len(codes),
            "cells_per_report": entered["cells"],
            "opening": {
                "reports": opened["opened"][0]["reports"],
                "transactions": len(writes),
                "largest_transaction_items": max(writes),
                "seconds": round(open_seconds, 3),
            },
            "entering_171_values_transaction_items": entered["transaction_items"],
            "completeness": {
                "seconds": round(matrix_seconds, 3),
                "dynamodb_calls": calls(matrix_calls),
                "dynamodb_calls_total": sum(calls(matrix_calls).values()),
                "expected": matrix["totals"][PERIOD]["expected"],
            },
            "aggregate": {
                "seconds": round(aggregate_seconds, 3),
                "dynamodb_calls": calls(aggregate_calls),
                "dynamodb_calls_total": sum(calls(aggregate_calls).values()),
                "accepted_units": aggregate["accepted_units"],
                "cells": len(aggregate["items"]),
            },
            "largest_values_item_bytes": largest,
        }


def main() -> int:
    environment()
    runs = []
    for units in SIZES:
        print(f"  {units} units × 171 indicators: opening a period, reading it ...", flush=True)
        runs.append(one_size(units))
    small, large = runs
    grows = {
        name: [small[name]["dynamodb_calls"], large[name]["dynamodb_calls"]]
        for name in ("completeness", "aggregate")
        if small[name]["dynamodb_calls"] != large[name]["dynamodb_calls"]
    }
    largest_item = max(r["largest_values_item_bytes"] for r in runs)
    largest_transaction = max(
        max(r["opening"]["largest_transaction_items"], *r["entering_171_values_transaction_items"])
        for r in runs
    )
    result = {
        "benchmark": "reports: a period at 42 and 126 units × 171 indicators",
        "runs": runs,
        "calls_grow_with_units": bool(grows),
        "what_grew": grows,
        "largest_item_bytes": largest_item,
        "item_limit_bytes": ITEM_LIMIT,
        "largest_transaction_items": largest_transaction,
        "transaction_limit_items": TRANSACTION_LIMIT,
        "note": "Times are moto's; the counts say what DynamoDB would do. A Query page holds "
        "1 MB: at the largest item size a page holds about 1 MB / item of the aggregate's "
        "values, so its calls grow by one page per that many units, not one per unit.",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reports.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for run in runs:
        opening, matrix, aggregate = run["opening"], run["completeness"], run["aggregate"]
        print(
            f"  {run['units']:>4} units: opening {opening['reports']} reports in "
            f"{opening['transactions']} transactions (largest "
            f"{opening['largest_transaction_items']} items) {opening['seconds']}s; "
            f"completeness {matrix['dynamodb_calls_total']} "
            f"DynamoDB calls {matrix['seconds']}s; aggregate {aggregate['dynamodb_calls_total']} "
            f"calls {aggregate['seconds']}s ({aggregate['cells']} cells)"
        )
    print(
        f"  largest values item {largest_item:,} bytes (limit {ITEM_LIMIT:,}); largest "
        f"transaction {largest_transaction} items (limit {TRANSACTION_LIMIT}); the reads' calls "
        + ("GROW with the units: " + ", ".join(grows) if grows else "do not grow with the units")
    )
    return 1 if grows or largest_item > ITEM_LIMIT or largest_transaction > TRANSACTION_LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
