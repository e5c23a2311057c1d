"""The query and path parameter types every function's routes share, defined once."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import AfterValidator, BeforeValidator

from cityops.core.ids import ULID_PATTERN
from cityops.core.models import iso_day, sane_day

Limit = Annotated[int | None, Query(ge=1, le=200, description="At most this many (≤ 200)")]
Cursor = Annotated[str | None, Query(max_length=2048, description="From a reply's next_cursor")]
UnitFilter = Annotated[str | None, Query(pattern=ULID_PATTERN, description="A unit's id")]
# A date in a query: YYYY-MM-DD (`?to=0` is refused), from 2000 to 2100, else a 422.
Day = Annotated[
    date | None,
    BeforeValidator(iso_day),
    AfterValidator(sane_day),
    Query(description="A date, YYYY-MM-DD (2000–2100)"),
]


def day_query(alias: str | None = None, description: str = "A date, YYYY-MM-DD") -> Any:
    """The type of a date query parameter under another name or description, with the same
    checks as `Day`: `OnDay = day_query(description="In force on this day")`."""
    return Annotated[
        date | None,
        BeforeValidator(iso_day),
        AfterValidator(sane_day),
        Query(alias=alias, description=f"{description} (2000–2100)"),
    ]


From = day_query("from", "From this day, YYYY-MM-DD")
To = day_query("to", "To this day, YYYY-MM-DD")


def ulid_path(description: str) -> object:
    """A path parameter that is a ULID: `TaskId = Annotated[str, ulid_path("The task's id")]`."""
    return Path(pattern=ULID_PATTERN, description=description)
