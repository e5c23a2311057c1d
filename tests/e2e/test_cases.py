"""Cases over HTTP against the local stack, as users would do it (issue 4, "Done when").

1. A citizen submits a denunciation through the public endpoint and gets a tracking code;
   vp.clerk routes it to the city Inspectorate; thanhtra.inspector accepts it, and its
   deadlines are the legal ones counted across Tết 2027; it is marked complex and extended
   once; the clock moves; it is concluded; the citizen's tracking shows the status and nothing
   else; sotc.officer gets 404; the denunciator's name is in no response but the identity
   endpoint's, in no event on the bus, no notice and no log line.
2. The same for a first-time complaint, and voter petitions imported from a CSV file.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.e2e

TET_2027 = "2027-02-01T09:00:00+07:00"  # Monday; Tết 2027 is Thursday 4 to Wednesday 10 Feb
GROUP = "Tổ đại biểu số 3"


def end_of(day: str) -> str:
    """A due date-time as the API shows it: the end of that day in Hanoi, in UTC."""
    return f"{day}T16:59:59.999999Z"


class Recorder:
    """Keeps every reply's text, to prove what never appears in them."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, reply):
        self.texts.append(reply.text)
        return reply

    def contains(self, word: str) -> bool:
        return any(word.lower() in text.lower() for text in self.texts)


def find_by_tracking_code(client, code: str) -> dict[str, Any]:
    params: dict[str, str] = {"limit": "200"}
    while True:
        reply = client.get("/v1/cases", params=params)
        assert reply.status_code == 200, reply.text
        for item in reply.json()["items"]:
            if item["tracking_code"] == code:
                return item
        if not reply.json()["next_cursor"]:
            raise AssertionError(f"no case with tracking code {code}")
        params["cursor"] = reply.json()["next_cursor"]


def act(client, case_id: str, action: str, body: dict[str, Any], record: Recorder) -> dict:
    """Read the case for its ETag, then take the action with If-Match."""
    etag = record(client.get(f"/v1/cases/{case_id}")).headers["ETag"]
    reply = record(
        client.post(f"/v1/cases/{case_id}/{action}", json=body, headers={"If-Match": etag})
    )
    assert reply.status_code == 200, (action, reply.text)
    return reply.json()


def deadlines(case: dict[str, Any]) -> dict[str, tuple[str, str, str | None]]:
    """kind -> (due_at, status, outcome) of the latest deadline of each kind."""
    return {d["kind"]: (d["due_at"], d["status"], d["outcome"]) for d in case["deadlines"]}


class Bus:
    """A rule and a queue on the local stack's bus that keep every cases event."""

    def __init__(self, stack) -> None:
        match = re.search(r"moto at (http://127\.0\.0\.1:\d+)", stack.output())
        assert match, "make run did not print moto's address"
        options = {
            "endpoint_url": match.group(1),
            "region_name": "ap-southeast-1",
            "aws_access_key_id": "local",
            "aws_secret_access_key": "local",
        }
        self.events, self.sqs = boto3.client("events", **options), boto3.client("sqs", **options)
        bus = next(
            b["Name"]
            for b in self.events.list_event_buses()["EventBuses"]
            if b["Name"].startswith("cityops-")
        )
        name = f"e2e-cases-{uuid.uuid4().hex[:8]}"
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
        self.events.put_rule(
            Name=name, EventBusName=bus, EventPattern=json.dumps({"source": ["cityops.cases"]})
        )
        self.events.put_targets(
            Rule=name,
            EventBusName=bus,
            Targets=[{"Id": "e2e", "Arn": arn["Attributes"]["QueueArn"]}],
        )

    def received(self) -> list[dict[str, Any]]:
        out = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


def events_of(bus: Bus, case_id: str) -> tuple[list[str], str]:
    events = [e for e in bus.received() if e["detail"].get("case_id") == case_id]
    return [e["detail-type"] for e in events], json.dumps(events, ensure_ascii=False)


