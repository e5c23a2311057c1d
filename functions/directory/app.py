"""The directory function: health, the caller, units and the working-day calendar.

Routing and translation only; the use cases are in `cityops.directory.service`.
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
from cityops import __version__
from cityops.core.api import caller, idempotent, if_match, make_resolver, reply
from cityops.core.ids import ULID_PATTERN
from cityops.core.params import Cursor, Limit
from cityops.directory import service
from cityops.directory.models import (
    CalendarChange,
    CalendarYear,
    Me,
    MemberList,
    Unit,
    UnitCreate,
    UnitPage,
    UnitPatch,
)

gc.enable()
gc.freeze()  # what the imports made is never collected: later collections skip it

logger = Logger()
app = make_resolver()

UnitId = Annotated[str, Path(pattern=ULID_PATTERN, description="The unit's id (a ULID)")]
Year = Annotated[int, Path(ge=2000, le=2100)]


@app.get("/v1/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@app.get("/v1/me")
def me() -> Response[Me]:
    return reply(service.get_me(caller(app)))


@app.get("/v1/units")
def list_units(
    within: Annotated[str | None, Query(pattern=ULID_PATTERN)] = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[UnitPage]:
    page = service.list_units(caller(app), within=within, limit=limit, cursor=cursor)
    return reply(page)


@app.post("/v1/units")
def create_unit(unit: Annotated[UnitCreate, Body()]) -> Response[Unit]:
    who = caller(app)

    def create() -> Response:
        created = service.create_unit(who, unit)
        return reply(created, 201, version=created.version, location=f"/v1/units/{created.id}")

    return idempotent(app, "create_unit", who, unit.model_dump(mode="json"), create)


@app.get("/v1/units/<unit_id>")
def get_unit(unit_id: UnitId) -> Response[Unit]:
    unit = service.get_unit(caller(app), unit_id)
    return reply(unit, version=unit.version)


@app.patch("/v1/units/<unit_id>")
def update_unit(unit_id: UnitId, patch: Annotated[UnitPatch, Body()]) -> Response[Unit]:
    unit = service.update_unit(caller(app), unit_id, patch, if_match(app, required=False))
    return reply(unit, version=unit.version)


@app.get("/v1/units/<unit_id>/members")
def unit_members(unit_id: UnitId) -> Response[MemberList]:
    """The unit's users, by name (its members, the leaders above it, city leaders, admins)."""
    return reply(service.list_members(caller(app), unit_id))


@app.get("/v1/units/<unit_id>/history")
def unit_history(unit_id: UnitId, limit: Limit = None, cursor: Cursor = None) -> dict:
    entries, next_cursor = service.unit_history(caller(app), unit_id, limit=limit, cursor=cursor)
    return {"items": entries, "next_cursor": next_cursor}


@app.get("/v1/calendar/<year>")
def get_calendar(year: Year) -> Response[CalendarYear]:
    calendar = service.get_calendar(year)
    return reply(calendar, version=calendar.version)


@app.put("/v1/calendar/<year>")
def put_calendar(year: Year, change: Annotated[CalendarChange, Body()]) -> Response[CalendarYear]:
    calendar = service.put_calendar(caller(app), year, change, if_match(app, required=False))
    return reply(calendar, version=calendar.version)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
