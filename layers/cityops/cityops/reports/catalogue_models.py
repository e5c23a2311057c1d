"""The catalogue's request and reply models (danh mục chỉ tiêu)."""

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import Field

from cityops.core.models import Reply, Request
from cityops.reports.catalogue import Indicator, IndicatorVersion

# A catalogue of a few hundred indicators with their definitions, in base64: well within the
# reports function's body limit (MAX_BODY_BYTES), and far from the XLSX reader's.
MAX_CONTENT_CHARS = 3_000_000


class IndicatorVersionOut(Reply):
    version: int
    effective_from: date
    name: str
    definition: str
    field: str
    unit_of_measure: str
    value_type: str
    scale: int
    disaggregations: list[str]
    aggregation: str
    weight: str | None = None
    unit_kinds: list[str]
    minimum: float | None = None
    maximum: float | None = None
    at_most: str | None = None
    part_of: str | None = None


class IndicatorOut(IndicatorVersionOut):
    """An indicator: its code and the version in force (on the day asked, or today); the
    detail has every version, oldest first."""

    code: str
    versions: list[IndicatorVersionOut] | None = None

    @classmethod
    def of(cls, indicator: Indicator, version: IndicatorVersion, *, detail: bool = False) -> Self:
        versions = None
        if detail:
            versions = [
                IndicatorVersionOut.model_validate(v.model_dump()) for v in indicator.versions
            ]
        return cls.model_validate(
            {**version.model_dump(), "code": indicator.code, "versions": versions}
        )


class IndicatorPage(Reply):
    on: date = Field(description="The day whose versions are shown")
    items: list[IndicatorOut]


class CatalogueImport(Request):
    """A catalogue file (CSV or XLSX), in base64."""

    format: Literal["csv", "xlsx"] = "csv"
    content: Annotated[
        str,
        Field(min_length=1, max_length=MAX_CONTENT_CHARS, description="The file, in base64"),
    ]
    effective_from: date | None = Field(
        default=None, description="When the new and revised definitions take effect (today)"
    )


class ImportResult(Reply):
    effective_from: date
    created: int
    revised: int
    unchanged: int
    created_codes: list[str]
    revised_codes: list[str]
    unchanged_codes: list[str]
    transactions: int = Field(description="TransactWriteItems calls that wrote the import")