def test_a_denunciation_from_the_public_to_its_conclusion_keeps_the_denunciator_secret(
    stack, reset_clock
):
    run = uuid.uuid4().hex[:6].upper()
    name = f"Phạm Thị Bí Mật {run}"
    phone, id_number = "0904" + str(uuid.uuid4().int)[:6], "0011" + str(uuid.uuid4().int)[:8]
    record, bus = Recorder(), Bus(stack)
    stack.set_clock(TET_2027)
    citizen = stack.anonymous()

    # a citizen submits a denunciation and gets a tracking code and a secret
    reply = record(
        citizen.post(
            "/v1/public/cases",
            json={
                "kind": "denunciation",
                "subject": "Tố cáo cán bộ thu tiền khi cấp phép xây dựng",
                "content": f"Tôi là {name}, CCCD {id_number}, điện thoại {phone}. Tôi tố cáo ...",
                "denounced": "Một cán bộ cấp phép xây dựng",
                "name": name,
                "address": f"Số {run} phố Hàng Gai, Hoàn Kiếm",
                "phone": phone,
                "id_number": id_number,
            },
        )
    )
    assert reply.status_code == 201, reply.text
    code, secret = reply.json()["tracking_code"], reply.json()["secret"]

    # vp.clerk finds it in the Office's list and routes it to the city Inspectorate
    clerk = stack.as_user("vp.clerk")
    units = clerk.units_by_code()
    case_id = find_by_tracking_code(clerk, code)["id"]
    routed = act(
        clerk, case_id, "classify", {"decision": "transfer", "to_unit_id": units["TTR-HN"]}, record
    )
    assert deadlines(routed)["case.forward"] == (end_of("2027-02-15"), "open", None)
    arrived = act(clerk, case_id, "forward", {"note": "Chuyển Thanh tra TP"}, record)
    # seven working days from 1/2: 2, 3 Feb, Tết 4–10, then 11, 12, 15, 16, 17 Feb
    assert deadlines(arrived)["denunciation.accept"] == (end_of("2027-02-17"), "open", None)
    assert record(clerk.get(f"/v1/cases/{case_id}")).status_code == 404  # it left the Office

    # thanhtra.inspector takes it, accepts it two days later
    inspector = stack.as_user("thanhtra.inspector")
    me = record(inspector.get("/v1/me")).json()["id"]
    stack.set_clock("2027-02-03T10:00:00+07:00")
    act(inspector, case_id, "assign", {"handler_id": me}, record)
    accepted = act(inspector, case_id, "accept", {"note": "Đủ điều kiện thụ lý"}, record)
    assert deadlines(accepted) == {
        "denunciation.accept": (end_of("2027-02-17"), "closed", "met_on_time"),
        "denunciation.resolve": (end_of("2027-03-05"), "open", None),  # 30 days
        "denunciation.notify": (end_of("2027-02-17"), "open", None),  # 5 working days
        "case.forward": (end_of("2027-02-15"), "closed", "met_on_time"),
    }
    act(inspector, case_id, "verify", {}, record)

    # the notice deadline comes close: the sweep reminds the inspector (with no identity)
    stack.set_clock("2027-02-16T09:00:00+07:00")
    stack.run_schedule("deadline_sweep")
    act(inspector, case_id, "notify", {"note": "Đã gửi thông báo thụ lý"}, record)

    # the case is complex: extended once by a decision, and not twice
    stack.set_clock("2027-03-01T09:00:00+07:00")
    extended = act(
        inspector,
        case_id,
        "extend",
        {
            "criteria": ["several_contents"],
            "days": 30,
            "reason": "Nhiều nội dung",
            "decision_number": f"{run}/QĐ-TTr",
        },
        record,
    )
    assert deadlines(extended)["denunciation.resolve"] == (end_of("2027-04-05"), "open", None)
    etag = record(inspector.get(f"/v1/cases/{case_id}")).headers["ETag"]
    again = record(
        inspector.post(
            f"/v1/cases/{case_id}/extend",
            json={
                "criteria": ["several_contents"],
                "days": 10,
                "reason": "Thêm",
                "decision_number": "x",
            },
            headers={"If-Match": etag},
        )
    )
    assert again.status_code == 409

    # the clock moves; the inspector concludes and publishes
    stack.set_clock("2027-03-25T09:00:00+07:00")
    concluded = act(
        inspector,
        case_id,
        "conclude",
        {
            "result": "partly_founded",
            "conclusion_number": f"{run}/KL-TTr",
            "summary": "Tố cáo đúng một phần",
        },
        record,
    )
    assert concluded["status"] == "concluded"
    assert deadlines(concluded)["denunciation.resolve"] == (
        end_of("2027-04-05"),
        "closed",
        "met_on_time",
    )
    act(inspector, case_id, "publish", {}, record)

    # the citizen's tracking shows the status and the milestones, nothing else
    tracking = record(
        citizen.get(f"/v1/public/cases/{code}", headers={"X-Tracking-Secret": secret})
    )
    assert tracking.status_code == 200
    assert tracking.json() == {
        "tracking_code": code,
        "kind": "denunciation",
        "status": "published",
        "milestones": [
            {"name": "received", "on": "2027-02-01"},
            {"name": "transferred", "on": "2027-02-01"},
            {"name": "accepted", "on": "2027-02-03"},
            {"name": "notified", "on": "2027-02-16"},
            {"name": "extended", "on": "2027-03-01"},
            {"name": "resolved", "on": "2027-03-25"},
            {"name": "published", "on": "2027-03-25"},
        ],
        "posted_until": None,  # posted for voters: petitions only
    }
    wrong = record(citizen.get(f"/v1/public/cases/{code}", headers={"X-Tracking-Secret": "guess"}))
    unknown = record(
        citizen.get("/v1/public/cases/HN-00000-00000", headers={"X-Tracking-Secret": secret})
    )
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()

    # sotc.officer gets 404 for it, and for its identity
    outsider = stack.as_user("sotc.officer")
    assert record(outsider.get(f"/v1/cases/{case_id}")).status_code == 404
    assert record(outsider.get(f"/v1/cases/{case_id}/identity")).status_code == 404
    assert record(stack.as_user("chairman").get(f"/v1/cases/{case_id}/identity")).status_code == 403

    # the identity endpoint is the one place the name shows, and the read is audited
    identity = inspector.get(f"/v1/cases/{case_id}/identity")
    assert identity.status_code == 200 and identity.json()["name"] == name
    history = record(inspector.get(f"/v1/cases/{case_id}/history", params={"limit": "200"})).json()
    assert "identity.read" in [e["action"] for e in history["items"]]
    record(inspector.get("/v1/cases", params={"kind": "denunciation", "limit": "200"}))
    record(
        stack.as_user("chairman").get(
            "/v1/cases", params={"unit_id": "all", "due_to": "2027-12-31"}
        )
    )

    for word in (name, phone, id_number):
        assert not record.contains(word), f"{word} is in a response"
    kinds, events = events_of(bus, case_id)
    assert set(kinds) == {
        "CaseReceived",
        "CaseTransferred",
        "CaseAccepted",
        "CaseExtended",
        "CaseResolved",
    }
    outbox = json.dumps(stack.outbox(), ensure_ascii=False)
    assert accepted["reference"] in outbox  # the reminder about the notice deadline was sent
    log = stack.output()
    assert case_id in log  # the function's log lines are in the stack's output
    for word in (name, phone, id_number):
        assert word not in events, f"{word} is in an event"
        assert word not in outbox, f"{word} is in a notice"
        assert word not in log, f"{word} is in the log"


