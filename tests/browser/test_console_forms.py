"""The console's forms of structured bodies, in headless Chromium against the local stack: an
outgoing document drafted, submitted, signed and issued by the three officials whose actions
the API lists, its file shown in the PDF viewer; a denunciation refused with the API's
messages shown at the fields they are about; a task split into a sub-task, then cancelled.
Screenshots at desktop and 390 px, axe-core."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, Console, denunciation_at_the_inspectorate
from tests.browser.test_console import PDF, directed_task

pytestmark = pytest.mark.e2e


@pytest.fixture
def official(browser, stack):
    """Another official's tab, for the steps of a flow that others take."""
    contexts = []

    def open_as(username: str) -> Console:
        context = browser.new_context(
            viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        tab = Console(page, stack.base, f"outgoing-{username}")
        tab.sign_in(username)
        return tab

    yield open_as
    for context in contexts:
        context.close()


def drain(stack) -> None:
    stack.drain()


def upload(tab: Console, stack, tmp_path, name: str) -> None:
    pdf = tmp_path / name
    pdf.write_bytes(PDF)
    tab.page.get_by_label("Tệp văn bản (PDF)").set_input_files(str(pdf))
    expect(tab.page.get_by_text(name)).to_be_visible()
    drain(stack)  # the upload's check makes the file available
    tab.page.reload()


def test_an_outgoing_document_is_drafted_submitted_signed_and_issued_through_the_console(
    console, official, stack, tmp_path
):
    summary = f"Về việc báo cáo tiến độ giải ngân {uuid.uuid4().hex[:6]}"
    page = console.page
    console.sign_in("sotc.officer")
    console.nav("Văn bản")
    page.get_by_role("link", name="Văn bản đi").click()
    page.get_by_role("button", name="Dự thảo văn bản đi").click()
    page.get_by_role("button", name="Tạo dự thảo").click()  # nothing filled: the API says what
    summary_field = page.get_by_label("Trích yếu nội dung")
    expect(summary_field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#draft-summary-error")).to_be_visible()
    console.check("outgoing-draft-refused")
    page.get_by_label("Loại văn bản").select_option("CV")
    summary_field.fill(summary)
    page.get_by_label("Nơi nhận khác (mỗi dòng một nơi)").fill("Bộ Tài chính\nLưu: VT, STC")
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_url(re.compile(r"/documents/[0-9A-Z]{26}$"))
    document_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("doc-status")).to_have_text("Dự thảo")
    upload(console, stack, tmp_path, "du-thao.pdf")
    page.get_by_role("button", name="Xem tệp").click()
    viewer = page.locator("iframe.pdf")
    expect(viewer).to_be_visible()
    assert viewer.get_attribute("src").startswith("blob:")
    expect(page.get_by_role("link", name="Lưu tệp về máy")).to_be_visible()
    console.check("outgoing-draft")
    expect(page.get_by_role("button", name="Ký", exact=True)).to_have_count(0)
    # Closed from the keyboard: while Chromium's own PDF viewer has the focus, a mouse click in
    # the page is not delivered in headless Chromium (not investigated in a desktop browser)
    page.get_by_role("button", name="Đóng").focus()
    page.keyboard.press("Enter")
    expect(viewer).to_have_count(0)
    page.get_by_role("button", name="Trình ký").click()
    expect(page.get_by_test_id("doc-status")).to_have_text("Đã trình ký")
    expect(page.get_by_role("button", name="Trình ký")).to_have_count(0)

    leader = official("sotc.leader")
    leader.open(f"/documents/{document_id}")
    upload(leader, stack, tmp_path, "da-ky.pdf")
    leader.page.get_by_role("button", name="Ký", exact=True).click()
    expect(leader.page.get_by_test_id("doc-status")).to_have_text("Đã ký")
    expect(leader.page.get_by_role("button", name="Phát hành")).to_have_count(0)  # a clerk's

    clerk = official("sotc.clerk")
    clerk.open(f"/documents/{document_id}")
    clerk.page.get_by_role("button", name="Phát hành").click()
    expect(clerk.page.get_by_test_id("doc-status")).to_have_text("Đã phát hành")
    expect(clerk.page.get_by_text(re.compile(r"/STC"))).to_be_visible()
    clerk.check("outgoing-issued")
    issued = stack.as_user("sotc.officer").get(f"/v1/documents/{document_id}").json()
    assert issued["status"] == "issued" and issued["number_symbol"].endswith("/STC")
    assert [r.get("name") for r in issued["recipients"]] == ["Bộ Tài chính", "Lưu: VT, STC"]


def test_the_inspector_refuses_a_denunciation_in_a_form_that_shows_the_apis_messages(
    console, stack
):
    case = denunciation_at_the_inspectorate(
        stack,
        "Tố cáo việc thu phí trái quy định",
        "Tôi tố cáo việc thu phí trông giữ xe trái quy định.",
        denounced="Một tổ dân phố",
        name=f"Lê Thị Tố {uuid.uuid4().hex[:4]}",
        address="Số 2 phố Hàng Bạc",
        phone="0905" + str(uuid.uuid4().int)[:6],
    )

    page = console.page
    console.sign_in("thanhtra.inspector")
    console.open(f"/cases/{case['id']}")
    page.get_by_role("button", name="Không thụ lý", exact=True).click()
    page.get_by_role("button", name="Xác nhận không thụ lý").click()  # nothing chosen
    ground = page.get_by_label("Căn cứ không thụ lý")
    expect(ground).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#case-refuse-ground-error")).to_be_visible()
    expect(page.locator("#case-refuse-note-error")).to_be_visible()
    expect(page.get_by_test_id("case-status")).to_have_text("Mới tiếp nhận")
    console.check("case-refuse-refused")
    ground.select_option("no_basis_to_verify")
    page.get_by_label("Lý do").fill("Nội dung tố cáo không có cơ sở để xác minh.")
    page.get_by_role("button", name="Xác nhận không thụ lý").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Không thụ lý")
    expect(page.get_by_role("status")).to_contain_text("Không thụ lý")
    console.check("case-refused")
    after = stack.as_user("thanhtra.inspector").get(f"/v1/cases/{case['id']}").json()
    assert after["status"] == "refused" and after["refusal_ground"] == "no_basis_to_verify"
    assert after["actions"] == []  # nothing is done to a refused denunciation


def test_the_finance_leader_gives_a_sub_task_and_the_chairman_cancels_the_task(
    console, official, stack
):
    task_id = directed_task(stack, f"Về việc tổng hợp quyết toán {uuid.uuid4().hex[:6]}")
    page = console.page
    console.sign_in("sotc.leader")
    console.open(f"/tasks/{task_id}")
    expect(page.get_by_role("button", name="Huỷ nhiệm vụ")).to_have_count(0)  # assigning side's
    page.get_by_role("button", name="Giao nhiệm vụ con").click()
    page.get_by_label("Tên nhiệm vụ con").fill("Tổng hợp số liệu quyết toán của các phòng")
    page.get_by_role("textbox", name="Nội dung", exact=True).fill(
        "Phòng Quản lý ngân sách tổng hợp, gửi Giám đốc Sở."
    )
    page.get_by_label("Đơn vị trực thuộc thực hiện").select_option(label="Phòng Quản lý ngân sách")
    page.get_by_label("Hạn (số ngày làm việc)").fill("5")
    console.check("subtask-form")
    page.get_by_role("button", name="Giao việc").click()
    expect(page.get_by_role("status")).to_have_text("Đã giao nhiệm vụ con.")
    expect(
        page.get_by_role("link", name="Tổng hợp số liệu quyết toán của các phòng")
    ).to_be_visible()

    chairman = official("chairman")
    chairman.open(f"/tasks/{task_id}")
    chairman.page.get_by_role("button", name="Huỷ nhiệm vụ").click()
    chairman.page.get_by_role("button", name="Xác nhận huỷ nhiệm vụ").click()  # no reason
    expect(chairman.page.locator("#cancel-reason-error")).to_have_text("Chưa nhập: bắt buộc.")
    chairman.page.get_by_label("Lý do huỷ").fill("Nội dung đã được giao tại văn bản khác.")
    chairman.page.get_by_role("button", name="Xác nhận huỷ nhiệm vụ").click()
    expect(chairman.page.get_by_role("status")).to_have_text("Đã huỷ nhiệm vụ.")
    expect(chairman.page.get_by_role("button", name="Huỷ nhiệm vụ")).to_have_count(0)
    chairman.check("task-cancelled")
    task = stack.as_user("chairman").get(f"/v1/tasks/{task_id}").json()
    assert task["status"] == "cancelled" and task["actions"] == []
