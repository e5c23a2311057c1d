"""Cold starts that tell the truth: every HTTP function against a floor, interleaved.

The parent (this module, in `.venv`) starts moto's server, creates the resources of
template.yaml with the local stack's code (`infra/local/resources.py`) and loads the local
stack's seed (units, calendar, users, registers, the indicators' catalogue). Then, round by
round, it runs the floor (`bench/floor/app.py`) and each function in a fresh process of the
interpreter under test, in an order shuffled each round, so that the load of a shared machine
falls on all alike. A child imports nothing but its handler: no pytest, no moto, no conftest.

What a child measures, from its first line to its reply:
- `import`: loading the handler module (the function's app.py, from a copy of the code laid
  out as `make build` lays it out: `python/` holds the layer, with its slimmed botocore, and
  the handler's folder its app.py, all with `.pyc` compiled by the interpreter under test,
  unchecked-hash; the floor runs on the layer's botocore too, and `floor-full` without it);
- `first`: its first real request, a write against moto (clients made, the settings and the
  calendar read, the transaction, the event);
- CPU time (`time.process_time`) and wall time of both. CPU time is what the ratio is taken
  on: wall time includes moto's server, which runs in the parent.
Min and median of BENCH_RUNS rounds. Figures are printed and written, never asserted.

Two floors. The plain floor makes one write. A function's first request asks more of AWS:
a create reads its caller's profile (names come from the directory), writes a transaction and
puts an event, and a case seals the denunciator's identity with KMS. So before the rounds,
each function's first request is run once with its AWS calls counted (`calls`), and each
round also runs, for each function, the floor making exactly those calls (`FLOOR_CALLS`):
`ratio_calls` is the function's CPU ÷ that floor's, what its own code costs above what its
AWS calls cost in any handler; the calls floor ÷ the plain floor is what the calls cost.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra" / "local"))

FUNCTIONS = ("directory", "tasks", "cases", "documents", "reports", "deadlines")
CALLS = "calls:"  # a sample of the floor making a function's calls: "calls:cases"
FULL = "floor-full"  # the floor with the interpreter's own botocore, as the runtime ships it
REGION = "ap-southeast-1"

CHILD = r"""
import json, os, sys, time
c0, w0 = time.process_time(), time.perf_counter()
import importlib.util
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
c1, w1 = time.process_time(), time.perf_counter()
modules = len(sys.modules)
event = json.loads(sys.argv[2])

class Context:
    function_name = "bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:bench"
    aws_request_id = "bench-request"
    def get_remaining_time_in_millis(self):
        return 10_000

calls = []
if os.environ.get("BENCH_CENSUS"):  # which AWS calls the first request makes, in order
    import botocore.client
    make = botocore.client.BaseClient._make_api_call
    def counted(self, operation, params):
        calls.append(f"{self.meta.service_model.service_name}.{operation}")
        return make(self, operation, params)
    botocore.client.BaseClient._make_api_call = counted

c2, w2 = time.process_time(), time.perf_counter()
reply = module.lambda_handler(event, Context())
c3, w3 = time.process_time(), time.perf_counter()
print("\n" + json.dumps({"import_cpu": c1 - c0, "import_wall": w1 - w0,
                         "first_cpu": c3 - c2, "first_wall": w3 - w2,
                         "modules": modules, "status": reply["statusCode"], "calls": calls,
                         "body": reply["statusCode"] >= 300 and reply.get("body") or None}))
