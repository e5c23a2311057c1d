"""End-to-end fixtures: the local stack started as a user starts it (`make run`), on free
ports, driven over HTTP; stopped with Ctrl-C (SIGINT) at the end of the session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "CityOps-Demo-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, base: str, process: subprocess.Popen, log: Path):
        self.base, self.process, self.log = base, process, log

    def url(self, path: str) -> str:
        return self.base + path

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        reply = requests.post(
            self.url("/local/token"), json={"username": username, "password": password}, timeout=30
        )
        reply.raise_for_status()
        return reply.json()["id_token"]

    def as_user(self, username: str) -> Client:
        return Client(self, self.token(username))

    def anonymous(self) -> Client:
        return Client(self, None)

    def set_clock(self, iso: str) -> None:
        requests.put(self.url("/local/clock"), json={"now": iso}, timeout=30).raise_for_status()

    def reset_clock(self) -> None:
        requests.delete(self.url("/local/clock"), timeout=30).raise_for_status()

    def run_schedule(self, function: str) -> dict[str, Any]:
        reply = requests.post(self.url(f"/local/schedules/{function}/run"), timeout=120)
        reply.raise_for_status()
        return reply.json()

    def drain(self, attempts: int = 4) -> None:
        """Wait until every event on the bus has reached its functions: the gateway answers
        503 after 50 s with events still queued (a sweep over the shared table can queue
        hundreds of notices), so ask again, and fail only if they never drain."""
        for _ in range(attempts):
            reply = requests.post(self.url("/local/events/drain"), timeout=90)
            if reply.status_code != 503:
                reply.raise_for_status()
                return
        pytest.fail(f"events still queued after {attempts} drains:\n{self.output()[-3000:]}")

    def outbox(self) -> dict[str, Any]:
        return requests.get(self.url("/local/outbox"), timeout=30).json()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Client:
    def __init__(self, stack: Stack, token: str | None):
        self.stack, self.session = stack, requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return self.session.request(method, self.stack.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def units_by_code(self) -> dict[str, str]:
        """Every unit's id by its code, following the pages."""
        found: dict[str, str] = {}
        params: dict[str, str] = {"limit": "200"}
        while True:
            page = self.get("/v1/units", params=params).json()
            found |= {u["code"]: u["id"] for u in page["items"]}
            if not page["next_cursor"]:
                return found
            params["cursor"] = page["next_cursor"]


@contextmanager
def running_stack(tmp_path_factory) -> Iterator[Stack]:
    """`make run` on free ports until the block ends (stopped with Ctrl-C, as a user would)."""
    port, moto_port = _free_port(), _free_port()
    log = tmp_path_factory.mktemp("stack") / "make-run.log"
    handle = log.open("w")
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}", f"MOTO_PORT={moto_port}"],
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    stack = Stack(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("make run stopped:\n" + stack.output())
        try:
            if requests.get(stack.url("/v1/health"), timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("make run did not answer in time:\n" + stack.output())
    yield stack
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a user stops it
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    finally:
        handle.close()
    assert "Stopped." in stack.output(), "make run did not stop cleanly on Ctrl-C"


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """One stack for the session's e2e files (a file that fills it with work of its own,
    such as the reports' months, starts its own with `running_stack`)."""
    with running_stack(tmp_path_factory) as running:
        yield running


@pytest.fixture
def reset_clock(stack):
    yield
    stack.reset_clock()
