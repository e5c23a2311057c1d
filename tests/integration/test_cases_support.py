"""Fixtures and helpers for the cases integration tests (imported by the test_cases_* modules;
this module has no tests of its own).

`world`: moto with the template's resources, the seed units, the cases function's settings,
the clock frozen on Monday 1 February 2027, 09:00 in Hanoi (Tết 2027 is 4–10 February), and
staff with directory profiles (so that they can be assigned)."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.cases_bodies import (  # noqa: F401 (the tests import them from here too)
    DENUNCIATOR,
    NOW,
    SESSION,
    complaint,
    new_case,
    petition,
    set_day,
)

CASES_ENV = (
    "CASES_TABLE",
    "IDENTITY_VAULT_TABLE",
    "IDENTITY_KEY_ID",
    "CASES_PUBLIC_INTAKE_UNIT",
    "TRACKING_MAX_FAILURES",
)
SECRET_WORDS = (
    DENUNCIATOR["name"],
    "Hồng Nhung",
    DENUNCIATOR["phone"],
    DENUNCIATOR["email"],
    DENUNCIATOR["id_number"],
    "Hàng Bông",
)


@dataclass
class World:
    units: dict[str, dict[str, Any]]
    people: dict[str, Any]
    call: Any
    tpl: Any
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def unit(self, code: str) -> str:
        return self.units[code]["id"]

    # --- HTTP helpers ----------------------------------------------------------------------
    def request(self, method: str, path: str, who: str | None, **kwargs: Any):
        """Call the cases function as `who` (None: the public). The frozen clock moves one
        second before each write, so that audit records keep the order of the calls."""
        if method != "GET":
            tick()
        principal = self.people[who] if who else None
        return self.call("cases", method, path, who=principal, **kwargs)

    def get(self, who: str, path: str, **kwargs: Any):
        return self.request("GET", path, who, **kwargs)

    def case(self, who: str, case_id: str) -> dict[str, Any]:
        status, _, body = self.get(who, f"/v1/cases/{case_id}")
        assert status == 200, body
        return body

    def act(
        self,
        who: str,
        case: dict[str, Any] | str,
        action: str,
        body: dict[str, Any] | None = None,
        *,
        version: int | None = None,
        reader: str = "chairman",
    ):
        """POST an action with If-Match of the case's current version (read by `reader`)."""
        case_id = case if isinstance(case, str) else case["id"]
        if version is None:
            version = self.case(reader, case_id)["version"]
        return self.request(
            "POST",
            f"/v1/cases/{case_id}/{action}",
            who,
            body=body or {},
            headers={"if-match": f'"{version}"'},
        )

    def ok(self, who: str, case: dict[str, Any] | str, action: str, body=None) -> dict[str, Any]:
        status, headers, reply = self.act(who, case, action, body)
        assert status == 200, (action, reply)
        assert headers["ETag"] == f'"{reply["version"]}"'
        return reply

    def create(self, who: str, **fields: Any) -> dict[str, Any]:
        status, headers, body = self.request("POST", "/v1/cases", who, body=new_case(**fields))
        assert status == 201, body
        assert headers["Location"] == f"/v1/cases/{body['id']}"
        return body

    def submit(self, **fields: Any) -> dict[str, Any]:
        status, _, body = self.request("POST", "/v1/public/cases", None, body=public_case(**fields))
        assert status == 201, body
        return body

    def track(self, code: str, secret: str | None):
        headers = {"x-tracking-secret": secret} if secret is not None else {}
        return self.request("GET", f"/v1/public/cases/{code}", None, headers=headers)


