"""The deadline sweep's cost does not grow with the table: the same 100 due obligations
among 1,000 and among 100,000 obligation rows (the rest closed, or open but due far beyond
the horizon, so in the open index yet never read), one sweep each, in moto in-process.

Counts, per table size: the AWS calls of one sweep (a botocore `before-call` hook on the
clients the sweep uses), the items DynamoDB read for it (the `ScannedCount` of every Query:
what a Query is billed for), and the events it put on the bus. Printed, and written to
bench/results/sweep.json (or $BENCH_RESULTS/sweep.json). Exits 1 if a count grows with the
table, which would mean the sweep reads more than what is due.

    python bench/bench_sweep.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
sys.path.insert(0, str(ROOT / "infra" / "local"))
# moto in-process: fake credentials, never real ones.
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

SIZES = (1_000, 100_000)
DUE = 100
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri 27/11/2026 09:00 in Hanoi
UNITS = ("SO-TC", "SO-TC.NS", "SO-XD", "P-HOANKIEM", "TTR-HN")
# Due days for the 100: due soon (Mon, Wed), today, overdue (Thu), escalated (a week ago).
DUE_DAYS = (date(2026, 11, 30), date(2026, 12, 2), date(2026, 11, 27), date(2026, 11, 26))
ESCALATED_DAY = date(2026, 11, 19)


def _rows(total: int, units: dict[str, dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """The DynamoDB items of `total` obligation rows, exactly as `open_obligation` writes
    them: DUE of them due now or soon, the others closed or open and due in 2028."""
    from cityops.core.calendar import WorkingCalendar
    from cityops.core.ids import new_id
    from cityops.core.obligations import Obligation, open_obligation

    calendar = WorkingCalendar()
    due_items, other_items = [], []
    for n in range(total):
        unit = units[UNITS[n % len(UNITS)]]
        if n < DUE:
            day = (*DUE_DAYS, ESCALATED_DAY)[n % 5]
        else:
            day = date(2028, 1, 3) + timedelta(days=n % 300)
        ob = Obligation(
            entity_ref=f"task#{new_id()}",
            key="task.complete",
            kind="task.complete",
            system="tasks",
            title=f"Nhiệm vụ số {n}",
            due_at=calendar.due_end_of_day(day),
            responsible_unit_id=unit["id"],
            assigned_by="bench-chairman",
            escalation_chain=[units["UBND-HN"]["id"]],
        )
        item = open_obligation(ob)[0]["Put"]["Item"]
        if n >= DUE and n % 2:  # closed: out of the open index
            item = {k: v for k, v in item.items() if k != "open_shard"}
            item["status"] = {"S": "closed"}
            item["outcome"] = {"S": "met_on_time"}
        (due_items if n < DUE else other_items).append(item)
    return due_items, other_items


def _batch_write(table: str, items: list[dict]) -> None:
    from cityops.core.aws import client

    dynamodb = client("dynamodb")
    for start in range(0, len(items), 25):
        request = {table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
        while request:
            request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems")


def one_size(total: int) -> dict[str, Any]:
    from moto import mock_aws

    with mock_aws():
        import resources
        from cityops.core import clock
        from cityops.core.aws import client, reset_clients
        from cityops.core.settings import get_settings
        from cityops.directory import importer
        from cityops.directory import store as directory_store
        from cityops.obligations import sweep
        from template import Template

        reset_clients()
        directory_store.forget_calendar()
        tpl = Template()
        resources.create_all(tpl)
        env = next(iter(tpl.functions().values())).environment
        for key in ("DIRECTORY_TABLE", "OBLIGATIONS_TABLE", "EVENT_BUS_NAME"):
            os.environ[key] = env[key]
        get_settings.cache_clear()
        text = (ROOT / "infra" / "seed" / "units.csv").read_text(encoding="utf-8")
        units = {u["code"]: u for u in importer.import_units(text, None).created}
        for code in (*UNITS, "UBND-HN"):
            for role in ("unit_leader", "officer"):
                username = f"{code.lower()}.{role}"
                directory_store.put_user(
                    {
                        "id": f"bench-{username}",
                        "username": username,
                        "name": username,
                        "email": f"{username}@cityops.example",
                        "phone": "+84900000000",
                        "unit_id": units[code]["id"],
                        "roles": [role],
                    }
                )
        started = time.perf_counter()
        due_items, other_items = _rows(total, units)
        table = get_settings().obligations_table
        _batch_write(table, other_items + due_items)
        seeded_in = time.perf_counter() - started

        clock.set_now(NOW)
        calls: Counter[str] = Counter()
        queries: Counter[str] = Counter()
        items_read = 0

        def before(model: Any, **_: Any) -> None:
            calls[f"{model.service_model.service_name}.{model.name}"] += 1

        def after(model: Any, parsed: dict, **_: Any) -> None:
            nonlocal items_read
            if model.name == "Query":  # what a Query reads (and is billed for)
                items_read += int(parsed.get("ScannedCount", 0))

        def query_params(params: dict, **_: Any) -> None:
            queries[params.get("IndexName") or params["TableName"]] += 1

        for service in ("dynamodb", "events"):
            hooks = client(service).meta.events
            hooks.register("before-call", before)
            hooks.register("after-call", after)
        hooks = client("dynamodb").meta.events
        hooks.register("before-parameter-build.dynamodb.Query", query_params)
        started = time.perf_counter()
        result = sweep.handle({"mode": "daily"}, lambda: 300_000)
        swept_in = time.perf_counter() - started
        clock.reset()
        reset_clients()
        return {
            "table_rows": total,
            "open_in_index": DUE + sum(1 for i in other_items if "open_shard" in i),
            "due_obligations": DUE,
            "aws_calls": dict(sorted(calls.items())),
            "aws_calls_total": sum(calls.values()),
            "items_read": items_read,
            "queries": dict(sorted(queries.items())),
            "events_published": result["events"],
            "by_level": result["by_level"],
            "seed_seconds": round(seeded_in, 2),
            "sweep_seconds": round(swept_in, 3),
        }


def main() -> int:
    runs = []
    for total in SIZES:
        print(f"  seeding {total:,} obligation rows ({DUE} due) and sweeping once ...", flush=True)
        runs.append(one_size(total))
    small, large = runs
    grows = {
        name: [small[name], large[name]]
        for name in ("aws_calls", "items_read", "events_published")
        if small[name] != large[name]
    }
    result = {
        "benchmark": "deadline sweep: cost of one sweep against the table's size",
        "runs": runs,
        "grows_with_table": bool(grows),
        "note": "Queries: OpenByDue once per shard (4), GSI1 once per unit told (its members), "
        "DirectoryTable once (the calendar). Times are moto's, which scans its own index in "
        "memory: only the counts say what DynamoDB would read.",
        "what_grew": grows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "sweep.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for run in runs:
        print(
            f"  {run['table_rows']:>7,} rows ({run['open_in_index']:,} open): "
            f"{run['aws_calls_total']} AWS calls, {run['items_read']} items read, "
            f"{run['events_published']} events, sweep {run['sweep_seconds']}s"
        )
    print(
        "  the sweep's calls and reads "
        + ("GROW with the table: " + ", ".join(grows) if grows else "do not grow with the table")
    )
    return 1 if grows else 0


if __name__ == "__main__":
    sys.exit(main())
