"""The local stack's drain (`POST /local/events/drain`): it says whether every event has
reached its function, so a test that waits on it never reads an inbox the notifier has not
written yet (CI once did, after a sweep that queued notices for longer than the 5 s it waited)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import boto3
from stack import Stack


def local(queue_url: str) -> SimpleNamespace:
    """What the drain reads of a stack: its rule queues and the functions' lock."""
    return SimpleNamespace(
        rule_queues=[("Notifier", queue_url)], functions=SimpleNamespace(lock=threading.RLock())
    )


def test_the_drain_says_events_are_still_queued_once_it_has_waited_and_drained_once_empty(aws):
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="rule-drain-test")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    assert Stack.drain_events(local(url), timeout=0.3) is False

    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]  # being handled: still queued
    assert Stack.drain_events(local(url), timeout=0.3) is False
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert Stack.drain_events(local(url), timeout=0.3) is True
