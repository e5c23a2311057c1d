"""The layer's code logs as the function that runs it: on the local stack every function runs
in one process, and a logger made at import would name the first importer and its last call."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from cityops.core import logs
from cityops.core.settings import environment


@dataclass
class Context:
    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:ap-southeast-1:000000000000:function:x"


def _function(service: str, stream: io.StringIO):
    """A function's handler as each functions/*/app.py writes it, whose work logs from the
    layer."""
    own = Logger(service=service, logger_handler=logging.StreamHandler(stream))

    @own.inject_lambda_context
    def handler(event, context):
        logs.logger().info("from the layer", extra={"n": event["n"]})

    return handler


def test_a_line_the_layer_logs_names_the_running_function_and_its_request():
    stream = io.StringIO()
    calls = {s: _function(s, stream) for s in ("logs-test-tasks", "logs-test-cases")}
    for n, (service, request) in enumerate(
        [("logs-test-tasks", "r-1"), ("logs-test-cases", "r-2"), ("logs-test-tasks", "r-3")]
    ):
        with environment({"POWERTOOLS_SERVICE_NAME": service}):
            calls[service]({"n": n}, Context(function_name=service, aws_request_id=request))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [
        (x["service"], x["function_name"], x["function_request_id"], x["n"]) for x in lines
    ] == [
        ("logs-test-tasks", "logs-test-tasks", "r-1", 0),
        ("logs-test-cases", "logs-test-cases", "r-2", 1),
        ("logs-test-tasks", "logs-test-tasks", "r-3", 2),
    ]
