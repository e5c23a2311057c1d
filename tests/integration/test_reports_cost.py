"""Reporting's cost on moto (issue 10, item 7): a period's completeness matrix and its city
aggregate make the same DynamoDB calls at 3 units as at 12 (a Query of the form's reports,
one of the period's accepted values: never one per unit), and a report of the benchmark's
171 indicators is written in one transaction of fewer than 100 items. The world is built by
the benchmark's own code (`bench/reports.py`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench import reports as bench

MARCH = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def city(seeded, principal):
    from cityops.core import clock

    clock.set_now(MARCH)
    admin = bench.admin_of(seeded["VP-UBND"]["id"])
    codes = bench.import_catalogue(admin)
    chairman = principal(seeded["UBND-HN"], "city_leader", sub="chairman")
    yield seeded, admin, codes, chairman
    clock.reset()


def _period_of(n: int, seeded, admin, codes, parent: str, *, accept: bool = True):
    """A form for `n` new communes, its 2027-03 opened, every report accepted (`accept`)."""
    from cityops.directory import importer
    from cityops.reports import forms

    text = bench.communes_csv(n, parent).replace("BX-", f"BX{n}-")
    result = importer.import_units(text, None)
    assert not result.errors, result.errors
    ids = [u["id"] for u in result.created]
    form = bench.make_form(admin, codes, ids, seeded["VP-UBND"]["id"])
    opened = [o for o in forms.open_due_periods()["opened"] if o["form_id"] == form.id]
    assert opened == [{"form_id": form.id, "period": "2027-03", "reports": n}]
    if accept:
        bench.accept_all(form.id, "2027-03", bench.specs_of_form(form))
    return form, ids


def _calls(read) -> dict[str, int]:
    with bench.dynamo_calls() as calls:
        read()
    return {k: v for k, v in calls.items() if k != "transaction_items"}


def test_completeness_and_the_aggregate_make_as_many_dynamodb_calls_at_12_units_as_at_3(city):
    from cityops.reports import figures

    seeded, admin, codes, chairman = city
    small, _ = _period_of(3, seeded, admin, codes, "UBND-HN")
    large, _ = _period_of(12, seeded, admin, codes, "UBND-HN")
    counts = {}
    for form, n in ((small, 3), (large, 12)):
        matrix = figures.completeness(chairman, form.id, "2027-03", "2027-03")
        assert matrix["totals"]["2027-03"]["expected"] == n
        aggregate = figures.aggregates(chairman, form.id, "2027-03")
        assert aggregate["accepted_units"] == n
        counts[n] = (
            _calls(lambda f=form: figures.completeness(chairman, f.id, "2027-03", "2027-03")),
            _calls(lambda f=form: figures.aggregates(chairman, f.id, "2027-03")),
        )
    assert counts[3] == counts[12]
    completeness, aggregate = counts[12]
    assert sum(completeness.values()) <= 3 and sum(aggregate.values()) <= 5, counts[12]


def test_a_report_of_171_indicators_is_written_in_one_transaction_of_fewer_than_100_items(city):
    from cityops.reports.pipelines import REPORTS

    seeded, admin, codes, _chairman = city
    assert len(codes) == 171
    form, (unit_id,) = _period_of(1, seeded, admin, codes, "UBND-HN", accept=False)
    entered = bench.enter_one(form.id, "2027-03", unit_id, unit_id)
    assert entered["cells"] > 171  # with the parts of the disaggregations
    assert len(entered["transaction_items"]) == 1
    assert 3 <= entered["transaction_items"][0] < 100  # the report, its values, its audit
    (item,) = REPORTS.store.of_form(form.id, "2027-03", "2027-03")
    report = REPORTS.store.load(item["id"])
    assert len(report.values) == entered["cells"]
