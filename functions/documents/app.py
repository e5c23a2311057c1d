"""The documents function (quản lý văn bản và điều hành): registers and numbers, incoming and
outgoing documents, the leader's direction, files in S3, registers as officials print them.

One Router per group of routes. It also takes two kinds of events: S3's ObjectCreated for the
documents bucket (through EventBridge), which checks an upload; and the function's own
`DocumentIssued` / `DocumentRevoked`, which make sure every recipient got (or was told)
once. Routing and translation only; the use cases are in `cityops.documents`.
"""

from __future__ import annotations

import gc

gc.disable()  # no collections while the modules load (a cold start's 30-40 ms)

from typing import Annotated, Any, Literal
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from cityops.core.api import caller, idempotent, if_match, make_resolver, reply
from cityops.core.auth import Principal
from cityops.core.ids import ULID_PATTERN
from cityops.core.params import Cursor, Day, Limit, UnitFilter, ulid_path
from cityops.core.xlsx import MEDIA_TYPE as XLSX
from cityops.documents import (
    export,
    files,
    incoming,
    outgoing,
    reads,
    registers,
    tracking,
)
from cityops.documents.domain import Document, Urgency
from cityops.documents.models import (
    AbbreviationOut,
    AbbreviationPage,
    AbbreviationSet,
    DirectionCreate,
    DocType,
    DocumentOut,
    DocumentPage,
    EntryPage,
    FileCreate,
    FileDownload,
    FileHold,
    FileUpload,
    Filing,
    HandlingReport,
    HistoryPage,
    IncomingCreate,
    LegalHold,
    Note,
    OutgoingCreate,
    Reason,
    RegisterCreate,
    RegisterOut,
    RegisterPage,
    RegisterPatch,
    ReturnToSender,
    Signing,
)

gc.enable()
gc.freeze()  # what the imports made is never collected: later collections skip it

logger = Logger()
app = make_resolver()

