"""Reports end to end, over HTTP against the local stack (`make run`), as users do it (issue
10, "Done when"): an administrator imports a catalogue from XLSX (a file with a bad row is
refused with its line and nothing is written) and defines a monthly socio-economic form for
the wards and two departments, received by the Office of the People's Committee, due 2
working days after the cut-off; March 2027's period shows its cut-off and deadline, and the
nightly schedule opens a report for every unit that must report; Hoàn Kiếm's officer fills
the XLSX template (a value beyond its bounds is refused with its cell, an outlier needs a
comment), its leader approves it, it is issued with an outgoing number and reaches the
Office, whose clerk accepts it; Cửa Nam misses the deadline, its leader is told and the
notice goes up, then it reports late; the completeness matrix shows on time, late and
missing; the city aggregate is the sum of the accepted reports; a reopen keeps both values
in the history.

The stack is shared by the whole session: the test moves the clock to March 2027 (and puts
it back), uses a form of its own, and reads its own notices by its reports' references.
"""

from __future__ import annotations

import base64
import csv
import io
import time
import zipfile
from typing import Any

import pytest
import requests
from cityops.core.xlsx import Sheet, read_rows, workbook_of

from tests.e2e.conftest import ROOT, running_stack

pytestmark = pytest.mark.e2e

HEADER = [
    "code",
    "name",
    "definition",
    "field",
    "unit_of_measure",
    "value_type",
    "scale",
    "disaggregations",
    "aggregation",
    "weight",
    "unit_kinds",
    "minimum",
    "maximum",
    "at_most",
    "part_of",
]
NEW = {
    "code": "PAKN_TIEPNHAN",
    "name": "Số phản ánh, kiến nghị của người dân được tiếp nhận",
    "definition": "Số phản ánh, kiến nghị về quy định hành chính và dịch vụ công tiếp nhận "
    "trong kỳ qua mọi kênh",
    "field": "Cải cách hành chính",
    "unit_of_measure": "phản ánh",
    "value_type": "integer",
    "scale": "",
    "disaggregations": "",
    "aggregation": "sum",
    "weight": "",
    "unit_kinds": "ward;department",
    "minimum": "0",
    "maximum": "5000",
    "at_most": "",
    "part_of": "",
}
CODES = [
    "TNGT_VU",
    "TNGT_VU_NGHIEMTRONG",
    "TNGT_CHET",
    "TNGT_BITHUONG",
    "THU_NSNN",
    "PAKN_TIEPNHAN",
]
# Hoàn Kiếm's three earlier months, then March (TNGT_VU far from 4, 6, 5: an outlier).
HISTORY = {
    "2026-12": {
        "TNGT_VU": 4,
        "TNGT_VU_NGHIEMTRONG": 1,
        "TNGT_CHET": 1,
        "TNGT_BITHUONG": 3,
        "THU_NSNN": 120.5,
        "PAKN_TIEPNHAN": 40,
    },
    "2027-01": {
        "TNGT_VU": 6,
        "TNGT_VU_NGHIEMTRONG": 2,
        "TNGT_CHET": 2,
        "TNGT_BITHUONG": 5,
        "THU_NSNN": 130.25,
        "PAKN_TIEPNHAN": 52,
    },
    "2027-02": {
        "TNGT_VU": 5,
        "TNGT_VU_NGHIEMTRONG": 1,
        "TNGT_CHET": 1,
        "TNGT_BITHUONG": 4,
        "THU_NSNN": 125,
        "PAKN_TIEPNHAN": 47,
    },
}
MARCH_HK = {
    "TNGT_VU": 30,
    "TNGT_VU_NGHIEMTRONG": 2,
    "TNGT_CHET": 1,
    "TNGT_BITHUONG": 5,
    "THU_NSNN": 126.75,
    "PAKN_TIEPNHAN": 45,
}
MARCH_CN = {
    "TNGT_VU": 3,
    "TNGT_VU_NGHIEMTRONG": 1,
    "TNGT_CHET": 0,
    "TNGT_BITHUONG": 2,
    "THU_NSNN": 88.5,
    "PAKN_TIEPNHAN": 21,
}
UNITS_THAT_REPORT = 8  # the six seeded wards, SO-TC and SO-XD
AT_0910 = "T09:10:00+07:00"  # clear of the hourly (hh:00) and morning (07:30) sweeps


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A stack of its own: four months of reports for eight units, most of them overdue,
    would slow every other file's sweeps and notices on a shared one."""
    with running_stack(tmp_path_factory) as running:
        yield running


