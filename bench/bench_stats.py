"""Statistics do not grow with the number of units: the scoreboard (the same counters module
serves task and case statistics) for 26, 140 and 500 units over 1, 3 and 12 months, city-wide
and for one unit, in moto in-process.

Each unit has one obligation due a week (Mondays) for the twelve months before today
(27/11/2026), written as `cityops.core.counters` writes it: its day row and its month's
roll-up. Counted per read: the Queries of the counters (`ObligationsTable`) and of the
directory's tree (`GSI1`), and the items they read (`ScannedCount`), against the day rows
the window holds (what reading days × units would have read). Printed, and written to
bench/results/stats.json. Exits 1 if a count of Queries differs between sizes.

    python bench/bench_stats.py
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
sys.path[:0] = [str(ROOT / "infra" / "local"), str(ROOT)]
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

SIZES = (26, 140, 500)
WINDOWS = {1: ("2026-11-01", "2026-11-30"), 3: ("2026-09-01", "2026-11-30"),
           12: ("2025-12-01", "2026-11-30")}  # fmt: skip
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _seed(units: int) -> list[str]:
    from cityops.core.counters import counter_key, rollup_key
    from cityops.core.dynamo import serialize
    from cityops.core.ids import new_id
    from cityops.core.settings import get_settings

    root = new_id()
    ids = [new_id() for _ in range(units)]
    directory = [
        {"pk": f"UNIT#{u}", "sk": "UNIT", "gsi1pk": "UNITS", "gsi1sk": f"{root}/{u}", "id": u,
         "code": f"U{n:03d}", "name": f"Đơn vị {n}", "path": [root, u], "kind": "department"}
        for n, u in enumerate(ids)
    ]  # fmt: skip
    rows, rollups = [], {}
    day = date(2025, 12, 1)
    while day <= date(2026, 11, 30):
        if day.weekday() == 0:
            for u in ids:
                counts = {"due": 1, "met_on_time": 1} if day < NOW.date() else {"due": 1}
                fields = {"unit_id": u, "system": "tasks"}
                rows.append({**counter_key("SCORE", day.isoformat(), u, "tasks"), **fields,
                             "day": day.isoformat(), **counts})  # fmt: skip
                key = rollup_key("SCORE", day.isoformat()[:7], u, "tasks")
                month = day.isoformat()[:7]
                row = rollups.setdefault(key["sk"] + key["pk"], {**key, **fields, "month": month})
                for name, n in counts.items():
                    row[name] = row.get(name, 0) + n
        day += timedelta(days=1)
    settings = get_settings()
    _write(settings.directory_table, directory, serialize)
    _write(settings.obligations_table, rows + list(rollups.values()), serialize)
    return ids


def _write(table: str, items: list[dict], serialize) -> None:
    from cityops.core.aws import client

    dynamodb = client("dynamodb")
    for start in range(0, len(items), 25):
        request = {
            table: [{"PutRequest": {"Item": serialize(i)}} for i in items[start : start + 25]]
        }
        while request:
            request = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems")


def one_size(units: int) -> list[dict]:
    from moto import mock_aws

    with mock_aws():
        import resources
        from cityops.core import clock
        from cityops.core.auth import Principal
        from cityops.core.aws import reset_clients
        from cityops.core.settings import get_settings
        from cityops.obligations import scoreboard
        from template import Template

        from tests.aws_calls import counting

        reset_clients()
        tpl = Template()
        resources.create_all(tpl)
        env = next(iter(tpl.functions().values())).environment
        for key in ("DIRECTORY_TABLE", "OBLIGATIONS_TABLE", "EVENT_BUS_NAME"):
            os.environ[key] = env[key]
        get_settings.cache_clear()
        ids = _seed(units)
        clock.set_now(NOW)
        chairman = Principal(
            sub="c", username="c", name="c", unit_id="", roles=frozenset({"city_leader"})
        )
        officer = Principal(
            sub="o", username="o", name="o", unit_id=ids[0], roles=frozenset({"officer"})
        )
        out = []
        for months, (start, end) in WINDOWS.items():
            for scope, who in (("city", chairman), ("one unit", officer)):
                with counting() as calls:
                    board = scoreboard.scoreboard(
                        who, start=start, end=end, unit_id=None, today=NOW.date()
                    )
                first, last = date.fromisoformat(start), date.fromisoformat(end)
                days = (first + timedelta(days=d) for d in range((last - first).days + 1))
                mondays = sum(1 for d in days if d.weekday() == 0)
                out.append({
                    "units": units, "months": months, "scope": scope,
                    "counter_queries": calls.queried["ObligationsTable"],
                    "counter_items_read": calls.read["ObligationsTable"],
                    "day_rows_in_window": mondays * (units if scope == "city" else 1),
                    "directory_queries": calls.queried["GSI1"],
                    "other_calls": {k: n for k, n in calls.kinds.items() if k != "dynamodb.Query"},
                    "units_on_board": len(board.units),
                })  # fmt: skip
        clock.reset()
        reset_clients()
        return out


def main() -> int:
    runs = []
    for units in SIZES:
        print(
            f"  {units} units: seeding a year of counters and reading the scoreboard ...",
            flush=True,
        )
        runs += one_size(units)
    print(
        f"  {'units':>5} {'months':>6} {'scope':<9} {'Queries':>7} {'items read':>10}"
        f" {'day rows':>9}"
    )
    for r in runs:
        print(f"  {r['units']:>5} {r['months']:>6} {r['scope']:<9} {r['counter_queries']:>7} "
              f"{r['counter_items_read']:>10} {r['day_rows_in_window']:>9}")  # fmt: skip
    shapes = {(r["months"], r["scope"]): set() for r in runs}
    for r in runs:
        shapes[(r["months"], r["scope"])].add((r["counter_queries"], r["directory_queries"]))
    grows = [k for k, v in shapes.items() if len(v) > 1]
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "scoreboard: Queries and items read against the units and the window",
        "runs": runs,
        "queries_grow_with_units": bool(grows),
        "note": "Queries counted in moto; DynamoDB also ends a page at 1 MB: the 500 units' "
        "month of day rows (about 2,000 items) stays well under it.",
    }
    (RESULTS / "stats.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(
        "  Queries "
        + ("GROW with the units: " + repr(grows) if grows else "are flat in the number of units")
    )
    return 1 if grows else 0


if __name__ == "__main__":
    sys.exit(main())
