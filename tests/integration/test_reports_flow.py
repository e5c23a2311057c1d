"""The reports function's HTTP contract on moto, in-process: a catalogue imported, a monthly
form for the wards, the schedule opening a report for every ward in March 2027, values
entered and checked, submission, approval that issues an outgoing document (type BC)
numbered in the ward's register and delivered to the Office, acceptance, completeness and
the city aggregate, and the history of a reopened report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import ROOT

MARCH = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi, Wednesday 3 March 2027
CODES = ["TNGT_VU", "TNGT_VU_NGHIEMTRONG", "TNGT_CHET", "TNGT_BITHUONG", "THU_NSNN"]


@pytest.fixture
def world(seeded, principal):
    from cityops.core import clock
    from cityops.core.auth import SYSTEM
    from cityops.directory.port import DIRECTORY
    from cityops.documents import registers
    from cityops.documents.models import AbbreviationSet

    clock.set_now(MARCH)
    for unit in DIRECTORY.current.units_within(None):
        registers.ensure_default_registers(SYSTEM, unit)
    admin = principal(seeded["VP-UBND"], "admin", sub="admin")
    for code, abbreviation in (("P-HOANKIEM", "UBND"), ("VP-UBND", "VP")):
        registers.set_abbreviation(admin, seeded[code]["id"],
                                   AbbreviationSet(abbreviation=abbreviation), 0)  # fmt: skip
    people = {
        "admin": admin,
        "hk.officer": principal(seeded["P-HOANKIEM"], "officer", sub="hk-officer"),
        "hk.leader": principal(seeded["P-HOANKIEM"], "unit_leader", sub="hk-leader"),
        "cn.officer": principal(seeded["P-CUANAM"], "officer", sub="cn-officer"),
        "vp.clerk": principal(seeded["VP-UBND"], "clerk", sub="vp-clerk"),
        "chairman": principal(seeded["UBND-HN"], "city_leader", sub="chairman"),
        "sotc.officer": principal(seeded["SO-TC"], "officer", sub="sotc-officer"),
    }
    yield seeded, people
    clock.reset()


def _import_catalogue(call, admin) -> None:
    from cityops.reports import indicators

    content = (ROOT / "infra" / "seed" / "indicators.csv").read_bytes()
    assert indicators.import_catalogue(admin, content, "csv").created > 30


def _form(call, units, admin, **changes: Any) -> dict[str, Any]:
    body = {"code": "BC-KTXH-THANG", "name": "Báo cáo kinh tế - xã hội hằng tháng",
            "indicator_codes": CODES, "reporting_unit_kinds": ["ward"],
            "receiving_unit_id": units["VP-UBND"]["id"], "period_type": "monthly",
            "deadline_working_days": 2, **changes}  # fmt: skip
    status, _, form = call("reports", "POST", "/v1/report-forms", who=admin, body=body)
    assert status == 201, form
    return form


def _open(function) -> dict[str, Any]:
    return function("reports").on_event({"mode": "open_periods"})


def _mine(call, who) -> dict[str, Any]:
    status, _, page = call("reports", "GET", "/v1/reports", who=who)
    assert status == 200, page
    return page


def _act(call, who, report: dict[str, Any], action: str, body: dict | None = None):
    return call("reports", "POST", f"/v1/reports/{report['id']}/{action}", who=who,
                body=body or {}, headers={"If-Match": f'"{report["version"]}"'})  # fmt: skip


def _put(call, who, report, values, comments=None):
    return call("reports", "PUT", f"/v1/reports/{report['id']}/values", who=who,
                body={"values": values, "comments": comments or {}},
                headers={"If-Match": f'"{report["version"]}"'})  # fmt: skip


GOOD = {"TNGT_VU": 4, "TNGT_VU_NGHIEMTRONG": 1, "TNGT_CHET": 1, "TNGT_BITHUONG": 3,
        "THU_NSNN": 125.5}  # fmt: skip


def test_a_march_period_opens_a_report_for_every_ward_with_its_cut_off_and_deadline(
    world, call, function
):
    units, people = world
    _import_catalogue(call, people["admin"])
    form = _form(call, units, people["admin"])
    status, _, periods = call("reports", "GET", f"/v1/report-forms/{form['id']}/periods",
                              who=people["hk.officer"], query={"year": "2027"})  # fmt: skip
    assert status == 200
    march = next(p for p in periods["items"] if p["name"] == "2027-03")
    assert (march["starts_on"], march["ends_on"]) == ("2027-02-15", "2027-03-14")
    assert march["due_on"] == "2027-03-16"  # 14/03 is a Sunday: Mon 15, Tue 16
    opened = _open(function)["opened"]
    assert [(o["period"], o["reports"]) for o in opened] == [("2027-03", 6)]
    assert _open(function)["opened"] == []  # twice: nothing more
    status, _, problem = call(
        "reports",
        "POST",
        "/v1/report-forms",
        who=people["admin"],
        body={
            "code": form["code"],
            "name": "Khác",
            "indicator_codes": ["TNGT_VU"],
            "reporting_unit_kinds": ["ward"],
            "receiving_unit_id": units["VP-UBND"]["id"],
            "period_type": "monthly",
            "deadline_working_days": 2,
        },
    )
    assert status == 409 and "Đã có biểu mẫu báo cáo khác mang mã" in problem["detail"]
    assert form["code"] in problem["detail"]
    mine = _mine(call, people["hk.officer"])["items"]
    assert [(r["period"], r["status"], r["due_on"]) for r in mine] == [
        ("2027-03", "open", "2027-03-16")
    ]


def test_a_ward_enters_submits_its_leader_approves_and_the_office_accepts_a_numbered_report(
    world, call, function
):
    from cityops.core.dynamo import query_all
    from cityops.core.settings import get_settings

    units, people = world
    _import_catalogue(call, people["admin"])
    form = _form(call, units, people["admin"])
    _open(function)
    summary = _mine(call, people["hk.officer"])["items"][0]
    _, _, report = call("reports", "GET", f"/v1/reports/{summary['id']}", who=people["hk.officer"])
    bad = dict(GOOD, TNGT_VU_NGHIEMTRONG=9)  # more serious accidents than accidents
    status, _, problem = _put(call, people["hk.officer"], report, bad)
    assert status == 422
    assert [e["cell"] for e in problem["errors"]] == ["TNGT_VU_NGHIEMTRONG"]
    status, _, problem = _put(call, people["hk.officer"], report, dict(GOOD, TNGT_CHET=-1))
    assert status == 422 and problem["errors"][0]["type"] == "bounds"
    status, headers, report = _put(call, people["hk.officer"], report, GOOD)
    assert status == 200, report
    assert headers["ETag"] == '"2"'
    status, _, problem = _act(call, people["hk.officer"], report, "approve")
    assert status == 403
    status, _, report = _act(call, people["hk.officer"], report, "submit")
    assert status == 200, report
    assert report["status"] == "submitted" and report["on_time"] is True
    status, _, report = _act(call, people["hk.leader"], report, "approve")
    assert status == 200, report
    issued = report["issued"][0]
    assert issued["number_symbol"] == "01/BC-UBND"
    status, _, problem = _act(call, people["cn.officer"], report, "accept")
    assert status == 404  # another ward does not see it
    status, _, report = _act(call, people["vp.clerk"], report, "accept")
    assert status == 200, report
    assert report["status"] == "accepted"
    assert report["actions"] == []  # the Office's clerk may not reopen it
    incoming = query_all(get_settings().documents_table, index="GSI2",
                         key_condition="gsi2pk = :p",
                         values={":p": f"UNIT#{units['VP-UBND']['id']}"})  # fmt: skip
    assert any(i.get("number_symbol") == "01/BC-UBND" and i.get("kind") == "incoming"
               for i in incoming)  # fmt: skip
    status, _, aggregate = call("reports", "GET", f"/v1/report-forms/{form['id']}/aggregates",
                                who=people["chairman"], query={"period": "2027-03"})  # fmt: skip
    assert status == 200, aggregate
    figures = {i["cell"]: i["value"] for i in aggregate["items"]}
    assert figures["TNGT_VU"] == 4 and figures["THU_NSNN"] == 125.5
    assert (aggregate["expected_units"], aggregate["accepted_units"]) == (6, 1)
    status, _, matrix = call("reports", "GET", f"/v1/report-forms/{form['id']}/completeness",
                             who=people["chairman"],
                             query={"from": "2027-03", "to": "2027-03"})  # fmt: skip
    assert status == 200, matrix
    assert matrix["totals"]["2027-03"] == {"expected": 6, "on_time": 1, "late": 0,
                                           "missing": 0, "pending": 5}  # fmt: skip
    status, _, problem = _act(call, people["vp.clerk"], report, "reopen", {"reason": "Sai số"})
    assert status == 403  # a clerk of the Office is no leader
    status, _, problem = _act(call, people["hk.leader"], report, "reopen", {"reason": ""})
    assert status == 422 and problem["errors"][0]["loc"] == ["body", "reason"]  # at its field
    assert "pydantic" not in str(problem) and "input_value" not in str(problem)
    status, _, report = _act(call, people["hk.leader"], report, "reopen", {"reason": "Sai số"})
    assert status == 200 and report["status"] == "open"
    status, _, report = _put(call, people["hk.officer"], report, dict(GOOD, TNGT_VU=5))
    assert status == 200
    status, _, history = call("reports", "GET", f"/v1/reports/{report['id']}/history",
                              who=people["hk.officer"])  # fmt: skip
    changes = [e["changes"].get("values.TNGT_VU") for e in history["items"]]
    assert [None, 4] in changes and [4, 5] in changes


def test_the_template_and_the_figures_are_xlsx_workbooks_that_open(world, call, function):
    import base64

    from cityops.core.xlsx import read_rows

    from tests.conftest import FakeContext, http_event, known_to_the_directory

    units, people = world
    _import_catalogue(call, people["admin"])
    form = _form(call, units, people["admin"])
    _open(function)
    summary = _mine(call, people["hk.officer"])["items"][0]

    def workbook(path: str, who: Any, **query: str) -> list[list[Any]]:
        event = http_event("GET", path, who=who, query=query or None)
        known_to_the_directory(who)  # called without the call fixture
        reply = function("reports").lambda_handler(event, FakeContext())
        assert reply["statusCode"] == 200, reply.get("body")
        assert reply["headers"]["Content-Type"].startswith("application/vnd.openxmlformats")
        return read_rows(base64.b64decode(reply["body"]))

    rows = workbook(f"/v1/reports/{summary['id']}/template", people["hk.officer"])
    assert rows[1][0] == f"Mã báo cáo: {summary['id']}"
    assert [r[0] for r in rows[4:] if "|" not in r[0]] == CODES
    assert "TNGT_CHET|sex=nu" in [r[0] for r in rows[4:]]  # a disaggregation's parts
    matrix = workbook(
        f"/v1/report-forms/{form['id']}/completeness",
        people["chairman"],
        **{"from": "2027-03", "to": "2027-03", "format": "xlsx"},
    )
    assert matrix[1] == ["Đơn vị", "2027-03"] and len(matrix) == 2 + 6 + 5
    figures = workbook(
        f"/v1/report-forms/{form['id']}/aggregates",
        people["chairman"],
        period="2027-03",
        format="xlsx",
    )
    assert [r[0] for r in figures[2:] if "|" not in r[0]] == CODES
