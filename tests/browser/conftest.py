"""Browser fixtures: the console in headless Chromium (Debian's `chromium`, driven by
Playwright through its executable path; Playwright's own browser download is never used),
against one local stack started as `make run` (tests/e2e/conftest.py's `stack`, shared by
every test of the worker). Screenshots go to tests/browser/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.conftest import DEMO_PASSWORD, ROOT, reset_clock, stack  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
QUIET_S = 0.3  # no request of the tab's in flight for this long: the screen has settled


@pytest.fixture(scope="session")
def browser() -> Browser:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: make test installs it"
    assert AXE.exists(), "axe-core is missing: make test installs the console's npm packages"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


class Console:
    """One official's tab on the console."""

    def __init__(self, page: Page, base: str, name: str):
        self.page, self.base, self.name = page, base, name
        self.outside: list[str] = []
        self.in_flight: set[Any] = set()
        self.changed = time.monotonic()
        page.on("request", self._watch)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)

    def _watch(self, request: Any) -> None:
        if request.url.startswith(("http://", "https://")):
            self.in_flight.add(request)
            self.changed = time.monotonic()
        if (
            # chrome:// and chrome-extension:// are the browser's own PDF viewer, not the network
            not request.url.startswith(
                (self.base, "data:", "blob:", "chrome://", "chrome-extension://")
            )
            and "127.0.0.1" not in request.url
        ):
            self.outside.append(request.url)

    def _done(self, request: Any) -> None:
        self.in_flight.discard(request)
        self.changed = time.monotonic()

    def settle(self, timeout_s: float = 20.0) -> None:
        """Waits until none of the tab's HTTP requests (the console's files, the API, S3) has
        been in flight for QUIET_S. Not Playwright's "networkidle": with the browser's own PDF
        viewer open in an iframe of a blob, that state sometimes never came (a 20 s timeout in
        CI), and it says nothing of which request is still open; this names them."""
        deadline = time.monotonic() + timeout_s
        while self.in_flight or time.monotonic() - self.changed < QUIET_S:
            assert time.monotonic() < deadline, (
                f"requests still in flight after {timeout_s:.0f} s: "
                f"{sorted(r.url for r in self.in_flight)}"
            )
            self.page.wait_for_timeout(50)  # lets Playwright deliver the tab's events

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)

    def sign_in(self, username: str) -> None:
        self.open("/")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Đăng nhập").click()
        expect(self.page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()

    def nav(self, name: str) -> None:
        self.page.get_by_role("navigation").get_by_role("link", name=name).click()

    def check(self, screen: str) -> None:
        """Screenshots at desktop and phone width; axe-core finds no serious or critical issue."""
        ARTIFACTS.mkdir(exist_ok=True)
        page = self.page
        self.settle()
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.wait_for_timeout(150)
            page.screenshot(
                path=str(ARTIFACTS / f"{self.name}-{screen}-{label}.png"), full_page=True
            )
            if label == "phone":
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 1, f"{screen} scrolls sideways at 390 px ({overflow} px)"
        page.set_viewport_size(DESKTOP)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # evaluated over the DevTools protocol: the console's CSP (no inline script, as on
            # CloudFront) refuses a script tag, and rightly so
            page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, json.dumps(
            [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in bad],
            ensure_ascii=False,
        )
        assert not self.outside, f"requests to other hosts: {self.outside}"


@pytest.fixture
def console(browser, stack, request):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield Console(page, stack.base, request.node.name.removeprefix("test_")[:60])
    context.close()


def denunciation_at_the_inspectorate(stack, subject: str, content: str, **who: str) -> dict:  # noqa: F811
    """A denunciation sent by the public (`who`: its name, address, phone), classified and
    forwarded to the city Inspectorate by the Office's clerk: the case as the clerk lists it."""
    submitted = stack.anonymous().post(
        "/v1/public/cases",
        json={"kind": "denunciation", "subject": subject, "content": content, **who},
    )
    assert submitted.status_code == 201, submitted.text
    clerk = stack.as_user("vp.clerk")
    units = clerk.units_by_code()
    case = next(
        c
        for c in clerk.get("/v1/cases", params={"limit": "200"}).json()["items"]
        if c["tracking_code"] == submitted.json()["tracking_code"]
    )
    for action, body in (
        ("classify", {"decision": "transfer", "to_unit_id": units["TTR-HN"]}),
        ("forward", {}),
    ):
        etag = clerk.get(f"/v1/cases/{case['id']}").headers["ETag"]
        reply = clerk.post(
            f"/v1/cases/{case['id']}/{action}", json=body, headers={"If-Match": etag}
        )
        assert reply.status_code == 200, reply.text
    return case
