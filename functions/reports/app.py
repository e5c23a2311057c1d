"""The reports function (hệ thống thông tin báo cáo, Decree 09/2019/NĐ-CP): the indicator
catalogue, report forms and their periods, units' reports from values to acceptance,
completeness and city aggregates.

One Router per group of routes. It also runs the daily schedule that opens the reports of
every period whose cut-off window has opened. Routing and translation only; the use cases are
in `cityops.reports`.
"""

from __future__ import annotations

import gc

gc.disable()  # no collections while the modules load (a cold start's 30-40 ms)

import base64
import binascii
from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.core.api import caller, idempotent, if_match, make_resolver, reply
from cityops.core.errors import InvalidInput
from cityops.core.ids import ULID_PATTERN
from cityops.core.params import Cursor, From, Limit, To, UnitFilter, day_query, ulid_path
from cityops.core.xlsx import MEDIA_TYPE
from cityops.reports import exports, figures, forms, indicators, reads, sheet, submission
from cityops.reports.catalogue import CODE_PATTERN
from cityops.reports.catalogue_models import (
    CatalogueImport,
    ImportResult,
    IndicatorOut,
    IndicatorPage,
)
from cityops.reports.domain import Report
from cityops.reports.models import (
    HistoryPage,
    PeriodList,
    ReportFormCreate,
    ReportFormOut,
    ReportFormPage,
    ReportOut,
    ReportPage,
    SheetUpload,
    ValuesPut,
)
from cityops.reports.workflow import REPORT_STATES
from pydantic import ValidationError

gc.enable()
gc.freeze()  # what the imports made is never collected: later collections skip it

logger = Logger()
app = make_resolver()

FormId = Annotated[str, ulid_path("The report form's id (a ULID)")]
ReportId = Annotated[str, ulid_path("The report's id (a ULID)")]
IndicatorCode = Annotated[str, Path(pattern=CODE_PATTERN, description="The indicator's code")]
PeriodName = Annotated[
    str,
    Query(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,23}$",
        description="e.g. 2027-03, 2027-Q1, 2027-H1, 2027-9M, 2027",
    ),
]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Default: this year")]
SheetFormat = Annotated[Literal["json", "xlsx"], Query(description="xlsx: a spreadsheet")]
Action = Literal["submit", "approve", "accept", "return", "reopen"]


def _form(form: Any, status: int = 200):
    location = f"/v1/report-forms/{form.id}" if status == 201 else None
    body = ReportFormOut.model_validate(form.model_dump(mode="json"))
    return reply(body, status, version=form.version, location=location)


def _report(report: Report):
    return reply(reads.report_out(caller(app), report), version=report.version)


def _xlsx(data: bytes, filename: str):
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(200, MEDIA_TYPE, data, headers=headers)


# --- the indicator catalogue -----------------------------------------------------------------
catalogue_router = Router()
OnDay = day_query(description="The versions in force on this day (today)")


@catalogue_router.get("/v1/indicators")
def list_indicators(
    field: Annotated[
        str | None, Query(min_length=1, max_length=200, description="One field (lĩnh vực) only")
    ] = None,
    on: OnDay = None,
) -> Response[IndicatorPage]:
    """The catalogue: each indicator's version in force on the day, in code order."""
    return reply(indicators.list_indicators(caller(app), field=field, on=on))


@catalogue_router.get("/v1/indicators/export")
def export_indicators(
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "xlsx",
    on: OnDay = None,
):  # a file: no JSON reply model (one would try to validate the bytes as text)
    """The catalogue in force on the day as a file with the import's columns."""
    name, media_type, data = indicators.export_catalogue(caller(app), format, on)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(200, media_type, data, headers=headers)


@catalogue_router.post("/v1/indicators/imports")
def import_indicators(request: Annotated[CatalogueImport, Body()]) -> Response[ImportResult]:
    """An administrator imports the catalogue (CSV or XLSX in base64): every row is checked
    and nothing is written if one is bad (422, each error with its line and column); new
    codes are created, changed definitions get a version from `effective_from`."""
    try:
        content = base64.b64decode(request.content, validate=True)
    except (binascii.Error, ValueError):
        msg = "Tệp phải được gửi dưới dạng mã hóa base64."
        raise InvalidInput(msg, errors=[{"loc": ["body", "content"], "msg": msg}]) from None
    result = indicators.import_catalogue(
        caller(app), content, request.format, request.effective_from
    )
    return reply(result, 201)


@catalogue_router.get("/v1/indicators/<code>")
def get_indicator(code: IndicatorCode, on: OnDay = None) -> Response[IndicatorOut]:
    """An indicator with every version; its fields are the version in force on the day."""
    return reply(indicators.get_indicator(caller(app), code, on=on))


app.include_router(catalogue_router)


# --- report forms ----------------------------------------------------------------------------
forms_router = Router()


@forms_router.post("/v1/report-forms")
def create_form(form: Annotated[ReportFormCreate, Body()]) -> Response[ReportFormOut]:
    """An administrator defines a form: indicators, who reports, who receives, the period
    type and the deadline in working days after the cut-off."""
    who = caller(app)
    return idempotent(
        app,
        "create_report_form",
        who,
        form.model_dump(mode="json"),
        lambda: _form(forms.create_form(who, form), 201),
    )


@forms_router.get("/v1/report-forms")
def list_forms() -> Response[ReportFormPage]:
    items = [
        ReportFormOut.model_validate(f.model_dump(mode="json"))
        for f in forms.list_forms(caller(app))
    ]
    return reply(ReportFormPage(items=items))


