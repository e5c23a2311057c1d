"""Documents over HTTP against the local stack, as users would do it (issue 9, "Done when"):
the Office's clerk registers an urgent công văn from the Government Office and uploads its PDF
through the presigned URL; it is incoming number 1 of the Office's register; the chairman
directs it to the Department of Finance (lead) and of Construction (coordinating), due in 10
working days; the Finance officer opens the file (the read is audited) and drafts the reply;
the Finance leader signs it; the Finance clerk issues it as outgoing number 1 and it lands in
the Office's incoming register; the handling obligation closes on time; the register's XLSX
export lists them; a ward's officer gets 404 for both; a secret document is refused; 50
registrations in parallel get 1 to 50; a file that does not match its checksum is not made
available."""

from __future__ import annotations

import hashlib
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
import requests

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(stack, client, document_id: str, body: bytes, declared: bytes | None = None):
    """Ask for an upload, PUT the bytes to the presigned URL as a browser would, and wait for
    S3's ObjectCreated event to reach the function through the bus."""
    reply = client.post(
        f"/v1/documents/{document_id}/files",
        json={
            "name": "văn bản.pdf",
            "media_type": "application/pdf",
            "size": len(body),
            "sha256": hashlib.sha256(declared or body).hexdigest(),
        },
    )
    assert reply.status_code == 201, reply.text
    target = reply.json()["upload"]
    assert target["url"].startswith("http://127.0.0.1:")  # the local moto server
    assert "documents/" + document_id in target["url"] and "pdf" not in target["url"].lower()
    put = requests.put(target["url"], data=body, headers=target["headers"], timeout=30)
    assert put.status_code == 200, put.text
    stack.drain()
    file_id = reply.json()["file"]["id"]
    document = client.get(f"/v1/documents/{document_id}").json()
    upload.last = target
    return next(f for f in document["files"] if f["id"] == file_id)


def etag(reply) -> dict[str, str]:
    return {"If-Match": reply.headers["ETag"]}


def sheet_rows(data: bytes) -> list[list[str]]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    return [
        [
            "".join(t.text or "" for t in c.iterfind(".//m:t", ns)) or c.findtext("m:v", "", ns)
            for c in row.iterfind("m:c", ns)
        ]
        for row in root.iterfind(".//m:row", ns)
    ]


