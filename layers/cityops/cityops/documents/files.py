"""A document's files in S3: a presigned upload that fixes the size and the checksum under a
key the system chooses; the check of each upload when S3 says it was created (size, SHA-256,
the real type from its bytes), which makes it available or quarantines it with the reason;
presigned downloads, each one audited; legal holds by an administrator.

Nothing is overwritten or deleted: every upload has its own key (and S3 refuses a second PUT
to it), a correction is a new file that replaces the old one as a new version, and the bucket
keeps every object version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cityops.core import clock
from cityops.core.auth import SYSTEM, Principal
from cityops.core.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from cityops.core.ids import is_ulid, new_id
from cityops.core.models import person
from cityops.core.pipeline import Work
from cityops.core.settings import get_settings
from cityops.documents import objects
from cityops.documents.domain import Document, DocumentFile, file_status_name
from cityops.documents.models import (
    MEDIA_TYPES,
    FileCreate,
    FileDownload,
    FileHold,
    FileOut,
    FileUpload,
)
from cityops.documents.pipelines import DOCUMENTS, RECORDS

KEY_PREFIX = "documents/"


def file_key(document_id: str, file_id: str) -> str:
    """The object's key: the system's ids, never the client's file name."""
    return f"{KEY_PREFIX}{document_id}/{file_id}"


def file_out(file: DocumentFile) -> FileOut:
    return FileOut.model_validate(file.model_dump(mode="json"))


def request_upload(who: Principal, document_id: str, data: FileCreate) -> FileUpload:
    """A new file (or a new version of one): its record, pending, and where to PUT it."""
    limit = get_settings().documents_max_file_bytes
    if data.size > limit:
        raise PayloadTooLarge(f"Mỗi tệp tối đa {limit // (1024 * 1024)} MB.")
    file_id = new_id()

    def rule(work: Work[Document]) -> None:
        document = work.entity
        if data.replaces_file_id:
            document.file(data.replaces_file_id)
        document.attach(
            DocumentFile(
                id=file_id,
                name=data.name,
                media_type=data.media_type,
                size=data.size,
                sha256=data.sha256,
                key=file_key(document.id, file_id),
                replaces=data.replaces_file_id,
                uploaded_by=person(who),
                created_at=clock.now(),
            )
        )

    document = DOCUMENTS.change(who, document_id, "attach_file", rule, append=True)
    new = document.file(file_id)
    url, headers = objects.objects().upload_url(new.key, new.size, new.sha256, new.media_type)
    expires = clock.now() + timedelta(seconds=get_settings().documents_upload_seconds)
    return FileUpload.model_validate(
        {"file": file_out(new).model_dump(), "upload": {
            "url": url, "headers": headers, "expires_at": clock.iso(expires)}}
    )  # fmt: skip


def parse_key(key: str) -> tuple[str, str] | None:
    parts = key.removeprefix(KEY_PREFIX).split("/") if key.startswith(KEY_PREFIX) else []
    if len(parts) == 2 and all(is_ulid(p) for p in parts):
        return parts[0], parts[1]
    return None


def check_upload(key: str) -> dict[str, Any]:
    """S3 created an object (the ObjectCreated event): check it against its record and make
    it available, or quarantine it with the reason. A key the system did not choose, or a
    file already checked, is left as it is."""
    found = parse_key(key)
    if found is None:
        return {"key": key, "result": "ignored", "reason": "not a document file key"}
    document_id, file_id = found
    document = DOCUMENTS.store.load(document_id)
    if document is None or not any(f.id == file_id for f in document.files):
        return {"key": key, "result": "ignored", "reason": "no such file record"}
    record = document.file(file_id)
    if record.status != "pending":
        return {"key": key, "result": record.status, "reason": "already checked"}
    store = objects.objects()
    head = store.size_of(key)
    if head is None:
        return {"key": key, "result": "ignored", "reason": "no such object"}
    size, version_id = head
    limit = get_settings().documents_max_file_bytes
    if size > limit or size != record.size:  # refused without reading it
        reason: str | None = (
            f"Kích thước {size} byte khác với kích thước đã khai ({record.size} byte)."
        )
        if size > limit:
            reason = f"Tệp lớn hơn {limit} byte."
    else:
        stored = store.read(key, version_id)
        version_id = stored.version_id or version_id
        reason = problem_with(record, stored.body)
    if reason:
        store.mark_quarantined(key, version_id, reason)

    def rule(work: Work[Document]) -> None:
        if reason:
            work.entity.quarantine_file(file_id, reason, version_id)
        else:
            work.entity.accept_file(file_id, version_id)

    try:
        DOCUMENTS.change(SYSTEM, document_id, "check_file", rule, append=True, note=reason)
    except Conflict:  # checked meanwhile by a second delivery of the same event
        return {"key": key, "result": "already checked"}
    return {"key": key, "result": "quarantined" if reason else "available", "reason": reason}