def xlsx_of(rows: list[list[Any]]) -> bytes:
    return workbook_of([Sheet(name="Danh mục", rows=[(r, 0) for r in rows])])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def etag(report: dict[str, Any]) -> dict[str, str]:
    return {"If-Match": f'"{report["version"]}"'}


def ok(reply: requests.Response, status: int = 200) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    return reply.json()


def act(client, report: dict[str, Any], action: str, body: dict | None = None):
    return client.post(
        f"/v1/reports/{report['id']}/{action}", json=body or {}, headers=etag(report)
    )


def reports_of(client, form_id: str, period: str) -> dict[str, dict[str, Any]]:
    """The period's reports the caller sees, by their unit's code."""
    page = ok(
        client.get("/v1/reports", params={"form_id": form_id, "period": period, "limit": 200})
    )
    assert page["next_cursor"] is None
    return {r["unit"]["code"]: r for r in page["items"]}


def wait_for_the_nightly_schedule(stack, client, form_id: str, period: str) -> dict[str, Any]:
    """The local stack runs the reports' schedule (cron 00:15, Asia/Ho_Chi_Minh, with its
    Input `{"mode": "open_periods"}`) when its clock passes the minute: wait for it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = reports_of(client, form_id, period)
        if len(found) >= UNITS_THAT_REPORT:
            return found
        time.sleep(1)
    pytest.fail(f"the schedule opened no reports of {period}:\n{stack.output()[-3000:]}")


def sweep(stack) -> None:
    result = stack.run_schedule("deadline_sweep")["result"]
    assert result["complete"], result
    stack.drain()


def inbox(client, entity_ref: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get("/v1/inbox", params=params))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return [i for i in items if i["entity_ref"] == entity_ref]


def steps_told(client, entity_ref: str, steps: list[int], timeout: float = 60.0) -> list[str]:
    """The notifier drains the bus in the background: wait until the caller's notices about
    the entity have these escalation steps (oldest first); their levels."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(inbox(client, entity_ref), key=lambda n: n["created_at"])
        if [n["escalation_step"] for n in found] == steps:
            return [n["level"] for n in found]
        time.sleep(0.5)
    pytest.fail(f"not told {steps} about {entity_ref}: {inbox(client, entity_ref)}")


def fill(template: bytes, values: dict[str, Any], comments: dict[str, str] | None = None):
    """The officer's spreadsheet work: rows 1-4 kept, each value in column E and each
    comment in column F of its indicator's row (column A), from row 5. Returns the file and
    each code's row number."""
    rows = read_rows(template)
    out, where = [], {}
    for number, row in enumerate(rows, start=1):
        cells = [*row, *[None] * (6 - len(row))]
        if number >= 5 and cells[0]:
            where[cells[0]] = number
            cells[4] = values.get(cells[0])
            cells[5] = (comments or {}).get(cells[0])
        out.append((cells, 0))
    return workbook_of([Sheet(name="Báo cáo", rows=out)]), where


