"""What the tasks integration tests share (no tests here): people on the seed's units, the
tasks function called as API Gateway calls it, the task's obligation rows and counters, what
went to the bus, and a check that a refused request changed nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import boto3
from cityops.core import clock
from cityops.core.dynamo import get_item, query_page
from cityops.core.obligations import counter_key
from cityops.core.settings import get_settings
from cityops.directory import store as directory
from cityops.tasks import store

from tests.conftest import make_principal

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 27/11/2026, 09:00 in Hanoi
TEN_WORKING_DAYS = "2026-12-11"  # ten working days after Friday 27/11/2026

# username: (unit code, roles)
PEOPLE = {
    "chairman": ("UBND-HN", ["city_leader"]),
    "vice.chairman": ("UBND-HN", ["city_leader"]),
    "ubnd.leader": ("UBND-HN", ["unit_leader"]),
    "vp.clerk": ("VP-UBND", ["clerk"]),
    "vp.clerk2": ("VP-UBND", ["clerk"]),
    "vp.officer": ("VP-UBND", ["officer"]),
    "admin": ("VP-UBND", ["admin"]),
    "sotc.clerk": ("SO-TC", ["clerk"]),
    "sotc.leader": ("SO-TC", ["unit_leader"]),
    "sotc.officer": ("SO-TC", ["officer"]),
    "sotc.officer2": ("SO-TC", ["officer"]),
    "ns.leader": ("SO-TC.NS", ["unit_leader"]),
    "ns.officer": ("SO-TC.NS", ["officer"]),
    "soxd.leader": ("SO-XD", ["unit_leader"]),
    "soxd.officer": ("SO-XD", ["officer"]),
    "hoankiem.leader": ("P-HOANKIEM", ["unit_leader"]),
    "hoankiem.officer": ("P-HOANKIEM", ["officer"]),
    "inspector": ("TTR-HN", ["inspector"]),
}


class City:
    """The seed's units with a few people, and the tasks API as they would call it."""

    def __init__(self, units: dict[str, dict[str, Any]], call: Callable[..., Any]):
        self.units, self._call = units, call
        for username, (code, roles) in PEOPLE.items():
            directory.put_user(
                {
                    "id": username,
                    "username": username,
                    "name": f"Người dùng {username}",
                    "email": f"{username}@cityops.example",
                    "unit_id": units[code]["id"],
                    "roles": roles,
                }
            )
        clock.set_now(NOW)
        self._events = self._route_task_events_to_a_queue()

    # --- people and units -------------------------------------------------------------------
    def who(self, username: str):
        code, roles = PEOPLE[username]
        return make_principal(self.units[code], *roles, sub=username, name=f"Người dùng {username}")

    def unit(self, code: str) -> str:
        return self.units[code]["id"]

    # --- the API ----------------------------------------------------------------------------
    def call(self, method: str, path: str, as_: str, **kwargs: Any):
        return self._call("tasks", method, path, who=self.who(as_), **kwargs)

    def new_task(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "title": "Rà soát, đẩy nhanh giải ngân vốn đầu tư công năm 2026",
            "content": "Sở Tài chính chủ trì, phối hợp Sở Xây dựng, báo cáo UBND Thành phố.",
            "source": "people_committee",
            "source_document": {
                "number_symbol": "123/QĐ-UBND",
                "issued_on": "2026-11-20",
                "clause": "Khoản 2 Điều 3",
            },
            "lead_unit_id": self.unit("SO-TC"),
            "coordinating_unit_ids": [self.unit("SO-XD")],
            "due_in_working_days": 10,
            "priority": "high",
            "tags": ["đầu tư công"],
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    def assign(self, as_: str = "chairman", **overrides: Any) -> dict[str, Any]:
        status, headers, body = self.call("POST", "/v1/tasks", as_, body=self.new_task(**overrides))
        assert status == 201, body
        assert headers["ETag"] == f'"{body["version"]}"'
        return body

    def get(self, task_id: str, as_: str = "chairman"):
        return self.call("GET", f"/v1/tasks/{task_id}", as_)

    def task(self, task_id: str) -> dict[str, Any]:
        status, _, body = self.get(task_id)
        assert status == 200, body
        return body

    def etag(self, task_id: str) -> str:
        status, headers, _ = self.get(task_id)
        assert status == 200
        return headers["ETag"]

    def act(
        self, task_id: str, what: str, as_: str, body: dict[str, Any], *, etag: str | None = None
    ):
        """POST to one of the task's actions with the task's current ETag (or `etag`)."""
        headers = {"if-match": etag or self.etag(task_id)}
        return self.call("POST", f"/v1/tasks/{task_id}/{what}", as_, body=body, headers=headers)

    def report(self, task_id: str, as_: str, percent: int = 30, text: str = "Đang thực hiện"):
        return self.call(
            "POST",
            f"/v1/tasks/{task_id}/progress",
            as_,
            body={"text": text, "percent": percent},
        )

    def request_extension(self, task_id: str, new_due: str, as_: str = "sotc.leader"):
        body = {"new_due_date": new_due, "reason": "Chờ ý kiến của Bộ Tài chính"}
        return self.act(task_id, "extensions", as_, body)

    def decide(self, task_id: str, ext_id: str, decision: str, as_: str = "chairman"):
        body = {"decision": decision, "reason": "Đồng ý" if decision == "approved" else "Không"}
        return self.act(task_id, f"extensions/{ext_id}/decision", as_, body)

    def complete(self, task_id: str, as_: str = "sotc.leader"):
        return self.act(task_id, "completion", as_, {"result": "Đã hoàn thành, có báo cáo."})

    def confirm(self, task_id: str, as_: str = "chairman"):
        return self.act(task_id, "confirmation", as_, {})

    def send_back(self, task_id: str, as_: str = "chairman"):
        return self.act(task_id, "return", as_, {"reason": "Bổ sung số liệu quý IV"})

    def cancel(self, task_id: str, as_: str = "chairman"):
        return self.act(task_id, "cancellation", as_, {"reason": "Không còn phù hợp"})

    def listing(self, as_: str, **query: Any) -> list[dict[str, Any]]:
        """Every item of a list, following the cursor."""
        out: list[dict[str, Any]] = []
        query = {k: str(v) for k, v in query.items()}
        while True:
            status, _, body = self.call("GET", "/v1/tasks", as_, query=query)
            assert status == 200, body
            out += body["items"]
            if not body["next_cursor"]:
                return out
            query["cursor"] = body["next_cursor"]

    # --- what is stored ---------------------------------------------------------------------
    def stored(self, task_id: str) -> dict[str, Any] | None:
        return get_item(store.table(), store.task_pk(task_id), store.TASK_SK)

    def partition(self, task_id: str) -> list[dict[str, Any]]:
        items, _ = query_page(
            store.table(),
            key_condition="pk = :pk",
            values={":pk": store.task_pk(task_id)},
            limit=1000,
        )
        return items

    def obligations(self, task_id: str) -> dict[str, dict[str, Any]]:
        """The task's obligation rows by key."""
        items, _ = query_page(
            get_settings().obligations_table,
            key_condition="pk = :pk",
            values={":pk": f"task#{task_id}"},
            limit=100,
        )
        return {i["sk"]: i for i in items}

    def counters(self, day: str | date, unit_code: str = "SO-TC") -> dict[str, Any]:
        key = counter_key(str(day), self.unit(unit_code), "tasks")
        return get_item(get_settings().obligations_table, **key) or {}

    def snapshot(self) -> list[Any]:
        """Everything the tasks system writes, to prove a refused request changed nothing."""
        client = boto3.client("dynamodb")
        out = []
        for table in (store.table(), get_settings().obligations_table):
            items = client.scan(TableName=table)["Items"]  # tests only: never on a request path
            out.append(sorted(json.dumps(i, sort_keys=True) for i in items))
        return out

    # --- the bus ----------------------------------------------------------------------------
    def _route_task_events_to_a_queue(self) -> str:
        sqs, events = boto3.client("sqs"), boto3.client("events")
        url = sqs.create_queue(QueueName="test-task-events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        bus = get_settings().event_bus_name
        events.put_rule(
            Name="test-task-events",
            EventBusName=bus,
            EventPattern=json.dumps({"source": ["cityops.tasks"]}),
        )
        events.put_targets(
            Rule="test-task-events",
            EventBusName=bus,
            Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}],
        )
        return url

    def events(self) -> list[dict[str, Any]]:
        """The tasks events put on the bus since the last call."""
        sqs = boto3.client("sqs")
        out = []
        while True:
            reply = sqs.receive_message(QueueUrl=self._events, MaxNumberOfMessages=10)
            messages = reply.get("Messages", [])
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self._events, ReceiptHandle=message["ReceiptHandle"])
