"""The cases function: voter petitions, complaints and denunciations, from intake (staff, the
public, imported lists) to answer, under the legal time limits.

Routing and translation only; the use cases are in `cityops.cases.service`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.cases import service
from cityops.cases.models import (
    Case,
    CaseAccept,
    CaseAnswer,
    CaseAssign,
    CaseClassify,
    CaseConclude,
    CaseCreate,
    CaseDecide,
    CaseDialogue,
    CaseExtend,
    CaseHistoryPage,
    CaseIdentityOut,
    CaseKind,
    CaseNote,
    CasePage,
    CaseRefuse,
    CaseStats,
    CaseStatus,
    CaseSuspend,
    CaseWithdraw,
    PetitionImport,
    PetitionImportResult,
    PublicCaseCreate,
    PublicCaseReceipt,
    PublicCaseStatus,
    TimeLimitChange,
    TimeLimitList,
    TimeLimitRule,
)
from cityops.core import clock
from cityops.core.api import PROBLEM, caller, idempotent, if_match, make_resolver, reply
from cityops.core.ids import ULID_PATTERN

logger = Logger()
app = make_resolver()

CaseId = Annotated[str, Path(pattern=ULID_PATTERN, description="The case's id (a ULID)")]
RuleName = Annotated[
    str, Path(pattern=r"^[a-z_]+(\.[a-z_]+){1,3}$", description="e.g. case.forward")
]
Limit = Annotated[int | None, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=2048)]
NO_STORE = {"Cache-Control": "no-store"}


@app.exception_handler(service.TooManyAttempts)
def _too_many(exc: service.TooManyAttempts) -> Response:
    retry = 3600 - (int(clock.now().timestamp()) % 3600)
    return Response(
        exc.status,
        PROBLEM,
        json.dumps(exc.problem()),
        headers={"Retry-After": str(retry), **NO_STORE},
    )


def _case(case: Case, status: int = 200) -> Response:
    location = f"/v1/cases/{case.id}" if status == 201 else None
    return reply(case, status, version=case.version, location=location)


# --- the public ------------------------------------------------------------------------------


@app.post("/v1/public/cases")
def submit_public_case(case: Annotated[PublicCaseCreate, Body()]) -> Response[PublicCaseReceipt]:
    """Submit a complaint, denunciation or petition without an account: you get a tracking
    code and a secret (shown once)."""
    receipt = service.submit_public(case)
    return Response(201, "application/json", receipt.model_dump(mode="json"), headers=NO_STORE)


@app.get("/v1/public/cases/<tracking_code>")
def track_public_case(
    tracking_code: Annotated[str, Path(max_length=40)],
) -> Response[PublicCaseStatus]:
    """Status and public milestones, with the secret in the `X-Tracking-Secret` header."""
    secret = app.current_event.headers.get("x-tracking-secret")
    status = service.public_status(tracking_code, secret)
    return Response(200, "application/json", status.model_dump(mode="json"), headers=NO_STORE)


# --- intake by staff -------------------------------------------------------------------------


@app.post("/v1/cases")
def create_case(case: Annotated[CaseCreate, Body()]) -> Response[Case]:
    who = caller(app)
    return idempotent(
        app,
        "create_case",
        who,
        case.model_dump(mode="json"),
        lambda: _case(service.create_case(who, case), 201),
    )


@app.post("/v1/cases/imports")
def import_petitions(request: Annotated[PetitionImport, Body()]) -> Response[PetitionImportResult]:
    """Import a compiled list of voter petitions (CSV, or XLSX in base64): all rows or none."""
    who = caller(app)
    return idempotent(
        app,
        "import_petitions",
        who,
        request.model_dump(mode="json"),
        lambda: reply(service.import_petitions(who, request), 201),
    )


# --- reads -----------------------------------------------------------------------------------


@app.get("/v1/cases")
def list_cases(
    unit_id: Annotated[str | None, Query(pattern=r"^([0-7][0-9A-HJKMNP-TV-Z]{25}|all)$")] = None,
    kind: Annotated[CaseKind | None, Query()] = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    handler_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    due_from: Annotated[date | None, Query()] = None,
    due_to: Annotated[date | None, Query()] = None,
    overdue: Annotated[bool, Query()] = False,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[CasePage]:
    page = service.list_cases(
        caller(app),
        unit_id=unit_id,
        kind=kind.value if kind else None,
        status=status.value if status else None,
        handler_id=handler_id,
        due_from=due_from,
        due_to=due_to,
        overdue=overdue,
        limit=limit,
        cursor=cursor,
    )
    return reply(page)


@app.get("/v1/cases/stats")
def case_stats(
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
    unit_id: Annotated[str | None, Query(pattern=ULID_PATTERN)] = None,
    kind: Annotated[CaseKind | None, Query()] = None,
) -> Response[CaseStats]:
    stats = service.case_stats(
        caller(app),
        from_date=from_date,
        to_date=to_date,
        unit_id=unit_id,
        kind=kind.value if kind else None,
    )
    return reply(stats)


@app.get("/v1/cases/time-limits")
def list_time_limits() -> Response[TimeLimitList]:
    return reply(service.list_time_limits(caller(app)))


@app.get("/v1/cases/time-limits/<rule>")
def get_time_limit(rule: RuleName) -> Response[TimeLimitRule]:
    found = service.get_time_limit(caller(app), rule)
    return reply(found, version=found.version)


@app.put("/v1/cases/time-limits/<rule>")
def put_time_limit(
    rule: RuleName, change: Annotated[TimeLimitChange, Body()]
) -> Response[TimeLimitRule]:
    """Add a version of a time limit from a date (admin); earlier versions are kept."""
    changed = service.put_time_limit(caller(app), rule, change, if_match(app))
    return reply(changed, version=changed.version)


@app.get("/v1/cases/<case_id>")
def get_case(case_id: CaseId) -> Response[Case]:
    return _case(service.get_case(caller(app), case_id))


@app.get("/v1/cases/<case_id>/history")
def case_history(
    case_id: CaseId, limit: Limit = None, cursor: Cursor = None
) -> Response[CaseHistoryPage]:
    return reply(service.case_history(caller(app), case_id, limit=limit, cursor=cursor))


@app.get("/v1/cases/<case_id>/identity")
def read_identity(case_id: CaseId) -> Response[CaseIdentityOut]:
    """The person's identity: only for the inspector assigned and the resolver; audited."""
    identity = service.read_identity(caller(app), case_id)
    return Response(200, "application/json", identity.model_dump(mode="json"), headers=NO_STORE)


