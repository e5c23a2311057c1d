"""The deadline sweep: run by EventBridge Scheduler (the morning sweep and the hourly sweep of
urgent kinds, Asia/Ho_Chi_Minh), and by its own `DeadlineSweepContinued` event when a sweep
ran out of time. The use case is `cityops.obligations.sweep.handle`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.obligations import sweep

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = sweep.handle(event, context.get_remaining_time_in_millis)
    logger.info("deadline sweep", extra={"sweep": result})
    return result
