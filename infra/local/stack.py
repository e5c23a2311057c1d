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

import contextvars
import importlib.util
import json
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import console  # noqa: E402
from cron import cron_matches, rate_seconds  # noqa: E402
from gateway import GatewayHandler, GatewayServer  # noqa: E402
from template import Function, Template  # noqa: E402

REGION = "ap-southeast-1"


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


class FunctionTimedOut(Exception):
    """An invocation ran past its function's `Timeout` (API Gateway answers 504)."""


def call_within_timeout(fn: Function, handler: Any, event: dict[str, Any]) -> Any:
    """The handler's result, or FunctionTimedOut once the function's `Timeout` has passed
    (as Lambda stops it; the call cannot be killed here, so it finishes unseen, holding
    the lock, and the next call waits for it)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = handler(event, LocalContext(fn))
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    context = contextvars.copy_context()  # the invocation's environment goes with it
    worker = threading.Thread(
        target=context.run, args=(run,), daemon=True, name=f"invoke-{fn.logical_id}"
    )
    worker.start()
    worker.join(fn.timeout)
    if worker.is_alive():
        raise FunctionTimedOut(f"{fn.logical_id} timed out after {fn.timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


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
            from cityops.core.settings import environment

            handler = self.handler(name)
            # its own environment for this invocation, seen by this thread alone
            with environment(self._env(fn)):
                return call_within_timeout(fn, handler, event)

    def load_all(self) -> None:
        """Import every function before the gateway serves, each with its own variables in
        `os.environ` while it imports (its Logger reads its service name then): one thread
        only, so nothing else reads the environment meanwhile."""
        from cityops.core.settings import get_settings

        for name, fn in self.specs.items():
            saved = {k: os.environ.get(k) for k in self._env(fn)}
            os.environ.update({k: str(v) for k, v in self._env(fn).items()})
            try:
                self.handler(name)
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
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
    timed_out = FunctionTimedOut  # what the gateway answers with a 504

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
        self.functions.load_all()
        self._start_rules()
        threading.Thread(target=self._run_schedules, daemon=True, name="schedules").start()
        handler = type("Handler", (GatewayHandler,), {"stack": self})
        self.http = GatewayServer(("127.0.0.1", self.port), handler)
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

    def drain_events(self, timeout: float = 5.0) -> bool:
        """Wait until every rule queue is empty and the call in progress has finished; False
        if events are still queued after `timeout` seconds (a sweep over a table full of due
        records can queue hundreds of notices, and a slow machine takes longer than 5 s)."""
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
                    return True
            time.sleep(0.1)
        return False

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
        # Copies made in one C call each (the GIL held): the notifier sends from other threads
        # while the tests poll, and iterating moto's OrderedDict of SMS in Python as it grows
        # raises "OrderedDict mutated during iteration" (a 500 here, a KeyError in a test).
        sent, texts = list(ses.sent_messages), list(getattr(sns, "sms_messages", {}).values())
        mail = []
        for message in sent:
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
        sms = [{"phone_number": number, "message": text} for number, text, *_ in texts]
        return {"mail": mail, "sms": sms}


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