def public_case(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "denunciation",
        "subject": "Tố cáo việc thu tiền trái phép khi cấp phép xây dựng",
        "content": f"Tôi là {DENUNCIATOR['name']}, số điện thoại {DENUNCIATOR['phone']}, ...",
        "denounced": "Một cán bộ phòng quản lý đô thị",
        **DENUNCIATOR,
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


STAFF = {
    # name: (unit code, roles, display name)
    "vp_clerk": ("VP-UBND", ("clerk",), "Văn thư VP"),
    "vp_leader": ("VP-UBND", ("unit_leader",), "Chánh Văn phòng"),
    "chairman": ("UBND-HN", ("city_leader",), "Chủ tịch"),
    "admin": ("VP-UBND", ("admin",), "Quản trị"),
    "inspector": ("TTR-HN", ("inspector",), "Thanh tra viên A"),
    "inspector2": ("TTR-HN", ("inspector",), "Thanh tra viên B"),
    "ttr_clerk": ("TTR-HN", ("clerk",), "Văn thư Thanh tra"),
    "sotc_leader": ("SO-TC", ("unit_leader",), "Giám đốc STC"),
    "sotc_officer": ("SO-TC", ("officer",), "Chuyên viên STC"),
    "sotc_officer2": ("SO-TC", ("officer",), "Chuyên viên STC 2"),
    "sotc_clerk": ("SO-TC", ("clerk",), "Văn thư STC"),
    "ns_leader": ("SO-TC.NS", ("unit_leader",), "Trưởng phòng NS"),
    "ns_officer": ("SO-TC.NS", ("officer",), "Chuyên viên NS"),
    "soxd_leader": ("SO-XD", ("unit_leader",), "Giám đốc SXD"),
    "soxd_officer": ("SO-XD", ("officer",), "Chuyên viên SXD"),
    "hoankiem_officer": ("P-HOANKIEM", ("officer",), "Công chức phường"),
}


@pytest.fixture(name="world")
def world_fixture(seeded, aws, call, principal, setting) -> World:
    from cityops.cases.council import forget_sessions
    from cityops.cases.time_limits import forget_rules
    from cityops.core import clock
    from cityops.core.access import UNITS
    from cityops.directory import store as directory

    env = aws.functions()["CasesFunction"].environment
    for key in CASES_ENV:
        setting(key, env[key])
    forget_rules()
    UNITS.forget()
    clock.set_now(NOW)
    people = {}
    for name, (code, roles, display) in STAFF.items():
        who = principal(seeded[code], *roles, sub=f"sub-{name}", name=display)
        people[name] = who
        directory.put_user(
            {
                "id": who.sub,
                "username": name,
                "name": display,
                "email": f"{name}@example.vn",
                "unit_id": who.unit_id,
                "roles": list(roles),
            }
        )
    forget_sessions()
    world = World(units=seeded, people=people, call=call, tpl=aws)
    # The session the petitions of the tests were compiled after, as an administrator enters it.
    status, _, body = world.request("POST", "/v1/cases/sessions", "admin", body=dict(SESSION))
    assert status == 201, body
    yield world
    forget_rules()
    forget_sessions()
    UNITS.forget()


@pytest.fixture(name="logs")
def logs_fixture():
    """What the functions log, formatted as Powertools writes it to stdout in Lambda."""
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LambdaPowertoolsFormatter())
    target = logging.getLogger(os.environ.get("POWERTOOLS_SERVICE_NAME", "tests"))
    target.addHandler(handler)
    yield stream
    target.removeHandler(handler)


@pytest.fixture(name="bus")
def bus_fixture(world):
    """Every event the cases system puts on the bus, through a rule and an SQS queue."""
    import boto3

    events, sqs = boto3.client("events"), boto3.client("sqs")
    name = os.environ["EVENT_BUS_NAME"]
    url = sqs.create_queue(QueueName="cases-events-under-test")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.put_rule(
        Name="cases-under-test",
        EventBusName=name,
        EventPattern=json.dumps({"source": ["cityops.cases"]}),
    )
    events.put_targets(
        Rule="cases-under-test",
        EventBusName=name,
        Targets=[{"Id": "queue", "Arn": arn["QueueArn"]}],
    )

    def received() -> list[dict[str, Any]]:
        out = []
        while True:
            reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            messages = reply.get("Messages", [])
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    return received


def obligation_rows(case_id: str) -> list[dict[str, Any]]:
    from cityops.core.dynamo import query_page
    from cityops.core.settings import get_settings

    items, _ = query_page(
        get_settings().obligations_table,
        key_condition="pk = :pk",
        values={":pk": f"case#{case_id}"},
        limit=100,
    )
    return items


def open_obligations(case_id: str) -> dict[str, str]:
    """The case's open obligations: kind -> due day in Hanoi."""
    from cityops.core.calendar import CITY_TZ

    out = {}
    for row in obligation_rows(case_id):
        if row["status"] == "open":
            due = datetime.fromisoformat(row["due_at"].replace("Z", "+00:00"))
            out[row["kind"]] = due.astimezone(CITY_TZ).date().isoformat()
    return out


def closed_obligations(case_id: str) -> dict[str, str]:
    """The case's closed obligations: kind -> outcome (the last one of each kind)."""
    return {r["kind"]: r["outcome"] for r in obligation_rows(case_id) if r["status"] == "closed"}


_tick = threading.Lock()


def tick() -> None:
    from cityops.core import clock

    with _tick:
        clock.set_now(clock.now() + timedelta(seconds=1))


def count_items(table: str) -> int:
    """How many items a table holds (a test's check that nothing was written)."""
    import boto3

    return boto3.client("dynamodb").scan(TableName=table, Select="COUNT")["Count"]