def test_an_incoming_document_from_registration_through_direction_to_its_issued_reply(stack):
    clerk, chairman = stack.as_user("vp.clerk"), stack.as_user("chairman")
    units = chairman.units_by_code()
    office, finance, construction = units["VP-UBND"], units["SO-TC"], units["SO-XD"]

    # the Office's clerk registers an urgent công văn from the Government Office
    reply = clerk.post(
        "/v1/documents/incoming",
        json={
            "received_on": _today(clerk),
            "issuing_body": "Văn phòng Chính phủ",
            "number_symbol": "9876/VPCP-KTTH",
            "issued_on": _today(clerk),
            "doc_type": "CV",
            "summary": "Về việc đẩy nhanh giải ngân vốn đầu tư công, Quy hoạch đô thị",
            "urgency": "urgent",
            "pages": 2,
            "channel": "electronic",
        },
        headers={"Idempotency-Key": "e2e-documents-incoming"},
    )
    assert reply.status_code == 201, reply.text
    incoming = reply.json()
    assert (incoming["number"], incoming["status"]) == (1, "registered")
    assert incoming["register_name"] == "Sổ đăng ký văn bản đến"
    assert incoming["year"] == int(_today(clerk)[:4]) and incoming["unit"]["id"] == office
    doc_id = incoming["id"]
    present = next(d for d in incoming["deadlines"] if d["key"] == "document.present")
    assert present["kind"] == "document.present.urgent"

    pdf = upload(stack, clerk, doc_id, PDF)
    assert pdf["status"] == "available", pdf

    # the search finds it whatever the accents and case
    found = clerk.get("/v1/documents", params={"q": "quy HOACH do thi"}).json()["items"]
    assert [d["id"] for d in found] == [doc_id]

    # the chairman directs it, tracked as a task
    current = chairman.get(f"/v1/documents/{doc_id}")
    direction = {
        "lead_unit_id": finance,
        "coordinating_unit_ids": [construction],
        "instructions": "Giao Sở Tài chính chủ trì, phối hợp Sở Xây dựng xử lý, báo cáo.",
        "due_in_working_days": 10,
        "track_as_task": True,
    }
    reply = chairman.post(
        f"/v1/documents/{doc_id}/direction", json=direction, headers=etag(current)
    )
    assert reply.status_code == 200, reply.text
    directed = reply.json()
    assert directed["status"] == "directed"
    handle = next(d for d in directed["deadlines"] if d["key"] == "document.handle")
    assert handle["responsible_unit_id"] == finance and handle["status"] == "open"
    task_id = directed["direction"]["task_id"]
    task = chairman.get(f"/v1/tasks/{task_id}").json()
    assert task["source_document"]["incoming_document_id"] == doc_id
    assert (task["lead_unit_id"], task["coordinating_unit_ids"]) == (finance, [construction])
    assert task["due_date"] == directed["direction"]["due_on"]
    again = chairman.post(f"/v1/documents/{doc_id}/direction", json=direction, headers=etag(reply))
    assert again.status_code == 409  # directed once: one task

    # the chairman grants the task more time: the document's handling deadline follows it
    later = (date.fromisoformat(task["due_date"]) + timedelta(days=14)).isoformat()
    finance_leader = stack.as_user("sotc.leader")
    current = finance_leader.get(f"/v1/tasks/{task_id}")
    asked = finance_leader.post(
        f"/v1/tasks/{task_id}/extensions",
        json={"new_due_date": later, "reason": "Chờ số liệu của các quận, huyện"},
        headers=etag(current),
    )
    assert asked.status_code == 201, asked.text
    current = chairman.get(f"/v1/tasks/{task_id}")
    decided = chairman.post(
        f"/v1/tasks/{task_id}/extensions/{asked.json()['extensions'][0]['id']}/decision",
        json={"decision": "approved", "reason": "Đồng ý gia hạn"},
        headers=etag(current),
    )
    assert decided.status_code == 200, decided.text
    stack.drain()
    followed = chairman.get(f"/v1/documents/{doc_id}").json()
    assert followed["direction"]["due_on"] == later
    handle = next(d for d in followed["deadlines"] if d["key"] == "document.handle")
    assert handle["due_on"] == later and handle["status"] == "open"
    history = chairman.get(f"/v1/documents/{doc_id}/history").json()["items"]
    assert history[-1]["action"] == "document.deadline_followed"

    # the Finance officer sees it, opens the file, and the read is in the history
    officer = stack.as_user("sotc.officer")
    opened = officer.get(f"/v1/documents/{doc_id}/files/{pdf['id']}")
    assert opened.status_code == 200, opened.text
    assert requests.get(opened.json()["url"], timeout=30).content == PDF
    history = officer.get(f"/v1/documents/{doc_id}/history").json()["items"]
    reads = [h for h in history if h["action"] == "document.file_opened"]
    assert reads and reads[-1]["actor_name"] == "Chuyên viên Sở Tài chính"
    assert (
        officer.get("/v1/documents", params={"lead_unit_id": finance}).json()["items"][0]["id"]
        == doc_id
    )

    # ... drafts the reply to the Office; the leader signs it with the signed file
    reply = officer.post(
        "/v1/documents/outgoing",
        json={
            "doc_type": "CV",
            "summary": "Về việc báo cáo tiến độ giải ngân vốn đầu tư công",
            "recipients": [{"unit_id": office}, {"name": "Văn phòng Chính phủ"}],
            "answers_document_id": doc_id,
        },
    )
    assert reply.status_code == 201, reply.text
    reply_id = reply.json()["id"]
    submitted = officer.post(f"/v1/documents/{reply_id}/submission", json={}, headers=etag(reply))
    assert submitted.status_code == 200, submitted.text
    leader = stack.as_user("sotc.leader")
    signed_pdf = upload(stack, leader, reply_id, PDF + b"% signed\n")
    assert signed_pdf["status"] == "available"
    current = leader.get(f"/v1/documents/{reply_id}")
    signed = leader.post(
        f"/v1/documents/{reply_id}/signature",
        json={"file_id": signed_pdf["id"]},
        headers=etag(current),
    )
    assert signed.status_code == 200, signed.text

    # the Finance clerk issues it: outgoing number 1, and it lands in the Office's register
    finance_clerk = stack.as_user("sotc.clerk")
    issued = finance_clerk.post(f"/v1/documents/{reply_id}/issue", json={}, headers=etag(signed))
    assert issued.status_code == 200, issued.text
    out = issued.json()
    assert (out["status"], out["number"], out["number_symbol"]) == ("issued", 1, "01/STC")
    (delivery,) = out["deliveries"]
    assert delivery["unit_id"] == office and delivery["document_id"]
    landed = clerk.get(f"/v1/documents/{delivery['document_id']}").json()
    assert landed["number"] == 2 and landed["issuing_unit_id"] == finance
    assert landed["number_symbol"] == "01/STC" and landed["source_document_id"] == reply_id

    # the lead unit reports it handled with the reply: on time
    current = officer.get(f"/v1/documents/{doc_id}")
    handled = officer.post(
        f"/v1/documents/{doc_id}/result",
        json={"result": "Đã báo cáo bằng văn bản", "reply_document_id": reply_id},
        headers=etag(current),
    )
    assert handled.status_code == 200, handled.text
    assert handled.json()["handling"]["outcome"] == "met_on_time"
    assert handled.json()["handling"]["reply_number_symbol"] == "01/STC"
    task = chairman.get(f"/v1/tasks/{task_id}").json()
    assert task["status"] == "awaiting_confirmation"
    assert "01/STC" in task["completion"]["result"]

    # the Office's register, as printed, lists both
    registers = clerk.get("/v1/registers").json()["items"]
    book = next(r for r in registers if r["kind"] == "incoming" and not r["doc_types"])
    assert book["last_number"] >= 2
    exported = clerk.get(f"/v1/registers/{book['id']}/export", params={"format": "xlsx"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(exported.content)
    assert rows[1] == ["SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"]
    assert rows[8][:2] == ["Ngày đến", "Số đến"] and len(rows[8]) == 10
    numbers = {r[1]: r for r in rows[10:]}
    assert numbers["1"][3] == "9876/VPCP-KTTH" and numbers["1"][6] == "Sở Tài chính"
    assert numbers["2"][3] == "01/STC"
    entries = clerk.get(f"/v1/registers/{book['id']}/entries").json()["items"]
    assert [e["number"] for e in entries][:2] == [1, 2]

    # a ward's officer sees neither
    ward = stack.as_user("hoankiem.officer")
    assert ward.get(f"/v1/documents/{doc_id}").status_code == 404
    assert ward.get(f"/v1/documents/{reply_id}").status_code == 404
    assert ward.get(f"/v1/documents/{doc_id}/files/{pdf['id']}").status_code == 404


def test_a_secret_document_is_refused_and_nothing_of_it_is_stored(stack):
    clerk = stack.as_user("vp.clerk")
    before = clerk.get("/v1/registers").json()["items"]
    reply = clerk.post(
        "/v1/documents/incoming",
        json={
            "received_on": _today(clerk),
            "issuing_body": "Bộ Quốc phòng",
            "number_symbol": "12/BQP-M",
            "issued_on": _today(clerk),
            "doc_type": "CV",
            "summary": "Tài liệu mật",
            "secrecy": "secret",
        },
    )
    assert reply.status_code == 422
    problem = reply.json()
    assert problem["type"].endswith("/state-secret-refused")
    assert "Luật Bảo vệ bí mật nhà nước" in problem["detail"]
    assert clerk.get("/v1/registers").json()["items"] == before
    assert clerk.get("/v1/documents", params={"q": "tai lieu mat"}).json()["items"] == []


def test_fifty_registrations_in_parallel_get_numbers_one_to_fifty(stack):
    admin, clerk = stack.as_user("admin"), stack.as_user("vp.clerk")
    office = admin.units_by_code()["VP-UBND"]
    made = admin.post(
        "/v1/registers",
        json={
            "unit_id": office,
            "kind": "incoming",
            "name": "Sổ thông báo đến",
            "doc_types": ["TB"],
        },
    )
    assert made.status_code == 201, made.text
    register_id = made.json()["id"]

    def register(n: int) -> int:
        reply = clerk.post(
            "/v1/documents/incoming",
            json={
                "register_id": register_id,
                "received_on": _today(clerk),
                "issuing_body": f"Sở {n}",
                "number_symbol": f"{n}/TB-S",
                "issued_on": _today(clerk),
                "doc_type": "TB",
                "summary": f"Thông báo số {n}",
            },
        )
        assert reply.status_code == 201, reply.text
        return reply.json()["number"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(register, range(50)))
    assert sorted(numbers) == list(range(1, 51))
    entries = clerk.get(f"/v1/registers/{register_id}/entries", params={"limit": "200"}).json()
    assert [e["number"] for e in entries["items"]] == list(range(1, 51))


def test_a_file_that_does_not_match_its_checksum_is_not_made_available(stack):
    clerk = stack.as_user("vp.clerk")
    reply = clerk.post(
        "/v1/documents/incoming",
        json={
            "received_on": _today(clerk),
            "issuing_body": "Bộ Nội vụ",
            "number_symbol": "77/BNV-VP",
            "issued_on": _today(clerk),
            "doc_type": "CV",
            "summary": "Về việc tập huấn",
        },
    )
    assert reply.status_code == 201, reply.text
    doc_id = reply.json()["id"]
    bad = upload(stack, clerk, doc_id, PDF, declared=b"another file")
    assert bad["status"] == "quarantined" and "SHA-256" in bad["reason"]
    assert clerk.get(f"/v1/documents/{doc_id}/files/{bad['id']}").status_code == 409


def test_an_uploaded_file_is_never_overwritten(stack):
    clerk = stack.as_user("vp.clerk")
    reply = clerk.post(
        "/v1/documents/incoming",
        json={"received_on": _today(clerk), "issuing_body": "Bộ Tư pháp",
              "number_symbol": "31/BTP-VP", "issued_on": _today(clerk), "doc_type": "CV",
              "summary": "Về việc rà soát văn bản"},
    )  # fmt: skip
    assert reply.status_code == 201, reply.text
    doc_id = reply.json()["id"]
    first = upload(stack, clerk, doc_id, PDF)
    assert first["status"] == "available"
    target = upload.last
    again = requests.put(target["url"], data=PDF, headers=target["headers"], timeout=30)
    assert again.status_code == 412  # If-None-Match: * (signed): the object stays as it was
    opened = clerk.get(f"/v1/documents/{doc_id}/files/{first['id']}").json()
    assert requests.get(opened["url"], timeout=30).content == PDF


def test_unknown_query_parameters_are_refused(stack):
    clerk = stack.as_user("vp.clerk")
    reply = clerk.get("/v1/documents", params={"statuss": "registered"})
    assert reply.status_code == 422 and reply.json()["errors"][0]["loc"] == ["query", "statuss"]


def _today(client) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()


def test_a_flash_document_not_presented_within_hours_is_chased_by_the_sweep(stack, reset_clock):
    import uuid

    stack.set_clock("2027-03-08T09:10:00+07:00")  # a Monday, clear of the hourly schedule
    clerk = stack.as_user("vp.clerk")
    summary = f"Hỏa tốc: triệu tập họp khẩn {uuid.uuid4().hex[:8]}"
    reply = clerk.post(
        "/v1/documents/incoming",
        json={"received_on": "2027-03-08", "issuing_body": "Văn phòng Chính phủ",
              "number_symbol": f"{uuid.uuid4().hex[:6]}/VPCP-TH", "issued_on": "2027-03-08",
              "doc_type": "CV", "summary": summary, "urgency": "flash"},
    )  # fmt: skip
    assert reply.status_code == 201, reply.text
    present = next(d for d in reply.json()["deadlines"] if d["key"] == "document.present")
    assert present["due_at"].startswith("2027-03-08T04:10")  # two hours: 11:10 in Hanoi
    stack.set_clock("2027-03-08T11:40:00+07:00")
    result = stack.run_schedule("deadline_sweep")["result"]
    assert result["complete"], result
    mail: list = []
    for _ in range(30):  # the sweep also chases this session's other documents, now overdue
        stack.drain()
        mail = [m for m in stack.outbox()["mail"] if summary in str(m["body"])]
        if mail:
            break
    assert mail, "the Office was not told"
    assert any("Quá hạn" in (m["subject"] or "") for m in mail)
