"""The notifier: takes `ObligationDueSoon`, `ObligationDueToday`, `ObligationOverdue` and
`ObligationEscalated` from the bus and tells each recipient once, by mail (SES), SMS (SNS)
and the in-app inbox. A failed send fails the invocation, which is retried and then goes to
the dead-letter queue. The use case is `cityops.obligations.notices.deliver`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.obligations import notices

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(event_id=event.get("id"), detail_type=event.get("detail-type"))
    result = asdict(notices.deliver(event))
    logger.info("notices delivered", extra={"delivery": result})
    return result