"""


# --- the world the children call ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class World:
    """moto's server with template.yaml's resources and the local stack's seed."""

    def __init__(self) -> None:
        self.port = _free_port()
        os.environ.update(
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{self.port}",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 (moto takes any)
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
            POWERTOOLS_TRACE_DISABLED="true",
            CITYOPS_ENV="local",
        )
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from atomic import make_dynamodb_writes_atomic

        make_dynamodb_writes_atomic()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.moto.start()

        import resources
        import seed
        from template import Template

        self.tpl = Template()
        self.tpl.parameters["Environment"] = "dev"
        resources.create_all(self.tpl)
        self.specs = {fn.code_dir.name: fn for fn in self.tpl.functions().values()}
        os.environ.update(self.specs["directory"].environment)
        os.environ["CITYOPS_ENV"] = "local"
        seed.load(self.tpl.refs["UserPool"])
        self.people = self._people()
        self.round = 0

    def _people(self) -> dict[str, dict[str, Any]]:
        import boto3
        from cityops.directory import store

        cognito = boto3.client("cognito-idp")
        people = {}
        for username, unit_code, roles in (
            ("admin", "VP-UBND", "admin"),
            ("chairman", "UBND-HN", "city_leader"),
            ("vp.clerk", "VP-UBND", "clerk"),
            ("sotc.leader", "SO-TC", "unit_leader"),
        ):
            user = cognito.admin_get_user(UserPoolId=self.tpl.refs["UserPool"], Username=username)
            sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
            unit = store.find_unit_by_code(unit_code)
            people[username] = {
                "sub": sub,
                "username": username,
                "name": username,
                "unit_id": unit["id"],
                "roles": roles,
            }
        self.units = {
            code: store.find_unit_by_code(code)["id"]
            for code in ("UBND-HN", "VP-UBND", "SO-TC", "SO-XD")
        }
        return people

    def environment(self, name: str) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            {k: os.environ[k] for k in os.environ if k.startswith("AWS_")},
            POWERTOOLS_TRACE_DISABLED="true",
            POWERTOOLS_SERVICE_NAME=name,
            PYTHONDONTWRITEBYTECODE="1",  # /var/task and /opt are read-only on Lambda
            AWS_LAMBDA_FUNCTION_NAME=name,
        )
        if name != "floor":
            env.update(self.specs[name].environment)
        else:
            env["DIRECTORY_TABLE"] = self.specs["directory"].environment["DIRECTORY_TABLE"]
        env["CITYOPS_ENV"] = "local"
        return env

    def first_request(self, name: str) -> dict[str, Any]:
        """Each function's first request: a create (a write, its clients, the calendar)."""
        self.round += 1
        n = self.round
        if name == "floor":
            body = {"unit_id": self.units["SO-TC"], "text": f"Ghi chú {n}"}
            return event("POST", "/v1/notes", body=body)
        if name == "directory":
            body = {
                "code": f"SO-BENCH{n}",
                "name": f"Sở Thử nghiệm {n}",
                "kind": "department",
                "parent_id": self.units["UBND-HN"],
            }
            return event("POST", "/v1/units", who=self.people["admin"], body=body)
        if name == "tasks":
            body = {
                "title": f"Rà soát, đẩy nhanh giải ngân vốn đầu tư công ({n})",
                "content": "Sở Tài chính chủ trì, phối hợp Sở Xây dựng, báo cáo UBND Thành phố.",
                "source": "people_committee",
                "source_document": {"number_symbol": f"{n}/QĐ-UBND", "issued_on": "2026-11-20"},
                "lead_unit_id": self.units["SO-TC"],
                "coordinating_unit_ids": [self.units["SO-XD"]],
                "due_in_working_days": 10,
                "priority": "high",
            }
            return event("POST", "/v1/tasks", who=self.people["chairman"], body=body)
        if name == "cases":
            from datetime import date

            body = {
                "received_on": date.today().isoformat(),
                "kind": "complaint",
                "complaint_round": "first_time",
                "channel": "reception",
                "summary": f"Khiếu nại quyết định thu hồi đất ({n})",
                "learned_on": date.today().isoformat(),
                "identity": {"name": "Trần Văn Khiếu", "phone": "0987654321"},
                "original_text": "Tôi là Trần Văn Khiếu, khiếu nại ...",
            }
            return event("POST", "/v1/cases", who=self.people["vp.clerk"], body=body)
        if name == "documents":
            from datetime import date

            today = date.today().isoformat()
            body = {
                "received_on": today,
                "issuing_body": "Văn phòng Chính phủ",
                "number_symbol": f"{n}/VPCP-KTTH",
                "issued_on": today,
                "doc_type": "CV",
                "summary": "Về việc triển khai Quy hoạch Thủ đô",
                "urgency": "normal",
            }
            return event("POST", "/v1/documents/incoming", who=self.people["vp.clerk"], body=body)
        if name == "reports":
            body = {
                "code": f"BC-BENCH-{n}",
                "name": f"Báo cáo thử nghiệm {n}",
                "indicator_codes": ["TNGT_VU", "TNGT_CHET", "THU_NSNN"],
                "reporting_unit_kinds": ["ward"],
                "receiving_unit_id": self.units["VP-UBND"],
                "period_type": "monthly",
                "deadline_working_days": 2,
            }
            return event("POST", "/v1/report-forms", who=self.people["admin"], body=body)
        if name == "deadlines":
            # A new user each round: their settings are written for the first time (version 0).
            from cityops.directory import store

            who = {**self.people["sotc.leader"], "sub": f"bench-{n}", "username": f"bench-{n}"}
            store.put_user(  # the directory knows them (a caller without a profile is a 403)
                {
                    "id": who["sub"],
                    "username": who["username"],
                    "name": who["name"],
                    "email": f"{who['username']}@cityops.example",
                    "unit_id": who["unit_id"],
                    "roles": [who["roles"]],
                }
            )
            return event(
                "PUT",
                "/v1/me/notifications",
                who=who,
                body={"email": True, "sms": False},
                headers={"if-match": '"0"'},
            )
        raise ValueError(name)

    def stop(self) -> None:
        self.moto.stop()


