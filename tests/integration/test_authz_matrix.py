"""The authorisation matrix, generated from template.yaml's routes: every route on a unit's
task or case × every demo user (infra/seed/users.csv) × an object of a unit the user may see
(their own, where they have one) and one of a unit they may not. Where 404 is due, any other
reply but 404 (or a 422 for a body refused before anything is read) fails it, and so does a
changed object (writes are sent with the object's current ETag and a body generated from the
document's schema, so a missing check would let them through).

Run on moto in-process (tests/integration): some 1,500 calls, far faster than over HTTP.

The expectation is one table, `POLICIES`, written from the access rule's documented policy
(core/access.py's docstring, docs/design.md), not from the code's per-route checks: whoever
the policy makes city-wide sees every unit; a leader sees their unit's subtree; anyone else
their own unit; roles a policy does not admit see nothing."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from cityops.core import clock
from cityops.core.access import UNITS
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode
from template import Template

from tests.cases_bodies import NOW as CASES_NOW
from tests.cases_bodies import complaint, new_case
from tests.conftest import FakeContext, http_event, load_function, make_principal

ROOT = Path(__file__).resolve().parents[2]
REPORTS_NOW = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)  # a March period is open
USERS = list(csv.DictReader((ROOT / "infra" / "seed" / "users.csv").open(encoding="utf-8")))
STAFF = {"city_leader", "unit_leader", "officer", "clerk", "inspector"}

# system: (the roles it admits (None: all), the roles that see every unit, whether members of
# the city Inspectorate see every unit, whether the receiving unit's staff see what is sent
# to it): docs/design.md, core/access.py and docs/reports.md ("Who may do what"), in words.
POLICIES: dict[str, tuple[set[str] | None, set[str], bool, bool]] = {
    # tasks: administrators run the system but are not in a task's chain of command
    "tasks": (None, {"city_leader"}, False, False),
    # cases: staff roles only; city leaders and the city Inspectorate see every case
    "cases": (STAFF, {"city_leader"}, True, False),
    # documents: staff roles only (an administrator runs registers, not the content); city
    # leaders see every unit's documents
    "documents": (STAFF, {"city_leader"}, False, False),
    # reports: staff roles only (administrators keep the catalogue and forms, no report); city
    # leaders see every report, the receiving unit's staff every report sent to it
    "reports": (STAFF, {"city_leader"}, False, True),
}
# The path parameter that names each system's object in template.yaml's routes.
OBJECTS = {
    "tasks": "task_id",
    "cases": "case_id",
    "documents": "document_id",
    "reports": "report_id",
}
# Units whose objects the matrix makes (a task led by, a case received by each).
OWNERS = {
    "tasks": ["SO-TC", "SO-XD", "P-HOANKIEM", "P-CUANAM", "VP-UBND"],
    "cases": ["SO-TC", "SO-XD"],
    "documents": ["VP-UBND", "SO-TC", "SO-XD"],
    "reports": ["P-HOANKIEM", "P-CUANAM"],  # wards' monthly reports, sent to VP-UBND
}
REPORTS_RECEIVER = "VP-UBND"
CLERKS = {"VP-UBND": "vp.clerk", "SO-TC": "sotc.clerk", "SO-XD": "soxd.clerk"}
DOCUMENT = ROOT / "docs" / "openapi.json"


def expected_visible(system: str, user: dict[str, str], owner: dict[str, Any], units) -> bool:
    """The documented rule, read from POLICIES."""
    admitted, city_wide_roles, inspectorate, receiver_sees = POLICIES[system]
    roles = set(user["roles"].split())
    if admitted is not None and not roles & admitted:
        return False
    mine = units[user["unit_code"]]
    if roles & city_wide_roles:
        return True
    if inspectorate and mine["kind"] == "inspectorate" and len(mine["path"]) <= 2:
        return True
    if owner["id"] == mine["id"]:
        return True
    if receiver_sees and mine["id"] == units[REPORTS_RECEIVER]["id"]:
        return True
    return bool(roles & {"city_leader", "unit_leader"}) and mine["id"] in owner["path"]


def routes() -> dict[str, list[tuple[str, str]]]:
    """template.yaml's routes on each system's object, by system."""
    found: dict[str, list[tuple[str, str]]] = {system: [] for system in OBJECTS}
    for route in Template().routes():
        for system, param in OBJECTS.items():
            if route.path.startswith(f"/v1/{system}/{{{param}}}") and not route.public:
                found[system].append((route.method, route.path))
    return found


def filtered_lists(system: str) -> list[str]:
    """template.yaml's GET routes of the system that take a `unit_id` filter (the document
    says which)."""
    paths = json.loads(DOCUMENT.read_text())["paths"]
    return [
        route.path
        for route in Template().routes()
        if route.method == "GET"
        and route.path.startswith(f"/v1/{system}")
        and any(
            p["name"] == "unit_id" and p["in"] == "query"
            for p in paths[route.path]["get"].get("parameters", [])
        )
    ]


def other_path_values(method: str, route: str) -> dict[str, str | None]:
    """The route's other path parameters: an enum's first value (an action), else None (then
    the object's own id stands in: an id of no such thing)."""
    spec = json.loads(DOCUMENT.read_text())["paths"][route][method.lower()]
    return {
        p["name"]: (p["schema"].get("enum") or [None])[0]
        for p in spec.get("parameters", [])
        if p["in"] == "path"
    }


def example_bodies(wanted: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """One body per operation with a body, generated from the document (derandomized)."""
    schema = schemathesis.openapi.from_path(DOCUMENT)
    bodies: dict[tuple[str, str], Any] = {}

    def draw(operation: Any, key: tuple[str, str]) -> None:
        @settings(
            max_examples=1,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def one(case):
            bodies.setdefault(key, case.body)

        one()

    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if key in wanted and operation.body is not None and len(operation.body):
            draw(operation, key)
    return bodies


class Matrix:
    def __init__(self, units: dict[str, dict[str, Any]]):
        from cityops.directory import store as directory

        self.units = units
        self.people = {}
        for row in USERS:
            unit = units[row["unit_code"]]
            who = make_principal(unit, *row["roles"].split(), sub=row["username"])
            self.people[row["username"]] = who
            directory.put_user(
                {
                    "id": who.sub,
                    "username": row["username"],
                    "name": row["name"],
                    "email": row["email"],
                    "unit_id": unit["id"],
                    "roles": row["roles"].split(),
                }
            )

    def open_reports(self) -> None:
        """The wards' monthly reports of March 2027: the catalogue, a form, the period."""
        from cityops.reports import indicators

        clock.set_now(REPORTS_NOW)
        admin = make_principal(self.units["VP-UBND"], "admin", sub="admin")
        content = (ROOT / "infra" / "seed" / "indicators.csv").read_bytes()
        indicators.import_catalogue(admin, content, "csv")
        body = {
            "code": "BC-KTXH-THANG",
            "name": "Báo cáo kinh tế - xã hội hằng tháng",
            "indicator_codes": ["TNGT_VU", "THU_NSNN"],
            "reporting_unit_kinds": ["ward"],
            "receiving_unit_id": self.units[REPORTS_RECEIVER]["id"],
            "period_type": "monthly",
            "deadline_working_days": 2,
        }
        status, _, form = self.call("reports", "POST", "/v1/report-forms", "admin", body=body)
        assert status == 201, form
        load_function("reports").on_event({"mode": "open_periods"})
        self.reports = {}
        for code in OWNERS["reports"]:
            query = {"unit_id": self.units[code]["id"]}
            status, _, page = self.call("reports", "GET", "/v1/reports", "chairman", query=query)
            assert status == 200 and len(page["items"]) == 1, page
            self.reports[code] = page["items"][0]

    def call(self, system: str, method: str, path: str, user: str, **kwargs: Any):
        reply = load_function(system).lambda_handler(
            http_event(method, path, who=self.people[user], **kwargs), FakeContext()
        )
        body = reply.get("body") or ""
        is_json = "json" in (reply.get("headers") or {}).get("Content-Type", "")
        return (
            reply["statusCode"],
            reply.get("headers") or {},
            json.loads(body) if is_json and body else None,
        )

    def state(self, system: str, object_id: str) -> tuple[str, Any]:
        """The object as a city leader reads it (its ETag and body)."""
        status, headers, body = self.call(system, "GET", f"/v1/{system}/{object_id}", "chairman")
        assert status == 200, body
        return headers["ETag"], body

    def make(self, system: str, code: str) -> dict[str, Any]:
        if system == "tasks":
            body = {
                "title": f"Nhiệm vụ của {code}",
                "content": "Báo cáo UBND Thành phố.",
                "source": "people_committee",
                "source_document": {"number_symbol": "123/QĐ-UBND", "issued_on": "2027-01-20"},
                "lead_unit_id": self.units[code]["id"],
                "coordinating_unit_ids": [],
                "due_in_working_days": 10,
            }
            status, _, task = self.call("tasks", "POST", "/v1/tasks", "chairman", body=body)
            assert status == 201, task
            return task
        if system == "reports":
            return self.reports[code]
        if system == "documents":
            today = clock.today().isoformat()
            body = {
                "received_on": today,
                "issuing_body": "Văn phòng Chính phủ",
                "number_symbol": f"5/VPCP-{code}",
                "issued_on": today,
                "doc_type": "CV",
                "summary": f"Về việc triển khai Quy hoạch Thủ đô ({code})",
                "urgency": "normal",
            }
            status, _, document = self.call(
                "documents", "POST", "/v1/documents/incoming", CLERKS[code], body=body
            )
            assert status == 201, document
            return document
        status, _, case = self.call(
            "cases", "POST", "/v1/cases", CLERKS[code], body=new_case(**complaint())
        )
        assert status == 201, case
        return case


@pytest.fixture
def matrix(seeded, aws, setting) -> Iterator[Matrix]:
    from cityops.cases.time_limits import forget_rules
    from cityops.core.auth import SYSTEM
    from cityops.directory.port import DIRECTORY
    from cityops.documents import objects, registers
    from cityops.documents.models import AbbreviationSet

    values: dict[str, set[str]] = {}
    for fn in aws.functions().values():
        for key, value in fn.environment.items():
            if isinstance(value, str) and not key.startswith("POWERTOOLS_"):
                values.setdefault(key, set()).add(value)
    for key, given_values in values.items():
        if len(given_values) == 1:
            setting(key, given_values.pop())
    forget_rules()
    UNITS.forget()
    clock.set_now(CASES_NOW)
    objects.reset_client()
    admin = make_principal(seeded["VP-UBND"], "admin")
    for unit in DIRECTORY.current.units_within(None):  # the seed's registers, as `make run`
        registers.ensure_default_registers(SYSTEM, unit)
    with (ROOT / "infra" / "seed" / "abbreviations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            registers.set_abbreviation(
                admin,
                seeded[row["unit_code"]]["id"],
                AbbreviationSet(abbreviation=row["abbreviation"]),
                0,
            )
    yield Matrix(seeded)
    objects.reset_client()


@pytest.mark.parametrize("system", list(OBJECTS))
def test_every_route_on_the_systems_objects_answers_404_and_changes_nothing_where_404_is_due(
    matrix, system
):
    system_routes = routes()[system]
    bodies = example_bodies(set(system_routes))
    figures: Counter[str] = Counter()
    wrong: list[str] = []
    assert len(system_routes) >= 5, system
    if system == "reports":
        matrix.open_reports()
    owned = {code: matrix.make(system, code) for code in OWNERS[system]}
    for user in USERS:
        visible = {
            code: expected_visible(system, user, matrix.units[code], matrix.units) for code in owned
        }
        own = [c for c, v in visible.items() if v and c == user["unit_code"]]
        hidden = [c for c, v in visible.items() if not v]
        for code in own:  # the control: what the rule shows, the API shows
            status, _, _ = matrix.call(
                system, "GET", f"/v1/{system}/{owned[code]['id']}", user["username"]
            )
            figures["visible reads"] += 1
            if status != 200:
                wrong.append(f"{user['username']} gets {status} for their own unit's {system}")
        for code in hidden[:1]:  # one object of a unit the user may not see
            target = owned[code]
            before = matrix.state(system, target["id"])
            for method, route in system_routes:
                url = route.replace("{" + OBJECTS[system] + "}", target["id"])
                for name, value in other_path_values(method, route).items():
                    url = url.replace("{" + name + "}", value or target["id"])
                kwargs: dict[str, Any] = {"headers": {"if-match": before[0]}}
                if (method, route) in bodies:
                    kwargs["body"] = bodies[(method, route)]
                status, _, reply = matrix.call(system, method, url, user["username"], **kwargs)
                figures["calls where 404 is due"] += 1
                body_refused = status == 422 and all(
                    (e.get("loc") or [""])[0] == "body" for e in (reply or {}).get("errors", [])
                )
                figures[f"{status}{' (body)' if body_refused else ''}"] += 1
                if status != 404 and not body_refused:
                    wrong.append(f"{user['username']} {method} {route} ({code}): {status}")
                if method != "GET" and matrix.state(system, target["id"]) != before:
                    wrong.append(f"{user['username']} {method} {route} ({code}) changed it")
    print(f"\nauthorisation matrix, {system}: {len(USERS)} users, {dict(figures)}")
    assert figures["calls where 404 is due"] >= 50 and figures["visible reads"] >= 2
    assert not wrong, "\n".join(wrong[:40])


@pytest.mark.parametrize("system", list(OBJECTS))
def test_a_list_filtered_on_a_unit_the_caller_may_not_see_is_a_404(matrix, system):
    """template.yaml's lists of the system that take `unit_id` (the document says which),
    filtered on a unit the rule hides from the caller: 404 (403 for a role the system does not
    admit at all: then no list of it is theirs)."""
    lists = filtered_lists(system)
    assert lists, system
    admitted = POLICIES[system][0]
    if system == "reports":
        matrix.open_reports()
    wrong, calls = [], 0
    for user in USERS:
        hidden = [
            code
            for code in OWNERS[system]
            if not expected_visible(system, user, matrix.units[code], matrix.units)
        ]
        roles = set(user["roles"].split())
        allowed = {404} | ({403} if admitted is not None and not roles & admitted else set())
        for code in hidden[:1]:
            for route in lists:
                query = {"unit_id": matrix.units[code]["id"]}
                status, _, _ = matrix.call(system, "GET", route, user["username"], query=query)
                calls += 1
                if status not in allowed:
                    wrong.append(f"{user['username']} GET {route}?unit_id=({code}): {status}")
    print(f"\nfiltered lists, {system}: {calls} calls where 404 is due, {len(wrong)} wrong")
    assert calls >= 10
    assert not wrong, "\n".join(wrong[:40])
