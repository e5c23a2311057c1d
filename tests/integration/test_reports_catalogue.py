"""The indicator catalogue's HTTP contract on moto, in-process: an import writes every
indicator in as few transactions as DynamoDB allows and the list is one Query; a file with a
bad row writes nothing and names its line and column; a revision keeps the old version; only
administrators import; the export imports back unchanged; the benchmark's 171 indicators."""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any

import pytest

from bench.catalogue import catalogue_csv
from tests.conftest import ROOT, FakeContext, http_event, known_to_the_directory

SEED = (ROOT / "infra" / "seed" / "indicators.csv").read_bytes()


@pytest.fixture
def people(aws, principal, setting):
    setting("MAX_BODY_BYTES", "4194304")  # as template.yaml gives the reports function
    return {
        "admin": principal(None, "admin", sub="admin"),
        "officer": principal({"id": "U" * 26, "code": "P-HK"}, "officer", sub="officer"),
        "nobody": principal(None, sub="nobody"),
    }


@pytest.fixture
def calls(monkeypatch):
    """Counts the DynamoDB calls made from here on, by operation."""
    from cityops.core import aws

    client = aws.client("dynamodb")
    counted: Counter[str] = Counter()
    for name in ("query", "scan", "get_item", "batch_get_item", "transact_write_items"):
        real = getattr(client, name)

        def wrapper(*args: Any, _real=real, _name=name, **kwargs: Any) -> Any:
            counted[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(client, name, wrapper)
    return counted


def body(content: bytes, fmt: str = "csv", **extra: Any) -> dict[str, Any]:
    return {"format": fmt, "content": base64.b64encode(content).decode(), **extra}


def catalogue_items() -> list[dict[str, Any]]:
    from cityops.core.dynamo import query_all

    return query_all(
        "ReportsTable",
        index="GSI1",
        key_condition="gsi1pk = :c",
        values={":c": "CATALOGUE"},
    )


def test_an_import_writes_every_indicator_and_the_list_is_one_query(people, call, calls):
    status, _, result = call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=people["admin"],
        body=body(SEED, effective_from="2027-01-01"),
    )
    assert status == 201, result
    assert (result["created"], result["revised"], result["unchanged"]) == (44, 0, 0)
    assert result["transactions"] == 1 and calls["transact_write_items"] == 1  # 88 items
    assert len(catalogue_items()) == 44
    # a first request reads the caller's directory profile, cached for the container after
    call("reports", "GET", "/v1/indicators", who=people["officer"])
    calls.clear()
    status, _, page = call(
        "reports", "GET", "/v1/indicators", who=people["officer"], query={"on": "2027-03-01"}
    )
    assert status == 200 and len(page["items"]) == 44
    assert dict(calls) == {"query": 1}
    codes = [item["code"] for item in page["items"]]
    assert codes == sorted(codes)
    rate = next(i for i in page["items"] if i["code"] == "DTC_TYLE_GIAINGAN")
    assert (rate["aggregation"], rate["weight"], rate["minimum"], rate["maximum"]) == (
        "weighted_average",
        "DTC_KEHOACH_VON",
        0,
        100,
    )
    status, _, page = call(
        "reports",
        "GET",
        "/v1/indicators",
        who=people["officer"],
        query={"on": "2027-03-01", "field": "Phòng cháy, chữa cháy"},
    )
    assert [i["code"] for i in page["items"]] == [
        "CHAYNO_BITHUONG",
        "CHAYNO_CHET",
        "CHAYNO_THIETHAI",
        "CHAYNO_VU",
    ]
    status, _, empty = call(
        "reports", "GET", "/v1/indicators", who=people["officer"], query={"on": "2026-12-31"}
    )
    assert status == 200 and empty["items"] == []


def test_a_file_with_one_bad_row_writes_nothing(people, call):
    from cityops.reports.catalogue_io import export_rows, parse_catalogue, to_xlsx

    good = parse_catalogue(SEED, "csv", {}).rows
    rows = export_rows((r.code, r.version(1, "2027-01-01")) for r in good)
    rows[9][8] = "cong_don"  # line 11, column I: aggregation
    status, _, problem = call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=people["admin"],
        body=body(to_xlsx(rows), "xlsx"),
    )
    assert status == 422
    assert [(e["line"], e["column"]) for e in problem["errors"]] == [(11, "I")]
    assert "cong_don" in problem["errors"][0]["msg"]
    assert "chưa nhập chỉ tiêu nào" in problem["detail"]
    assert catalogue_items() == []


