"""Intake through the cases function: staff record what their unit received, the public
submits and follows a case with a tracking code and secret, and an office imports a compiled
list of voter petitions (all rows or none)."""

from __future__ import annotations

import base64
from datetime import timedelta

import boto3
import pytest
from cityops.core import clock

from tests.integration.test_cases_support import (
    SECRET_WORDS,
    SESSION,
    complaint,
    count_items,
    new_case,
    open_obligations,
    petition,
    world_fixture,  # noqa: F401 (the world fixture)
)
from tests.unit.test_cases_importer import xlsx

# Compiled after session XVII-5 (closed Wednesday 20/1/2027), named by its code.
CSV = (
    "summary,session,deputies_group,received_on\n"
    "Cử tri đề nghị sửa đường ngõ 12 phố Huế,XVII-5,Tổ đại biểu số 3,2027-01-21\n"
    "Cử tri đề nghị lắp đèn chiếu sáng ngõ 7,XVII-5,Tổ đại biểu số 3,2027-01-21\n"
    "Cử tri phản ánh ngập úng đường Lê Duẩn,XVII-5,Tổ đại biểu số 5,2027-01-22\n"
)


def cases_table(world) -> str:
    return world.tpl.functions()["CasesFunction"].environment["CASES_TABLE"]


# --- staff intake ------------------------------------------------------------------------------


def test_a_clerk_records_a_denunciation_with_a_pseudonym_and_no_identity_in_the_case(world):
    case = world.create("ttr_clerk")
    assert case["kind"] == "denunciation" and case["channel"] == "post"
    assert case["handling_unit_id"] == case["receiving_unit_id"] == world.unit("TTR-HN")
    assert case["reference"].startswith("TC-2027-") and case["pseudonym"].startswith("Người tố cáo")
    assert case["anonymous"] is False
    assert not any(word in str(case) for word in SECRET_WORDS)


def test_each_kind_starts_its_own_limit(world):
    petition_case = world.create("vp_clerk", **petition(received_on="2027-01-25"))
    assert petition_case["session"] == SESSION["name"] and petition_case["session_id"]
    assert petition_case["compiled_on"] == "2027-01-25"
    assert open_obligations(petition_case["id"]) == {"voter_petition.answer": "2027-03-26"}
    complaint_case = world.create("soxd_officer", **complaint(received_on="2027-01-29"))
    assert complaint_case["complaint_round"] == "first_time"
    # Friday 29/1: 1–3/2, Tết, 11, 12, 15, 16/2: seven working days (Decree 155/2026 Art. 10)
    # end on Tuesday 16/2.
    assert open_obligations(complaint_case["id"]) == {"complaint.accept": "2027-02-16"}


@pytest.mark.parametrize(
    "body",
    [
        new_case(kind="complaint"),  # no round
        new_case(complaint_round="first_time"),  # a round for a denunciation
        new_case(received_on="2027-02-02"),  # in the future
        new_case(channel="deputies_compilation"),  # compiled lists are voter petitions
        new_case(
            kind="voter_petition", channel="deputies_compilation", denounced=None
        ),  # no session
        new_case(
            kind="complaint",
            complaint_round="first_time",
            denounced=None,
            learned_on="2027-02-01",
            received_on="2027-01-31",
        ),
        new_case(
            several_sites=True, kind="complaint", complaint_round="first_time", denounced=None
        ),
        new_case(identity={"name": "A", "phone": "call me"}),
        new_case(summary=""),
        new_case(summary="x" * 2001),
        new_case(colour="red"),  # unknown field
        new_case(kind="petition"),
    ],
    ids=lambda b: str(sorted(b.items()))[:60],
)
def test_bad_intake_is_a_422_problem_and_writes_nothing(world, body):
    before = count_items(cases_table(world))
    status, headers, problem = world.request("POST", "/v1/cases", "ttr_clerk", body=body)
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert problem["status"] == 422 and problem["title"]
    assert count_items(cases_table(world)) == before


def test_the_same_idempotency_key_and_body_returns_the_first_case(world):
    headers = {"idempotency-key": "intake-1"}
    first = world.request("POST", "/v1/cases", "ttr_clerk", body=new_case(), headers=headers)
    again = world.request("POST", "/v1/cases", "ttr_clerk", body=new_case(), headers=headers)
    assert first[0] == again[0] == 201 and first[2]["id"] == again[2]["id"]
    _, _, page = world.get("ttr_clerk", "/v1/cases")
    assert [c["id"] for c in page["items"]] == [first[2]["id"]]


# --- the public ----------------------------------------------------------------------------------


