"""Opaque, tamper-checked page cursors.

A cursor carries DynamoDB's LastEvaluatedKey and the scope of the list it belongs to (the
query's fixed part), signed with HMAC-SHA256. A cursor that was altered, or that belongs to
another list, is refused as invalid input.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import cache
from typing import Any

from cityops.core.errors import InvalidInput
from cityops.core.settings import get_settings

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@cache
def _secret() -> bytes:
    settings = get_settings()
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    if settings.cursor_secret_arn:
        from cityops.core.aws import client

        value = client("secretsmanager").get_secret_value(SecretId=settings.cursor_secret_arn)
        return value["SecretString"].encode()
    raise RuntimeError("CURSOR_SECRET or CURSOR_SECRET_ARN must be set")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps({"k": last_key, "s": scope}, separators=(",", ":"), sort_keys=True)
    mac = hmac.new(_secret(), payload.encode(), hashlib.sha256).digest()[:16]
    return _b64(payload.encode()) + "." + _b64(mac)


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        body, mac = cursor.split(".", 1)
        payload = _unb64(body)
        expected = hmac.new(_secret(), payload, hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise ValueError("bad signature")
        data = json.loads(payload)
        if data.get("s") != scope or not isinstance(data.get("k"), dict):
            raise ValueError("wrong list")
        return data["k"]
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "Con trỏ trang (cursor) không hợp lệ cho danh sách này.",
            errors=[{"loc": ["query", "cursor"], "msg": "Con trỏ trang không hợp lệ."}],
        ) from exc


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit phải từ 1 đến {MAX_LIMIT}.",
            errors=[{"loc": ["query", "limit"], "msg": f"Phải từ 1 đến {MAX_LIMIT}."}],
        )
    return limit
