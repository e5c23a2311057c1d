"""The documents function's HTTP contract on moto, in-process: the store's one transaction
per change (the number, the sender key, the search words, the obligation rows), numbers under
real concurrency, the register's index and its Appendix IV export, uploads through a
presigned URL checked from S3's event, the audit of every file read, problems for bad input
and unknown query parameters, and no Scan on any request path."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from cityops.core.dynamo import query_all

from tests.conftest import ROOT

PDF = b"%PDF-1.5\n" + b"1" * 300


@pytest.fixture
def docs(seeded, principal, setting):
    """The seed's units with their default registers and abbreviations; the people."""
    from cityops.core.auth import SYSTEM
    from cityops.directory.port import DIRECTORY
    from cityops.documents import objects, registers
    from cityops.documents.models import AbbreviationSet

    objects.reset_client()
    admin = principal(seeded["VP-UBND"], "admin")
    for unit in DIRECTORY.current.units_within(None):
        registers.ensure_default_registers(SYSTEM, unit)
    with (ROOT / "infra" / "seed" / "abbreviations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            unit_id = seeded[row["unit_code"]]["id"]
            registers.set_abbreviation(
                admin, unit_id, AbbreviationSet(abbreviation=row["abbreviation"]), 0
            )
    people = {
        "vp.clerk": principal(seeded["VP-UBND"], "clerk", sub="vp-clerk"),
        "chairman": principal(seeded["UBND-HN"], "city_leader", sub="chairman"),
        "sotc.officer": principal(seeded["SO-TC"], "officer", sub="sotc-officer"),
        "sotc.leader": principal(seeded["SO-TC"], "unit_leader", sub="sotc-leader"),
        "sotc.clerk": principal(seeded["SO-TC"], "clerk", sub="sotc-clerk"),
        "hoankiem.officer": principal(seeded["P-HOANKIEM"], "officer", sub="hk-officer"),
        "admin": admin,
    }
    yield seeded, people
    objects.reset_client()


def incoming_body(**changes: Any) -> dict[str, Any]:
    from cityops.core import clock

    today = clock.today().isoformat()
    body = {
        "received_on": today,
        "issuing_body": "Văn phòng Chính phủ",
        "number_symbol": "5/VPCP-KTTH",
        "issued_on": today,
        "doc_type": "CV",
        "summary": "Về việc triển khai Quy hoạch Thủ đô",
        "urgency": "normal",
    }
    body.update(changes)
    return body


def test_a_registration_is_one_transaction_with_its_number_sender_key_words_and_deadline(
    docs, call
):
    _units, people = docs
    status, headers, body = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    assert status == 201, body
    assert headers["ETag"] == '"1"' and headers["Location"] == f"/v1/documents/{body['id']}"
    table = "DocumentsTable"
    sequence = query_all(
        table, key_condition="pk = :pk", values={":pk": f"REGISTER#{body['register_id']}"}
    )
    assert [i["last"] for i in sequence if i["sk"].startswith("SEQ#")] == [1]
    unit = body["unit"]["id"]
    rows = query_all(
        table, key_condition="pk = :pk", values={":pk": f"SEARCH#{unit}#{body['year']}#hoach"}
    )
    assert [r["sk"] for r in rows] == [body["id"]]
    obligations = query_all(
        "ObligationsTable", key_condition="pk = :pk", values={":pk": f"document#{body['id']}"}
    )
    assert [(o["sk"], o["status"], o["system"]) for o in obligations] == [
        ("document.present", "open", "documents")
    ]


def test_thirty_registrations_in_threads_get_one_to_thirty_without_a_gap(docs):
    from cityops.documents import incoming, pipelines
    from cityops.documents.models import IncomingCreate

    _units, people = docs
    pipelines.DOCUMENTS.sleep = lambda _s: None
    start = threading.Barrier(6)

    def register(n: int) -> int:
        if n < 6:
            start.wait()
        data = IncomingCreate.model_validate(incoming_body(number_symbol=f"{n}/X"))
        return incoming.register_incoming(people["vp.clerk"], data).number

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(register, range(30)))
    assert sorted(numbers) == list(range(1, 31))


