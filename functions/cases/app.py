"""The cases function: voter petitions, complaints and denunciations, from intake (staff, the
public, imported lists) to answer, under the legal time limits.

Routing and translation only, a Router per group of routes; the use cases are the modules of
`cityops.cases` (intake, tracking, petition_import, reads, stats, time_limits, council,
handling).
"""

from __future__ import annotations

import gc

gc.disable()  # no collections while the modules load (a cold start's 30-40 ms)

import json
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.cases import council, handling, intake, reads, stats, time_limits, tracking
from cityops.cases.models import (
    CaseAccept,
    CaseAnswer,
    CaseAssign,
    CaseClassify,
    CaseConclude,
    CaseCreate,
    CaseDecide,
    CaseDialogue,
    CaseExtend,
    CaseKind,
    CaseNote,
    CaseRefuse,
    CaseReportResults,
    CaseResume,
    CaseStatus,
    CaseSuspend,
    CaseWithdraw,
    CaseWithdrawInPart,
    PetitionImport,
    PublicCaseCreate,
    SessionChange,
    SessionCreate,
    TimeLimitChange,
)
from cityops.cases.replies import (
    Case,
    CaseHistoryPage,
    CaseIdentityOut,
    CasePage,
    CaseStats,
    CouncilSessionList,
    CouncilSessionOut,
    PetitionImportResult,
    PublicCaseReceipt,
    PublicCaseStatus,
    TimeLimitList,
    TimeLimitRule,
)
from cityops.core import clock
from cityops.core.api import PROBLEM, caller, idempotent, if_match, make_resolver, reply
from cityops.core.params import Cursor, Day, From, Limit, To, UnitFilter, ulid_path

gc.enable()
gc.freeze()  # what the imports made is never collected: later collections skip it

logger = Logger()
app = make_resolver()
public = Router()
intake_routes = Router()
lists = Router()
rules = Router()
sessions = Router()
reading = Router()
actions = Router()

CaseId = Annotated[str, ulid_path("The case's id (a ULID)")]
SessionId = Annotated[str, ulid_path("The session's id (a ULID)")]
RuleName = Annotated[
    str, Path(pattern=r"^[a-z_]+(\.[a-z_]+){1,3}$", description="e.g. case.forward")
]
NO_STORE = {"Cache-Control": "no-store"}


@app.exception_handler(tracking.TooManyAttempts)
def _too_many(exc: tracking.TooManyAttempts) -> Response:
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


@public.post("/v1/public/cases")
def submit_public_case(case: Annotated[PublicCaseCreate, Body()]) -> Response[PublicCaseReceipt]:
    """Submit a complaint, denunciation or petition without an account: you get a tracking
    code and a secret (shown once)."""
    receipt = tracking.submit_public(case)
    return Response(201, "application/json", receipt.model_dump(mode="json"), headers=NO_STORE)


@public.get("/v1/public/cases/<tracking_code>")
def track_public_case(
    tracking_code: Annotated[str, Path(max_length=40)],
) -> Response[PublicCaseStatus]:
    """Status and public milestones, with the secret in the `X-Tracking-Secret` header."""
    secret = public.current_event.headers.get("x-tracking-secret")
    status = tracking.public_status(tracking_code, secret)
    return Response(200, "application/json", status.model_dump(mode="json"), headers=NO_STORE)


# --- intake by staff -------------------------------------------------------------------------


@intake_routes.post("/v1/cases")
def create_case(case: Annotated[CaseCreate, Body()]) -> Response[Case]:
    who = caller(intake_routes)
    return idempotent(
        intake_routes,
        "create_case",
        who,
        case.model_dump(mode="json"),
        lambda: _case(intake.create_case(who, case), 201),
    )


@intake_routes.post("/v1/cases/imports")
def import_petitions(request: Annotated[PetitionImport, Body()]) -> Response[PetitionImportResult]:
    """Import a compiled list of voter petitions (CSV, or XLSX in base64): all rows or none."""
    from cityops.cases import petition_import  # the spreadsheet reader, for this route only

    who = caller(intake_routes)
    return idempotent(
        intake_routes,
        "import_petitions",
        who,
        request.model_dump(mode="json"),
        lambda: reply(petition_import.import_petitions(who, request), 201),
    )


# --- lists and statistics ----------------------------------------------------------------------


