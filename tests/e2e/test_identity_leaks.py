"""The identity-leak scan (issue 11): a distinctive denunciator's identity (a name with
diacritics, a phone, an email, an ID number), written again in other spellings in the
denunciation's own text, goes through the whole workflow over the local stack. Every reply,
mail, SMS, inbox notice, bus event and log line captured is searched for every spelling that
the redaction knows (`cityops.cases.identity.occurrences`): 0 outside
`GET /v1/cases/{case_id}/identity`."""

from __future__ import annotations

import json
import uuid

import pytest
from cityops.cases.identity import occurrences

from tests.e2e.test_cases import TET_2027, Bus, Recorder, act, find_by_tracking_code

pytestmark = pytest.mark.e2e


def test_a_denunciators_identity_appears_nowhere_but_its_own_endpoint(stack, reset_clock):
    run = str(uuid.uuid4().int)[:6]
    identity = {
        "name": f"Nguyễn Thị Ánh Tuyết {chr(65 + int(run[0]))}{chr(65 + int(run[1]))}",
        "phone": f"0983{run}",
        "email": f"tuyet.{run}@thu.vn",
        "id_number": f"0013{run}77",
    }
    folded_name = identity["name"].replace("Nguyễn Thị Ánh Tuyết", "NGUYEN THI ANH TUYET")
    spelled_again = (
        f"Tôi, {folded_name}, số điện thoại +84 983 {run[:3]} {run[3:]}, thư "
        f"tuyet.{run} (at) thu.vn, CCCD {identity['id_number'][:4]} {identity['id_number'][4:]}."
    )
    record, bus = Recorder(), Bus(stack)
    stack.set_clock(TET_2027)
    citizen = stack.anonymous()
    reply = record(
        citizen.post(
            "/v1/public/cases",
            json={
                "kind": "denunciation",
                "subject": f"Tố cáo việc thu tiền trái phép. {spelled_again}",
                "content": f"{spelled_again} Tôi tố cáo cán bộ địa chính phường.",
                "denounced": "Một cán bộ địa chính",
                **identity,
            },
        )
    )
    assert reply.status_code == 201, reply.text
    code, secret = reply.json()["tracking_code"], reply.json()["secret"]

    clerk = stack.as_user("vp.clerk")
    case_id = find_by_tracking_code(clerk, code)["id"]
    units = clerk.units_by_code()
    act(clerk, case_id, "classify", {"decision": "transfer", "to_unit_id": units["TTR-HN"]}, record)
    act(clerk, case_id, "forward", {"note": "Chuyển Thanh tra TP"}, record)
    inspector = stack.as_user("thanhtra.inspector")
    me = record(inspector.get("/v1/me")).json()["id"]
    act(inspector, case_id, "assign", {"handler_id": me}, record)
    act(inspector, case_id, "accept", {"note": "Đủ điều kiện thụ lý"}, record)
    act(inspector, case_id, "verify", {}, record)
    stack.set_clock("2027-02-16T09:00:00+07:00")  # the notice deadline comes close
    stack.run_schedule("deadline_sweep")
    act(inspector, case_id, "notify", {"note": "Đã gửi thông báo thụ lý"}, record)
    stack.set_clock("2027-03-25T09:00:00+07:00")
    act(inspector, case_id, "conclude", {"result": "partly_founded", "conclusion_number":
        f"{run}/KL-TTr", "summary": "Tố cáo đúng một phần"}, record)  # fmt: skip
    act(inspector, case_id, "publish", {}, record)

    # what staff and the citizen read along the way
    chairman = stack.as_user("chairman")
    for client, path, params in (
        (inspector, f"/v1/cases/{case_id}", {}),
        (inspector, f"/v1/cases/{case_id}/history", {"limit": "200"}),
        (inspector, "/v1/cases", {"kind": "denunciation", "limit": "200"}),
        (chairman, "/v1/cases", {"unit_id": "all", "due_to": "2027-12-31"}),
    ):
        assert record(client.get(path, params=params)).status_code == 200, path
    inbox = []
    for client in (inspector, clerk, chairman):
        reply = record(client.get("/v1/inbox", params={"limit": "200"}))
        assert reply.status_code == 200, reply.text
        inbox += [json.dumps(n, ensure_ascii=False) for n in reply.json()["items"]]
    tracking = citizen.get(f"/v1/public/cases/{code}", headers={"X-Tracking-Secret": secret})
    assert record(tracking).status_code == 200
    own = inspector.get(f"/v1/cases/{case_id}/identity")  # the one place it shows
    assert own.status_code == 200 and occurrences(own.text, identity)

    outbox = stack.outbox()
    events = [e for e in bus.received() if e["detail"].get("case_id") == case_id]
    captured = {
        "replies": record.texts,
        "mail": [json.dumps(m, ensure_ascii=False) for m in outbox["mail"]],
        "sms": [json.dumps(m, ensure_ascii=False) for m in outbox["sms"]],
        "inbox notices": inbox,
        "bus events": [json.dumps(e, ensure_ascii=False) for e in events],
        "log lines": stack.output().splitlines(),
    }
    leaks = {
        where: sum(sum(occurrences(text, identity).values()) for text in texts)
        for where, texts in captured.items()
    }
    print("\nidentity-leak scan: " + ", ".join(
        f"{where} {len(texts)} searched" for where, texts in captured.items()
    ) + f"; leaks {sum(leaks.values())} {leaks}")  # fmt: skip
    # the scan saw the workflow's output: its events, the sweep's mail and inbox notices
    assert captured["bus events"] and captured["mail"] and captured["inbox notices"]
    assert sum(leaks.values()) == 0, leaks
