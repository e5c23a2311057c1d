"""boto3 clients, created once per process and only when first used (cold starts pay nothing
for services a request does not touch)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    import boto3

    return boto3.client(service)


def reset_clients() -> None:
    """Forget the cached clients (tests that switch endpoints call this)."""
    client.cache_clear()
