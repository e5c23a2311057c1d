"""Domain errors, and the RFC 9457 problem details that answer them over HTTP.

Stores and services raise these; a function maps each class to its reply in one place
(`cityops.core.api`). No store or service ever builds an HTTP reply itself.

Titles and details are Vietnamese: the console and the mobile clients show them to officials
as they are. A client tells problems apart by `type` (and `errors[].type` for fields), never
by their words.
"""

from __future__ import annotations

from typing import Any

PROBLEM_TYPE_BASE = "https://cityops.example/problems/"


class DomainError(Exception):
    status = 400
    slug = "bad-request"
    title = "Yêu cầu không hợp lệ"

    def __init__(self, detail: str = "", *, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors

    def problem(self) -> dict[str, Any]:
        return problem(self.status, self.slug, self.title, self.detail, self.errors)

    def headers(self) -> dict[str, str]:
        """Headers the reply carries (e.g. Retry-After)."""
        return {}


class InvalidInput(DomainError):
    status, slug, title = 422, "invalid-input", "Yêu cầu không hợp lệ"


class NotFound(DomainError):
    """Also what a caller gets for an object they may not see, so existence does not leak."""

    status, slug, title = 404, "not-found", "Không tìm thấy"


class Forbidden(DomainError):
    """For actions on objects the caller may see but not change (reading them is 404 instead)."""

    status, slug, title = 403, "forbidden", "Không được phép"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Không phù hợp với trạng thái hiện tại"


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "Dữ liệu đã thay đổi"


class VersionConflict(PreconditionFailed):
    """The entity changed between our read and our write (someone else wrote first)."""


class NumberRace(VersionConflict):
    """Another registration took the register's number this one read: read again and take
    the next (`cityops.documents.pipelines.taking_a_number`)."""


class PreconditionRequired(DomainError):
    status, slug, title = 428, "precondition-required", "Cần gửi If-Match"


class PayloadTooLarge(DomainError):
    status, slug, title = 413, "payload-too-large", "Nội dung gửi lên quá lớn"


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Nội dung phải là JSON"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body
