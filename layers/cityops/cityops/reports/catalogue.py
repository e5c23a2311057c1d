"""The indicator catalogue (danh mục chỉ tiêu báo cáo, Decree 09/2019 Art. 6): every indicator
has the same definition, unit of measure and method in every report. An indicator keeps its
versions, each with the date it takes effect: a revision adds a version, it never rewrites
one, and a report keeps the versions it was opened with.

Values are entered per *cell*: the indicator's code for its total, and `CODE|dimension=part`
for each part of a disaggregation (phân tổ), e.g. `TNGT_CHET|sex=nu`.
"""

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import ConfigDict, Field

from cityops.core.models import Model
from cityops.core.pipeline import Entity

CODE_PATTERN = r"^[A-Z][A-Z0-9_]{0,39}$"


class ValueType(StrEnum):
    INTEGER = "integer"  # số nguyên
    DECIMAL = "decimal"  # số thập phân, with its scale
    PERCENT = "percent"  # tỷ lệ %, with its scale, 0 to 100 unless bounds say otherwise
    TEXT = "text"  # văn bản


class Aggregation(StrEnum):
    """How a figure is compiled up the unit tree (cộng dồn)."""

    SUM = "sum"
    WEIGHTED_AVERAGE = "weighted_average"  # weighted by another indicator of the report
    MIN = "min"
    MAX = "max"
    LATEST = "latest"  # the most recently accepted unit's figure
    NONE = "none"  # not compiled (text, or figures that do not add up)


# Disaggregations (phân tổ) and their parts, as the national indicator system names them.
DISAGGREGATIONS: dict[str, dict[str, str]] = {
    "sex": {"nam": "Nam", "nu": "Nữ"},
    "area": {"thanh_thi": "Thành thị", "nong_thon": "Nông thôn"},
    "age": {"duoi_16": "Dưới 16 tuổi", "16_60": "Từ 16 đến 60 tuổi", "tren_60": "Trên 60 tuổi"},
}


class IndicatorVersion(Model):
    """One version of an indicator's definition, in force from `effective_from`."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    effective_from: date
    name: str
    definition: str = ""
    field: str = ""  # lĩnh vực: the group it is listed under
    unit_of_measure: str  # đơn vị tính
    value_type: ValueType
    scale: int = Field(default=0, ge=0, le=6)  # decimal places (decimal and percent)
    disaggregations: list[str] = Field(default_factory=list)  # keys of DISAGGREGATIONS
    aggregation: Aggregation
    weight: str | None = None  # weighted_average: the indicator that weighs it
    unit_kinds: list[str] = Field(default_factory=list)  # kinds of units that report it
    minimum: float | None = None
    maximum: float | None = None
    at_most: str | None = None  # may not exceed this indicator (deaths ≤ cases)
    part_of: str | None = None  # a part of this indicator: the parts sum to it

    def cells(self, code: str) -> list[str]:
        """The cells a report has for it: the total, then each part of each disaggregation."""
        out = [code]
        for dimension in self.disaggregations:
            out += [f"{code}|{dimension}={part}" for part in DISAGGREGATIONS[dimension]]
        return out

    def same_definition(self, other: "IndicatorVersion") -> bool:
        skip = {"version", "effective_from"}
        return self.model_dump(exclude=skip) == other.model_dump(exclude=skip)


class Indicator(Entity):
    """An indicator of the catalogue; its id is its code."""

    entity_type: ClassVar[str] = "indicator"

    versions: list[IndicatorVersion]  # oldest first

    @property
    def code(self) -> str:
        return self.id

    @property
    def current(self) -> IndicatorVersion:
        return self.versions[-1]

    def version_on(self, day: date) -> IndicatorVersion | None:
        """The version in force on `day` (the latest that took effect by then)."""
        found = None
        for version in self.versions:
            if version.effective_from <= day:
                found = version
        return found

    def numbered(self, number: int) -> IndicatorVersion | None:
        """Its version `number` (the one a report was opened with)."""
        return next((v for v in self.versions if v.version == number), None)