def problem_with(record: DocumentFile, body: bytes) -> str | None:
    """Why an upload is not the file that was declared, or None when it is."""
    limit = get_settings().documents_max_file_bytes
    if len(body) > limit:
        return f"Tệp lớn hơn {limit} byte."
    if len(body) != record.size:
        return f"Kích thước {len(body)} byte khác với kích thước đã khai ({record.size} byte)."
    if objects.sha256_hex(body) != record.sha256:
        return "Mã SHA-256 của tệp khác với mã đã khai."
    real = objects.sniff(body)
    declared = MEDIA_TYPES.get(record.media_type)
    if real is None:
        return "Không phải tệp PDF, DOCX, XLSX, ODT, JPEG, PNG hoặc TIFF."
    if real != declared:
        return f"Nội dung là tệp {real.upper()}, không phải loại đã khai {record.media_type}."
    return None


_NOT_OPENED = {
    "pending": f"Tệp đang ở trạng thái {file_status_name('pending')} (chưa tải lên hoặc chưa "
    "kiểm tra xong): chưa thể mở tệp; hãy thử lại sau.",
    "quarantined": f"Tệp đang ở trạng thái {file_status_name('quarantined')} vì không khớp "
    "với thông tin đã khai (xem lý do ở tệp): không thể mở tệp; hãy tải lên một tệp thay thế.",
}


def download(who: Principal, document_id: str, file_id: str) -> FileDownload:
    """A presigned download of an available file; the read is audited (who, which, when)."""
    document = DOCUMENTS.load_visible(who, document_id)
    if not is_ulid(file_id) or not any(f.id == file_id for f in document.files):
        raise NotFound("Không có tệp này.")
    record = document.file(file_id)
    if record.status != "available":
        raise Conflict(_NOT_OPENED.get(record.status, "Chưa thể mở tệp này."))
    url = objects.objects().download_url(
        record.key, record.s3_version_id, record.name, record.media_type
    )
    DOCUMENTS.store.record_file_read(document, who, record)
    expires = clock.now() + timedelta(seconds=get_settings().documents_download_seconds)
    return FileDownload(file=file_out(record), url=url, expires_at=clock.iso(expires))


def legal_hold(
    who: Principal, document_id: str, file_id: str, on: bool, if_match: int | None
) -> FileHold:
    """An administrator places (or lifts) a legal hold on a file's object: S3 keeps it
    whatever a lifecycle rule says until the hold is lifted."""
    document = RECORDS.load_visible(who, document_id)
    RECORDS.authorise(who, "hold_file", document)
    RECORDS.check_version(document, if_match)
    if not is_ulid(file_id) or not any(f.id == file_id for f in document.files):
        raise NotFound("Không có tệp này.")
    record = document.file(file_id)
    if record.status == "pending":
        raise InvalidInput(
            "Tệp chưa được tải lên và kiểm tra xong; chưa thể phong tỏa hoặc gỡ phong tỏa tệp."
        )
    objects.objects().hold(record.key, record.s3_version_id, on)

    def rule(work: Work[Document]) -> None:
        work.entity.hold_file(file_id, on)

    held = RECORDS.change(who, document_id, "hold_file", rule, if_match=if_match)
    return FileHold(document_id=held.id, file_id=file_id, legal_hold=on, version=held.version)