def event(
    method: str,
    path: str,
    *,
    who: dict | None = None,
    body: Any = None,
    headers: dict | None = None,
) -> dict:
    """A payload 2.0 event as the HTTP API sends it (claims as strings, lists as "[a b]")."""
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "bench",
        "domainName": "bench",
        "domainPrefix": "bench",
        "requestId": "bench",
        "routeKey": f"{method} {path}",
        "stage": "$default",
        "time": "01/Jan/2027:00:00:00 +0000",
        "timeEpoch": 0,
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "bench",
        },
    }
    if who is not None:
        claims = {
            "sub": who["sub"],
            "cognito:username": who["username"],
            "name": who["name"],
            "custom:unit_id": who["unit_id"],
            "cognito:groups": f"[{who['roles']}]",
        }
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": context,
        "isBase64Encoded": False,
        "body": json.dumps(body) if body is not None else None,
    }


# --- the code, laid out as on Lambda ------------------------------------------------------------


def _ask(python: str, code: str) -> str:
    """What `code` prints, run by `python`."""
    return subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def lay_out(python: str, into: Path) -> dict[str, Path]:
    """The code as `make build` lays it out, compiled by `python` as it compiles it (`.pyc`,
    unchecked-hash). `into/python`, the layer: the package, and `python`'s botocore slimmed
    by the layer's `botocore_slim.py` (the layer ships its own botocore, pinned as the bench
    environment's); `into/<name>/app.py`, each handler, with its `.pyc`. Returns each
    handler's path. The floor runs on the layer too (its botocore gets the treatment the
    functions' gets, as its `.pyc` does), and `FULL` runs it without the layer, on the
    interpreter's own botocore as the Lambda runtime ships it: what the slimming saves."""
    layer = into / "python"
    shutil.copytree(
        ROOT / "layers" / "cityops" / "cityops",
        layer / "cityops",
        ignore=shutil.ignore_patterns("__pycache__", "*.json.gz"),
    )
    botocore = _ask(python, "import botocore, os; print(os.path.dirname(botocore.__file__))")
    shutil.copytree(botocore, layer / "botocore", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, str(ROOT / "layers" / "cityops" / "botocore_slim.py"), layer / "botocore"],
        check=True,
        capture_output=True,
    )
    handlers = {}
    for name in ("floor", *FUNCTIONS):
        source = ROOT / "bench" / "floor" if name == "floor" else ROOT / "functions" / name
        (into / name).mkdir()
        shutil.copy(source / "app.py", into / name / "app.py")
        handlers[name] = into / name / "app.py"
    subprocess.run(
        [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(into)],
        check=True,
    )
    return handlers


