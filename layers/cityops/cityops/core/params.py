"""The query and path parameter types every function's routes share, defined once."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from cityops.core.ids import ULID_PATTERN

Limit = Annotated[int | None, Query(ge=1, le=200, description="At most this many (≤ 200)")]
Cursor = Annotated[str | None, Query(max_length=2048, description="From a reply's next_cursor")]
UnitFilter = Annotated[str | None, Query(pattern=ULID_PATTERN, description="A unit's id")]
Day = Annotated[date | None, Query(description="A date, YYYY-MM-DD")]


def ulid_path(description: str) -> object:
    """A path parameter that is a ULID: `TaskId = Annotated[str, ulid_path("The task's id")]`."""
    return Path(pattern=ULID_PATTERN, description=description)