def test_a_citizen_gets_a_tracking_code_and_a_secret_and_the_office_receives_the_case(world):
    receipt = world.submit()
    assert set(receipt) == {"tracking_code", "secret", "kind", "status", "received_on"}
    assert receipt["status"] == "received" and receipt["received_on"] == "2027-02-01"
    _, _, page = world.get("vp_clerk", "/v1/cases")
    case = world.case("vp_clerk", page["items"][0]["id"])
    assert case["tracking_code"] == receipt["tracking_code"] and case["channel"] == "online"
    stored = boto3.client("dynamodb").get_item(
        TableName=cases_table(world),
        Key={"pk": {"S": f"TRACK#{receipt['tracking_code']}"}, "sk": {"S": "TRACK"}},
    )["Item"]
    assert receipt["secret"].encode() not in repr(stored).encode()  # a salted hash only
    assert len(stored["hash"]["B"]) == 32 and len(stored["salt"]["B"]) == 16


def test_the_tracking_shows_status_and_public_milestones_only(world):
    receipt = world.submit()
    _, _, page = world.get("vp_clerk", "/v1/cases")
    world.ok(
        "vp_clerk",
        page["items"][0]["id"],
        "classify",
        {"decision": "transfer", "to_unit_id": world.unit("TTR-HN")},
    )
    world.ok("vp_clerk", page["items"][0]["id"], "forward", {})
    status, headers, body = world.track(receipt["tracking_code"], receipt["secret"])
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert body == {
        "tracking_code": receipt["tracking_code"],
        "kind": "denunciation",
        "status": "received",
        "milestones": [
            {"name": "received", "on": "2027-02-01"},
            {"name": "transferred", "on": "2027-02-01"},
        ],
        "posted_until": None,
    }
    lower = world.track(receipt["tracking_code"].lower(), receipt["secret"])
    assert lower[0] == 200


def test_a_wrong_secret_gets_the_same_404_as_an_unknown_or_malformed_code(world):
    receipt = world.submit()
    answers = [
        world.track(receipt["tracking_code"], "wrong-secret"),
        world.track(receipt["tracking_code"], None),
        world.track("HN-ZZZZZ-ZZZZZ", receipt["secret"]),
        world.track("not-a-code", receipt["secret"]),
    ]
    assert {(status, str(body)) for status, _, body in answers} == {
        (
            404,
            str(
                {
                    "type": "https://cityops.example/problems/not-found",
                    "title": "Không tìm thấy",
                    "status": 404,
                    "detail": "Không có vụ việc nào với mã tra cứu và mã bí mật này.",
                }
            ),
        )
    }


def test_the_secret_is_compared_after_the_same_hashing_for_unknown_codes(world, monkeypatch):
    from cityops.cases import tracking

    calls = []
    real = tracking._secret_hash
    monkeypatch.setattr(
        tracking, "_secret_hash", lambda s, salt: calls.append(salt) or real(s, salt)
    )
    world.track("HN-ZZZZZ-ZZZZZ", "anything")
    receipt = world.submit()
    calls.clear()
    world.track(receipt["tracking_code"], "wrong")
    world.track("HN-ZZZZZ-ZZZZY", "anything")
    assert len(calls) == 2


def test_five_wrong_secrets_in_an_hour_lock_the_code_until_the_next_hour(world):
    receipt = world.submit()
    code, secret = receipt["tracking_code"], receipt["secret"]
    for _ in range(5):
        assert world.track(code, "guess")[0] == 404
    status, headers, problem = world.track(code, secret)
    assert status == 429 and problem["status"] == 429
    assert 0 < int(headers["Retry-After"]) <= 3600
    clock.set_now(clock.now() + timedelta(hours=1))
    assert world.track(code, secret)[0] == 200


def test_parallel_guesses_cannot_pass_the_hours_limit_together(world):
    """Each attempt is counted before the secret is checked, in one conditional write."""
    from concurrent.futures import ThreadPoolExecutor

    from cityops.cases import tracking
    from cityops.core.errors import DomainError

    code = world.submit()["tracking_code"]

    def guess(n: int) -> int:
        try:
            tracking.public_status(code, f"guess-{n}")
        except DomainError as exc:
            return exc.status
        return 200

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(20)))
    assert statuses.count(404) == 5 and statuses.count(429) == 15


def test_right_secrets_do_not_use_up_the_attempts(world):
    receipt = world.submit()
    for _ in range(8):
        assert world.track(receipt["tracking_code"], receipt["secret"])[0] == 200


def test_wrong_secrets_for_one_code_do_not_lock_another(world):
    first, second = world.submit(), world.submit()
    for _ in range(5):
        world.track(first["tracking_code"], "guess")
    assert world.track(second["tracking_code"], second["secret"])[0] == 200