@forms_router.get("/v1/report-forms/<form_id>")
def get_form(form_id: FormId) -> Response[ReportFormOut]:
    return _form(forms.load_form(caller(app), form_id))


@forms_router.post("/v1/report-forms/<form_id>/retirement")
def retire_form(form_id: FormId) -> Response[ReportFormOut]:
    """No new period is opened for a retired form (If-Match)."""
    return _form(forms.retire_form(caller(app), form_id, if_match(app, required=False)))


@forms_router.get("/v1/report-forms/<form_id>/periods")
def form_periods(form_id: FormId, year: Year = None) -> Response[PeriodList]:
    """The year's periods with their cut-off windows (Art. 12) and deadlines."""
    return reply(forms.periods(caller(app), form_id, year))


@forms_router.get("/v1/report-forms/<form_id>/completeness")
def completeness(
    form_id: FormId,
    first: Annotated[str, Query(alias="from", max_length=24, description="The first period")],
    last: Annotated[str, Query(alias="to", max_length=24, description="The last period")],
    format: SheetFormat = "json",
):
    """For each unit and period: on time, late, missing (overdue) or pending."""
    data = figures.completeness(caller(app), form_id, first, last)
    return _xlsx(*exports.completeness_xlsx(data)) if format == "xlsx" else reply(data)


@forms_router.get("/v1/report-forms/<form_id>/aggregates")
def aggregates(form_id: FormId, period: PeriodName, format: SheetFormat = "json"):
    """Each indicator's city figure over the period's accepted reports."""
    data = figures.aggregates(caller(app), form_id, period)
    return _xlsx(*exports.aggregates_xlsx(data)) if format == "xlsx" else reply(data)


# --- reports ---------------------------------------------------------------------------------
reports_router = Router()


@reports_router.get("/v1/reports")
def list_reports(
    form_id: Annotated[str | None, Query(pattern=ULID_PATTERN, description="A form")] = None,
    period: Annotated[str | None, Query(max_length=24, description="A period of the form")] = None,
    unit_id: UnitFilter = None,
    to_unit_id: Annotated[
        str | None, Query(pattern=ULID_PATTERN, description="Reports sent to this unit")
    ] = None,
    status: Annotated[Literal[REPORT_STATES] | None, Query(description="A status")] = None,  # type: ignore[valid-type]
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[ReportPage]:
    page = reads.list_reports(
        caller(app),
        form_id=form_id,
        period=period,
        unit_id=unit_id,
        to_unit_id=to_unit_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )
    return reply(page)


@reports_router.get("/v1/reports/<report_id>")
def get_report(report_id: ReportId) -> Response[ReportOut]:
    return _report(reads.load(caller(app), report_id))


@reports_router.get("/v1/reports/<report_id>/history")
def report_history(
    report_id: ReportId, limit: Limit = None, cursor: Cursor = None
) -> Response[HistoryPage]:
    """Every change: each value's before and after, who and when."""
    return reply(reads.history(caller(app), report_id, limit=limit, cursor=cursor))


@reports_router.put("/v1/reports/<report_id>/values")
def put_values(report_id: ReportId, values: Annotated[ValuesPut, Body()]) -> Response[ReportOut]:
    """The draft's values and comments (If-Match); refused values change nothing."""
    who = caller(app)
    return _report(submission.enter_values(who, report_id, values, if_match(app, required=False)))


@reports_router.get("/v1/reports/<report_id>/template")
def report_template(report_id: ReportId):
    """The XLSX template: indicators, units of measure, previous values, current values."""
    return _xlsx(*sheet.template(caller(app), report_id))


@reports_router.post("/v1/reports/<report_id>/values/imports")
def import_values(
    report_id: ReportId, upload: Annotated[SheetUpload, Body()]
) -> Response[ReportOut]:
    """A filled template (If-Match): its values become the draft; errors name their cells."""
    who = caller(app)
    return _report(sheet.import_values(who, report_id, upload, if_match(app, required=False)))


@reports_router.post("/v1/reports/<report_id>/<action>")
def report_action(
    report_id: ReportId,
    action: Annotated[Action, Path(description="submit, approve, accept, return, reopen")],
    body: Annotated[dict[str, Any] | None, Body()] = None,
) -> Response[ReportOut]:
    """submit → approve (issued as an outgoing document) → accept, or return with a reason;
    reopen an accepted report with a reason (If-Match)."""
    run, model = submission.ACTIONS[action]
    try:
        data = model.model_validate(body or {})
    except ValidationError as exc:  # answered as every body's errors are: each at its field
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_input=False)]
        raise RequestValidationError(errors) from None
    return _report(run(caller(app), report_id, data, if_match(app, required=False)))


@reports_router.get("/v1/indicators/<code>/series")
def indicator_series(
    code: IndicatorCode,
    unit_id: UnitFilter = None,
    first: From = None,
    last: To = None,
    format: SheetFormat = "json",
):
    """A unit's accepted figures of one indicator by period (default: the caller's unit)."""
    data = figures.series(caller(app), code, unit_id, first, last)
    return _xlsx(*exports.series_xlsx(data)) if format == "xlsx" else reply(data)


for router in (forms_router, reports_router):
    app.include_router(router)


# --- the schedule ----------------------------------------------------------------------------


def on_event(event: dict[str, Any]) -> dict[str, Any]:
    """The daily schedule: open the reports of every period whose window has opened."""
    if event.get("mode") == "open_periods":
        return forms.open_due_periods()
    return {"ignored": event.get("detail-type") or event.get("mode")}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    if "requestContext" in event:
        return app.resolve(event, context)
    return on_event(event)