def test_a_first_time_complaint_and_voter_petitions_imported_from_a_csv_file(
    stack, reset_clock, tmp_path
):
    run = uuid.uuid4().hex[:6].upper()
    name = f"Đỗ Văn Khiếu {run}"
    phone = "0988" + str(uuid.uuid4().int)[:6]
    record, bus = Recorder(), Bus(stack)
    stack.set_clock(TET_2027)
    citizen = stack.anonymous()

    # a first-time complaint through the public endpoint, routed to the Department of Construction
    reply = record(
        citizen.post(
            "/v1/public/cases",
            json={
                "kind": "complaint",
                "complaint_round": "first_time",
                "subject": "Khiếu nại quyết định xử phạt vi phạm trật tự xây dựng",
                "content": f"Tôi là {name}, điện thoại {phone}, khiếu nại quyết định ...",
                "name": name,
                "phone": phone,
            },
        )
    )
    assert reply.status_code == 201, reply.text
    code, secret = reply.json()["tracking_code"], reply.json()["secret"]
    clerk = stack.as_user("vp.clerk")
    units = clerk.units_by_code()
    case_id = find_by_tracking_code(clerk, code)["id"]
    act(clerk, case_id, "classify", {"decision": "transfer", "to_unit_id": units["SO-XD"]}, record)
    arrived = act(clerk, case_id, "forward", {}, record)
    # seven working days from 1/2 across Tết (Decree 155/2026 Art. 10): 2, 3, 11, 12, 15–17 Feb
    assert deadlines(arrived)["complaint.accept"] == (end_of("2027-02-17"), "open", None)

    leader, officer = stack.as_user("soxd.leader"), stack.as_user("soxd.officer")
    officer_id = record(officer.get("/v1/me")).json()["id"]
    stack.set_clock("2027-02-15T09:00:00+07:00")
    accepted = act(leader, case_id, "accept", {}, record)
    assert deadlines(accepted)["complaint.accept"] == (
        end_of("2027-02-17"),
        "closed",
        "met_on_time",
    )
    assert deadlines(accepted)["complaint.resolve"] == (end_of("2027-03-17"), "open", None)
    act(leader, case_id, "assign", {"handler_id": officer_id}, record)
    etag = record(leader.get(f"/v1/cases/{case_id}")).headers["ETag"]
    assert (
        record(
            leader.post(f"/v1/cases/{case_id}/verify", json={}, headers={"If-Match": etag})
        ).status_code
        == 403
    )
    act(officer, case_id, "verify", {}, record)
    stack.set_clock("2027-03-01T09:00:00+07:00")
    act(
        officer,
        case_id,
        "dialogue",
        {"held_on": "2027-03-01", "note": "Đối thoại tại trụ sở"},
        record,
    )
    stack.set_clock("2027-03-10T09:00:00+07:00")
    decided = act(
        leader,
        case_id,
        "decide",
        {"result": "rejected", "decision_number": f"{run}/QĐ-SXD", "summary": "Khiếu nại sai"},
        record,
    )
    assert deadlines(decided)["complaint.resolve"] == (
        end_of("2027-03-17"),
        "closed",
        "met_on_time",
    )
    act(officer, case_id, "publish", {}, record)

    tracking = record(
        citizen.get(f"/v1/public/cases/{code}", headers={"X-Tracking-Secret": secret})
    )
    assert tracking.json() == {
        "tracking_code": code,
        "kind": "complaint",
        "status": "published",
        "milestones": [
            {"name": "received", "on": "2027-02-01"},
            {"name": "transferred", "on": "2027-02-01"},
            {"name": "accepted", "on": "2027-02-15"},
            {"name": "resolved", "on": "2027-03-10"},
            {"name": "published", "on": "2027-03-10"},
        ],
        "posted_until": None,  # petitions only
    }
    assert record(stack.as_user("sotc.officer").get(f"/v1/cases/{case_id}")).status_code == 404
    assert officer.get(f"/v1/cases/{case_id}/identity").json()["name"] == name  # the handler
    assert leader.get(f"/v1/cases/{case_id}/identity").json()["name"] == name  # the resolver
    assert (
        record(stack.as_user("hoankiem.officer").get(f"/v1/cases/{case_id}/identity")).status_code
        == 404
    )

    # the People's Council's sessions, as an administrator enters them: the one the petitions
    # were compiled after (closed Wednesday 20/1), and the next regular one (Monday 5/7)
    stack.set_clock(TET_2027)
    admin = stack.as_user("admin")
    session = f"XVII-5-{run}"
    entered = record(
        admin.post(
            "/v1/cases/sessions",
            json={
                "code": session,
                "name": f"Kỳ họp thứ 5, HĐND Thành phố khóa XVII ({run})",
                "kind": "regular",
                "opens_on": "2027-01-18",
                "closes_on": "2027-01-20",
            },
        )
    )
    assert entered.status_code == 201, entered.text
    assert entered.json()["compile_after"] == ["2027-01-21", "2027-02-11"]  # 4/2 is in Tết

    # voter petitions compiled by a deputies' group, imported from a CSV file
    path = tmp_path / "kien-nghi-cu-tri.csv"
    path.write_text(
        "summary,session,deputies_group,received_on\n"
        f"Cử tri đề nghị bố trí vốn cải tạo trường học ({run}),{session},{GROUP},2027-01-25\n"
        f"Cử tri đề nghị cấp phép sửa chữa nhà cũ ({run}),{session},{GROUP},2027-01-25\n",
        encoding="utf-8",
    )
    bad = record(
        clerk.post(
            "/v1/cases/imports",
            json={"content": path.read_text(encoding="utf-8") + ",K,T,2027-01-25\nx,K,T,soon\n"},
        )
    )
    assert bad.status_code == 422  # every bad line is reported, and nothing is imported
    assert [(e["loc"][2], e["loc"][3]) for e in bad.json()["errors"]] == [
        (4, "summary"),
        (5, "received_on"),
    ]
    reply = record(
        clerk.post(
            "/v1/cases/imports",
            json={"format": "csv", "content": path.read_text(encoding="utf-8")},
            headers={"Idempotency-Key": f"e2e-import-{run}"},
        )
    )
    assert reply.status_code == 201, reply.text
    finance_id, construction_id = reply.json()["case_ids"]
    petition = record(clerk.get(f"/v1/cases/{finance_id}")).json()
    assert petition["kind"] == "voter_petition" and petition["deputies_group"] == "Tổ đại biểu số 3"
    assert deadlines(petition)["voter_petition.answer"] == (end_of("2027-03-26"), "open", None)
    assert petition["session_id"] == entered.json()["id"]
    late = path.read_text(encoding="utf-8").replace("2027-01-25", "2027-01-19")  # in session
    refused = record(clerk.post("/v1/cases/imports", json={"content": late}))
    assert refused.status_code == 422
    assert "từ 21/01/2027 đến 11/02/2027" in refused.json()["errors"][0]["msg"]
    following = record(
        admin.post(
            "/v1/cases/sessions",
            json={
                "code": f"XVII-6-{run}",
                "name": f"Kỳ họp thứ 6, HĐND Thành phố khóa XVII ({run})",
                "kind": "regular",
                "opens_on": "2027-07-05",
                "closes_on": "2027-07-08",
            },
        )
    )
    assert following.status_code == 201 and following.json()["petitions_rescheduled"] == 2
    petition = record(clerk.get(f"/v1/cases/{finance_id}")).json()
    # 20 working days before Monday 5/7/2027: Monday 7/6
    assert deadlines(petition)["voter_petition.report_results"] == (
        end_of("2027-06-07"),
        "open",
        None,
    )

    # one goes to the Department of Finance, which answers it with a roadmap
    act(
        clerk,
        finance_id,
        "classify",
        {"decision": "transfer", "to_unit_id": units["SO-TC"]},
        record,
    )
    routed = act(clerk, finance_id, "forward", {}, record)
    assert deadlines(routed)["voter_petition.answer"] == (end_of("2027-04-02"), "open", None)
    sotc_leader, sotc_officer = stack.as_user("sotc.leader"), stack.as_user("sotc.officer")
    sotc_officer_id = record(sotc_officer.get("/v1/me")).json()["id"]
    act(sotc_leader, finance_id, "assign", {"handler_id": sotc_officer_id}, record)
    act(sotc_officer, finance_id, "verify", {}, record)
    stack.set_clock("2027-03-15T09:00:00+07:00")
    answered = act(
        sotc_leader,
        finance_id,
        "answer",
        {
            "result": "being_resolved",
            "answer": "Đã đưa vào kế hoạch vốn 2027",
            "roadmap_date": "2027-09-30",
        },
        record,
    )
    assert answered["status"] == "being_resolved"
    assert deadlines(answered)["voter_petition.answer"][1:] == ("closed", "met_on_time")
    assert deadlines(answered)["voter_petition.roadmap"] == (end_of("2027-09-30"), "open", None)
    reported = act(sotc_leader, finance_id, "report-results", {"report": "BC 7/BC-STC"}, record)
    assert deadlines(reported)["voter_petition.report_results"][1:] == ("closed", "met_on_time")
    # published within 15 working days of Monday 15/3: Monday 5/4
    assert deadlines(reported)["voter_petition.publish_results"] == (
        end_of("2027-04-05"),
        "open",
        None,
    )
    published = act(sotc_officer, finance_id, "publish", {}, record)
    assert published["posted_until"] == "2027-04-14"  # posted 30 days

    # the other goes to the Department of Construction, which explains
    stack.set_clock(TET_2027)
    act(
        clerk,
        construction_id,
        "classify",
        {"decision": "transfer", "to_unit_id": units["SO-XD"]},
        record,
    )
    act(clerk, construction_id, "forward", {}, record)
    stack.set_clock("2027-03-15T09:00:00+07:00")
    explained = act(
        leader,
        construction_id,
        "answer",
        {"result": "explained", "answer": "Đã giải trình"},
        record,
    )
    assert explained["status"] == "explained"
    assert (
        record(stack.as_user("hoankiem.officer").get(f"/v1/cases/{finance_id}")).status_code == 404
    )

    stats = record(
        stack.as_user("chairman").get(
            "/v1/cases/stats",
            params={"from": "2027-03-15", "to": "2027-03-15", "kind": "voter_petition"},
        )
    )
    rows = {r["unit_code"]: r for r in stats.json()["items"]}
    assert rows["SO-TC"]["resolved_on_time"] >= 1 and rows["SO-XD"]["resolved_on_time"] >= 1

    assert not record.contains(name) and not record.contains(phone)
    kinds, events = events_of(bus, case_id)
    assert set(kinds) == {"CaseReceived", "CaseTransferred", "CaseAccepted", "CaseResolved"}
    log = stack.output()
    assert finance_id in log
    for word in (name, phone):
        assert word not in events and word not in log
