"""A task's life against moto: progress reports (and the progress obligations they meet),
extensions, completion and its confirmation or return, cancellation, sub-tasks, edits with
If-Match, concurrent reports, and who may take each step (the other half of the matrix)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from cityops.core import clock

from tests.integration.test_tasks_support import NOW, TEN_WORKING_DAYS, City
from tests.paused_time import PausedTime


@pytest.fixture
def city(seeded, call) -> City:
    return City(seeded, call)


def later(**delta) -> None:
    clock.set_now(clock.now() + timedelta(**delta))


# --- progress ----------------------------------------------------------------------------------


def test_the_lead_unit_reports_progress_and_a_coordinating_unit_its_part(city):
    task = city.assign()
    status, _, lead = city.report(task["id"], "sotc.officer", 40, "Đã rà soát 12/30 dự án")
    assert status == 201 and lead["role"] == "lead" and lead["unit_id"] == city.unit("SO-TC")
    later(minutes=5)
    status, _, part = city.report(task["id"], "soxd.officer", 60, "Đã gửi số liệu")
    assert status == 201 and part["role"] == "coordinating"
    assert part["unit_id"] == city.unit("SO-XD")
    shown = city.task(task["id"])
    assert shown["percent"] == 40 and shown["progress"]["text"] == "Đã rà soát 12/30 dự án"
    assert shown["progress"]["by"]["id"] == "sotc.officer"
    assert shown["coordination"] == [
        {
            "unit_id": city.unit("SO-XD"),
            "percent": 60,
            "text": "Đã gửi số liệu",
            "at": part["at"],
            "by": {"id": "soxd.officer", "name": "Người dùng soxd.officer"},
            "report_id": part["id"],
        }
    ]
    assert shown["report_count"] == 2 and shown["version"] == 3
    _, _, reports = city.call("GET", f"/v1/tasks/{task['id']}/progress", "chairman")
    assert [(r["role"], r["percent"]) for r in reports["items"]] == [
        ("lead", 40),
        ("coordinating", 60),
    ]
    types = [e["detail-type"] for e in city.events()]
    assert types == ["TaskAssigned", "TaskProgressReported", "TaskProgressReported"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("chairman", 403),  # the assigning side sees it but does not report
        ("ubnd.leader", 403),  # a leader above sees it but does not report
        ("hoankiem.officer", 404),
        ("ns.officer", 404),
        ("admin", 404),
    ],
)
def test_only_the_lead_and_coordinating_units_report_progress(city, username, status):
    task = city.assign()
    before = city.snapshot()
    assert city.report(task["id"], username)[0] == status
    assert city.snapshot() == before


def test_a_long_report_is_kept_whole_and_previewed_on_the_task(city):
    task = city.assign()
    text = "Đã rà soát. " * 200
    status, _, report = city.report(task["id"], "sotc.officer", 10, text)
    assert status == 201 and report["text"] == text.strip()
    shown = city.task(task["id"])
    assert shown["progress"]["text"] == text.strip()[:300]
    assert shown["progress"]["report_id"] == report["id"]
    _, _, reports = city.call("GET", f"/v1/tasks/{task['id']}/progress", "sotc.leader")
    assert reports["items"][0]["text"] == text.strip()


def test_a_task_requiring_reports_every_n_working_days_opens_the_next_after_each(city):
    task = city.assign(progress_every_working_days=3)
    assert task["next_progress_due_at"] == "2026-12-02T16:59:59.999999Z"  # Wed 2/12, end of day
    assert task["next_progress_due_on"] == "2026-12-02"  # its date in Hanoi
    rows = city.obligations(task["id"])
    assert rows["task.progress#1"]["status"] == "open"
    assert rows["task.progress#1"]["kind"] == "task.progress"
    clock.set_now(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))  # a day late
    city.report(task["id"], "soxd.officer", 10)  # a coordinating part meets nothing
    assert city.obligations(task["id"])["task.progress#1"]["status"] == "open"
    city.report(task["id"], "sotc.officer", 20)
    rows = city.obligations(task["id"])
    assert rows["task.progress#1"]["status"] == "closed"
    assert rows["task.progress#1"]["outcome"] == "met_late"
    assert rows["task.progress#2"]["status"] == "open"
    assert rows["task.progress#2"]["due_at"] == "2026-12-08T16:59:59.999999Z"  # 3 wd after 3/12
    assert city.task(task["id"])["next_progress_due_at"] == rows["task.progress#2"]["due_at"]
    assert city.counters("2026-12-02")["met_late"] == 1


def test_concurrent_progress_reports_are_all_kept(city):
    task = city.assign(progress_every_working_days=5)
    people = ["sotc.officer", "sotc.officer2", "sotc.leader", "soxd.officer", "soxd.leader"] * 2

    # Lambda runs one request per instance at a time, so the race is between instances:
    # threads call the service (each as its own instance would), not one shared resolver.
    from cityops.tasks import progress as use_case
    from cityops.tasks.models import ProgressReportCreate

    def report(n: int) -> str:
        body = ProgressReportCreate(text=f"Báo cáo {n}", percent=n * 10)
        return use_case.report_progress(city.who(people[n]), task["id"], body)["id"]

    with ThreadPoolExecutor(max_workers=5) as pool:
        ids = list(pool.map(report, range(len(people))))
    assert len(set(ids)) == len(people)
    shown = city.task(task["id"])
    assert shown["report_count"] == len(people) and shown["version"] == 1 + len(people)
    reports = [i for i in city.partition(task["id"]) if i["sk"].startswith("REPORT#")]
    assert sorted(r["text"] for r in reports) == sorted(f"Báo cáo {n}" for n in range(10))
    # every lead report met one progress obligation and opened the next: none lost, none twice
    rows = city.obligations(task["id"])
    lead_reports = sum(1 for p in people if p.startswith("sotc"))
    progress = sorted(k for k in rows if k.startswith("task.progress#"))
    assert len(progress) == lead_reports + 1
    assert [rows[k]["status"] for k in progress].count("open") == 1


def test_a_progress_report_that_keeps_losing_the_race_is_409_with_retry_after(city, monkeypatch):
    from cityops.core.errors import VersionConflict
    from cityops.tasks.changes import PIPELINE

    def always_lose(_work):
        raise VersionConflict("Đang có một thay đổi khác cùng lúc; hãy thử lại.")

    task = city.assign()
    before = city.snapshot()
    monkeypatch.setattr(PIPELINE.store, "commit", always_lose)
    with PausedTime().on(PIPELINE) as paused:  # the request's time passes while it waits
        status, headers, body = city.report(task["id"], "sotc.officer", 10)
    assert 7.5 <= sum(paused.slept) < 8.5  # the function's 10 s less the reply's margin
    assert status == 409 and headers["Retry-After"] == "1" and body["status"] == 409
    assert city.snapshot() == before


def test_progress_reports_must_be_well_formed_and_change_nothing_otherwise(city):
    task = city.assign()
    before = city.snapshot()
    path = f"/v1/tasks/{task['id']}/progress"
    bad = [
        {"text": "x", "percent": 101},
        {"text": "x", "percent": -1},
        {"text": "x", "percent": "50"},
        {"text": "x", "percent": 50.5},
        {"text": "", "percent": 50},
        {"text": "x"},
        {"text": "x", "percent": 50, "extra": True},
        {"text": "x" * 5001, "percent": 50},
    ]
    for body in bad:
        status, headers, problem = city.call("POST", path, "sotc.officer", body=body)
        assert status == 422, body
        assert headers["Content-Type"] == "application/problem+json" and problem["errors"]
    status, _, _ = city.call("POST", path, "sotc.officer", raw_body='{"text": "x", "percent":')
    assert status == 422
    assert city.snapshot() == before


# --- extensions --------------------------------------------------------------------------------


def test_the_lead_leader_requests_an_extension_and_the_chairman_approves_it(city):
    task = city.assign()
    status, headers, requested = city.request_extension(task["id"], "2026-12-31")
    assert status == 201 and headers["ETag"] == '"2"'
    ext = requested["extensions"][0]
    assert ext["status"] == "pending" and ext["previous_due_date"] == TEN_WORKING_DAYS
    assert ext["new_due_date"] == "2026-12-31" and ext["requested_by"]["id"] == "sotc.leader"
    assert ext["decision_due_at"] == "2026-12-02T16:59:59.999999Z"  # 3 working days
    assert ext["decision_due_on"] == "2026-12-02"
    decision = city.obligations(task["id"])["task.extension_decision#1"]
    assert decision["status"] == "open" and decision["kind"] == "task.extension_decision"
    assert decision["responsible_unit_id"] == city.unit("UBND-HN")
    assert decision["responsible_user_id"] == "chairman"
    later(hours=2)
    status, _, decided = city.decide(task["id"], ext["id"], "approved")
    assert status == 200
    assert decided["due_date"] == "2026-12-31" and decided["original_due_date"] == TEN_WORKING_DAYS
    assert decided["deadline"] == "2026-12-31T16:59:59.999999Z"
    assert decided["original_deadline"] == "2026-12-11T16:59:59.999999Z"
    assert decided["extension_count"] == 1
    assert decided["extensions"][0]["status"] == "approved"
    assert decided["extensions"][0]["decided_by"]["id"] == "chairman"
    rows = city.obligations(task["id"])
    assert rows["task.extension_decision#1"]["outcome"] == "met_on_time"
    assert rows["task.complete"]["due_at"] == "2026-12-31T16:59:59.999999Z"
    assert city.counters(TEN_WORKING_DAYS)["due"] == 0
    assert city.counters("2026-12-31")["due"] == 1
    types = [e["detail-type"] for e in city.events()]
    assert types == ["TaskAssigned", "ExtensionRequested", "ExtensionDecided"]


def test_a_rejected_extension_keeps_the_deadline_and_the_request(city):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    status, _, decided = city.decide(task["id"], ext["id"], "rejected")
    assert status == 200 and decided["due_date"] == TEN_WORKING_DAYS
    assert decided["extension_count"] == 0
    assert decided["extensions"][0]["status"] == "rejected"
    assert decided["extensions"][0]["decision_reason"] == "Không"
    assert city.obligations(task["id"])["task.complete"]["due_at"] == task["deadline"]


def test_deciding_an_extension_twice_is_a_conflict(city):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    assert city.decide(task["id"], ext["id"], "approved")[0] == 200
    before = city.snapshot()
    status, headers, body = city.decide(task["id"], ext["id"], "rejected", as_="vice.chairman")
    assert status == 409 and headers["Content-Type"] == "application/problem+json"
    assert "Đề nghị gia hạn này đã được quyết định" in body["detail"]
    assert city.snapshot() == before


def test_every_extension_is_kept_and_only_one_waits_at_a_time(city):
    task = city.assign()
    first = city.request_extension(task["id"], "2026-12-18")[2]["extensions"][0]
    assert city.request_extension(task["id"], "2026-12-24")[0] == 409
    city.decide(task["id"], first["id"], "approved")
    second = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][1]
    assert second["previous_due_date"] == "2026-12-18" and second["seq"] == 2
    shown = city.decide(task["id"], second["id"], "approved")[2]
    assert [e["new_due_date"] for e in shown["extensions"]] == ["2026-12-18", "2026-12-31"]
    assert shown["extension_count"] == 2 and shown["original_due_date"] == TEN_WORKING_DAYS


def test_an_extension_must_move_the_deadline_later(city):
    task = city.assign()
    before = city.snapshot()
    for new_due in (TEN_WORKING_DAYS, "2026-12-01"):
        status, _, body = city.request_extension(task["id"], new_due)
        assert status == 422 and body["errors"][0]["loc"] == ["body", "new_due_date"]
    assert city.snapshot() == before


def test_a_task_without_a_deadline_cannot_be_extended(city):
    task = city.assign(due_in_working_days=None)
    assert city.request_extension(task["id"], "2026-12-31")[0] == 409


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("sotc.officer", 403),  # lead unit, but not its leader
        ("soxd.leader", 403),  # a coordinating unit's leader
        ("chairman", 403),  # the assigning side decides, it does not request
        ("hoankiem.leader", 404),
    ],
)
def test_only_the_lead_units_leader_requests_an_extension(city, username, status):
    task = city.assign()
    before = city.snapshot()
    assert city.request_extension(task["id"], "2026-12-31", as_=username)[0] == status
    assert city.snapshot() == before


@pytest.mark.parametrize("username", ["chairman", "vice.chairman"])
def test_the_assigning_side_and_any_city_leader_decide_extensions(city, username):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    assert city.decide(task["id"], ext["id"], "approved", as_=username)[0] == 200


def test_a_clerk_who_entered_a_task_may_record_the_leaders_decision(city):
    task = city.assign("vp.clerk", on_behalf_of="chairman")
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    assert city.decide(task["id"], ext["id"], "rejected", as_="vp.clerk2")[0] == 404
    assert city.decide(task["id"], ext["id"], "rejected", as_="vp.clerk")[0] == 200


@pytest.mark.parametrize(
    ("username", "status"),
    [("sotc.leader", 403), ("soxd.leader", 403), ("ubnd.leader", 403), ("hoankiem.leader", 404)],
)
def test_nobody_else_decides_an_extension(city, username, status):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    before = city.snapshot()
    assert city.decide(task["id"], ext["id"], "approved", as_=username)[0] == status
    assert city.snapshot() == before


def test_deciding_an_unknown_extension_is_not_found(city):
    task = city.assign()
    status, _, _ = city.decide(task["id"], "01JAAAAAAAAAAAAAAAAAAAAAAA", "approved")
    assert status == 404


# --- completion --------------------------------------------------------------------------------


def test_completion_is_reported_then_confirmed_and_closes_the_obligation_on_time(city):
    task = city.assign()
    later(days=3)
    status, _, reported = city.complete(task["id"])
    assert status == 200 and reported["status"] == "awaiting_confirmation"
    assert reported["completion"]["result"] == "Đã hoàn thành, có báo cáo."
    assert city.obligations(task["id"])["task.complete"]["status"] == "paused"  # not chased
    later(days=20)  # confirmed long after the deadline: on-time is judged by the report
    status, _, done = city.confirm(task["id"])
    assert status == 200 and done["status"] == "done"
    assert done["status_class"] == "done_on_time" and done["confirmed_by"]["id"] == "chairman"
    row = city.obligations(task["id"])["task.complete"]
    assert row["status"] == "closed" and row["outcome"] == "met_on_time"
    assert city.counters(TEN_WORKING_DAYS)["met_on_time"] == 1
    events = city.events()
    assert [e["detail-type"] for e in events][-2:] == ["TaskCompletionReported", "TaskCompleted"]
    assert events[-1]["detail"]["outcome"] == "met_on_time"


def test_completion_reported_after_the_deadline_is_done_late(city):
    task = city.assign()
    clock.set_now(datetime(2026, 12, 14, 2, 0, tzinfo=UTC))
    city.complete(task["id"], as_="sotc.officer")
    done = city.confirm(task["id"])[2]
    assert done["status_class"] == "done_late"
    assert city.obligations(task["id"])["task.complete"]["outcome"] == "met_late"


def test_by_default_a_task_done_within_its_extension_is_done_on_time(city):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    city.decide(task["id"], ext["id"], "approved")
    clock.set_now(datetime(2026, 12, 15, 2, 0, tzinfo=UTC))  # past the original deadline
    assert city.task(task["id"])["status_class"] == "in_progress_on_time"
    city.complete(task["id"])
    done = city.confirm(task["id"])[2]
    assert done["status_class"] == "done_on_time" and done["extension_count"] == 1
    assert done["judged_deadline"] == "2026-12-31T16:59:59.999999Z"
    assert done["judged_deadline_on"] == "2026-12-31"
    assert city.obligations(task["id"])["task.complete"]["outcome"] == "met_on_time"


def test_under_the_original_policy_the_same_task_is_done_late(city, setting):
    setting("TASK_ONTIME_POLICY", "original")
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    city.decide(task["id"], ext["id"], "approved")
    clock.set_now(datetime(2026, 12, 15, 2, 0, tzinfo=UTC))
    assert city.task(task["id"])["status_class"] == "in_progress_overdue"
    city.complete(task["id"])
    done = city.confirm(task["id"])[2]
    assert done["status_class"] == "done_late" and done["on_time_policy"] == "original"
    assert done["judged_deadline"] == "2026-12-11T16:59:59.999999Z"
    row = city.obligations(task["id"])["task.complete"]
    assert row["outcome"] == "met_late" and row["due_at"] == "2026-12-31T16:59:59.999999Z"


def test_the_assigning_side_returns_a_completion_for_more_work(city):
    task = city.assign(progress_every_working_days=5)
    later(days=1)
    city.complete(task["id"])
    rows = city.obligations(task["id"])
    assert rows["task.progress#1"]["outcome"] == "met_on_time"  # the completion report met it
    status, _, returned = city.send_back(task["id"])
    assert status == 200 and returned["status"] == "in_progress"
    assert returned["completion"] is None
    assert returned["returns"][0]["reason"] == "Bổ sung số liệu quý IV"
    assert returned["returns"][0]["reported_at"] == clock.iso(NOW + timedelta(days=1))
    rows = city.obligations(task["id"])
    assert rows["task.complete"]["status"] == "open"
    assert rows["task.progress#2"]["status"] == "open"
    assert city.events()[-1]["detail-type"] == "TaskReturned"
    # and it can be completed again
    assert city.complete(task["id"])[0] == 200 and city.confirm(task["id"])[0] == 200


def test_reporting_completion_withdraws_a_pending_extension_request(city):
    task = city.assign()
    city.request_extension(task["id"], "2026-12-31")
    reported = city.complete(task["id"])[2]
    assert reported["extensions"][0]["status"] == "withdrawn"
    rows = city.obligations(task["id"])
    assert rows["task.extension_decision#1"]["outcome"] == "cancelled"


@pytest.mark.parametrize(
    ("username", "status"),
    [("soxd.leader", 403), ("chairman", 403), ("ubnd.leader", 403), ("hoankiem.officer", 404)],
)
def test_only_the_lead_unit_reports_completion(city, username, status):
    task = city.assign()
    before = city.snapshot()
    assert city.complete(task["id"], as_=username)[0] == status
    assert city.snapshot() == before


@pytest.mark.parametrize(
    ("username", "status"),
    [("sotc.leader", 403), ("soxd.leader", 403), ("vp.clerk", 404), ("hoankiem.leader", 404)],
)
def test_only_the_assigning_side_confirms_or_returns(city, username, status):
    task = city.assign()
    city.complete(task["id"])
    before = city.snapshot()
    assert city.confirm(task["id"], as_=username)[0] == status
    assert city.send_back(task["id"], as_=username)[0] == status
    assert city.snapshot() == before
    assert city.confirm(task["id"], as_="vice.chairman")[0] == 200


def test_confirming_before_completion_is_reported_is_a_conflict(city):
    task = city.assign()
    assert city.confirm(task["id"])[0] == 409
    assert city.send_back(task["id"])[0] == 409


# --- cancellation ------------------------------------------------------------------------------


def test_cancelling_closes_every_open_obligation_as_cancelled(city):
    task = city.assign(progress_every_working_days=5)
    city.request_extension(task["id"], "2026-12-31")
    status, _, cancelled = city.cancel(task["id"])
    assert status == 200 and cancelled["status"] == "cancelled"
    assert cancelled["status_class"] == "cancelled"
    assert cancelled["cancellation"]["reason"] == "Không còn phù hợp"
    rows = city.obligations(task["id"])
    assert {k: (r["status"], r.get("outcome")) for k, r in rows.items()} == {
        "task.complete": ("closed", "cancelled"),
        "task.progress#1": ("closed", "cancelled"),
        "task.extension_decision#1": ("closed", "cancelled"),
    }
    assert cancelled["extensions"][0]["status"] == "withdrawn"
    assert city.counters(TEN_WORKING_DAYS)["cancelled"] == 1


def test_a_cancelled_task_cannot_be_completed_reported_or_cancelled_again(city):
    task = city.assign()
    city.cancel(task["id"])
    before = city.snapshot()
    for status, _, body in (
        city.complete(task["id"]),
        city.cancel(task["id"]),
        city.report(task["id"], "sotc.officer"),
        city.request_extension(task["id"], "2026-12-31"),
    ):
        assert status == 409 and body["status"] == 409
    assert city.snapshot() == before


def test_a_done_task_cannot_be_cancelled(city):
    task = city.assign()
    city.complete(task["id"])
    city.confirm(task["id"])
    assert city.cancel(task["id"])[0] == 409


@pytest.mark.parametrize(
    ("username", "status"), [("sotc.leader", 403), ("soxd.officer", 403), ("inspector", 404)]
)
def test_only_the_assigning_side_cancels(city, username, status):
    task = city.assign()
    assert city.cancel(task["id"], as_=username)[0] == status
    assert city.task(task["id"])["status"] == "in_progress"


# --- If-Match ----------------------------------------------------------------------------------


def test_a_stale_if_match_is_refused_with_412_and_a_missing_one_with_428(city):
    task = city.assign()
    stale = city.etag(task["id"])
    city.report(task["id"], "sotc.officer", 10)  # the task moved on
    before = city.snapshot()
    status, _, body = city.act(
        task["id"], "completion", "sotc.leader", {"result": "Xong"}, etag=stale
    )
    assert status == 412 and body["status"] == 412
    status, _, _ = city.call(
        "POST", f"/v1/tasks/{task['id']}/cancellation", "chairman", body={"reason": "x"}
    )
    assert status == 428
    status, _, _ = city.call(
        "PATCH", f"/v1/tasks/{task['id']}", "chairman", body={"title": "Mới"},
        headers={"if-match": "abc"},
    )  # fmt: skip
    assert status == 422
    assert city.snapshot() == before


def test_deciding_an_extension_or_returning_a_task_with_a_stale_if_match_is_412(city):
    task = city.assign()
    ext = city.request_extension(task["id"], "2026-12-31")[2]["extensions"][0]
    stale = city.etag(task["id"])
    city.report(task["id"], "sotc.officer", 10)  # the task moved on
    before = city.snapshot()
    decision = {"decision": "approved", "reason": "Đồng ý"}
    what = f"extensions/{ext['id']}/decision"
    status, _, body = city.act(task["id"], what, "chairman", decision, etag=stale)
    assert status == 412 and body["status"] == 412
    assert city.snapshot() == before
    city.complete(task["id"])
    stale = city.etag(task["id"])
    edit = {"priority": "urgent"}
    city.call(
        "PATCH", f"/v1/tasks/{task['id']}", "chairman", body=edit, headers={"if-match": stale}
    )
    before = city.snapshot()
    status, _, body = city.act(task["id"], "return", "chairman", {"reason": "Bổ sung"}, etag=stale)
    assert status == 412 and body["status"] == 412
    assert city.snapshot() == before


@pytest.mark.parametrize("end", ["done", "cancelled"])
def test_a_done_or_cancelled_task_cannot_be_edited(city, end):
    task = city.assign()
    if end == "done":
        city.complete(task["id"])
        city.confirm(task["id"])
    else:
        city.cancel(task["id"])
    before = city.snapshot()
    headers = {"if-match": city.etag(task["id"])}
    edit = {"title": "Sửa sau khi đã xong"}
    status, headers, body = city.call(
        "PATCH", f"/v1/tasks/{task['id']}", "chairman", body=edit, headers=headers
    )
    assert status == 409 and headers["Content-Type"] == "application/problem+json"
    assert body["status"] == 409
    assert city.snapshot() == before


def test_the_assigning_side_edits_a_task_with_if_match(city):
    task = city.assign()
    status, headers, edited = city.call(
        "PATCH",
        f"/v1/tasks/{task['id']}",
        "chairman",
        body={
            "title": "Tiêu đề mới",
            "coordinating_unit_ids": [city.unit("P-HOANKIEM")],
            "tags": ["a", "a", "b"],
        },
        headers={"if-match": '"1"'},
    )
    assert status == 200 and headers["ETag"] == '"2"' and edited["title"] == "Tiêu đề mới"
    assert edited["coordinating_unit_ids"] == [city.unit("P-HOANKIEM")]
    assert edited["tags"] == ["a", "b"]
    # the coordinating unit that was removed no longer sees or lists it; the new one does
    assert city.get(task["id"], "soxd.officer")[0] == 404
    assert city.listing("soxd.officer") == []
    assert city.get(task["id"], "hoankiem.officer")[0] == 200
    assert [t["id"] for t in city.listing("hoankiem.officer")] == [task["id"]]
    lines = {i["sk"] for i in city.partition(task["id"])}
    assert f"UNIT#coordinating#{city.unit('SO-XD')}" not in lines
    _, _, history = city.call("GET", f"/v1/tasks/{task['id']}/history", "chairman")
    assert history["items"][-1]["changes"]["title"] == [task["title"], "Tiêu đề mới"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": None},
        {"due_date": "2026-12-31"},  # deadlines change through extensions only
        {"lead_unit_id": "01JAAAAAAAAAAAAAAAAAAAAAAA"},
        {"title": 5},
        {"coordinating_unit_ids": ["bad"]},
    ],
)
def test_bad_edits_are_refused_and_change_nothing(city, body):
    task = city.assign()
    before = city.snapshot()
    status, _, problem = city.call(
        "PATCH", f"/v1/tasks/{task['id']}", "chairman", body=body, headers={"if-match": '"1"'}
    )
    assert status == 422 and problem["status"] == 422
    assert city.snapshot() == before


def test_the_lead_unit_may_not_make_itself_coordinating_or_edit_the_task(city):
    task = city.assign()
    status, _, _ = city.call(
        "PATCH",
        f"/v1/tasks/{task['id']}",
        "chairman",
        body={"coordinating_unit_ids": [city.unit("SO-TC")]},
        headers={"if-match": '"1"'},
    )
    assert status == 422
    status, _, _ = city.call(
        "PATCH",
        f"/v1/tasks/{task['id']}",
        "sotc.leader",
        body={"title": "Tự sửa"},
        headers={"if-match": '"1"'},
    )
    assert status == 403


# --- sub-tasks ---------------------------------------------------------------------------------


def subtask(city: City, parent: dict, as_: str = "sotc.leader", **fields):
    body = {"title": "Tổng hợp số liệu ngân sách", "content": "Phòng QLNS tổng hợp", **fields}
    return city.call("POST", f"/v1/tasks/{parent['id']}/subtasks", as_, body=body)


def test_the_lead_leader_splits_a_task_for_a_sub_unit_and_an_officer(city):
    parent = city.assign()
    status, headers, child = subtask(
        city, parent, lead_unit_id=city.unit("SO-TC.NS"), due_date="2026-12-09"
    )
    assert status == 201 and headers["Location"] == f"/v1/tasks/{child['id']}"
    assert child["parent_id"] == parent["id"] and child["lead_unit_id"] == city.unit("SO-TC.NS")
    assert child["source"] == parent["source"] and child["created_by"]["id"] == "sotc.leader"
    assert child["assigning_unit_id"] == city.unit("SO-TC")
    later(minutes=1)
    status, _, officer_part = subtask(
        city, parent, assignee_id="sotc.officer", due_in_working_days=5
    )
    assert status == 201 and officer_part["assignee_id"] == "sotc.officer"
    assert officer_part["lead_unit_id"] == city.unit("SO-TC")
    row = city.obligations(officer_part["id"])["task.complete"]
    assert row["responsible_user_id"] == "sotc.officer"
    row = city.obligations(child["id"])["task.complete"]
    assert row["escalation_chain"] == [city.unit("SO-TC"), city.unit("UBND-HN")]
    # the sub-unit reports; the parent shows its children's progress
    city.report(child["id"], "ns.officer", 50)
    later(minutes=1)
    city.complete(officer_part["id"], as_="sotc.officer")
    city.confirm(officer_part["id"], as_="sotc.leader")  # the unit that split it confirms
    shown = city.task(parent["id"])
    assert shown["subtasks"] == {
        "count": 2,
        "in_progress": 1,
        "awaiting_confirmation": 0,
        "done": 1,
        "cancelled": 0,
        "average_percent": 75.0,
    }
    status, _, edited = city.call(
        "PATCH",
        f"/v1/tasks/{parent['id']}",
        "chairman",
        body={"priority": "urgent"},
        headers={"if-match": city.etag(parent["id"])},
    )
    assert status == 200 and edited["subtasks"] == shown["subtasks"]
    _, _, listed = city.call("GET", f"/v1/tasks/{parent['id']}/subtasks", "sotc.leader")
    assert {t["id"] for t in listed["items"]} == {child["id"], officer_part["id"]}
    # a coordinating unit sees the parent's summary but not the sub-unit's task itself
    _, _, coordinator = city.call("GET", f"/v1/tasks/{parent['id']}/subtasks", "soxd.officer")
    assert coordinator["items"] == []
    assert city.get(child["id"], "soxd.officer")[0] == 404
    assert city.get(child["id"], "ns.officer")[0] == 200


@pytest.mark.parametrize(
    ("username", "status"),
    [("sotc.officer", 403), ("chairman", 403), ("soxd.leader", 403), ("hoankiem.leader", 404)],
)
def test_only_the_lead_units_leader_splits_a_task(city, username, status):
    parent = city.assign()
    before = city.snapshot()
    result = subtask(city, parent, as_=username, lead_unit_id=city.unit("SO-TC.NS"))
    assert result[0] == status
    assert city.snapshot() == before


@pytest.mark.parametrize(
    "fields",
    [
        {"lead_unit_id": "SO-XD"},  # not a sub-unit of the lead unit
        {"lead_unit_id": "SO-TC"},  # the lead unit itself
        {"assignee_id": "soxd.officer"},  # not an officer of the lead unit
        {"assignee_id": "sotc.leader"},  # not an officer
        {"lead_unit_id": "SO-TC.NS", "due_date": "2026-12-31"},  # after the task's deadline
        {"lead_unit_id": "SO-TC.NS", "assignee_id": "sotc.officer"},  # both
        {},  # neither
    ],
)
def test_a_sub_task_goes_to_a_sub_unit_or_an_officer_within_the_tasks_deadline(city, fields):
    parent = city.assign()
    if fields.get("lead_unit_id"):
        fields["lead_unit_id"] = city.unit(fields["lead_unit_id"])
    before = city.snapshot()
    assert subtask(city, parent, **fields)[0] == 422
    assert city.snapshot() == before


def test_a_finished_task_cannot_be_split(city):
    parent = city.assign()
    city.complete(parent["id"])
    assert subtask(city, parent, lead_unit_id=city.unit("SO-TC.NS"))[0] == 409


def test_a_bus_outage_after_the_write_neither_fails_the_assignment_nor_repeats_it(
    city, monkeypatch
):
    """The change stands when its event cannot be published; a client retrying with the same
    Idempotency-Key gets the first task back, not a second one."""
    from cityops.core import events

    def bus_down(*_args, **_kwargs):
        raise RuntimeError("EventBridge is unavailable")

    monkeypatch.setattr(events, "publish", bus_down)
    key = {"idempotency-key": "assign-during-outage"}
    body = city.new_task()
    first = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    again = city.call("POST", "/v1/tasks", "chairman", body=body, headers=key)
    assert first[0] == again[0] == 201
    assert first[2]["id"] == again[2]["id"]
    listed = city.call("GET", "/v1/tasks", "chairman", query={"unit_id": city.unit("SO-TC")})
    assert [t["id"] for t in listed[2]["items"]] == [first[2]["id"]]


def test_a_completion_awaiting_confirmation_is_not_chased_and_a_return_chases_it_again(city):
    task = city.assign()
    status, _, _ = city.act(task["id"], "completion", "sotc.officer", {"result": "Đã xong"})
    assert status == 200
    assert city.obligations(task["id"])["task.complete"]["status"] == "paused"
    assert "open_shard" not in city.obligations(task["id"])["task.complete"]
    status, _, _ = city.act(task["id"], "return", "chairman", {"reason": "Bổ sung số liệu"})
    assert status == 200
    row = city.obligations(task["id"])["task.complete"]
    assert row["status"] == "open" and row["open_shard"].startswith("OPEN#")
    city.act(task["id"], "completion", "sotc.officer", {"result": "Đã bổ sung"})
    city.act(task["id"], "confirmation", "chairman", {})
    row = city.obligations(task["id"])["task.complete"]
    assert row["status"] == "closed" and row["outcome"] == "met_on_time"
    day = row["due_at"][:10]
    assert city.counters(day)["due"] == 1 and city.counters(day)["met_on_time"] == 1
