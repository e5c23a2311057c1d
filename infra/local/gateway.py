"""The local stack's HTTP gateway: what API Gateway's HTTP API does in front of the functions.
Every route of the template, bearer tokens verified, the payload 2.0 event with decoded path
parameters, the function's reply; problems (RFC 9457) for what API Gateway refuses itself: a
malformed request (400), a method no route has (405), a function past its timeout (504)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback
import uuid
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import console

MAX_BODY = 10 * 1024 * 1024  # HTTP API's own limit
PROBLEM = "application/problem+json"
DRAIN_SECONDS = 50  # /local/events/drain waits this long (the tests' clients wait 60 s)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class GatewayServer(ThreadingHTTPServer):
    """One thread per connection, and a listen backlog that takes a burst (the default of 5
    reset bursts of 20 connections)."""

    daemon_threads = True
    request_queue_size = 128


def _problem(status: int, title: str, detail: str) -> dict[str, Any]:
    slug = title.lower().replace(" ", "-")
    return {
        "type": f"https://cityops.example/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }


class GatewayHandler(BaseHTTPRequestHandler):
    stack: Any  # the running stack.Stack
    protocol_version = "HTTP/1.1"
    server_version = "CityOpsLocal/1"

    def log_message(self, fmt: str, *args: Any) -> None:
        if os.environ.get("CITYOPS_LOCAL_QUIET") != "1":
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def do_HEAD(self) -> None:
        if urlsplit(self.path).path.startswith(("/v1/", "/local/")):
            return self._not_allowed()
        return self._serve()

    def __getattr__(self, name: str) -> Any:
        # TRACE, QUERY, CONNECT, anything else: a 405 problem, not http.server's 501 page
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._send(405, _problem(405, "Method not allowed", f"{self.command} is not served here."),
                   {"Allow": ", ".join(METHODS)}, content_type=PROBLEM)  # fmt: skip

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line or header, a line too long)
        as problems, not HTML."""
        self.close_connection = True
        title = HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Bad request"
        with contextlib.suppress(OSError):  # the client may be gone
            self._send(code, _problem(code, title, message or title), content_type=PROBLEM)

    def _send(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _length(self) -> int | None:
        text = (self.headers.get("Content-Length") or "0").strip()
        return int(text) if text.isascii() and text.isdigit() else None

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = self._length()
        if length is None:
            self.close_connection = True
            return self._send(400, _problem(400, "Bad request", "Content-Length is not a number."),
                              content_type=PROBLEM)  # fmt: skip
        if length > MAX_BODY:
            self.close_connection = True
            return self._send(413, {"message": "Request Entity Too Large"})
        body = self.rfile.read(length) if length else b""
        try:
            if url.path.startswith("/local/"):
                return self._local(url.path, body)
            if not url.path.startswith("/v1/") and self.command in ("GET", "HEAD"):
                return self._console(url.path)
            return self._api(url.path, url.query, body)
        except Exception:
            traceback.print_exc()
            return self._send(500, {"message": "Internal Server Error"})

    # --- the console (web/dist) ------------------------------------------------------------
    def _console(self, path: str) -> None:
        found = console.resolve(path)
        if found is None:
            return self._send(
                404,
                _problem(404, "Not found", "The console is not built: run make run."),
                content_type="application/problem+json",
            )
        file, kind, headers = found
        if not file.is_file():
            return self._send(404, {"message": "Not Found"})
        data = file.read_bytes() if self.command == "GET" else b""
        return self._send(200, data, headers, content_type=kind)

    # --- /local helpers -------------------------------------------------------------------
    def _json(self, body: bytes) -> dict[str, Any] | None:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _local(self, path: str, body: bytes) -> None:
        from cityops.core import clock

        stack, method = self.stack, self.command
        if path == "/local/token" and method == "POST":
            data = self._json(body)
            if (
                not data
                or not isinstance(data.get("username"), str)
                or not isinstance(data.get("password"), str)
            ):
                return self._send(
                    400,
                    _problem(400, "Bad request", "Send JSON with username and password."),
                    content_type="application/problem+json",
                )
            tokens = stack.token(data["username"], data["password"])
            if tokens is None:
                return self._send(
                    401,
                    _problem(401, "Unauthorized", "Wrong username or password."),
                    content_type="application/problem+json",
                )
            return self._send(200, tokens)
        if path.startswith("/local/schedules/") and path.endswith("/run") and method == "POST":
            name = stack.functions.find(path.split("/")[3])
            if name is None:
                return self._send(
                    404,
                    _problem(404, "Not found", "No such function."),
                    content_type="application/problem+json",
                )
            # as the function's first schedule would call it, with that schedule's Input
            first = next((s for s in stack.tpl.schedules() if s.function == name), None)
            result = stack.run_schedule(name, first.input if first else None)
            stack.drain_events()
            return self._send(200, {"function": name, "result": result})
        if path == "/local/clock":
            if method == "PUT":
                data = self._json(body) or {}
                try:
                    moment = datetime.fromisoformat(str(data.get("now")))
                    clock.set_now(moment, frozen=False)
                except (TypeError, ValueError):
                    return self._send(
                        400,
                        _problem(
                            400,
                            "Bad request",
                            "Send JSON with now: an ISO 8601 time with its offset.",
                        ),
                        content_type="application/problem+json",
                    )
                return self._send(200, {"now": clock.iso(clock.now())})
            if method == "DELETE":
                clock.reset()
                return self._send(200, {"now": clock.iso(clock.now())})
            if method == "GET":
                return self._send(200, {"now": clock.iso(clock.now())})
        if path == "/local/outbox" and method == "GET":
            return self._send(200, stack.outbox())
        if path == "/local/events/drain" and method == "POST":
            if stack.drain_events(timeout=DRAIN_SECONDS):
                return self._send(200, {"drained": True})
            detail = f"Events are still queued after {DRAIN_SECONDS} s; call again to wait longer."
            return self._send(503, _problem(503, "Still draining", detail), content_type=PROBLEM)
        return self._send(
            404,
            _problem(404, "Not found", "No such local helper."),
            content_type="application/problem+json",
        )

    # --- the API ----------------------------------------------------------------------------
    def _api(self, path: str, query: str, body: bytes) -> None:
        stack = self.stack
        candidates = [(r, r.pattern.match(path)) for r in stack.routes]
        matches = [(r, m) for r, m in candidates if m]
        route_match = next(((r, m) for r, m in matches if r.method == self.command), None)
        if route_match is None:
            if self.command == "OPTIONS" and matches:
                return self._send(
                    204,
                    b"",
                    {
                        "Access-Control-Allow-Origin": "*",
                        "Access-Control-Allow-Headers": "*",
                        "Access-Control-Allow-Methods": "*",
                    },
                )
            return self._send(404, {"message": "Not Found"})
        route, match = route_match
        headers = {k.lower(): v for k, v in self.headers.items()}
        authorizer = None
        if not route.public:
            claims = stack.authorizer.claims(headers.get("authorization"))
            if claims is None:
                return self._send(401, {"message": "Unauthorized"}, {"WWW-Authenticate": "Bearer"})
            authorizer = {"jwt": {"claims": claims, "scopes": None}}
        # API Gateway hands path parameters decoded (%2F, %C3%A1...); rawPath stays as sent
        params = {k: unquote(v) for k, v in zip(route.params, match.groups(), strict=True)}
        now = time.time()
        query_params = {k: ",".join(v) for k, v in parse_qs(query, keep_blank_values=True).items()}
        route_key = f"{route.method} {route.path}"
        event = {
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "queryStringParameters": query_params or None,
            "pathParameters": params or None,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "local",
                "authorizer": authorizer,
                "domainName": f"127.0.0.1:{stack.port}",
                "domainPrefix": "127",
                "http": {
                    "method": self.command,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.client_address[0],
                    "userAgent": headers.get("user-agent", ""),
                },
                "requestId": str(uuid.uuid4()),
                "routeKey": route_key,
                "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "timeEpoch": int(now * 1000),
            },
            "body": body.decode("utf-8", errors="replace") if body else None,
            "isBase64Encoded": False,
        }
        if authorizer is None:
            del event["requestContext"]["authorizer"]
        try:
            result = stack.functions.invoke(route.function, event)
        except stack.timed_out:
            detail = "The function did not answer within its timeout."
            return self._send(504, _problem(504, "Gateway timeout", detail), content_type=PROBLEM)
        stack.drain_events()
        if not isinstance(result, dict) or "statusCode" not in result:
            return self._send(200, result)
        reply_headers = dict(result.get("headers") or {})
        content_type = reply_headers.pop("Content-Type", None) or reply_headers.pop(
            "content-type", "application/json"
        )
        data = result.get("body") or ""
        if result.get("isBase64Encoded"):
            import base64

            raw = base64.b64decode(data)
        else:
            raw = data.encode()
        return self._send(int(result["statusCode"]), raw, reply_headers, content_type)