def test_the_same_document_twice_is_a_409_naming_the_first(docs, call):
    _units, people = docs
    _, _, first = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    status, _, problem = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    assert status == 409 and first["id"] in problem["detail"]
    assert problem["errors"][0]["document_id"] == first["id"]


def test_bad_input_gets_problems_with_field_paths_and_changes_nothing(docs, call):
    _units, people = docs
    cases = [
        incoming_body(doc_type="XX"),
        incoming_body(urgency="very"),
        incoming_body(received_on="not a date"),
        incoming_body(summary=""),
        {**incoming_body(), "colour": "red"},
        incoming_body(issued_on="2099-01-01"),
    ]
    for body in cases:
        status, headers, problem = call(
            "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=body
        )
        assert status == 422, (body, problem)
        assert headers["Content-Type"] == "application/problem+json"
    status, _, page = call("documents", "GET", "/v1/documents", who=people["vp.clerk"])
    assert status == 200 and page["items"] == []


def test_unknown_query_parameters_are_a_422(docs, call):
    _units, people = docs
    status, _, problem = call(
        "documents", "GET", "/v1/documents", who=people["vp.clerk"], query={"q": "x", "sort": "asc"}
    )
    assert status == 422 and problem["errors"][0]["loc"] == ["query", "sort"]


def test_a_secret_document_is_a_422_citing_the_law(docs, call):
    _units, people = docs
    status, _, problem = call(
        "documents",
        "POST",
        "/v1/documents/incoming",
        who=people["vp.clerk"],
        body={**incoming_body(), "secrecy": "top_secret", "pages": -1},
    )
    assert status == 422 and problem["type"].endswith("state-secret-refused")
    assert "29/2018/QH14" in problem["detail"]


def _put(upload: dict[str, Any], body: bytes) -> None:
    """What a browser does with the presigned URL: moto's server is not running here, so the
    PUT goes through boto3 with the same headers."""
    from urllib.parse import urlsplit

    path = urlsplit(upload["url"]).path
    key = path[path.index("documents/") :]
    headers = upload["headers"]
    boto3.client("s3").put_object(
        Bucket="documentsbucket",
        Key=key,
        Body=body,
        ContentType=headers["Content-Type"],
        ChecksumSHA256=headers["x-amz-checksum-sha256"],
    )


