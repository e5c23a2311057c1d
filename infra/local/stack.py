"""The local stack (`make run`): the whole of CityOps on one machine, no AWS account, no Docker.

- moto's server on 127.0.0.1 stands in for every AWS service;
- the resources that template.yaml declares are created there, and the seed is loaded;
- a gateway on http://127.0.0.1:$PORT (3000) serves every HttpApi route of template.yaml,
  verifying bearer tokens as the HTTP API's JWT authorizer does, and calls the handlers
  in-process with API Gateway's payload 2.0 event;
- schedules run their functions, and events on the bus reach the functions whose rules match;
- `/local/...` helpers: tokens, running a schedule now, moving the clock, the outbox.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import console  # noqa: E402
from cron import cron_matches, rate_seconds  # noqa: E402
from template import Function, Template  # noqa: E402

REGION = "ap-southeast-1"
MAX_BODY = 10 * 1024 * 1024  # HTTP API's own limit


def _configure_aws(moto_port: int) -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server: no request lines
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="false",
    )


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class LocalContext:
    """What a handler gets as its Lambda context."""

    def __init__(self, fn: Function):
        self.function_name = fn.logical_id
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{fn.logical_id}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{fn.logical_id}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + fn.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Functions:
    """Every function of the template, loaded in this process, called one at a time with its
    own environment (as Lambda runs one request per instance)."""

    def __init__(self, tpl: Template):
        self.specs = tpl.functions()
        self.modules: dict[str, Any] = {}
        self.lock = threading.RLock()

    def _env(self, fn: Function) -> dict[str, str]:
        return {**fn.environment, "CITYOPS_ENV": "local", "AWS_LAMBDA_FUNCTION_NAME": fn.logical_id}

    def handler(self, name: str) -> Any:
        fn = self.specs[name]
        module_name, attr = fn.handler.rsplit(".", 1)
        if name not in self.modules:
            path = fn.code_dir / f"{module_name.replace('.', '/')}.py"
            spec = importlib.util.spec_from_file_location(f"cityops_fn_{name}", path)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            self.modules[name] = module
        return getattr(self.modules[name], attr)

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        fn = self.specs[name]
        with self.lock:
            from cityops.core.settings import get_settings

            saved = dict(os.environ)
            os.environ.update(self._env(fn))
            get_settings.cache_clear()  # each function reads its own environment, as on AWS
            try:
                return self.handler(name)(event, LocalContext(fn))
            finally:
                os.environ.clear()
                os.environ.update(saved)
                get_settings.cache_clear()

    def find(self, name: str) -> str | None:
        """A function by logical id, or by its folder name (`directory`, `deadline_sweep`)."""
        if name in self.specs:
            return name
        for logical_id, fn in self.specs.items():
            if fn.code_dir.name == name:
                return logical_id
        return None


class Authorizer:
    """Verifies a bearer JWT as API Gateway's JWT authorizer does: RS256 signature against the
    user pool's JWKS, issuer, audience (`aud`, or `client_id` for access tokens), expiry."""

    def __init__(self, issuer: str, audiences: list[str], jwks_url: str):
        import jwt

        self.issuer, self.audiences = issuer, audiences
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True)

    def claims(self, header: str | None) -> dict[str, Any] | None:
        import jwt

        if not header or not header.lower().startswith("bearer "):
            return None
        token = header[7:].strip()
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"verify_aud": False, "require": ["exp", "iss"]},
            )
        except jwt.PyJWTError:
            return None
        audience = claims.get("aud") or claims.get("client_id")
        if audience not in self.audiences:
            return None
        # API Gateway hands claims to the function as strings; lists become "[a b]".
        return {
            k: ("[" + " ".join(map(str, v)) + "]" if isinstance(v, list) else str(v))
            for k, v in claims.items()
        }


