"""The deadlines HTTP function: the caller's inbox of notices, their notification channels,
and the on-time scoreboard of every unit.

Routing and translation only; the use cases are in `cityops.obligations.inbox` and
`cityops.obligations.scoreboard`.
"""

from __future__ import annotations

import gc

gc.disable()  # no collections while the modules load (a cold start's 30-40 ms)

from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.core import clock
from cityops.core.api import caller, if_match, make_resolver, reply
from cityops.core.params import Cursor, From, Limit, To
from cityops.obligations import inbox, scoreboard
from cityops.obligations.models import (
    InboxPage,
    Notice,
    NotificationSettings,
    NotificationSettingsChange,
    Scoreboard,
)

gc.enable()
gc.freeze()  # what the imports made is never collected: later collections skip it

logger = Logger()
app = make_resolver()


@app.get("/v1/inbox")
def list_inbox(limit: Limit = None, cursor: Cursor = None) -> Response[InboxPage]:
    return reply(inbox.list_inbox(caller(app), limit=limit, cursor=cursor))


@app.post("/v1/inbox/<notice_id>/read")
def read_notice(
    notice_id: Annotated[str, Path(max_length=64, description="The notice's id")],
) -> Response[Notice]:
    return reply(inbox.read_notice(caller(app), notice_id))


@app.get("/v1/me/notifications")
def get_notification_settings() -> Response[NotificationSettings]:
    settings = inbox.get_notification_settings(caller(app))
    return reply(settings, version=settings.version)


@app.put("/v1/me/notifications")
def put_notification_settings(
    change: Annotated[NotificationSettingsChange, Body()],
) -> Response[NotificationSettings]:
    settings = inbox.put_notification_settings(caller(app), change, if_match(app, required=False))
    return reply(settings, version=settings.version)


@app.get("/v1/scoreboard")
def get_scoreboard(
    from_: From = None,
    to: To = None,
    unit_id: Annotated[str | None, Query(max_length=26, description="A unit's id")] = None,
) -> Response[Scoreboard]:
    today = clock.today()
    board = scoreboard.scoreboard(caller(app), start=from_, end=to, unit_id=unit_id, today=today)
    return reply(board)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