def test_a_revision_keeps_the_old_version(people, call):
    admin = people["admin"]
    call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=admin,
        body=body(SEED, effective_from="2027-01-01"),
    )
    old, new = '"Số vụ cháy, nổ",', '"Số vụ cháy, nổ được thống kê",'
    assert SEED.decode().count(old) == 1
    changed = SEED.decode().replace(old, new).encode()
    status, _, result = call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=admin,
        body=body(changed, effective_from="2027-07-01"),
    )
    assert status == 201, result
    assert (result["revised_codes"], result["unchanged"]) == (["CHAYNO_VU"], 43)
    status, _, detail = call(
        "reports",
        "GET",
        "/v1/indicators/CHAYNO_VU",
        who=people["officer"],
        query={"on": "2027-03-01"},
    )
    assert status == 200
    assert [(v["version"], v["effective_from"], v["name"]) for v in detail["versions"]] == [
        (1, "2027-01-01", "Số vụ cháy, nổ"),
        (2, "2027-07-01", "Số vụ cháy, nổ được thống kê"),
    ]
    assert (detail["version"], detail["name"]) == (1, "Số vụ cháy, nổ")
    status, _, problem = call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=admin,
        body=body(SEED, effective_from="2027-03-01"),
    )
    assert status == 422 and problem["errors"][0]["line"] == 22  # CHAYNO_VU's line
    assert problem["errors"][0]["column"] == "code"


def test_only_an_administrator_imports_and_only_officials_read(people, call):
    for who in ("officer", "nobody"):
        status, _, problem = call(
            "reports", "POST", "/v1/indicators/imports", who=people[who], body=body(SEED)
        )
        assert status == 403, problem
    assert catalogue_items() == []
    assert call("reports", "GET", "/v1/indicators", who=people["nobody"])[0] == 403
    call("reports", "POST", "/v1/indicators/imports", who=people["admin"], body=body(SEED))
    assert call("reports", "GET", "/v1/indicators/TNGT_VU", who=people["nobody"])[0] == 404
    assert call("reports", "GET", "/v1/indicators/KHONG_CO", who=people["officer"])[0] == 404


def test_bad_bodies_are_problems_that_name_the_content(people, call):
    admin = people["admin"]
    status, _, problem = call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=admin,
        body={"format": "csv", "content": "không phải base64!"},
    )
    assert status == 422 and problem["errors"][0]["loc"] == ["body", "content"]
    status, _, problem = call(
        "reports", "POST", "/v1/indicators/imports", who=admin, body=body(b"not a workbook", "xlsx")
    )
    assert status == 422 and "không phải tệp XLSX" in problem["detail"]
    status, _, problem = call(
        "reports", "POST", "/v1/indicators/imports", who=admin, body={**body(SEED), "format": "ods"}
    )
    assert status == 422


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_is_a_file_that_imports_back_unchanged(people, call, function, fmt):
    call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=people["admin"],
        body=body(SEED, effective_from="2027-01-01"),
    )
    event = http_event(
        "GET",
        "/v1/indicators/export",
        who=people["officer"],
        query={"format": fmt, "on": "2027-02-01"},
    )
    known_to_the_directory(people["officer"])  # called without the call fixture
    reply = function("reports").lambda_handler(event, FakeContext())
    assert reply["statusCode"] == 200, reply.get("body")
    headers = reply["headers"]
    assert f'filename="danh-muc-chi-tieu-2027-02-01.{fmt}"' in headers["Content-Disposition"]
    data = base64.b64decode(reply["body"]) if reply.get("isBase64Encoded") else reply["body"]
    data = data.encode() if isinstance(data, str) else data
    status, _, result = call(
        "reports",
        "POST",
        "/v1/indicators/imports",
        who=people["admin"],
        body=body(data, fmt, effective_from="2027-02-01"),
    )
    assert status == 201, result
    assert (result["created"], result["revised"], result["unchanged"]) == (0, 0, 44)


def test_the_benchmarks_171_indicators_import_in_four_transactions(people, call, calls):
    content = catalogue_csv()
    status, _, result = call(
        "reports", "POST", "/v1/indicators/imports", who=people["admin"], body=body(content)
    )
    assert status == 201, json.dumps(result)[:500]
    assert result["created"] == 171
    assert result["transactions"] == 4 and calls["transact_write_items"] == 4  # 342 items
    assert len(catalogue_items()) == 171
    calls.clear()
    status, _, again = call(
        "reports", "POST", "/v1/indicators/imports", who=people["admin"], body=body(content)
    )
    assert (again["unchanged"], again["transactions"]) == (171, 0)
    assert calls["transact_write_items"] == 0 and calls["scan"] == 0
