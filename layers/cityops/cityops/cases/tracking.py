"""The public: a citizen submits a case with no account and follows it with the tracking code
and secret they were given (shown once; only a salted scrypt hash of the secret is kept).
A wrong secret and an unknown code get the same 404 after the same hashing work; a code with
too many failures in the hour gets 429 until the hour ends."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from cityops.cases import store, workflow
from cityops.cases.domain import Case
from cityops.cases.identity import random_code
from cityops.cases.intake import record
from cityops.cases.models import PublicCaseCreate
from cityops.cases.pipeline import PIPELINE
from cityops.cases.replies import CaseMilestone, PublicCaseReceipt, PublicCaseStatus
from cityops.cases.store import TrackingCode
from cityops.cases.time_limits import limits
from cityops.core import clock
from cityops.core.errors import DomainError, NotFound
from cityops.core.settings import get_settings
from cityops.directory.port import DIRECTORY

TRACKING_PATTERN = re.compile(r"^HN-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}
_DUMMY_SALT = b"cityops-no-such-tracking-code"
_DUMMY_HASH = b"\0" * 32


class TooManyAttempts(DomainError):
    """Too many wrong secrets for one tracking code in the hour (429)."""

    status, slug, title = 429, "too-many-attempts", "Quá nhiều lần thử"


def _secret_hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode()[:256], salt=salt, **_SCRYPT)


def submit_public(data: PublicCaseCreate) -> PublicCaseReceipt:
    """A citizen's case, received by the city's Office (the public intake unit)."""
    unit = DIRECTORY.current.unit_by_code(get_settings().public_intake_unit_code)
    if unit is None:
        raise RuntimeError("the public intake unit is not in the directory")
    identity = {
        "name": data.name,
        "address": data.address,
        "phone": data.phone,
        "email": data.email,
        "id_number": data.id_number,
        "original_text": data.content,
    }
    code = f"HN-{random_code(5)}-{random_code(5)}"
    secret = secrets.token_urlsafe(24)
    salt = secrets.token_bytes(16)
    today = clock.today()
    case = Case.receive(
        kind=data.kind.value,
        channel="online",
        received_on=today,
        unit=unit,
        summary=data.subject,
        identity=identity,
        limits=limits(),
        actor=None,
        complaint_round=data.complaint_round.value if data.complaint_round else None,
        denounced=data.denounced,
        tracking_code=code,
    )
    digest = _secret_hash(secret, salt)
    created = record(
        None, case, identity, also=lambda work: work.add(TrackingCode(code, case.id, salt, digest))
    )
    return PublicCaseReceipt(
        tracking_code=code,
        secret=secret,
        kind=created.kind,
        status=workflow.PUBLIC_STATUS[created.status],
        received_on=today,
    )


def public_status(code: str, secret: str | None) -> PublicCaseStatus:
    """Status and public milestones, for the right tracking code and secret."""
    code = (code or "").strip().upper()
    well_formed = bool(TRACKING_PATTERN.match(code))
    now = clock.now()
    hour = now.strftime("%Y%m%d%H")
    expires_at = int(now.timestamp()) + 2 * 3600
    limit = get_settings().tracking_max_failures
    if well_formed and not store.reserve_attempt(code, hour, limit, expires_at):
        raise TooManyAttempts(
            "Đã nhập sai quá nhiều lần với mã tra cứu này; vui lòng thử lại vào giờ sau."
        )
    tracking = store.get_tracking(code) if well_formed else None
    salt = tracking["salt"] if tracking else _DUMMY_SALT
    expected = tracking["hash"] if tracking else _DUMMY_HASH
    digest = _secret_hash(secret or "", salt)
    if not (hmac.compare_digest(digest, expected) and tracking is not None):
        raise NotFound(
            "Không có vụ việc nào với mã tra cứu và mã bí mật này."
        )  # the attempt counts
    store.release_attempt(code, hour)
    case = PIPELINE.store.load(tracking["case_id"])
    if case is None:  # pragma: no cover - written in one transaction with the tracking item
        raise NotFound("Không có vụ việc nào với mã tra cứu và mã bí mật này.")
    return PublicCaseStatus(
        tracking_code=code,
        kind=case.kind,
        status=workflow.PUBLIC_STATUS[case.status],
        milestones=[CaseMilestone(name=m.name, on=m.on) for m in case.milestones],
        posted_until=case.posted_until,
    )