def test_public_intake_validates_and_writes_nothing_when_bad(world):
    before = count_items(cases_table(world))
    for body in (
        {"kind": "denunciation", "subject": "x"},  # no content
        {"kind": "complaint", "subject": "x", "content": "y"},  # no round
        {"kind": "denunciation", "subject": "x", "content": "y", "email": "no-at-sign"},
        {"kind": "denunciation", "subject": "x", "content": "y", "role": "admin"},
    ):
        status, _, _ = world.request("POST", "/v1/public/cases", None, body=body)
        assert status == 422, body
    assert count_items(cases_table(world)) == before


def test_an_anonymous_public_denunciation_is_accepted_for_intake(world):
    receipt = world.submit(name=None, address=None, phone=None, email=None, id_number=None)
    _, _, page = world.get("vp_clerk", "/v1/cases")
    case = world.case("vp_clerk", page["items"][0]["id"])
    assert case["anonymous"] is True and receipt["status"] == "received"


# --- imported lists of voter petitions -----------------------------------------------------------


def test_an_office_imports_a_compiled_list_as_one_petition_per_row(world):
    status, _, result = world.request(
        "POST", "/v1/cases/imports", "vp_clerk", body={"content": CSV}
    )
    assert status == 201 and result["imported"] == 3 and result["already_imported"] == 0
    cases = [world.case("vp_clerk", i) for i in result["case_ids"]]
    assert {c["kind"] for c in cases} == {"voter_petition"}
    assert {c["channel"] for c in cases} == {"deputies_compilation"}
    assert {c["deputies_group"] for c in cases} == {"Tổ đại biểu số 3", "Tổ đại biểu số 5"}
    # 21/1 + 60 days = Monday 22/3.
    assert open_obligations(cases[0]["id"]) == {"voter_petition.answer": "2027-03-22"}
    _, _, history = world.get("vp_clerk", f"/v1/cases/{cases[0]['id']}/history")
    assert history["items"][0]["action"] == "case.imported"
    assert history["items"][0]["note"] == "Nhập từ danh sách tổng hợp, dòng 2"


def test_a_list_with_bad_rows_reports_every_one_and_imports_nothing(world):
    bad = CSV + (
        ",XVII-5,Tổ 3,2027-01-21\n"  # line 5: no summary
        "Đèn hỏng,XVII-5,Tổ 3,hôm qua\n"  # line 6: not a date
        "Đèn hỏng,Kỳ họp thứ 5,Tổ 3,2027-01-21\n"  # line 7: not a session's code or id
        "Cây đổ,XVII-5,Tổ 3,2027-01-19\n"  # line 8: during the session, out of its window
    )
    before = count_items(cases_table(world))
    status, _, problem = world.request(
        "POST", "/v1/cases/imports", "vp_clerk", body={"content": bad}
    )
    assert status == 422 and "chưa nhập kiến nghị nào" in problem["detail"]
    assert [(e["loc"][2], e["loc"][3]) for e in problem["errors"]] == [
        (5, "summary"),
        (6, "received_on"),
        (7, "session"),
        (8, "received_on"),
    ]
    assert "từ 21/01/2027 đến 11/02/2027" in problem["errors"][3]["msg"]
    assert count_items(cases_table(world)) == before


def test_importing_the_same_list_again_imports_no_row_twice(world):
    first = world.request("POST", "/v1/cases/imports", "vp_clerk", body={"content": CSV})[2]
    again = world.request("POST", "/v1/cases/imports", "vp_clerk", body={"content": CSV})
    assert again[0] == 201 and again[2] == {"imported": 0, "already_imported": 3, "case_ids": []}
    _, _, page = world.get("vp_clerk", "/v1/cases", query={"kind": "voter_petition"})
    assert sorted(c["id"] for c in page["items"]) == sorted(first["case_ids"])


def test_an_xlsx_list_is_imported_like_a_csv(world):
    content = xlsx(
        [
            ["summary", "received_on"],
            ["Cử tri đề nghị nạo vét mương", 46408],  # Excel's serial day of 21/1/2027
            ["Cử tri đề nghị trồng cây", "2027-01-21"],
        ]
    )
    status, _, result = world.request(
        "POST",
        "/v1/cases/imports",
        "vp_clerk",
        body={
            "format": "xlsx",
            "content": content,
            "session": SESSION["code"],
            "deputies_group": "Tổ 1",
        },
    )
    assert status == 201 and result["imported"] == 2
    assert world.case("vp_clerk", result["case_ids"][0])["received_on"] == "2027-01-21"


def test_a_broken_file_and_a_leader_importing_are_refused(world):
    garbage = base64.b64encode(b"PK not really").decode()
    status, _, _ = world.request(
        "POST", "/v1/cases/imports", "vp_clerk", body={"format": "xlsx", "content": garbage}
    )
    assert status == 422
    assert world.request("POST", "/v1/cases/imports", "vp_leader", body={"content": CSV})[0] == 403
