"""Appends under contention on moto: fifty progress reports sent at once, none with If-Match,
are all stored; a lost race is never a 412, nor a 409 Busy.

A report changes its task (its percent, its count, the progress deadline it meets), so it
is guarded by the task's version like any change and retries the races it loses, for as
long as its request has time (`cityops.core.pipeline.time_limit`). moto in-process commits
one report in about 0.25 s (DynamoDB in about 0.02 s), so fifty in a row take it some
15 s: each writer here has 120 s, where a Lambda has its timeout less a margin."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from cityops.core.errors import Conflict, PreconditionFailed
from cityops.core.pipeline import time_limit
from cityops.tasks import progress
from cityops.tasks.models import ProgressReportCreate

from tests.integration.test_tasks_support import City

WRITERS = 50


@pytest.fixture
def city(seeded, call) -> City:
    return City(seeded, call)


def test_fifty_progress_reports_sent_at_once_without_if_match_are_all_stored(city):
    task = city.assign()
    people = ["sotc.officer", "sotc.officer2", "soxd.officer", "sotc.leader"]

    def report(n: int):
        who = city.who(people[n % len(people)])
        data = ProgressReportCreate(text=f"Báo cáo số {n}", percent=n % 101)
        try:
            with time_limit(120):
                return progress.report_progress(who, task["id"], data)
        except (PreconditionFailed, Conflict) as refused:
            return refused

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(report, range(WRITERS)))
    refused = [r for r in results if isinstance(r, Exception)]
    print(f"\nappends: {WRITERS} sent at once, {WRITERS - len(refused)} stored, "
          f"{len(refused)} refused")  # fmt: skip
    assert refused == []
    _, _, page = city.call("GET", f"/v1/tasks/{task['id']}/progress", "chairman",
                           query={"limit": "200"})  # fmt: skip
    texts = sorted(r["text"] for r in page["items"])
    assert texts == sorted(f"Báo cáo số {n}" for n in range(WRITERS))
    shown = city.task(task["id"])
    assert shown["report_count"] == WRITERS and shown["version"] == WRITERS + 1
