"""boto3 clients, created once per process and only when first used (cold starts pay nothing
for services a request does not touch)."""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """The process's client for `service`. Clients are thread-safe once made, but making them
    is not (boto3's default session), so the first one of each is made under a lock."""
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _clients:
            import boto3

            _clients[service] = boto3.client(service)
        return _clients[service]


def reset_clients() -> None:
    """Forget the clients (tests that switch endpoints call this)."""
    with _lock:
        _clients.clear()
