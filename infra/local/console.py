"""The console's static files (web/dist) for the local gateway, beside the API on one origin:
a file when it exists, index.html for the client's routes (`/tasks/ID`, as notices link), and
the same security headers as CloudFront's response policy (its CSP with local hosts)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# CloudFront's CSP (template.yaml, ConsoleHeaders) with the local stack's hosts: the API is this
# origin, S3 is moto's server on 127.0.0.1 (presigned uploads and downloads), no Cognito.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "connect-src 'self' http://127.0.0.1:* http://localhost:*; form-action 'self'; "
    "frame-src blob:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def resolve(url_path: str, dist: Path = DIST) -> tuple[Path, str, dict[str, str]] | None:
    """The file to answer `url_path` with, its content type and headers; None without a build."""
    index = dist / "index.html"
    if not index.is_file():
        return None
    relative = url_path.lstrip("/")
    candidate = (dist / relative).resolve() if relative else index
    inside = candidate == dist.resolve() or dist.resolve() in candidate.parents
    if not inside or not candidate.is_file():
        # a missing asset is a 404; any other path is a client route
        if relative.startswith("assets/") or not inside:
            return (dist / "__missing__", "", {})
        candidate = index
    suffix = candidate.suffix
    kind = (
        TYPES.get(suffix) or mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
    )
    cache = (
        "public, max-age=31536000, immutable" if candidate.parent.name == "assets" else "no-cache"
    )
    return candidate, kind, {**HEADERS, "Cache-Control": cache}
