"""Tasks over HTTP against the local stack, as users would do it (issue 3, "Done when"):
the chairman assigns a task to the Department of Finance with the Department of Construction
coordinating, due in 10 working days; both report; a ward gets 404; the Finance leader asks
for an extension and the chairman approves it; the clock passes the original deadline;
completion is reported and confirmed; the status class and the statistics count it as the
policy (default `extended`) says: done on time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.e2e


def stats_for(client, unit_id: str, day: str) -> dict[str, int]:
    reply = client.get("/v1/tasks/stats", params={"unit_id": unit_id, "from": day, "to": day})
    assert reply.status_code == 200, reply.text
    row = next(r for r in reply.json()["units"] if r["unit_id"] == unit_id)
    return row["counts"]


def test_a_task_from_assignment_through_an_extension_to_confirmed_completion(stack, reset_clock):
    chairman = stack.as_user("chairman")
    units = chairman.units_by_code()
    finance, construction = units["SO-TC"], units["SO-XD"]

    # the chairman assigns it, due in 10 working days
    reply = chairman.post(
        "/v1/tasks",
        json={
            "title": "Rà soát, đẩy nhanh giải ngân vốn đầu tư công",
            "content": "Sở Tài chính chủ trì, Sở Xây dựng phối hợp; báo cáo UBND Thành phố.",
            "source": "people_committee",
            "source_document": {"number_symbol": "45/TB-UBND", "issued_on": "2026-11-20"},
            "lead_unit_id": finance,
            "coordinating_unit_ids": [construction],
            "due_in_working_days": 10,
        },
        headers={"Idempotency-Key": "e2e-task-flow-assign"},
    )
    assert reply.status_code == 201, reply.text
    task = reply.json()
    task_id, original_due = task["id"], date.fromisoformat(task["original_due_date"])
    assigned_on = datetime.fromisoformat(task["created_at"]).astimezone(HANOI).date()
    assert original_due > assigned_on + timedelta(days=13)  # 10 working days: two weeks or more
    assert task["status_class"] == "in_progress_on_time"
    before = stats_for(chairman, finance, assigned_on.isoformat())

    # the Finance officer reports progress; the Construction officer its part
    officer = stack.as_user("sotc.officer")
    reply = officer.post(
        f"/v1/tasks/{task_id}/progress", json={"text": "Đã rà soát 40 dự án", "percent": 40}
    )
    assert reply.status_code == 201 and reply.json()["role"] == "lead"
    reply = stack.as_user("soxd.officer").post(
        f"/v1/tasks/{task_id}/progress", json={"text": "Đã gửi số liệu", "percent": 100}
    )
    assert reply.status_code == 201 and reply.json()["role"] == "coordinating"

    # a ward's officer does not see it
    ward = stack.as_user("hoankiem.officer")
    assert ward.get(f"/v1/tasks/{task_id}").status_code == 404

    # the Finance leader asks for an extension; the chairman approves it
    leader = stack.as_user("sotc.leader")
    current = leader.get(f"/v1/tasks/{task_id}")
    assert current.json()["percent"] == 40 and len(current.json()["coordination"]) == 1
    new_due = original_due + timedelta(days=21)
    reply = leader.post(
        f"/v1/tasks/{task_id}/extensions",
        json={"new_due_date": new_due.isoformat(), "reason": "Chờ số liệu quyết toán"},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert reply.status_code == 201, reply.text
    extension = reply.json()["extensions"][0]
    current = chairman.get(f"/v1/tasks/{task_id}")
    reply = chairman.post(
        f"/v1/tasks/{task_id}/extensions/{extension['id']}/decision",
        json={"decision": "approved", "reason": "Đồng ý gia hạn"},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["due_date"] == new_due.isoformat()
    assert reply.json()["original_due_date"] == original_due.isoformat()

    # the clock moves past the original deadline: within the extension it is still on time
    stack.set_clock(f"{(original_due + timedelta(days=2)).isoformat()}T10:00:00+07:00")
    current = leader.get(f"/v1/tasks/{task_id}")
    assert current.json()["status_class"] == "in_progress_on_time"

    # completion reported by the lead unit, confirmed by the chairman
    reply = leader.post(
        f"/v1/tasks/{task_id}/completion",
        json={"result": "Đã hoàn thành; báo cáo số 12/BC-STC."},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "awaiting_confirmation"
    current = chairman.get(f"/v1/tasks/{task_id}")
    reply = chairman.post(
        f"/v1/tasks/{task_id}/confirmation",
        json={"note": "Ghi nhận"},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert reply.status_code == 200, reply.text
    done = reply.json()
    assert done["status"] == "done" and done["on_time_policy"] == "extended"
    assert done["status_class"] == "done_on_time" and done["extension_count"] == 1
    assert chairman.get(f"/v1/tasks/{task_id}").json()["status_class"] == "done_on_time"

    # the statistics count it as done on time for the Department of Finance
    after = stats_for(chairman, finance, assigned_on.isoformat())
    assert after["done_on_time"] == before["done_on_time"] + 1
    assert after["done_late"] == before["done_late"]
    # and the ward still sees nothing of it
    assert ward.get(f"/v1/tasks/{task_id}").status_code == 404
    assert ward.get("/v1/tasks/stats", params={"unit_id": finance}).status_code == 404


def test_a_clerk_of_the_office_assigns_on_the_chairmans_behalf_over_http(stack):
    chairman_id = stack.as_user("chairman").get("/v1/me").json()["id"]
    clerk = stack.as_user("vp.clerk")
    units = clerk.units_by_code()
    reply = clerk.post(
        "/v1/tasks",
        json={
            "title": "Báo cáo kết quả thực hiện Chỉ thị 01",
            "content": "Các phường báo cáo kết quả.",
            "source": "city_party_committee",
            "source_document": {"number_symbol": "01/CT-TU", "issued_on": "2026-11-02"},
            "lead_unit_id": units["P-HOANKIEM"],
            "on_behalf_of": chairman_id,
        },
    )
    assert reply.status_code == 201, reply.text
    task = reply.json()
    assert task["assigned_by"]["id"] == chairman_id and task["created_by"]["id"] != chairman_id
    assert task["status_class"] == "no_deadline"
    mine = clerk.get("/v1/tasks", params={"assigned_by_me": "true"}).json()["items"]
    assert task["id"] in {t["id"] for t in mine}
    assert stack.as_user("sotc.officer").get(f"/v1/tasks/{task['id']}").status_code == 404
    officer = stack.as_user("hoankiem.officer")
    assert officer.post("/v1/tasks", json={"title": "x"}).status_code == 422
    refused = officer.post(
        "/v1/tasks",
        json={
            "title": "Không được giao",
            "content": "x",
            "source": "people_committee",
            "source_document": {"number_symbol": "1/TB", "issued_on": "2026-11-02"},
            "lead_unit_id": units["P-HOANKIEM"],
        },
    )
    assert refused.status_code == 403