# --- handling (each with If-Match) -------------------------------------------------------------


@app.post("/v1/cases/<case_id>/classify")
def classify(case_id: CaseId, body: Annotated[CaseClassify, Body()]) -> Response[Case]:
    return _case(service.classify(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/forward")
def forward(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _case(service.forward(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/accept")
def accept(case_id: CaseId, body: Annotated[CaseAccept, Body()]) -> Response[Case]:
    return _case(service.accept(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/refuse")
def refuse(case_id: CaseId, body: Annotated[CaseRefuse, Body()]) -> Response[Case]:
    return _case(service.refuse(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/assign")
def assign(case_id: CaseId, body: Annotated[CaseAssign, Body()]) -> Response[Case]:
    return _case(service.assign(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/verify")
def verify(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _case(service.verify(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/dialogue")
def dialogue(case_id: CaseId, body: Annotated[CaseDialogue, Body()]) -> Response[Case]:
    return _case(service.dialogue(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/notify")
def notify(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _case(service.notify(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/extend")
def extend(case_id: CaseId, body: Annotated[CaseExtend, Body()]) -> Response[Case]:
    return _case(service.extend(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/decide")
def decide(case_id: CaseId, body: Annotated[CaseDecide, Body()]) -> Response[Case]:
    return _case(service.decide(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/conclude")
def conclude(case_id: CaseId, body: Annotated[CaseConclude, Body()]) -> Response[Case]:
    return _case(service.conclude(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/answer")
def answer(case_id: CaseId, body: Annotated[CaseAnswer, Body()]) -> Response[Case]:
    return _case(service.answer(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/publish")
def publish(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _case(service.publish(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/withdraw")
def withdraw(case_id: CaseId, body: Annotated[CaseWithdraw, Body()]) -> Response[Case]:
    return _case(service.withdraw(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/suspend")
def suspend(case_id: CaseId, body: Annotated[CaseSuspend, Body()]) -> Response[Case]:
    return _case(service.suspend(caller(app), case_id, body, if_match(app)))


@app.post("/v1/cases/<case_id>/resume")
def resume(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _case(service.resume(caller(app), case_id, body, if_match(app)))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