DocumentId = Annotated[str, ulid_path("The document's id (a ULID)")]
FileId = Annotated[str, ulid_path("The file's id (a ULID)")]
RegisterId = Annotated[str, ulid_path("The register's id (a ULID)")]
UnitId = Annotated[str, ulid_path("The unit's id (a ULID)")]
RegisterFilter = Annotated[str | None, Query(pattern=ULID_PATTERN, description="A register")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Default: this year")]


def _document(who: Principal, document: Document, status: int = 200) -> Response:
    location = f"/v1/documents/{document.id}" if status == 201 else None
    out = reads.document_out(who, document)
    return reply(out, status, version=document.version, location=location)


# --- registers and abbreviations ---------------------------------------------------------------
registers_router = Router()


@registers_router.get("/v1/registers")
def list_registers(unit_id: UnitFilter = None, year: Year = None) -> Response[RegisterPage]:
    """The registers of the caller's unit (or of a unit they may see), with the last number
    taken in the year."""
    return reply(registers.list_registers(caller(app), unit_id, year))


@registers_router.post("/v1/registers")
def create_register(register: Annotated[RegisterCreate, Body()]) -> Response[RegisterOut]:
    who = caller(app)

    def create() -> Response:
        made = registers.create_register(who, register)
        return reply(made, 201, version=made.version, location=f"/v1/registers/{made.id}")

    return idempotent(app, "create_register", who, register.model_dump(mode="json"), create)


@registers_router.patch("/v1/registers/<register_id>")
def update_register(
    register_id: RegisterId, patch: Annotated[RegisterPatch, Body()]
) -> Response[RegisterOut]:
    changed = registers.update_register(
        caller(app), register_id, patch, if_match(app, required=False)
    )
    return reply(changed, version=changed.version)


@registers_router.get("/v1/registers/<register_id>/entries")
def register_entries(
    register_id: RegisterId, year: Year = None, limit: Limit = None, cursor: Cursor = None
) -> Response[EntryPage]:
    """The register's entries for the year, in number order."""
    the_year = registers.check_year(year)
    page = registers.register_entries(caller(app), register_id, the_year, limit=limit,
                                      cursor=cursor)  # fmt: skip
    return reply(page)


@registers_router.get(
    "/v1/registers/<register_id>/export",
    responses={200: {"description": "The workbook", "content": {XLSX: {}}}},
)
def export_register(
    register_id: RegisterId,
    year: Year = None,
    format: Annotated[Literal["xlsx"], Query(description="xlsx: Appendix IV")] = "xlsx",
):
    """The register's year as a workbook in the Appendix IV layout (cover, then 10 columns)."""
    name, data = export.export_register(caller(app), register_id, year)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(200, XLSX, data, headers=headers)


@registers_router.get("/v1/abbreviations")
def list_abbreviations() -> Response[AbbreviationPage]:
    return reply(registers.list_abbreviations())


@registers_router.get("/v1/abbreviations/<unit_id>")
def get_abbreviation(unit_id: UnitId) -> Response[AbbreviationOut]:
    found = registers.get_abbreviation(unit_id)
    return reply(found, version=found.version)


@registers_router.put("/v1/abbreviations/<unit_id>")
def set_abbreviation(
    unit_id: UnitId, abbreviation: Annotated[AbbreviationSet, Body()]
) -> Response[AbbreviationOut]:
    """An administrator sets a unit's abbreviation for symbols (If-Match "0" the first time)."""
    changed = registers.set_abbreviation(
        caller(app), unit_id, abbreviation, if_match(app, required=False)
    )
    return reply(changed, version=changed.version)


# --- reading documents ---------------------------------------------------------------------------
documents_router = Router()


@documents_router.get("/v1/documents")
def list_documents(
    q: Annotated[
        str | None, Query(max_length=200, description="Words, any case or accents")
    ] = None,
    kind: Annotated[Literal["incoming", "outgoing"] | None, Query()] = None,
    register_id: RegisterFilter = None,
    unit_id: UnitFilter = None,
    year: Year = None,
    number: Annotated[int | None, Query(ge=1)] = None,
    issuing_body: Annotated[str | None, Query(max_length=200)] = None,
    doc_type: Annotated[DocType | None, Query()] = None,
    date_from: Day = None,
    date_to: Day = None,
    urgency: Annotated[Urgency | None, Query()] = None,
    status: Annotated[str | None, Query(pattern=r"^[a-z_]{1,20}$")] = None,
    lead_unit_id: UnitFilter = None,
    overdue: Annotated[bool | None, Query()] = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response[DocumentPage]:
    page = reads.list_documents(
        caller(app), q=q, kind=kind, register_id=register_id, unit_id=unit_id, year=year,
        number=number, issuing_body=issuing_body, doc_type=doc_type,
        date_from=date_from, date_to=date_to,
        urgency=urgency.value if urgency else None, status=status, lead_unit_id=lead_unit_id,
        overdue=overdue, limit=limit, cursor=cursor,
    )  # fmt: skip
    return reply(page)


@documents_router.get("/v1/documents/<document_id>")
def get_document(document_id: DocumentId) -> Response[DocumentOut]:
    who = caller(app)
    return _document(who, reads.get_document(who, document_id))


@documents_router.get("/v1/documents/<document_id>/history")
def document_history(
    document_id: DocumentId, limit: Limit = None, cursor: Cursor = None
) -> Response[HistoryPage]:
    """Every change, and every opening of a file (who, which, when)."""
    return reply(reads.document_history(caller(app), document_id, limit=limit, cursor=cursor))


# --- incoming documents and direction -------------------------------------------------------
incoming_router = Router()


@incoming_router.post("/v1/documents/incoming")
def register_incoming(document: Annotated[IncomingCreate, Body()]) -> Response[DocumentOut]:
    """A clerk registers an incoming document: the reply has its register, year and number."""
    who = caller(app)
    body = document.model_dump(mode="json")
    return idempotent(
        app, "register_incoming", who, body,
        lambda: _document(who, incoming.register_incoming(who, document), 201),
    )  # fmt: skip


def _change(action: Any, document_id: str, data: Any) -> Response:
    who = caller(app)
    return _document(who, action(who, document_id, data, if_match(app, required=False)))


@incoming_router.post("/v1/documents/<document_id>/presentation")
def present(document_id: DocumentId, data: Annotated[Note, Body()]) -> Response[DocumentOut]:
    """The clerk presents it to the leader (Art. 23(1))."""
    return _change(incoming.present, document_id, data)


@incoming_router.post("/v1/documents/<document_id>/direction")
def direct(
    document_id: DocumentId, data: Annotated[DirectionCreate, Body()]
) -> Response[DocumentOut]:
    """The leader directs it: lead unit, coordinating units, instructions, deadline."""
    return _change(incoming.direct, document_id, data)


@incoming_router.post("/v1/documents/<document_id>/handling")
def start_handling(document_id: DocumentId, data: Annotated[Note, Body()]) -> Response[DocumentOut]:
    return _change(incoming.start, document_id, data)


@incoming_router.post("/v1/documents/<document_id>/result")
def report_handled(
    document_id: DocumentId, data: Annotated[HandlingReport, Body()]
) -> Response[DocumentOut]:
    """The lead unit reports it handled (the result, and the reply if one was issued)."""
    return _change(incoming.handle, document_id, data)


@incoming_router.post("/v1/documents/<document_id>/filing")
def file_for_reference(
    document_id: DocumentId, data: Annotated[Filing, Body()]
) -> Response[DocumentOut]:
    return _change(incoming.file_for_reference, document_id, data)


@incoming_router.post("/v1/documents/<document_id>/return")
def return_to_sender(
    document_id: DocumentId, data: Annotated[ReturnToSender, Body()]
) -> Response[DocumentOut]:
    return _change(incoming.return_to_sender, document_id, data)


# --- outgoing documents ----------------------------------------------------------------------
outgoing_router = Router()


@outgoing_router.post("/v1/documents/outgoing")
def draft_outgoing(document: Annotated[OutgoingCreate, Body()]) -> Response[DocumentOut]:
    who = caller(app)
    body = document.model_dump(mode="json")
    return idempotent(app, "draft_outgoing", who, body,
                      lambda: _document(who, outgoing.draft(who, document), 201))  # fmt: skip


@outgoing_router.post("/v1/documents/<document_id>/submission")
def submit(document_id: DocumentId, data: Annotated[Note, Body()]) -> Response[DocumentOut]:
    return _change(outgoing.submit, document_id, data)


@outgoing_router.post("/v1/documents/<document_id>/send-back")
def send_back(document_id: DocumentId, data: Annotated[Reason, Body()]) -> Response[DocumentOut]:
    return _change(outgoing.send_back, document_id, data)


@outgoing_router.post("/v1/documents/<document_id>/signature")
def sign(document_id: DocumentId, data: Annotated[Signing, Body()]) -> Response[DocumentOut]:
    """A leader of the issuing unit signs it, with the signed file uploaded and available."""
    return _change(outgoing.sign, document_id, data)


@outgoing_router.post("/v1/documents/<document_id>/issue")
def issue(document_id: DocumentId, data: Annotated[Note, Body()]) -> Response[DocumentOut]:
    """A clerk issues it: the number is taken now; each recipient unit gets it."""
    return _change(outgoing.issue, document_id, data)


@outgoing_router.post("/v1/documents/<document_id>/revocation")
def revoke(document_id: DocumentId, data: Annotated[Reason, Body()]) -> Response[DocumentOut]:
    """Revoked with a reason (Art. 18(4)): the recipients are told; the number stays used."""
    return _change(outgoing.revoke, document_id, data)


# --- files -------------------------------------------------------------------------------------
files_router = Router()


@files_router.post("/v1/documents/<document_id>/files")
def add_file(document_id: DocumentId, file: Annotated[FileCreate, Body()]) -> Response[FileUpload]:
    """A presigned upload that fixes the size and the SHA-256; the key is the system's."""
    who = caller(app)
    body = {"document_id": document_id, **file.model_dump(mode="json")}
    return idempotent(app, "add_file", who, body,
                      lambda: reply(files.request_upload(who, document_id, file), 201))  # fmt: skip


@files_router.get("/v1/documents/<document_id>/files/<file_id>")
def open_file(document_id: DocumentId, file_id: FileId) -> Response[FileDownload]:
    """A presigned download of an available file; the read is in the document's history."""
    return reply(files.download(caller(app), document_id, file_id))


@files_router.put("/v1/documents/<document_id>/files/<file_id>/legal-hold")
def legal_hold(
    document_id: DocumentId, file_id: FileId, hold: Annotated[LegalHold, Body()]
) -> Response[FileHold]:
    """An administrator places or lifts a legal hold on a file (If-Match); the reply is the
    hold, not the document, which administrators may not read."""
    version = if_match(app, required=False)
    held = files.legal_hold(caller(app), document_id, file_id, hold.on, version)
    return reply(held, version=held.version)


for router in (registers_router, documents_router, incoming_router, outgoing_router, files_router):
    app.include_router(router)


# --- events ------------------------------------------------------------------------------------


def on_event(event: dict[str, Any]) -> dict[str, Any]:
    """S3 ObjectCreated (through EventBridge), the function's own issued and revoked events
    (delivery and revocation notes are each done once, whoever runs them first), and the
    tasks' approved extensions (a tracked direction's handling deadline follows its task)."""
    source, detail = event.get("source"), event.get("detail") or {}
    if source == "aws.s3":
        key = unquote_plus((detail.get("object") or {}).get("key", ""))
        result = files.check_upload(key)
        logger.info("upload checked", extra=result)
        return result
    if source == "cityops.tasks" and event.get("detail-type") == "ExtensionDecided":
        return {"followed": tracking.follow_task_extension(detail)}
    if source == "cityops.documents" and detail.get("document_id"):
        document = reads.DOCUMENTS.store.load(detail["document_id"])
        if isinstance(document, outgoing.OutgoingDocument):
            if event.get("detail-type") == "DocumentIssued" and document.status == "issued":
                return {"delivered": outgoing.deliver_all(document)}
            if event.get("detail-type") == "DocumentRevoked":
                outgoing.tell_recipients(document)
                return {"told": [r.unit_id for r in document.recipients if r.unit_id]}
    return {"ignored": event.get("detail-type")}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    if "requestContext" in event:
        return app.resolve(event, context)
    return on_event(event)