def test_a_ward_reports_its_month_from_the_template_to_the_city_aggregate_and_a_late_ward_is_chased(
    stack, reset_clock
):
    admin, chairman = stack.as_user("admin"), stack.as_user("chairman")
    officer, leader = stack.as_user("hoankiem.officer"), stack.as_user("hoankiem.leader")
    clerk = stack.as_user("vp.clerk")
    cn_officer, cn_leader = stack.as_user("cuanam.officer"), stack.as_user("cuanam.leader")
    units = chairman.units_by_code()
    stack.set_clock("2027-03-02" + AT_0910)

    # The seed loaded the catalogue; the admin adds an indicator from XLSX. A file with a bad
    # row is refused with its line and column, and nothing is written.
    with (ROOT / "infra" / "seed" / "indicators.csv").open(encoding="utf-8") as handle:
        seeded = next(r for r in csv.DictReader(handle) if r["code"] == "TNGT_VU")
    bad = dict(NEW, code="PAKN_DAGIAIQUYET", maximum="nhiều")
    rows = [HEADER, [seeded[k] for k in HEADER], [bad[k] for k in HEADER], [NEW[k] for k in HEADER]]
    refused = admin.post(
        "/v1/indicators/imports", json={"format": "xlsx", "content": b64(xlsx_of(rows))}
    )
    assert refused.status_code == 422, refused.text
    assert [(e["line"], e["column"]) for e in refused.json()["errors"]] == [(3, "M")]
    assert admin.get("/v1/indicators/PAKN_TIEPNHAN").status_code == 404
    assert admin.get("/v1/indicators/PAKN_DAGIAIQUYET").status_code == 404
    del rows[2]
    imported = ok(
        admin.post(
            "/v1/indicators/imports", json={"format": "xlsx", "content": b64(xlsx_of(rows))}
        ),
        201,
    )
    assert (imported["created"], imported["revised"], imported["unchanged"]) == (1, 0, 1)
    indicator = ok(officer.get("/v1/indicators/PAKN_TIEPNHAN"))
    assert indicator["maximum"] == 5000 and len(indicator["versions"]) == 1
    assert ok(officer.get("/v1/indicators/TNGT_VU"))["effective_from"] == "2026-01-01"

    # The monthly socio-economic form, in force since the December period.
    form = ok(
        admin.post(
            "/v1/report-forms",
            json={
                "code": "BC-KTXH-THANG",
                "name": "Báo cáo tình hình kinh tế - xã hội hằng tháng",
                "indicator_codes": CODES,
                "reporting_unit_kinds": ["ward"],
                "reporting_unit_ids": [units["SO-TC"], units["SO-XD"]],
                "receiving_unit_id": units["VP-UBND"],
                "period_type": "monthly",
                "deadline_working_days": 2,
                "starts_on": "2026-11-15",
            },
        ),
        201,
    )
    periods = ok(officer.get(f"/v1/report-forms/{form['id']}/periods", params={"year": 2027}))
    march = next(p for p in periods["items"] if p["name"] == "2027-03")
    assert (march["starts_on"], march["ends_on"]) == ("2027-02-15", "2027-03-14")
    assert march["due_on"] == "2027-03-16"  # 14/03 is a Sunday: Mon 15, Tue 16
    assert march["opened"] is False

    # Past midnight the schedule opens every period whose window has opened since.
    stack.set_clock("2027-03-03T00:15:00+07:00")
    opened = wait_for_the_nightly_schedule(stack, chairman, form["id"], "2027-03")
    wards = {c for c, u in units.items() if c.startswith("P-")}
    assert set(opened) == wards | {"SO-TC", "SO-XD"}
    assert {r["status"] for r in opened.values()} == {"open"}
    assert {r["due_on"] for r in opened.values()} == {"2027-03-16"}
    assert set(reports_of(officer, form["id"], "2027-03")) == {"P-HOANKIEM"}  # its own only
    for period in HISTORY:
        assert set(reports_of(chairman, form["id"], period)) == set(opened)
    stack.set_clock("2027-03-03" + AT_0910)

    # Hoàn Kiếm's three earlier months: entered, submitted, approved, accepted.
    number = None
    for period, values in HISTORY.items():
        mine = reports_of(officer, form["id"], period)["P-HOANKIEM"]
        report = ok(officer.get(f"/v1/reports/{mine['id']}"))
        report = ok(
            officer.put(
                f"/v1/reports/{report['id']}/values", json={"values": values}, headers=etag(report)
            )
        )
        report = ok(act(officer, report, "submit"))
        report = ok(act(leader, report, "approve"))
        number = report["issued"][0]["number_symbol"]
        report = ok(act(clerk, report, "accept"))
        assert report["status"] == "accepted"
    assert number is not None and number.endswith("/BC-UBND")

    # March: the officer downloads the template, prefilled with February's values.
    hk = ok(officer.get(f"/v1/reports/{opened['P-HOANKIEM']['id']}"))
    reply = officer.get(f"/v1/reports/{hk['id']}/template")
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    template = reply.content
    cells = read_rows(template)
    assert cells[1][0] == f"Mã báo cáo: {hk['id']}"
    previous = {r[0]: r[3] for r in cells[4:] if r and r[0] in CODES}
    assert previous == HISTORY["2027-02"]

    # A value beyond its bounds is refused with its cell, and nothing changes.
    sheet, where = fill(template, dict(MARCH_HK, TNGT_CHET=-1))
    refused = officer.post(
        f"/v1/reports/{hk['id']}/values/imports", json={"content": b64(sheet)}, headers=etag(hk)
    )
    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert [(e["sheet_cell"], e["type"]) for e in errors] == [(f"E{where['TNGT_CHET']}", "bounds")]
    assert ok(officer.get(f"/v1/reports/{hk['id']}"))["version"] == hk["version"]

    # 30 accidents against 4, 6 and 5: a warning; submitting needs a comment at that cell.
    sheet, where = fill(template, MARCH_HK)
    hk = ok(
        officer.post(
            f"/v1/reports/{hk['id']}/values/imports", json={"content": b64(sheet)}, headers=etag(hk)
        )
    )
    assert [(w["cell"], w["type"]) for w in hk["warnings"]] == [("TNGT_VU", "outlier")]
    refused = act(officer, hk, "submit")
    assert refused.status_code == 422, refused.text
    assert [e["cell"] for e in refused.json()["errors"]] == ["TNGT_VU"]
    comment = "Tháng 3 có lễ hội, lưu lượng phương tiện qua phường tăng mạnh."
    sheet, _ = fill(template, MARCH_HK, {"TNGT_VU": comment})
    hk = ok(
        officer.post(
            f"/v1/reports/{hk['id']}/values/imports", json={"content": b64(sheet)}, headers=etag(hk)
        )
    )
    assert {c["cell"]: c["value"] for c in hk["cells"] if c["cell"] in CODES} == MARCH_HK
    hk = ok(act(officer, hk, "submit"))
    assert hk["status"] == "submitted" and hk["on_time"] is True
    assert act(officer, hk, "approve").status_code == 403  # an officer is no leader

    # The leader approves: issued with the next outgoing number, it reaches the Office.
    hk = ok(act(leader, hk, "approve"))
    issued = hk["issued"][0]["number_symbol"]
    assert issued == f"{int(number.split('/')[0]) + 1:02d}/BC-UBND"
    found = ok(
        clerk.get(
            "/v1/documents",
            params={"kind": "incoming", "doc_type": "BC", "q": issued, "limit": 200},
        )
    )
    assert issued in [d.get("number_symbol") for d in found["items"]], found
    assert act(cn_officer, hk, "accept").status_code == 404  # another ward does not see it
    hk = ok(act(clerk, hk, "accept"))
    assert hk["status"] == "accepted"

    # Cửa Nam misses the deadline (Tue 16/03). The day after, its leader is told it is
    # overdue; two working days late, the notice goes up to the city's leaders.
    cn_ref = f"report#{opened['P-CUANAM']['id']}"
    stack.set_clock("2027-03-17" + AT_0910)
    sweep(stack)
    assert steps_told(cn_leader, cn_ref, [0]) == ["overdue"]
    mail = [m for m in stack.outbox()["mail"] if "cuanam.leader@cityops.example" in m["to"]]
    assert any(opened["P-CUANAM"]["id"] in (m["body"] or "") for m in mail)
    assert inbox(chairman, cn_ref) == []  # not escalated yet
    assert inbox(officer, cn_ref) == [] and inbox(leader, cn_ref) == []  # not Hoàn Kiếm's
    stack.set_clock("2027-03-18" + AT_0910)
    sweep(stack)
    assert steps_told(cn_leader, cn_ref, [0, 1]) == ["overdue", "escalated"]
    assert steps_told(chairman, cn_ref, [1]) == ["escalated"]
    sweep(stack)  # the same day again: nothing twice
    time.sleep(2)
    assert len(inbox(cn_leader, cn_ref)) == 2

    # Cửa Nam reports late; the Office accepts it.
    cn = ok(cn_officer.get(f"/v1/reports/{opened['P-CUANAM']['id']}"))
    cn = ok(
        cn_officer.put(
            f"/v1/reports/{cn['id']}/values", json={"values": MARCH_CN}, headers=etag(cn)
        )
    )
    cn = ok(act(cn_officer, cn, "submit"))
    assert cn["on_time"] is False
    cn = ok(act(cn_leader, cn, "approve"))
    cn = ok(act(clerk, cn, "accept"))

    # The completeness matrix: Hoàn Kiếm on time, Cửa Nam late, the others missing.
    window = {"from": "2027-03", "to": "2027-03"}
    matrix = ok(chairman.get(f"/v1/report-forms/{form['id']}/completeness", params=window))
    assert matrix["totals"]["2027-03"] == {
        "expected": 8,
        "on_time": 1,
        "late": 1,
        "missing": 6,
        "pending": 0,
    }
    states = {u["code"]: u["periods"]["2027-03"]["state"] for u in matrix["units"]}
    assert (states["P-HOANKIEM"], states["P-CUANAM"], states["SO-TC"]) == (
        "on_time",
        "late",
        "missing",
    )
    reply = chairman.get(
        f"/v1/report-forms/{form['id']}/completeness", params={**window, "format": "xlsx"}
    )
    assert reply.status_code == 200, reply.text
    assert zipfile.ZipFile(io.BytesIO(reply.content)).testzip() is None
    assert any("Hoàn Kiếm" in str(c) for row in read_rows(reply.content) for c in row)

    # The city aggregate is the sum of the two accepted reports.
    aggregate = ok(
        chairman.get(f"/v1/report-forms/{form['id']}/aggregates", params={"period": "2027-03"})
    )
    figures = {i["cell"]: i["value"] for i in aggregate["items"]}
    assert {c: figures[c] for c in CODES} == {c: MARCH_HK[c] + MARCH_CN[c] for c in CODES}
    assert (aggregate["expected_units"], aggregate["accepted_units"]) == (8, 2)

    # A reopen with a reason; the corrected value keeps the one before in the history.
    assert act(clerk, hk, "reopen", {"reason": "Sai số"}).status_code == 403
    hk = ok(act(leader, hk, "reopen", {"reason": "Số vụ tai nạn nhập nhầm, cần sửa"}))
    assert hk["status"] == "open"
    hk = ok(
        officer.put(
            f"/v1/reports/{hk['id']}/values",
            json={"values": dict(MARCH_HK, TNGT_VU=29), "comments": {"TNGT_VU": comment}},
            headers=etag(hk),
        )
    )
    history = ok(officer.get(f"/v1/reports/{hk['id']}/history", params={"limit": 200}))
    changes = [e["changes"].get("values.TNGT_VU") for e in history["items"]]
    assert [None, 30] in changes and [30, 29] in changes