@lists.get("/v1/cases")
def list_cases(
    unit_id: Annotated[str | None, Query(pattern=r"^([0-7][0-9A-HJKMNP-TV-Z]{25}|all)$")] = None,
    kind: Annotated[CaseKind | None, Query()] = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    handler_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    due_from: Day = None,
    due_to: Day = None,
    overdue: Annotated[bool, Query()] = False,
    limit: Limit = None,
    cursor: Cursor = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Words of the summary")
    ] = None,
    reference: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2,4}-[0-9]{4}-[0-9A-Za-z]{6}$", description="KN-2027-…"),
    ] = None,
    tracking_code: Annotated[
        str | None, Query(max_length=40, description="The public tracking code")
    ] = None,
) -> Response[CasePage]:
    page = reads.list_cases(
        caller(lists),
        unit_id=unit_id,
        kind=kind.value if kind else None,
        status=status.value if status else None,
        handler_id=handler_id,
        due_from=due_from,
        due_to=due_to,
        overdue=overdue,
        limit=limit,
        cursor=cursor,
        q=q,
        reference=reference,
        tracking_code=tracking_code,
    )
    return reply(page)


@lists.get("/v1/cases/stats")
def case_stats(
    from_date: From = None,
    to_date: To = None,
    unit_id: UnitFilter = None,
    kind: Annotated[CaseKind | None, Query()] = None,
) -> Response[CaseStats]:
    found = stats.case_stats(
        caller(lists),
        from_date=from_date,
        to_date=to_date,
        unit_id=unit_id,
        kind=kind.value if kind else None,
    )
    return reply(found)


# --- the time-limit rules ----------------------------------------------------------------------


@rules.get("/v1/cases/time-limits")
def list_time_limits() -> Response[TimeLimitList]:
    return reply(time_limits.list_time_limits(caller(rules)))


@rules.get("/v1/cases/time-limits/<rule>")
def get_time_limit(rule: RuleName) -> Response[TimeLimitRule]:
    found = time_limits.get_time_limit(caller(rules), rule)
    return reply(found, version=found.version)


@rules.put("/v1/cases/time-limits/<rule>")
def put_time_limit(
    rule: RuleName, change: Annotated[TimeLimitChange, Body()]
) -> Response[TimeLimitRule]:
    """Add a version of a time limit from a date (admin); earlier versions are kept."""
    version = if_match(rules, required=False)
    changed = time_limits.put_time_limit(caller(rules), rule, change, version)
    return reply(changed, version=changed.version)


# --- the People's Council's sessions -------------------------------------------------------------


@sessions.get("/v1/cases/sessions")
def list_sessions() -> Response[CouncilSessionList]:
    """The People's Council's sessions, with their petitions' compilation windows."""
    return reply(council.list_sessions(caller(sessions)))


@sessions.post("/v1/cases/sessions")
def create_session(session: Annotated[SessionCreate, Body()]) -> Response[CouncilSessionOut]:
    """Enter a session (admin): the petitions whose results are reported to it get their
    report deadline."""
    who = caller(sessions)

    def created() -> Response:
        found = council.create_session(who, session)
        location = f"/v1/cases/sessions/{found.id}"
        return reply(found, 201, version=found.version, location=location)

    return idempotent(sessions, "create_session", who, session.model_dump(mode="json"), created)


@sessions.get("/v1/cases/sessions/<session_id>")
def get_session(session_id: SessionId) -> Response[CouncilSessionOut]:
    found = council.get_session(caller(sessions), session_id)
    return reply(found, version=found.version)


@sessions.put("/v1/cases/sessions/<session_id>")
def put_session(
    session_id: SessionId, change: Annotated[SessionChange, Body()]
) -> Response[CouncilSessionOut]:
    """Change a session's name, kind or days (admin, If-Match); report deadlines follow."""
    version = if_match(sessions, required=False)
    changed = council.update_session(caller(sessions), session_id, change, version)
    return reply(changed, version=changed.version)


# --- one case --------------------------------------------------------------------------------


@reading.get("/v1/cases/<case_id>")
def get_case(case_id: CaseId) -> Response[Case]:
    return _case(reads.get_case(caller(reading), case_id))


@reading.get("/v1/cases/<case_id>/history")
def case_history(
    case_id: CaseId, limit: Limit = None, cursor: Cursor = None
) -> Response[CaseHistoryPage]:
    return reply(reads.case_history(caller(reading), case_id, limit=limit, cursor=cursor))