def test_an_upload_is_checked_from_s3s_event_and_every_read_is_audited(docs, call, function):
    _units, people = docs
    _, _, document = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    doc_id = document["id"]
    status, _, reply = call(
        "documents",
        "POST",
        f"/v1/documents/{doc_id}/files",
        who=people["vp.clerk"],
        body={
            "name": "../../etc/passwd.pdf",
            "media_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
    )
    assert status == 201, reply
    upload, file_id = reply["upload"], reply["file"]["id"]
    assert f"documents/{doc_id}/{file_id}" in upload["url"] and "passwd" not in upload["url"]
    assert "X-Amz-Signature" in upload["url"]  # Signature Version 4: the headers are signed
    assert upload["headers"]["If-None-Match"] == "*"
    assert (
        upload["headers"]["x-amz-checksum-sha256"]
        == base64.b64encode(hashlib.sha256(PDF).digest()).decode()
    )
    _put(upload, PDF)
    event = {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {
            "bucket": {"name": "documentsbucket"},
            "object": {"key": f"documents/{doc_id}/{file_id}"},
        },
    }
    from tests.conftest import FakeContext

    result = function("documents").lambda_handler(event, FakeContext())
    assert result["result"] == "available"
    status, _, opened = call(
        "documents", "GET", f"/v1/documents/{doc_id}/files/{file_id}", who=people["vp.clerk"]
    )
    assert status == 200 and "X-Amz-Signature" in opened["url"]
    _, _, history = call(
        "documents", "GET", f"/v1/documents/{doc_id}/history", who=people["vp.clerk"]
    )
    assert [h["action"] for h in history["items"]] == [
        "document.registered",
        "document.file_added",
        "document.file_checked",
        "document.file_opened",
    ]
    assert file_id in history["items"][-1]["note"]


def test_the_register_export_is_an_xlsx_in_the_appendix_iv_layout(docs, call):
    from cityops.cases.importer import read_table

    _units, people = docs
    for n in (1, 2):
        call(
            "documents",
            "POST",
            "/v1/documents/incoming",
            who=people["vp.clerk"],
            body=incoming_body(number_symbol=f"{n}/VPCP"),
        )
    _, _, registers = call("documents", "GET", "/v1/registers", who=people["vp.clerk"])
    book = next(r for r in registers["items"] if r["kind"] == "incoming")
    status, headers, _ = _raw(
        call,
        "GET",
        f"/v1/registers/{book['id']}/export",
        who=people["vp.clerk"],
        query={"format": "xlsx"},
    )
    assert status == 200, headers
    data = base64.b64decode(_raw.last["body"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    rows = [cells for _line, cells in read_table("xlsx", base64.b64encode(data).decode())]
    assert rows[1][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" and rows[5][0] == "Từ số 1 đến số 2"
    assert rows[8] == [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert [r[1] for r in rows[10:]] == ["1", "2"]


def _raw(call, method, path, **kwargs):
    from tests.conftest import FakeContext, http_event, load_function

    reply = load_function("documents").lambda_handler(
        http_event(method, path, **kwargs), FakeContext()
    )
    _raw.last = reply
    return reply["statusCode"], reply.get("headers") or {}, None


def test_a_ward_officer_gets_404_and_no_request_path_scans(docs, call, monkeypatch):
    from cityops.core import aws

    _units, people = docs
    _, _, document = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    dynamodb = aws.client("dynamodb")

    def no_scan(*_a, **_k):
        raise AssertionError("a Scan on a request path")

    monkeypatch.setattr(dynamodb, "scan", no_scan)
    for who in ("hoankiem.officer",):
        assert (
            call("documents", "GET", f"/v1/documents/{document['id']}", who=people[who])[0] == 404
        )
    for query in ({}, {"q": "quy hoach"}, {"urgency": "normal"}):
        status, _, page = call(
            "documents", "GET", "/v1/documents", who=people["chairman"], query=query
        )
        assert status == 200 and [d["id"] for d in page["items"]] == [document["id"]], query
    status, _, page = call("documents", "GET", "/v1/documents", who=people["hoankiem.officer"])
    assert status == 200 and page["items"] == []


@pytest.mark.parametrize("name", ["s3-object-created", "bus-document-issued", "bus-task-extended"])
def test_the_sample_bus_events_are_taken_and_left_alone_when_nothing_matches(docs, function, name):
    import json

    from tests.conftest import FakeContext

    event = json.loads((ROOT / "events" / "documents" / f"{name}.json").read_text())
    result = function("documents").lambda_handler(event, FakeContext())
    assert (
        result.get("result") == "ignored"
        or result.get("ignored") == event["detail-type"]
        or result == {"followed": None}  # no such document: nothing follows the task
    )


def test_a_lead_unit_finds_by_words_what_another_unit_owns_and_it_leads(docs, call):
    seeded, people = docs
    _, _, document = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    direction = {
        "lead_unit_id": seeded["SO-TC"]["id"],
        "instructions": "Xử lý",
        "due_in_working_days": 5,
    }
    status, _, _ = call(
        "documents",
        "POST",
        f"/v1/documents/{document['id']}/direction",
        who=people["chairman"],
        body=direction,
        headers={"if-match": '"1"'},
    )
    assert status == 200
    query = {"lead_unit_id": seeded["SO-TC"]["id"], "q": "QUY HOẠCH thu do"}
    _, _, page = call("documents", "GET", "/v1/documents", who=people["sotc.officer"], query=query)
    assert [(d["id"], d["role"]) for d in page["items"]] == [(document["id"], "lead")]
    query["q"] = "giao thong"
    _, _, page = call("documents", "GET", "/v1/documents", who=people["sotc.officer"], query=query)
    assert page["items"] == []


def test_a_retried_registration_with_its_idempotency_key_takes_no_second_number(docs, call):
    _units, people = docs
    headers = {"idempotency-key": "register-once"}
    first = call(
        "documents",
        "POST",
        "/v1/documents/incoming",
        who=people["vp.clerk"],
        body=incoming_body(),
        headers=headers,
    )
    again = call(
        "documents",
        "POST",
        "/v1/documents/incoming",
        who=people["vp.clerk"],
        body=incoming_body(),
        headers=headers,
    )
    assert first[0] == again[0] == 201 and first[2]["id"] == again[2]["id"]
    other = call(
        "documents",
        "POST",
        "/v1/documents/incoming",
        who=people["vp.clerk"],
        body=incoming_body(number_symbol="6/VPCP"),
        headers=headers,
    )
    assert other[0] == 422  # the same key with another body


def test_lists_page_with_a_signed_cursor(docs, call):
    _units, people = docs
    ids = [
        call(
            "documents",
            "POST",
            "/v1/documents/incoming",
            who=people["vp.clerk"],
            body=incoming_body(number_symbol=f"{n}/P"),
        )[2]["id"]
        for n in range(3)
    ]
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, _, page = call(
            "documents", "GET", "/v1/documents", who=people["vp.clerk"], query=query
        )
        assert status == 200
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids, reverse=True)
    status, _, _problem = call(
        "documents",
        "GET",
        "/v1/documents",
        who=people["vp.clerk"],
        query={"cursor": cursor_of_another_list(call, people)},
    )
    assert status == 422


def cursor_of_another_list(call, people) -> str:
    from cityops.core.pagination import encode_cursor

    return encode_cursor({"pk": "x", "sk": "y"}, "another list")


def test_the_issued_event_delivers_nothing_twice(docs, function):
    from cityops.documents import files, incoming, outgoing
    from cityops.documents.models import FileCreate, Note, OutgoingCreate, Signing

    from tests.conftest import FakeContext

    seeded, people = docs
    data = OutgoingCreate.model_validate(
        {
            "doc_type": "TB",
            "summary": "Thông báo lịch họp",
            "recipients": [{"unit_id": seeded["VP-UBND"]["id"]}],
        }
    )
    draft = outgoing.draft(people["sotc.officer"], data)
    outgoing.submit(people["sotc.officer"], draft.id, Note(), 1)
    upload = files.request_upload(
        people["sotc.leader"],
        draft.id,
        FileCreate(
            name="tb.pdf",
            media_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
        ),
    )
    _put(upload.upload.model_dump(), PDF)
    files.check_upload(files.file_key(draft.id, upload.file.id))
    outgoing.sign(people["sotc.leader"], draft.id, Signing(file_id=upload.file.id), 4)
    issued = outgoing.issue(people["sotc.clerk"], draft.id, Note(), 5)
    assert issued.number_symbol == "01/TB-STC"
    event = {
        "source": "cityops.documents",
        "detail-type": "DocumentIssued",
        "detail": {"document_id": issued.id},
    }
    again = function("documents").lambda_handler(event, FakeContext())
    key = incoming.delivery_key(issued.id, seeded["VP-UBND"]["id"])
    from cityops.documents.pipelines import DOCUMENTS

    copy_id = DOCUMENTS.store.unique_owner(key)
    assert again == {"delivered": [{"unit_id": seeded["VP-UBND"]["id"], "document_id": copy_id}]}
    copies = query_all(
        "DocumentsTable",
        index="GSI2",
        key_condition="gsi2pk = :u",
        values={":u": f"UNIT#{seeded['VP-UBND']['id']}"},
    )
    assert [c["id"] for c in copies if c.get("source_document_id") == issued.id] == [copy_id]
    from cityops.cases.importer import read_table
    from cityops.documents import export

    name, data = export.export_register(people["sotc.clerk"], issued.register_id, None)
    rows = [cells for _line, cells in read_table("xlsx", base64.b64encode(data).decode())]
    assert rows[1] == ["SỔ ĐĂNG KÝ VĂN BẢN ĐI"] and rows[8][0] == "Số, ký hiệu văn bản"
    assert rows[10][0] == "01/TB-STC" and rows[10][2] == "Thông báo: Thông báo lịch họp"
    assert "Văn phòng" in rows[10][4] and name.startswith("so-van-ban-di-")


def test_a_legal_hold_is_placed_on_the_object_by_an_administrator(docs, call):
    _units, people = docs
    _, _, document = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    _, _, reply = call(
        "documents",
        "POST",
        f"/v1/documents/{document['id']}/files",
        who=people["vp.clerk"],
        body={
            "name": "a.pdf",
            "media_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
    )
    _put(reply["upload"], PDF)
    from cityops.documents import files

    key = files.file_key(document["id"], reply["file"]["id"])
    assert files.check_upload(key)["result"] == "available"
    path = f"/v1/documents/{document['id']}/files/{reply['file']['id']}/legal-hold"
    status, _, _ = call(
        "documents",
        "PUT",
        path,
        who=people["vp.clerk"],
        body={"on": True},
        headers={"if-match": '"3"'},
    )
    assert status == 403
    status, _, held = call(
        "documents",
        "PUT",
        path,
        who=people["admin"],
        body={"on": True},
        headers={"if-match": '"3"'},
    )
    assert status == 200, held
    assert held == {  # the hold, not the document, which an administrator may not read
        "document_id": document["id"],
        "file_id": reply["file"]["id"],
        "legal_hold": True,
        "version": 4,
    }
    hold = boto3.client("s3").get_object_legal_hold(Bucket="documentsbucket", Key=key)
    assert hold["LegalHold"]["Status"] == "ON"


def test_an_upload_that_is_not_its_type_is_quarantined_and_tagged_so_on_the_object(docs, call):
    """The reason goes on the object's tag as S3 allows it (no commas in a tag's value)."""
    _units, people = docs
    _, _, document = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    text = b"not a pdf at all, only text" * 20
    file = {"name": "fake.pdf", "media_type": "application/pdf", "size": len(text),
            "sha256": hashlib.sha256(text).hexdigest()}  # fmt: skip
    _, _, reply = call("documents", "POST", f"/v1/documents/{document['id']}/files",
                       who=people["vp.clerk"], body=file)  # fmt: skip
    _put(reply["upload"], text)
    from cityops.documents import files

    key = files.file_key(document["id"], reply["file"]["id"])
    result = files.check_upload(key)
    assert result["result"] == "quarantined" and "Không phải tệp PDF" in result["reason"]
    tags = boto3.client("s3").get_object_tagging(Bucket="documentsbucket", Key=key)["TagSet"]
    assert [t["Key"] for t in tags] == ["quarantined"] and "khong phai tep pdf" in tags[0]["Value"]
    _, _, read = call("documents", "GET", f"/v1/documents/{document['id']}", who=people["vp.clerk"])
    assert [(f["status"], f["reason"]) for f in read["files"]] == [
        ("quarantined", result["reason"])
    ]


def test_documents_obligations_count_in_the_scoreboard_under_documents(docs, call):
    from datetime import datetime

    from cityops.core.calendar import CITY_TZ

    _units, people = docs
    _, _, document = call(
        "documents", "POST", "/v1/documents/incoming", who=people["vp.clerk"], body=incoming_body()
    )
    status, _, _ = call(
        "documents", "POST", f"/v1/documents/{document['id']}/presentation",
        who=people["vp.clerk"], body={}, headers={"if-match": '"1"'},
    )  # fmt: skip
    assert status == 200
    due = next(d for d in document["deadlines"] if d["key"] == "document.present")["due_at"]
    day = datetime.fromisoformat(due.replace("Z", "+00:00")).astimezone(CITY_TZ).date()
    query = {"from": day.isoformat(), "to": day.isoformat()}
    status, _, body = call(
        "deadlines", "GET", "/v1/scoreboard", who=people["chairman"], query=query
    )
    assert status == 200, body
    office = next(u for u in body["units"] if u["code"] == "VP-UBND")
    assert office["systems"]["documents"]["due"] == 1
    assert office["systems"]["documents"]["met_on_time"] == 1


def test_words_searched_within_a_register_find_only_that_registers_documents(docs, call):
    _units, people = docs
    clerk = people["vp.clerk"]
    _, _, document = call("documents", "POST", "/v1/documents/incoming", who=clerk,
                          body=incoming_body())  # fmt: skip
    _, _, registers = call("documents", "GET", "/v1/registers", who=clerk)
    other = next(r["id"] for r in registers["items"] if r["id"] != document["register_id"])
    for register_id, expected in ((document["register_id"], [document["id"]]), (other, [])):
        query = {"q": "quy hoach", "register_id": register_id}
        status, _, page = call("documents", "GET", "/v1/documents", who=clerk, query=query)
        assert status == 200 and [d["id"] for d in page["items"]] == expected, register_id
