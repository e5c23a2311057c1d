"""The indicator catalogue's use cases (danh mục chỉ tiêu, Decree 09/2019 Art. 6).

An administrator imports the catalogue from a spreadsheet: every row is checked first
(`cityops.reports.catalogue_io`), and nothing is written if one is bad. A new code is a new
indicator with its version 1; a row whose definition differs from the indicator's latest
version adds a version that takes effect on the import's date (never rewriting one); a row
that is the same changes nothing, so importing a file twice is harmless. Every official reads
the catalogue; reports read the versions in force on their day (`catalogue_on`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from cityops.core import clock
from cityops.core.access import STAFF_ROLES
from cityops.core.auth import Principal
from cityops.core.errors import Forbidden, InvalidInput
from cityops.core.pipeline import Permission, Pipeline, Work
from cityops.core.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from cityops.reports import catalogue_io
from cityops.reports.catalogue import CODE_PATTERN, Indicator, IndicatorVersion
from cityops.reports.catalogue_models import ImportResult, IndicatorOut, IndicatorPage
from cityops.reports.indicator_store import IndicatorStore
from cityops.reports.workflow import INDICATOR

Format = Literal["csv", "xlsx"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_CODE = re.compile(CODE_PATTERN)


def sees_catalogue(who: Principal, _indicator: Any = None) -> bool:
    """The catalogue is the rule everyone reports by: every official and administrator."""
    return who.is_admin or bool(who.roles & STAFF_ROLES)


PERMISSIONS: dict[str, Permission[Indicator]] = {
    "catalogue_admin": Permission(
        lambda who, _indicator: who.is_admin,
        "Chỉ quản trị viên mới được quản lý danh mục chỉ tiêu.",
    ),
}

INDICATORS: Pipeline[Indicator] = Pipeline(
    store=IndicatorStore(),
    machines={"indicator": INDICATOR},
    sees=sees_catalogue,
    permissions=PERMISSIONS,
    not_found="Không có chỉ tiêu này.",
    changed_message="Chỉ tiêu đã thay đổi kể từ lần đọc trước; hãy tải lại.",
    valid_id=lambda code: bool(_CODE.match(code)),
)


def _may_read(who: Principal) -> None:
    if not sees_catalogue(who):
        raise Forbidden("Chỉ cán bộ, công chức của thành phố mới được xem danh mục chỉ tiêu.")


# --- the import ---------------------------------------------------------------------------------


def _revision(who: Principal, indicator: Indicator, version: IndicatorVersion) -> Work[Indicator]:
    """The change that appends `version` to the indicator (steps 2, 4 and 5 of the pipeline)."""
    transition = INDICATORS.authorise(who, "revise", indicator)
    machine = INDICATORS.machine(indicator)
    machine.check("revise", indicator.status, indicator, None)
    revised = indicator.model_copy(deep=True)
    revised.versions.append(version)
    revised.status = machine.target(transition, indicator.status, indicator, None)
    note = f"Phiên bản {version.version}, áp dụng từ {version.effective_from:%d/%m/%Y}"
    work = Work(who=who, action=transition.audit or "indicator.revised", before=indicator,
                entity=revised, note=note)  # fmt: skip
    return INDICATORS.stamp(work)


def import_catalogue(
    who: Principal, content: bytes, fmt: Format, effective_from: date | None = None
) -> ImportResult:
    """Create and revise the catalogue's indicators from a file, all rows or none."""
    if not PERMISSIONS["catalogue_admin"].test(who, None):
        raise Forbidden(PERMISSIONS["catalogue_admin"].refusal)
    day = effective_from or clock.today()
    catalogue = {indicator.code: indicator for indicator in INDICATORS.store.all()}  # type: ignore[attr-defined]
    parsed = catalogue_io.parse_catalogue(
        content, fmt, {code: found.current for code, found in catalogue.items()}
    )
    if parsed.errors:
        raise parsed.refusal()
    works: list[Work[Indicator]] = []
    codes: dict[str, list[str]] = {"created": [], "revised": [], "unchanged": []}
    too_early: list[dict[str, Any]] = []
    for row in parsed.rows:
        found = catalogue.get(row.code)
        if found is None:
            new = Indicator(id=row.code, status=INDICATOR.initial, created_at=clock.now(),
                            versions=[row.version(1, day)])  # fmt: skip
            works.append(INDICATORS.new_work(who, new, "indicator.created"))
            codes["created"].append(row.code)
            continue
        latest = found.current
        if row.version(latest.version, latest.effective_from).same_definition(latest):
            codes["unchanged"].append(row.code)
        elif day < latest.effective_from:
            too_early.append(
                parsed.error(
                    row.line,
                    f"Phiên bản mới nhất của chỉ tiêu {row.code} có hiệu lực từ ngày "
                    f"{latest.effective_from:%d/%m/%Y}: bản sửa đổi không thể có hiệu lực "
                    f"trước ngày đó (ngày hiệu lực effective_from của lần nhập này là "
                    f"{day:%d/%m/%Y}).",
                )
            )
        else:
            works.append(_revision(who, found, row.version(latest.version + 1, day)))
            codes["revised"].append(row.code)
    if too_early:
        raise catalogue_io.Parsed(errors=too_early).refusal()
    transactions = INDICATORS.store.write_all(works) if works else 0  # type: ignore[attr-defined]
    counts = {name: len(found) for name, found in codes.items()}
    if works:
        INDICATORS.store.publish(
            [("IndicatorsImported", {**counts, "effective_from": day.isoformat()})]
        )
    return ImportResult(
        effective_from=day,
        **counts,
        created_codes=codes["created"],
        revised_codes=codes["revised"],
        unchanged_codes=codes["unchanged"],
        transactions=transactions,
    )


