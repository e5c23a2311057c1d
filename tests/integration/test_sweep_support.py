"""What the sweep, notifier and scoreboard tests share (no tests here): a small city of users
on the seed's units, obligations opened through `cityops.core.obligations` as the systems open
them, the bus wired to the notifier as template.yaml wires it, and what was sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
from cityops.core.dynamo import Change, write_change
from cityops.core.ids import new_id
from cityops.core.obligations import Obligation, Outcome, close_obligation, open_obligation
from cityops.core.settings import get_settings
from cityops.directory import store as directory

from tests.conftest import FakeContext, load_function

# username: (unit code, roles)
PEOPLE = {
    "chairman": ("UBND-HN", ["city_leader"]),
    "ubnd.officer": ("UBND-HN", ["officer"]),
    "sotc.leader": ("SO-TC", ["unit_leader"]),
    "sotc.officer": ("SO-TC", ["officer"]),
    "ns.leader": ("SO-TC.NS", ["unit_leader"]),
    "ns.officer": ("SO-TC.NS", ["officer"]),
    "soxd.leader": ("SO-XD", ["unit_leader"]),
    "soxd.officer": ("SO-XD", ["officer"]),
    "hoankiem.leader": ("P-HOANKIEM", ["unit_leader"]),
    "hoankiem.officer": ("P-HOANKIEM", ["officer"]),
    "inspector": ("TTR-HN", ["inspector"]),
    "ttr.leader": ("TTR-HN", ["unit_leader"]),
}


class World:
    def __init__(self, tpl: Any, units: dict[str, dict[str, Any]]):
        self.tpl, self.units = tpl, units
        self.people: dict[str, dict[str, Any]] = {}
        for n, (username, (code, roles)) in enumerate(PEOPLE.items(), start=1):
            profile = {
                "id": f"sub-{username}",
                "username": username,
                "name": f"Người dùng {username}",
                "email": f"{username}@cityops.example",
                "phone": f"+8490100{n:04d}",
                "unit_id": units[code]["id"],
                "roles": roles,
            }
            directory.put_user(profile)
            self.people[username] = profile
        self._events_queue = self._route_everything_to_a_queue()
        self._notifier_queue = self._route_notifier_rule_to_a_queue()

    # --- people and units ----------------------------------------------------------------
    def id(self, username: str) -> str:
        return self.people[username]["id"]

    def username(self, user_id: str) -> str:
        return user_id.removeprefix("sub-")

    def unit(self, code: str) -> str:
        return self.units[code]["id"]

    # --- obligations, opened as a system opens them ----------------------------------------
    def obligation(
        self,
        due_at: datetime,
        unit: str = "SO-TC",
        *,
        kind: str = "task.complete",
        system: str = "tasks",
        title: str = "Báo cáo tình hình giải ngân vốn đầu tư công",
        responsible: str | None = None,
        assigned_by: str | None = "chairman",
        chain: tuple[str, ...] = ("UBND-HN",),
        entity: str = "task",
    ) -> Obligation:
        return Obligation(
            entity_ref=f"{entity}#{new_id()}",
            key=kind,
            kind=kind,
            system=system,
            title=title,
            due_at=due_at,
            responsible_unit_id=self.unit(unit),
            responsible_user_id=self.id(responsible) if responsible else None,
            assigned_by=self.id(assigned_by) if assigned_by else None,
            escalation_chain=[self.unit(c) for c in chain],
        )

    def open(self, obligation: Obligation, **extra: Any) -> Obligation:
        """The entity and its obligation in one transaction, as every system writes them."""
        pk = obligation.entity_ref.upper()
        write_change(
            Change(
                get_settings().directory_table,  # any pk/sk table holds the test's entity
                {"pk": pk, "sk": "ENTITY", "version": 1, **extra},
                None,
                also=open_obligation(obligation),
            )
        )
        return obligation

    def close(self, obligation: Obligation, outcome: Outcome) -> None:
        pk = obligation.entity_ref.upper()
        write_change(
            Change(
                get_settings().directory_table,
                {"pk": pk, "sk": "ENTITY", "version": 2},
                1,
                also=close_obligation(obligation, outcome),
            )
        )

    # --- the bus, as template.yaml wires it ------------------------------------------------
    def _queue(self, name: str) -> tuple[str, str]:
        sqs = boto3.client("sqs")
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def _route(self, name: str, pattern: dict[str, Any]) -> str:
        url, arn = self._queue(f"test-{name}")
        events = boto3.client("events")
        bus = get_settings().event_bus_name
        events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
        return url

    def _route_everything_to_a_queue(self) -> str:
        return self._route("everything", {"source": [{"prefix": "cityops."}]})

    def _route_notifier_rule_to_a_queue(self) -> str:
        rule = next(r for r in self.tpl.rules() if r.function == "NotifierFunction")
        return self._route("notifier", rule.pattern)

    def _receive(self, url: str) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs")
        out = []
        while True:
            reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            messages = reply.get("Messages", [])
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def bus_events(self) -> list[dict[str, Any]]:
        """Every event put on the bus since the last call (all sources)."""
        return self._receive(self._events_queue)

    def notifier_events(self) -> list[dict[str, Any]]:
        """The events the notifier's rule matched since the last call."""
        return self._receive(self._notifier_queue)

    def notify(self, events: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Deliver the notifier's events to its handler, one by one, as Lambda would."""
        handler: Callable[..., Any] = load_function("notifier").lambda_handler
        events = self.notifier_events() if events is None else events
        return [handler(event, FakeContext()) for event in events]

    # --- what was sent --------------------------------------------------------------------
    def inbox(self, username: str) -> list[dict[str, Any]]:
        from cityops.obligations import store

        items, _ = store.inbox_page(self.id(username), limit=200, start_key=None)
        return items

    def mail(self) -> list[dict[str, Any]]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        ses = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
        return [
            {
                "to": m.destinations["ToAddresses"],
                "subject": m.subject,
                "body": m.body,
                "source": m.source,
            }
            for m in ses.sent_messages
        ]

    def sms(self) -> list[dict[str, str]]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        sns = sns_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
        return [{"to": to, "text": text} for to, text, *_ in sns.sms_messages.values()]

    def recipients_of_mail(self) -> list[str]:
        return sorted(addr.split("@")[0] for m in self.mail() for addr in m["to"])
