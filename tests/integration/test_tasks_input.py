"""Bad input to the tasks function: malformed JSON, unknown fields, wrong types, values out of
range, oversize bodies and bad ids each get a 4xx problem, and nothing is written."""

from __future__ import annotations

import json
import unicodedata

import pytest

from tests.integration.test_tasks_support import City


@pytest.fixture
def city(seeded, call) -> City:
    return City(seeded, call)


def refused(city: City, method: str, path: str, as_: str = "chairman", **kwargs):
    before = city.snapshot()
    status, headers, body = city.call(method, path, as_, **kwargs)
    assert 400 <= status < 500, (status, body)
    assert headers["Content-Type"] == "application/problem+json"
    assert body["status"] == status and body["title"] and "Traceback" not in json.dumps(body)
    assert city.snapshot() == before
    return status, body


@pytest.mark.parametrize(
    "raw",
    ["{not json", '{"title": "x",}', "[]", '"a string"', "null", ""],
)
def test_a_body_that_is_not_a_json_object_is_refused(city, raw):
    status, _ = refused(city, "POST", "/v1/tasks", raw_body=raw)
    assert status == 422


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"colour": "red"}, ["body", "colour"]),
        ({"title": 5}, ["body", "title"]),
        ({"title": ""}, ["body", "title"]),
        ({"title": "x" * 301}, ["body", "title"]),
        ({"content": None}, ["body", "content"]),
        ({"source": "ministry"}, ["body", "source"]),
        ({"lead_unit_id": "SO-TC"}, ["body", "lead_unit_id"]),
        (
            {"coordinating_unit_ids": "01JAAAAAAAAAAAAAAAAAAAAAAA"},
            ["body", "coordinating_unit_ids"],
        ),
        ({"due_in_working_days": "10"}, ["body", "due_in_working_days"]),
        ({"due_in_working_days": 0}, ["body", "due_in_working_days"]),
        ({"due_in_working_days": 10.5}, ["body", "due_in_working_days"]),
        ({"due_date": "31/12/2026", "due_in_working_days": None}, ["body", "due_date"]),
        ({"due_date": "2026-11-26", "due_in_working_days": None}, ["body", "due_date"]),
        ({"progress_every_working_days": 0}, ["body", "progress_every_working_days"]),
        ({"priority": "max"}, ["body", "priority"]),
        ({"tags": ["t"] * 21}, ["body", "tags"]),
        ({"tags": [""]}, ["body", "tags", 0]),
        ({"source_document": {"number_symbol": "1/QĐ"}}, ["body", "source_document", "issued_on"]),
        (
            {"source_document": {"number_symbol": "1", "issued_on": "2026-01-01", "x": 1}},
            ["body", "source_document", "x"],
        ),
        (
            {
                "source_document": {
                    "number_symbol": "1",
                    "issued_on": "2026-01-01",
                    "incoming_document_id": "42",
                }
            },
            ["body", "source_document", "incoming_document_id"],
        ),
    ],
)
def test_a_field_of_the_wrong_type_or_out_of_range_is_named_in_the_problem(city, change, where):
    _, body = refused(city, "POST", "/v1/tasks", body=city.new_task(**change))
    locations = [e["loc"][: len(where)] for e in body["errors"]]
    assert where in locations, body["errors"]


@pytest.mark.parametrize(
    "change",
    [
        {"due_date": "2026-12-31", "due_in_working_days": 10},  # both
        {"coordinating_unit_ids": ["01JAAAAAAAAAAAAAAAAAAAAAAA"] * 2},  # repeated
        {"coordinating_unit_ids": None, "lead_unit_id": None},  # lead unit missing
    ],
)
def test_inconsistent_fields_are_refused(city, change):
    body = city.new_task(**change)
    if change.get("lead_unit_id", "") is None:
        body.pop("lead_unit_id", None)
    status, _ = refused(city, "POST", "/v1/tasks", body=body)
    assert status == 422


def test_the_lead_unit_cannot_also_coordinate(city):
    lead = city.unit("SO-TC")
    status, _ = refused(city, "POST", "/v1/tasks", body=city.new_task(coordinating_unit_ids=[lead]))
    assert status == 422


def test_more_than_twenty_coordinating_units_are_refused(city):
    ids = [u["id"] for u in city.units.values()][:21]
    status, _ = refused(city, "POST", "/v1/tasks", body=city.new_task(coordinating_unit_ids=ids))
    assert status == 422


def test_an_oversize_body_is_refused_with_413(city):
    body = city.new_task(content="x" * 70_000)
    status, _ = refused(city, "POST", "/v1/tasks", body=body)
    assert status == 413


def test_a_too_long_idempotency_key_is_refused(city):
    status, _ = refused(
        city, "POST", "/v1/tasks", body=city.new_task(), headers={"idempotency-key": "k" * 129}
    )
    assert status == 422


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/tasks/123"),
        ("PATCH", "/v1/tasks/01JAAAAAAAAAAAAAAAAAAAAAAa"),
        ("POST", "/v1/tasks/not-an-id/progress"),
        ("POST", "/v1/tasks/not-an-id/completion"),
        ("GET", "/v1/tasks/x/history"),
    ],
)
def test_a_malformed_task_id_is_refused(city, method, path):
    status, body = refused(city, method, path, body={"title": "x"}, headers={"if-match": '"1"'})
    assert status == 422 and body["errors"][0]["loc"] == ["path", "task_id"]


def test_a_malformed_extension_id_is_refused(city):
    task = city.assign()
    status, body = refused(
        city,
        "POST",
        f"/v1/tasks/{task['id']}/extensions/nope/decision",
        body={"decision": "approved", "reason": "x"},
        headers={"if-match": '"1"'},
    )
    assert status == 422 and body["errors"][0]["loc"] == ["path", "extension_id"]


def test_an_extension_decision_must_be_approved_or_rejected_with_a_reason(city):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    path = f"/v1/tasks/{task['id']}/extensions/{ext['id']}/decision"
    for body in ({"decision": "maybe", "reason": "x"}, {"decision": "approved"}, {}):
        status, _ = refused(city, "POST", path, body=body, headers={"if-match": '"2"'})
        assert status == 422


def test_unknown_routes_are_problems_too(city):
    status, _ = refused(city, "DELETE", "/v1/tasks")
    assert status in (404, 405)


def test_text_is_stored_composed_and_stripped(city):
    decomposed = unicodedata.normalize("NFD", "  Giải ngân vốn đầu tư công  ")
    task = city.assign(title=decomposed)
    assert task["title"] == unicodedata.normalize("NFC", "Giải ngân vốn đầu tư công")
    assert city.stored(task["id"])["title"] == task["title"]
