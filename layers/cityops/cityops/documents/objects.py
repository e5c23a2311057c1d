"""Files in S3, behind a small port: presigned uploads that fix the size and the checksum
(and refuse to overwrite), presigned downloads, the checks of an upload, legal holds.
`S3Objects` speaks to the documents bucket; unit tests use `MemoryObjects`."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

from cityops.core.search import fold
from cityops.core.settings import get_settings

_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9 _.:/=+\-@]")


@dataclass(frozen=True)
class Stored:
    size: int
    version_id: str | None
    body: bytes


class Objects(Protocol):
    def upload_url(
        self, key: str, size: int, sha256_hex: str, media_type: str
    ) -> tuple[str, dict[str, str]]: ...

    def download_url(self, key: str, version_id: str | None, name: str, media_type: str) -> str: ...

    def size_of(self, key: str) -> tuple[int, str | None] | None: ...

    def read(self, key: str, version_id: str | None = None) -> Stored: ...

    def hold(self, key: str, version_id: str | None, on: bool) -> None: ...

    def mark_quarantined(self, key: str, version_id: str | None, reason: str) -> None: ...


_s3: list[Any] = []
_lock = threading.Lock()


def s3() -> Any:
    """The S3 client, with Signature Version 4: a presigned PUT then signs its headers (the
    length, the checksum, If-None-Match), so S3 refuses an upload that changes any of them."""
    if not _s3:
        with _lock:
            if not _s3:
                import boto3
                from botocore.config import Config

                # The function computes the SHA-256 of what it reads and compares it with the
                # declared one itself; the SDK's own check would raise instead of telling why.
                config = Config(
                    signature_version="s3v4", response_checksum_validation="when_required"
                )
                _s3.append(boto3.client("s3", config=config))
    return _s3[0]


def reset_client() -> None:
    _s3.clear()


def checksum_b64(sha256_hex: str) -> str:
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode()


def tag_value(text: str) -> str:
    """`text` as an S3 tag's value may hold it: letters, digits, spaces and `_ . : / = + - @`
    (a comma is refused with InvalidTag), at most 256 characters. The file's record keeps
    the reason whole; the tag is for whoever looks at the bucket, its Vietnamese folded to
    ASCII (`Không phải tệp PDF` → `khong phai tep pdf`)."""
    return " ".join(_TAG_UNSAFE.sub(" ", fold(text)).split())[:256]


class S3Objects:
    def _bucket(self) -> str:
        return get_settings().documents_bucket

    def upload_url(
        self, key: str, size: int, sha256_hex: str, media_type: str
    ) -> tuple[str, dict[str, str]]:
        """A PUT that S3 accepts only with this length, this SHA-256 and no object already
        at the key (`If-None-Match: *`): the signature covers these headers."""
        headers = {
            "Content-Length": str(size),
            "Content-Type": media_type,
            "x-amz-checksum-sha256": checksum_b64(sha256_hex),
            "x-amz-sdk-checksum-algorithm": "SHA256",
            "If-None-Match": "*",
        }
        url = s3().generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self._bucket(),
                "Key": key,
                "ContentLength": size,
                "ContentType": media_type,
                "ChecksumSHA256": headers["x-amz-checksum-sha256"],
                "ChecksumAlgorithm": "SHA256",
                "IfNoneMatch": "*",
            },
            ExpiresIn=get_settings().documents_upload_seconds,
        )
        return url, headers

    def download_url(self, key: str, version_id: str | None, name: str, media_type: str) -> str:
        params: dict[str, Any] = {
            "Bucket": self._bucket(),
            "Key": key,
            "ResponseContentType": media_type,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(name)}",
        }
        if version_id:
            params["VersionId"] = version_id
        return s3().generate_presigned_url(
            "get_object", Params=params, ExpiresIn=get_settings().documents_download_seconds
        )

    def size_of(self, key: str) -> tuple[int, str | None] | None:
        from botocore.exceptions import ClientError

        try:
            head = s3().head_object(Bucket=self._bucket(), Key=key)
        except ClientError:
            return None
        return int(head["ContentLength"]), head.get("VersionId")

    def read(self, key: str, version_id: str | None = None) -> Stored:
        params: dict[str, Any] = {"Bucket": self._bucket(), "Key": key}
        if version_id:
            params["VersionId"] = version_id
        reply = s3().get_object(**params)
        body = reply["Body"].read()
        return Stored(size=len(body), version_id=reply.get("VersionId"), body=body)

    def hold(self, key: str, version_id: str | None, on: bool) -> None:
        params: dict[str, Any] = {
            "Bucket": self._bucket(),
            "Key": key,
            "LegalHold": {"Status": "ON" if on else "OFF"},
        }
        if version_id:
            params["VersionId"] = version_id
        s3().put_object_legal_hold(**params)

    def mark_quarantined(self, key: str, version_id: str | None, reason: str) -> None:
        params: dict[str, Any] = {
            "Bucket": self._bucket(),
            "Key": key,
            "Tagging": {"TagSet": [{"Key": "quarantined", "Value": tag_value(reason)}]},
        }
        if version_id:
            params["VersionId"] = version_id
        s3().put_object_tagging(**params)


@dataclass
class MemoryObjects:
    """The bucket in memory: what a unit test uploads, and the holds and marks it gets."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    holds: dict[str, bool] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)

    def upload_url(self, key, size, sha256_hex, media_type):
        return f"memory://{key}", {"Content-Length": str(size)}

    def download_url(self, key, version_id, name, media_type):
        return f"memory://{key}?download={quote(name)}"

    def size_of(self, key):
        body = self.bodies.get(key)
        return None if body is None else (len(body), "v1")

    def read(self, key, version_id=None):
        body = self.bodies[key]
        return Stored(size=len(body), version_id="v1", body=body)

    def hold(self, key, version_id, on):
        self.holds[key] = on

    def mark_quarantined(self, key, version_id, reason):
        self.marks[key] = reason


_objects: list[Objects] = [S3Objects()]


def objects() -> Objects:
    return _objects[-1]


@contextmanager
def using(fake: Objects) -> Iterator[Objects]:
    _objects.append(fake)
    try:
        yield fake
    finally:
        _objects.pop()


# --- what a file really is -----------------------------------------------------------------


def sniff(body: bytes) -> str | None:
    """The real type of a file from its first bytes (and, for the zipped office formats, the
    parts inside): pdf, docx, xlsx, odt, jpeg, png, tiff; None for anything else."""
    if body.startswith(b"%PDF-"):
        return "pdf"
    if body.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if body.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if body.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(body))
            names = set(archive.namelist())
            if "mimetype" in names:
                kind = archive.read("mimetype").strip()
                return "odt" if kind == b"application/vnd.oasis.opendocument.text" else None
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