class Stack:
    def __init__(self, port: int, moto_port: int):
        self.port, self.moto_port = port, moto_port
        self.stopping = threading.Event()

    # --- start ---------------------------------------------------------------------------
    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        for name, port in (("PORT", self.port), ("MOTO_PORT", self.moto_port)):
            if not _port_free(port):
                raise SystemExit(f"Port {port} is in use: stop what uses it, or set {name}.")
        _configure_aws(self.moto_port)
        from atomic import make_dynamodb_writes_atomic

        make_dynamodb_writes_atomic()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.moto_port, verbose=False)
        self.moto.start()

        import resources

        self.tpl = Template()
        self.tpl.parameters["Environment"] = "dev"
        # notices link to the console this gateway serves (web/dist), on the same origin
        self.tpl.parameters["AppBaseUrl"] = f"http://127.0.0.1:{self.port}"
        resources.create_all(self.tpl)
        self.functions = Functions(self.tpl)
        # The seed runs here with the functions' settings (table names are shared by all).
        os.environ.update(next(iter(self.functions.specs.values())).environment)
        os.environ["CITYOPS_ENV"] = "local"

        import seed

        self.pool_id = self.tpl.refs["UserPool"]
        self.client_id = self.tpl.refs["UserPoolClient"]
        self.users = seed.load(self.pool_id)
        config = self.tpl.authorizer()
        self.authorizer = Authorizer(
            config["issuer"],
            config["audience"],
            f"http://127.0.0.1:{self.moto_port}/{self.pool_id}/.well-known/jwks.json",
        )
        self.routes = self.tpl.routes()
        self._start_rules()
        threading.Thread(target=self._run_schedules, daemon=True, name="schedules").start()
        handler = type("Handler", (GatewayHandler,), {"stack": self})
        self.http = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.http.daemon_threads = True
        threading.Thread(target=self.http.serve_forever, daemon=True, name="gateway").start()

    def stop(self) -> None:
        self.stopping.set()
        self.http.shutdown()
        self.http.server_close()
        self.moto.stop()

    # --- schedules and rules --------------------------------------------------------------
    def _run_schedules(self) -> None:
        from cityops.core import clock

        last: dict[str, Any] = {}
        while not self.stopping.wait(15):
            for schedule in self.tpl.schedules():
                key = f"{schedule.function}.{schedule.name}"
                now = clock.now()
                rate = rate_seconds(schedule.expression)
                try:
                    if rate is not None:
                        if key not in last or (now - last[key]).total_seconds() >= rate:
                            last[key] = now
                            self.run_schedule(schedule.function, schedule.input)
                    else:
                        local = now.astimezone(ZoneInfo(schedule.timezone))
                        minute = local.strftime("%Y%m%d%H%M")
                        if cron_matches(schedule.expression, local) and last.get(key) != minute:
                            last[key] = minute
                            self.run_schedule(schedule.function, schedule.input)
                except Exception:
                    traceback.print_exc()

    def run_schedule(self, function: str, payload: str | None = None) -> Any:
        from cityops.core import clock

        event = json.loads(payload) if payload else {}
        event.setdefault("source", "aws.scheduler")
        event.setdefault("detail-type", "Scheduled Event")
        event.setdefault("time", clock.iso(clock.now()))
        event.setdefault("id", str(uuid.uuid4()))
        return self.functions.invoke(function, event)

    def _start_rules(self) -> None:
        """Each rule on the bus gets an SQS queue as its target; a thread drains the queues
        and calls the rule's function with each event, as EventBridge would."""
        import boto3

        self.rule_queues: list[tuple[str, str]] = []
        events, sqs = boto3.client("events"), boto3.client("sqs")
        for rule in self.tpl.rules():
            bus = self.tpl.resolve(rule.bus) if rule.bus else "default"
            name = f"{rule.function}-{rule.name}"[:64]
            url = sqs.create_queue(QueueName=f"rule-{name}"[:80])["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            pattern = self.tpl.resolve(rule.pattern)  # e.g. a bucket's name by Ref
            events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
            events.put_targets(
                Rule=name,
                EventBusName=bus,
                Targets=[{"Id": "local", "Arn": arn["Attributes"]["QueueArn"]}],
            )
            self.rule_queues.append((rule.function, url))
        if self.rule_queues:
            threading.Thread(target=self._drain_rules, daemon=True, name="rules").start()

    def _drain_rules(self) -> None:
        import boto3

        sqs = boto3.client("sqs")
        while not self.stopping.is_set():
            idle = True
            for function, url in self.rule_queues:
                reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
                for message in reply.get("Messages", []):
                    idle = False
                    try:
                        self.functions.invoke(function, json.loads(message["Body"]))
                    except Exception:
                        traceback.print_exc()
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if idle:
                self.stopping.wait(0.5)

    def drain_events(self, timeout: float = 5.0) -> None:
        """Wait until every rule queue is empty (for /local/events/drain)."""
        import boto3

        sqs = boto3.client("sqs")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = [
                int(v)
                for _, url in self.rule_queues
                for v in sqs.get_queue_attributes(
                    QueueUrl=url,
                    AttributeNames=[
                        "ApproximateNumberOfMessages",
                        "ApproximateNumberOfMessagesNotVisible",
                    ],
                )["Attributes"].values()
            ]
            if not any(counts):
                with self.functions.lock:  # the drainer finishes the call it is making
                    return
            time.sleep(0.1)

    # --- helpers --------------------------------------------------------------------------
    def token(self, username: str, password: str) -> dict[str, Any] | None:
        import boto3
        from botocore.exceptions import ClientError

        try:
            reply = boto3.client("cognito-idp").admin_initiate_auth(
                UserPoolId=self.pool_id,
                ClientId=self.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except ClientError:
            return None
        result = reply["AuthenticationResult"]
        return {
            "id_token": result["IdToken"],
            "access_token": result["AccessToken"],
            "expires_in": result["ExpiresIn"],
            "token_type": "Bearer",
        }

    def outbox(self) -> dict[str, Any]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        ses = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        sns = sns_backends[DEFAULT_ACCOUNT_ID][REGION]
        mail = []
        for message in ses.sent_messages:
            mail.append(
                {
                    "id": getattr(message, "id", None),
                    "source": getattr(message, "source", None),
                    "to": list(getattr(message, "destinations", {}).get("ToAddresses", []))
                    if isinstance(getattr(message, "destinations", None), dict)
                    else getattr(message, "destinations", None),
                    "subject": getattr(message, "subject", None),
                    "body": getattr(message, "body", None) or getattr(message, "raw_data", None),
                }
            )
        sms = [
            {"phone_number": number, "message": text}
            for number, text, *_ in getattr(sns, "sms_messages", {}).values()
        ]
        return {"mail": mail, "sms": sms}


def _problem(status: int, title: str, detail: str) -> dict[str, Any]:
    slug = title.lower().replace(" ", "-")
    return {
        "type": f"https://cityops.example/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }


class GatewayHandler(BaseHTTPRequestHandler):
    stack: Stack
    protocol_version = "HTTP/1.1"
    server_version = "CityOpsLocal/1"

    def log_message(self, fmt: str, *args: Any) -> None:
        if os.environ.get("CITYOPS_LOCAL_QUIET") != "1":
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

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

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        body = self._body()
        if body is None:
            self.close_connection = True
            return self._send(413, {"message": "Request Entity Too Large"})
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
            stack.drain_events()
            return self._send(200, {"drained": True})
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
        params = dict(zip(route.params, match.groups(), strict=True))
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
        result = stack.functions.invoke(route.function, event)
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


def main() -> None:
    port = int(os.environ.get("PORT", "3000"))
    moto_port = int(os.environ.get("MOTO_PORT", "5005"))
    stack = Stack(port, moto_port)
    stack.start()
    from seed import DEMO_PASSWORD

    base = f"http://127.0.0.1:{port}"
    width = max(len(u["username"]) for u in stack.users)
    lines = [
        f"CityOps console: {base}/  (sign in with a demo user below)"
        if console.resolve("/")
        else f"CityOps console: not built (npm run build in web/), API at {base}",
        "",
        f"CityOps is running locally at {base}  (AWS services: moto at "
        f"http://127.0.0.1:{moto_port})",
        "",
        f"Demo users (password for all: {DEMO_PASSWORD}):",
        *[f"  {u['username']:<{width}}  {u['roles']:<12} {u['unit_name']}" for u in stack.users],
        "",
        "Try:",
        f"  curl {base}/v1/health",
        f"  TOKEN=$(curl -s -X POST {base}/local/token -H 'content-type: application/json' \\",
        f'          -d \'{{"username":"chairman","password":"{DEMO_PASSWORD}"}}\' \\',
        "          | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"id_token\"])')",
        f'  curl -H "Authorization: Bearer $TOKEN" {base}/v1/me',
        "",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    while not done.wait(0.5):
        pass
    print("Stopping CityOps...", flush=True)
    stack.stop()
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
