"""The People's Council's sessions through the cases function, on moto: an administrator
enters and changes them (If-Match, unique codes), staff read them with their compilation
windows, and entering or moving the next regular session opens or moves the report deadline of
the petitions whose results are due before it, in the Obligations table (where the sweep,
reminders, escalation and the on-time counters read them)."""

from __future__ import annotations

from tests.integration.test_cases_support import (
    SESSION,
    new_case,
    open_obligations,
    petition,
    set_day,
    world_fixture,  # noqa: F401 (the world fixture)
)

NEXT = {
    "code": "XVII-6",
    "name": "Kỳ họp thứ 6, HĐND Thành phố khóa XVII",
    "kind": "regular",
    "opens_on": "2027-07-05",
    "closes_on": "2027-07-08",
}


def test_staff_read_the_sessions_with_the_windows_their_petitions_are_compiled_in(world):
    status, _, body = world.get("sotc_officer", "/v1/cases/sessions")
    assert status == 200 and [s["code"] for s in body["items"]] == [SESSION["code"]]
    seed = body["items"][0]
    assert seed["compile_before"] == ["2027-01-03", "2027-01-17"]
    assert seed["compile_after"] == ["2027-01-21", "2027-02-11"]  # 4/2 is in Tết
    status, headers, one = world.get("sotc_officer", f"/v1/cases/sessions/{seed['id']}")
    assert status == 200 and headers["ETag"] == '"1"' and one["name"] == SESSION["name"]
    assert world.get("hoankiem_officer", "/v1/cases/sessions/01J0000000000000000000000X")[0] == 404


def test_entering_and_moving_the_next_session_opens_and_moves_the_petitions_report(world):
    case = world.create("soxd_officer", **petition())
    set_day("2027-03-01")
    status, headers, entered = world.request("POST", "/v1/cases/sessions", "admin", body=NEXT)
    assert status == 201 and headers["Location"] == f"/v1/cases/sessions/{entered['id']}"
    assert entered["results_due_on"] == "2027-06-07" and entered["petitions_rescheduled"] == 1
    assert open_obligations(case["id"])["voter_petition.report_results"] == "2027-06-07"
    path = f"/v1/cases/sessions/{entered['id']}"
    moved = {**NEXT, "opens_on": "2027-05-24", "closes_on": "2027-05-26"}
    moved.pop("code")
    assert world.request("PUT", path, "admin", body=moved)[0] == 428
    assert world.request("PUT", path, "admin", body=moved, headers={"if-match": '"7"'})[0] == 412
    status, headers, changed = world.request(
        "PUT", path, "admin", body=moved, headers={"if-match": '"1"'}
    )
    assert status == 200 and headers["ETag"] == '"2"' and changed["petitions_rescheduled"] == 1
    # 20 working days before Monday 24/5/2027, over 3/5, 1/5 and 30/4: Thursday 22/4.
    assert open_obligations(case["id"])["voter_petition.report_results"] == "2027-04-22"
    answer = {"result": "explained", "answer": "Đã giải thích"}
    world.ok("soxd_leader", case, "answer", answer)
    version = world.case("soxd_leader", case["id"])["version"]
    status, _, reported = world.request(
        "POST",
        f"/v1/cases/{case['id']}/report-results",
        "soxd_leader",
        body={"report": "Báo cáo 12/BC-SXD"},
        headers={"if-match": f'"{version}"'},
    )
    assert status == 200 and reported["results_reported_on"] == "2027-03-01"
    # 15 working days from Monday 1/3: Monday 22/3.
    assert open_obligations(case["id"]) == {"voter_petition.publish_results": "2027-03-22"}
    _, headers, now = world.get("admin", path)
    assert headers["ETag"] == '"2"' and now["opens_on"] == "2027-05-24"


def test_only_an_administrator_changes_sessions_and_codes_and_dates_are_checked(world):
    assert world.request("POST", "/v1/cases/sessions", "sotc_leader", body=NEXT)[0] == 403
    assert world.request("POST", "/v1/cases/sessions", "admin", body=NEXT)[0] == 201
    again = {**NEXT, "code": "xvii-6"}
    assert world.request("POST", "/v1/cases/sessions", "admin", body=again)[0] == 409
    backwards = {**NEXT, "code": "XVII-7", "opens_on": "2027-12-08", "closes_on": "2027-12-01"}
    status, _, problem = world.request("POST", "/v1/cases/sessions", "admin", body=backwards)
    assert status == 422 and problem["errors"][0]["loc"] == ["body", "closes_on"]
    unknown = {**NEXT, "code": "XVII-8", "kind": "special"}
    assert world.request("POST", "/v1/cases/sessions", "admin", body=unknown)[0] == 422
    _, _, body = world.get("admin", "/v1/cases/sessions")
    assert [s["code"] for s in body["items"]] == [SESSION["code"], NEXT["code"]]


def test_a_petition_compiled_outside_its_sessions_window_is_refused_in_vietnamese(world):
    body = new_case(**petition(received_on="2027-01-29", compiled_on="2027-01-19"))
    status, _, problem = world.request("POST", "/v1/cases", "soxd_officer", body=body)
    assert status == 422 and problem["errors"][0]["loc"] == ["body", "compiled_on"]
    assert "từ 03/01/2027 đến 17/01/2027" in problem["detail"]
    assert "từ 21/01/2027 đến 11/02/2027" in problem["detail"]
    unknown = new_case(**petition(session="XVII-99"))
    status, _, problem = world.request("POST", "/v1/cases", "soxd_officer", body=unknown)
    assert status == 422 and problem["errors"][0]["loc"] == ["body", "session"]


def test_the_public_tracking_of_a_published_petition_shows_until_when_it_is_posted(world):
    receipt = world.submit(kind="voter_petition", denounced=None, subject="Đề nghị sửa đường")
    status, _, body = world.track(receipt["tracking_code"], receipt["secret"])
    assert status == 200 and body["posted_until"] is None
    _, _, page = world.get("vp_clerk", "/v1/cases", query={"kind": "voter_petition"})
    case_id = page["items"][0]["id"]
    world.ok("vp_leader", case_id, "answer", {"result": "explained", "answer": "Đã giải thích"})
    set_day("2027-02-12")
    world.ok("vp_leader", case_id, "publish", {})
    status, _, body = world.track(receipt["tracking_code"], receipt["secret"])
    # 30 days from Friday 12/2/2027: Sunday 14/3, so Monday 15/3.
    assert status == 200 and body["status"] == "explained" and body["posted_until"] == "2027-03-15"
