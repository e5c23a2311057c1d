"""The console as officials use it, in headless Chromium against the local stack: each test
signs in as a demo user, does the work through the screens, saves desktop and phone
screenshots, and checks the screen with axe-core (no serious or critical violation).
What the scenario is not about (a document to direct, a denunciation to accept, a report to
fill) is set up over the API first, as another official would have done it."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import denunciation_at_the_inspectorate
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def today(client) -> str:
    return requests.get(client.stack.url("/local/clock"), timeout=30).json()["now"][:10]


def incoming(stack, summary: str) -> dict:
    clerk = stack.as_user("vp.clerk")
    reply = clerk.post(
        "/v1/documents/incoming",
        json={
            "received_on": today(clerk),
            "issuing_body": "Bộ Tài chính",
            "number_symbol": f"{uuid.uuid4().int % 9000 + 100}/BTC-NSNN",
            "issued_on": today(clerk),
            "doc_type": "CV",
            "summary": summary,
        },
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def complaint_received(clerk, summary: str) -> dict:
    """A first-time complaint received today at the clerk's unit, as the clerk records it."""
    body = {"kind": "complaint", "complaint_round": "first_time", "channel": "reception",
            "received_on": today(clerk), "summary": summary}  # fmt: skip
    reply = clerk.post("/v1/cases", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert reply.status_code == 201, reply.text
    return reply.json()


def directed_task(stack, summary: str) -> str:
    doc = incoming(stack, summary)
    chairman = stack.as_user("chairman")
    units = chairman.units_by_code()
    current = chairman.get(f"/v1/documents/{doc['id']}")
    reply = chairman.post(
        f"/v1/documents/{doc['id']}/direction",
        json={
            "lead_unit_id": units["SO-TC"],
            "instructions": "Sở Tài chính chủ trì xử lý, báo cáo kết quả.",
            "due_in_working_days": 10,
            "track_as_task": True,
        },
        headers={"If-Match": current.headers["ETag"]},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["direction"]["task_id"]


def test_the_office_clerk_registers_an_incoming_document_with_its_file(console, stack, tmp_path):
    page = console.page
    console.sign_in("vp.clerk")
    console.check("home")
    console.nav("Văn bản")
    page.get_by_role("button", name="Vào sổ văn bản đến").click()
    page.get_by_label("Cơ quan ban hành").fill("Văn phòng Chính phủ")
    page.get_by_label("Số, ký hiệu").fill(f"{uuid.uuid4().int % 9000 + 100}/VPCP-KTTH")
    page.get_by_label("Trích yếu nội dung").fill("Về việc đẩy nhanh giải ngân vốn đầu tư công")
    page.get_by_label("Độ khẩn").select_option("urgent")
    console.check("documents-register-form")
    page.get_by_role("button", name="Vào sổ văn bản đến").last.click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Đã vào sổ: số đến \d+"))
    pdf = tmp_path / "cong-van.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Tệp văn bản (PDF)").set_input_files(str(pdf))
    page.wait_for_url(re.compile(r"/documents/[0-9A-Z]{26}$"))
    expect(page.get_by_text("cong-van.pdf")).to_be_visible()
    stack.drain()
    page.reload()
    expect(page.get_by_role("button", name="Xem tệp")).to_be_visible()  # checked and available
    console.check("document")
    console.nav("Văn bản")
    expect(
        page.get_by_role("link", name="Về việc đẩy nhanh giải ngân vốn đầu tư công").first
    ).to_be_visible()
    page.get_by_label("Tìm (không cần dấu)").fill("day nhanh giai ngan")  # no diacritics
    expect(
        page.get_by_role("link", name="Về việc đẩy nhanh giải ngân vốn đầu tư công").first
    ).to_be_visible()
    console.check("documents-register")


def test_the_chairman_directs_an_incoming_document_to_a_lead_unit_as_a_task(console, stack):
    doc = incoming(stack, f"Về việc kiểm tra quyết toán {uuid.uuid4().hex[:6]}")
    page = console.page
    console.sign_in("chairman")
    console.open(f"/documents/{doc['id']}")
    page.get_by_label("Đơn vị chủ trì").select_option(label="Sở Tài chính")
    page.get_by_label("Nội dung chỉ đạo").fill("Giao Sở Tài chính chủ trì, báo cáo trước hạn.")
    page.get_by_label("Hạn xử lý (số ngày làm việc)").fill("10")
    expect(page.get_by_label("Theo dõi như nhiệm vụ")).to_be_checked()
    console.check("direction-form")
    page.get_by_role("button", name="Chỉ đạo").click()
    expect(page.get_by_test_id("doc-status")).to_have_text("Đã chỉ đạo")
    expect(page.get_by_text("Giao Sở Tài chính chủ trì, báo cáo trước hạn.")).to_be_visible()
    page.get_by_role("link", name="Nhiệm vụ").last.click()
    page.wait_for_url(re.compile(r"/tasks/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("kiểm tra quyết toán")
    console.check("directed-task")


def test_the_finance_officer_reports_progress_on_the_task_a_direction_made(console, stack):
    task_id = directed_task(stack, f"Về việc rà soát dự toán {uuid.uuid4().hex[:6]}")
    page = console.page
    console.sign_in("sotc.officer")
    console.nav("Nhiệm vụ")
    page.get_by_label("Tình trạng").select_option("in_progress_on_time")
    page.get_by_label("Tìm (không cần dấu)").fill("ra soat du toan")
    expect(page.get_by_role("link", name=re.compile("rà soát dự toán")).first).to_be_visible()
    console.check("tasks")
    console.open(f"/tasks/{task_id}")
    result = page.get_by_label("Kết quả", exact=True)
    result.fill("Dự thảo kết quả rà soát")  # the completion's own text, kept while reporting
    page.get_by_label("Nội dung báo cáo").fill("Đã rà soát 12 trên 30 đơn vị dự toán.")
    page.get_by_label("Phần trăm hoàn thành").fill("40")
    page.get_by_role("button", name="Báo cáo tiến độ").dblclick()  # sent once
    expect(page.get_by_role("status")).to_have_text("Đã báo cáo tiến độ.")
    expect(result).to_have_value("Dự thảo kết quả rà soát")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Đã rà soát 12 trên 30 đơn vị dự toán.")
    expect(timeline).to_contain_text("40%")
    expect(page.get_by_text("Xác nhận hoàn thành")).to_have_count(0)  # not the assigning side's
    console.check("task")
    officer = stack.as_user("sotc.officer")
    assert officer.get(f"/v1/tasks/{task_id}").json()["percent"] == 40
    reports = officer.get(f"/v1/tasks/{task_id}/progress").json()["items"]
    assert [r["percent"] for r in reports] == [40]  # one report for the double click


def test_the_inspector_accepts_a_denunciation_and_sees_the_denunciator_only_by_pseudonym(
    console, stack
):
    name = f"Nguyễn Văn Kín {uuid.uuid4().hex[:4]}"
    case = denunciation_at_the_inspectorate(
        stack,
        "Tố cáo cán bộ nhận tiền khi cấp phép",
        "Tôi tố cáo một cán bộ cấp phép xây dựng nhận tiền.",
        denounced="Một cán bộ cấp phép xây dựng",
        name=name,
        address="Số 1 phố Hàng Gai",
        phone="0904" + str(uuid.uuid4().int)[:6],
    )

    page = console.page
    console.sign_in("thanhtra.inspector")
    console.nav("Đơn thư")
    page.get_by_label("Loại đơn").select_option("denunciation")
    row = page.get_by_role("row", name=re.compile(case["reference"]))
    expect(row).to_contain_text(case["pseudonym"])
    expect(row).to_contain_text(re.compile(r"còn \d+ ngày làm việc"))
    expect(page.get_by_text(name)).to_have_count(0)
    console.check("cases")
    row.get_by_role("link").click()
    page.get_by_role("button", name="Nhận xử lý").click()
    expect(page.get_by_role("status")).to_contain_text("Nhận xử lý")
    expect(page.get_by_role("button", name="Nhận xử lý")).to_have_count(0)  # reloaded
    page.get_by_label("Ghi chú").fill("Đủ điều kiện thụ lý")
    page.get_by_role("button", name="Thụ lý", exact=True).click()
    expect(page.get_by_test_id("case-status")).to_have_text("Đã thụ lý")
    expect(page.get_by_text(name)).to_have_count(0)
    page.get_by_role("button", name="Xem danh tính người tố cáo").click()
    expect(page.get_by_text("Việc xem danh tính được ghi lại")).to_be_visible()
    console.check("case")
    page.get_by_role("button", name="Tôi hiểu, xem danh tính").click()
    expect(page.get_by_text(name)).to_be_visible()
    inspector = stack.as_user("thanhtra.inspector")
    history = inspector.get(f"/v1/cases/{case['id']}/history", params={"limit": "200"}).json()
    assert any("identity" in h["action"] for h in history["items"]), history


def test_the_chairman_sees_the_whole_citys_cases_and_can_narrow_them_to_a_unit(console, stack):
    case = denunciation_at_the_inspectorate(
        stack,
        "Tố cáo việc cấp phép sai quy định",
        "Tôi tố cáo việc cấp phép sai quy định.",
        name=f"Trần Thị Kín {uuid.uuid4().hex[:4]}",
    )
    page = console.page
    console.sign_in("chairman")
    console.nav("Đơn thư")
    unit = page.get_by_label("Đơn vị xử lý")
    expect(unit).to_have_value("city")  # a city leader starts with the whole city
    expect(page.get_by_role("row", name=re.compile(case["reference"]))).to_be_visible()
    unit.select_option(label="Thanh tra thành phố Hà Nội")
    expect(page.get_by_role("row", name=re.compile(case["reference"]))).to_be_visible()
    unit.select_option(index=0)  # the chairman's own unit, which handles none of them
    expect(page.get_by_role("row", name=re.compile(case["reference"]))).to_have_count(0)


def test_a_leader_gives_a_case_to_one_of_the_units_officers(console, stack):
    case = complaint_received(stack.as_user("soxd.clerk"), "Khiếu nại về cấp phép nhà ở")
    page = console.page
    console.sign_in("soxd.leader")
    console.open(f"/cases/{case['id']}")
    page.get_by_label("Giao cho").select_option(label="Chuyên viên Sở Xây dựng")
    page.get_by_role("button", name="Giao xử lý").click()
    expect(page.get_by_role("status")).to_contain_text("Giao xử lý")
    expect(page.locator(".facts")).to_contain_text("Chuyên viên Sở Xây dựng")
    console.check("case-assigned")


def test_a_list_longer_than_a_page_is_read_on_with_more(console, stack):
    clerk = stack.as_user("soxd.clerk")
    for n in range(101):  # a page is 100
        complaint_received(clerk, f"Khiếu nại về cấp phép số {n}")
    page = console.page
    console.sign_in("soxd.clerk")
    console.nav("Đơn thư")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(100)
    page.get_by_role("button", name="Xem thêm").click()
    listed = clerk.get("/v1/cases", params={"limit": "200"}).json()["items"]  # other tests' too
    assert 100 < len(listed) < 200
    expect(rows).to_have_count(len(listed))
    expect(page.get_by_role("button", name="Xem thêm")).to_have_count(0)


def test_the_ward_officer_fills_a_report_in_the_grid_fixes_the_cell_it_refuses_and_submits(
    console, stack
):
    admin = stack.as_user("admin")
    units = admin.units_by_code()
    form = admin.post(
        "/v1/report-forms",
        json={
            "code": "BC-TNGT-" + uuid.uuid4().hex[:4].upper(),
            "name": "Báo cáo tai nạn giao thông hằng tháng",
            "indicator_codes": ["TNGT_VU", "TNGT_VU_NGHIEMTRONG"],
            "reporting_unit_kinds": [],
            "reporting_unit_ids": [units["P-HOANKIEM"]],
            "receiving_unit_id": units["VP-UBND"],
            "period_type": "monthly",
            "deadline_working_days": 2,
            "starts_on": today(admin),
        },
    )
    assert form.status_code == 201, form.text
    stack.run_schedule("reports")
    officer = stack.as_user("hoankiem.officer")
    report = officer.get("/v1/reports", params={"form_id": form.json()["id"]}).json()["items"][0]

    page = console.page
    console.sign_in("hoankiem.officer")
    console.nav("Báo cáo")
    page.get_by_role("row", name=re.compile(report["period"])).filter(
        has_text="Báo cáo tai nạn giao thông"
    ).first.get_by_role("link").click()
    page.get_by_label("Số vụ tai nạn giao thông", exact=True).fill("3")
    page.get_by_label("Số vụ tai nạn giao thông từ nghiêm trọng trở lên", exact=True).fill(
        "5"
    )  # above the total
    page.get_by_role("button", name="Lưu số liệu").click()
    refused = page.locator('tr[data-cell="TNGT_VU_NGHIEMTRONG"] .cell-error')
    expect(refused).to_be_visible()
    expect(page.locator('tr[data-cell="TNGT_VU"] .cell-error')).to_have_count(0)
    console.check("report-grid-refused")
    serious = page.get_by_label("Số vụ tai nạn giao thông từ nghiêm trọng trở lên", exact=True)
    serious.fill("")  # a value the report needs: saved, then the submit is refused
    page.get_by_role("button", name="Gửi báo cáo").click()
    missing = page.locator('tr[data-cell="TNGT_VU_NGHIEMTRONG"] .cell-error')
    expect(missing).to_contain_text("Chưa nhập giá trị")
    serious.fill("1")  # and sent again from the same page, on the version just saved
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Gửi báo cáo")
    expect(page.get_by_text("Đã gửi").first).to_be_visible()
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)  # actions from the API
    console.check("report-submitted")
    after = officer.get(f"/v1/reports/{report['id']}").json()
    assert after["status"] == "submitted"
    assert {c["cell"]: c["value"] for c in after["cells"]} == {
        "TNGT_VU": 3,
        "TNGT_VU_NGHIEMTRONG": 1,
    }


def test_the_chairman_opens_the_scoreboard_of_units_ranked_by_on_time_rate(console, stack):
    page = console.page
    console.sign_in("chairman")
    console.nav("Kết quả đúng hạn")
    expect(page.get_by_role("heading", name="Kết quả thực hiện đúng hạn")).to_be_visible()
    table = page.get_by_role("table", name="Kết quả thực hiện đúng hạn")
    expect(table.get_by_role("row").nth(1)).to_be_visible()
    for system in ("Văn bản", "Nhiệm vụ", "Đơn thư", "Báo cáo"):
        expect(page.locator("figure.bars figcaption", has_text=system)).to_be_visible()
    console.check("scoreboard")
    page.screenshot(path=str(ROOT / "docs" / "console.png"))