def child(
    python: str, layer: Path | None, handler: Path, env: dict, request: dict, code: str = CHILD
) -> dict:
    """One cold start of `handler` in a fresh process: CHILD's figures (`code`: CHILD with
    more to it, as `bench/profile.py` runs it)."""
    if layer is not None:  # World.environment passes no PYTHONPATH of its own
        env = {**env, "PYTHONPATH": str(layer)}
    out = subprocess.run(
        [python, "-c", code, str(handler), json.dumps(request)],
        capture_output=True,
        text=True,
        env=env,
        cwd=handler.parent,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{handler.parent.name}: {out.stderr[-3000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    if figures["status"] >= 300:
        raise RuntimeError(f"{handler.parent.name}: {figures['status']} {figures['body']}")
    return figures


def measure(world: World, python: str, runs: int, names: tuple[str, ...] = FUNCTIONS) -> dict:
    version = _ask(python, "import sys; print(sys.version.split()[0])")
    with tempfile.TemporaryDirectory(prefix="cityops-bench-") as tmp:
        handlers = lay_out(python, Path(tmp))
        layer = Path(tmp) / "python"
        census = {
            name: child(
                python,
                layer,
                handlers[name],
                {**world.environment(name), "BENCH_CENSUS": "1"},
                world.first_request(name),
            )["calls"]
            for name in names
        }
        print(f"  {version}: the first request's AWS calls: {census}", flush=True)
        samples: dict[str, list[dict]] = {
            name: [] for name in ("floor", FULL, *names, *(CALLS + name for name in names))
        }
        for _ in range(runs):
            order = list(samples)
            random.shuffle(order)
            for name in order:
                function = name.removeprefix(CALLS)
                if name.startswith(CALLS):  # the floor, making the function's calls
                    env = {
                        **world.environment(function),
                        "POWERTOOLS_SERVICE_NAME": "floor",
                        "FLOOR_CALLS": ",".join(census[function]),
                    }
                    handler, request = handlers["floor"], world.first_request("floor")
                else:
                    handler_name = "floor" if name == FULL else name
                    env = world.environment(handler_name)
                    handler = handlers[handler_name]
                    request = world.first_request(handler_name)
                on = None if name == FULL else layer  # FULL: the interpreter's own botocore
                samples[name].append(child(python, on, handler, env, request))
    return summarise(version, runs, samples, census)


def summarise(
    version: str, runs: int, samples: dict[str, list[dict]], census: dict[str, list[str]]
) -> dict:
    def stats(values: list[float]) -> dict[str, float]:
        return {"min": round(min(values), 4), "median": round(statistics.median(values), 4)}

    out: dict[str, Any] = {"python": version, "runs": runs, "functions": {}, "calls_floors": {}}
    for name, runs_ in samples.items():
        figures = {
            key: stats([r[key] for r in runs_])
            for key in ("import_cpu", "first_cpu", "import_wall", "first_wall")
        }
        figures["cpu"] = stats([r["import_cpu"] + r["first_cpu"] for r in runs_])
        figures["wall"] = stats([r["import_wall"] + r["first_wall"] for r in runs_])
        figures["modules"] = runs_[0]["modules"]
        out["functions" if not name.startswith(CALLS) else "calls_floors"][
            name.removeprefix(CALLS)
        ] = figures
    floor, full = out["functions"]["floor"], out["functions"][FULL]
    for name, figures in out["functions"].items():
        _ratios(figures, floor, "ratio")
        _ratios(figures, full, "ratio_full")
        figures["ratio_wall_median"] = round(figures["wall"]["median"] / floor["wall"]["median"], 2)
        if name in census:
            figures["calls"] = census[name]
            _ratios(figures, out["calls_floors"][name], "ratio_calls")
            _ratios(out["calls_floors"][name], floor, "ratio")
    return out


def _ratios(figures: dict, to: dict, name: str) -> None:
    """`<name>_cpu_median` and `<name>_cpu_min`: the figures' CPU ÷ those of `to`."""
    for stat in ("median", "min"):
        figures[f"{name}_cpu_{stat}"] = round(figures["cpu"][stat] / to["cpu"][stat], 2)


def table(result: dict) -> str:
    lines = [
        f"cold starts on Python {result['python']}, {result['runs']} rounds interleaved "
        "(CPU seconds, min / median; ratio = CPU median ÷ the floor's, on the layer's slimmed\n"
        "botocore as the functions are; full = ÷ floor-full's, the floor on botocore as the\n"
        "runtime ships it; calls = ÷ that of the floor making the function's AWS calls; (min) the\n"
        "same of the minima):",
        f"  {'':<10} {'import':>15} {'first request':>15} {'total CPU':>15} {'wall median':>11}"
        f" {'modules':>7} {'ratio':>6} {'(min)':>6} {'full':>6} {'(min)':>6}"
        f" {'calls':>6} {'(min)':>6}",
    ]
    for name, f in result["functions"].items():
        calls = (
            ""
            if name in ("floor", FULL)
            else (f" {f['ratio_calls_cpu_median']:>5.2f}x {f['ratio_calls_cpu_min']:>5.2f}x")
        )
        lines.append(
            f"  {name:<10} {f['import_cpu']['min']:>7.3f}/{f['import_cpu']['median']:<7.3f}"
            f" {f['first_cpu']['min']:>7.3f}/{f['first_cpu']['median']:<7.3f}"
            f" {f['cpu']['min']:>7.3f}/{f['cpu']['median']:<7.3f} {f['wall']['median']:>11.3f}"
            f" {f['modules']:>7} {f['ratio_cpu_median']:>5.2f}x {f['ratio_cpu_min']:>5.2f}x"
            f" {f['ratio_full_cpu_median']:>5.2f}x {f['ratio_full_cpu_min']:>5.2f}x" + calls
        )
    lines.append(
        "  what the calls cost, each function's calls floor ÷ the floor (median, min): "
        + ", ".join(
            f"{name} {f['ratio_cpu_median']:.2f} {f['ratio_cpu_min']:.2f}"
            for name, f in result["calls_floors"].items()
        )
    )
    return "\n".join(lines)


def interpreters() -> list[str]:
    """Python 3.13 (the runtime's: BENCH_PYTHON313, or .venv-bench313) and this one (3.11)."""
    found = []
    py313 = os.environ.get("BENCH_PYTHON313") or str(ROOT / ".venv-bench313" / "bin" / "python")
    if Path(py313).exists():
        found.append(os.path.abspath(py313))  # not resolved: a venv's python is a link
    else:
        print(
            f"no Python 3.13 bench environment at {py313} (make bench creates it)", file=sys.stderr
        )
    found.append(sys.executable)
    return found


def main() -> int:
    runs = int(os.environ.get("BENCH_RUNS", "7"))
    results_dir = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
    results_dir.mkdir(parents=True, exist_ok=True)
    names = tuple(os.environ.get("BENCH_FUNCTIONS", ",".join(FUNCTIONS)).split(","))
    world = World()
    try:
        everything = {}
        for python in interpreters():
            result = measure(world, python, runs, names)
            everything[result["python"]] = result
            print(table(result), flush=True)
    finally:
        world.stop()
    (results_dir / "cold_start.json").write_text(json.dumps(everything, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