@reading.get("/v1/cases/<case_id>/identity")
def read_identity(case_id: CaseId) -> Response[CaseIdentityOut]:
    """The person's identity: only for the inspector assigned and the resolver; audited."""
    identity = reads.read_identity(caller(reading), case_id)
    return Response(200, "application/json", identity.model_dump(mode="json"), headers=NO_STORE)


# --- handling (each with If-Match) -------------------------------------------------------------


def _act(use_case, case_id: str, body) -> Response:
    """A handling action: 404, 403, then If-Match (428 when missing, 412 when stale), 409."""
    return _case(use_case(caller(actions), case_id, body, if_match(actions, required=False)))


@actions.post("/v1/cases/<case_id>/classify")
def classify(case_id: CaseId, body: Annotated[CaseClassify, Body()]) -> Response[Case]:
    return _act(handling.classify, case_id, body)


@actions.post("/v1/cases/<case_id>/forward")
def forward(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _act(handling.forward, case_id, body)


@actions.post("/v1/cases/<case_id>/accept")
def accept(case_id: CaseId, body: Annotated[CaseAccept, Body()]) -> Response[Case]:
    return _act(handling.accept, case_id, body)


@actions.post("/v1/cases/<case_id>/refuse")
def refuse(case_id: CaseId, body: Annotated[CaseRefuse, Body()]) -> Response[Case]:
    return _act(handling.refuse, case_id, body)


@actions.post("/v1/cases/<case_id>/assign")
def assign(case_id: CaseId, body: Annotated[CaseAssign, Body()]) -> Response[Case]:
    return _act(handling.assign, case_id, body)


@actions.post("/v1/cases/<case_id>/verify")
def verify(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _act(handling.verify, case_id, body)


@actions.post("/v1/cases/<case_id>/dialogue")
def dialogue(case_id: CaseId, body: Annotated[CaseDialogue, Body()]) -> Response[Case]:
    return _act(handling.dialogue, case_id, body)


@actions.post("/v1/cases/<case_id>/notify")
def notify(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _act(handling.notify, case_id, body)


@actions.post("/v1/cases/<case_id>/extend")
def extend(case_id: CaseId, body: Annotated[CaseExtend, Body()]) -> Response[Case]:
    return _act(handling.extend, case_id, body)


@actions.post("/v1/cases/<case_id>/decide")
def decide(case_id: CaseId, body: Annotated[CaseDecide, Body()]) -> Response[Case]:
    return _act(handling.decide, case_id, body)


@actions.post("/v1/cases/<case_id>/conclude")
def conclude(case_id: CaseId, body: Annotated[CaseConclude, Body()]) -> Response[Case]:
    return _act(handling.conclude, case_id, body)


@actions.post("/v1/cases/<case_id>/answer")
def answer(case_id: CaseId, body: Annotated[CaseAnswer, Body()]) -> Response[Case]:
    return _act(handling.answer, case_id, body)


@actions.post("/v1/cases/<case_id>/publish")
def publish(case_id: CaseId, body: Annotated[CaseNote, Body()]) -> Response[Case]:
    return _act(handling.publish, case_id, body)


@actions.post("/v1/cases/<case_id>/report-results")
def report_results(case_id: CaseId, body: Annotated[CaseReportResults, Body()]) -> Response[Case]:
    return _act(handling.report_results, case_id, body)


@actions.post("/v1/cases/<case_id>/withdraw")
def withdraw(case_id: CaseId, body: Annotated[CaseWithdraw, Body()]) -> Response[Case]:
    return _act(handling.withdraw, case_id, body)


@actions.post("/v1/cases/<case_id>/withdraw-in-part")
def withdraw_in_part(
    case_id: CaseId, body: Annotated[CaseWithdrawInPart, Body()]
) -> Response[Case]:
    return _act(handling.withdraw_in_part, case_id, body)


@actions.post("/v1/cases/<case_id>/suspend")
def suspend(case_id: CaseId, body: Annotated[CaseSuspend, Body()]) -> Response[Case]:
    return _act(handling.suspend, case_id, body)


@actions.post("/v1/cases/<case_id>/resume")
def resume(case_id: CaseId, body: Annotated[CaseResume, Body()]) -> Response[Case]:
    return _act(handling.resume, case_id, body)


for _router in (public, intake_routes, lists, rules, sessions, reading, actions):
    app.include_router(_router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