# --- reading --------------------------------------------------------------------------------------


def catalogue_on(day: date) -> dict[str, tuple[Indicator, IndicatorVersion]]:
    """Every indicator with a version in force on `day`, and that version, by code (one
    Query). Indicators whose first version takes effect later are left out."""
    out: dict[str, tuple[Indicator, IndicatorVersion]] = {}
    for indicator in INDICATORS.store.all():  # type: ignore[attr-defined]
        version = indicator.version_on(day)
        if version is not None:
            out[indicator.code] = (indicator, version)
    return out


def indicators(codes: Iterable[str]) -> dict[str, Indicator]:
    """These indicators with all their versions, by code (one BatchGetItem per 100);
    unknown codes are left out."""
    return INDICATORS.store.many(codes)  # type: ignore[attr-defined]


def list_indicators(
    who: Principal, *, field: str | None = None, on: date | None = None
) -> IndicatorPage:
    """The versions in force on `on` (today), in code order; `field`: one field's only."""
    _may_read(who)
    day = on or clock.today()
    wanted = catalogue_io.normal(field) if field else None
    items = [
        IndicatorOut.of(indicator, version)
        for indicator, version in catalogue_on(day).values()
        if wanted is None or catalogue_io.normal(version.field) == wanted
    ]
    return IndicatorPage(on=day, items=items)


def get_indicator(who: Principal, code: str, *, on: date | None = None) -> IndicatorOut:
    """An indicator with every version; its fields are those of the version in force on `on`
    (today), or of its first version when none is in force yet."""
    indicator = INDICATORS.load_visible(who, code)
    version = indicator.version_on(on or clock.today()) or indicator.versions[0]
    return IndicatorOut.of(indicator, version, detail=True)


def export_catalogue(who: Principal, fmt: Format, on: date | None = None) -> tuple[str, str, bytes]:
    """The versions in force on `on` (today) as a file that imports back unchanged:
    (file name, media type, content)."""
    _may_read(who)
    day = on or clock.today()
    rows = catalogue_io.export_rows(
        (code, version) for code, (_indicator, version) in catalogue_on(day).items()
    )
    name = f"danh-muc-chi-tieu-{day.isoformat()}.{fmt}"
    if fmt == "csv":
        return name, CSV_MEDIA_TYPE, catalogue_io.to_csv(rows)
    if fmt == "xlsx":
        return name, XLSX_MEDIA_TYPE, catalogue_io.to_xlsx(rows)
    raise InvalidInput("Định dạng tệp phải là csv hoặc xlsx.")
