"""Every operation at its minimum of AWS calls (botocore's calls counted, per kind), for every
system: a create makes 1 TransactWriteItems and 1 PutEvents, and no read once the container's
caches are warm (at most one when one is cold); an action 1 read, 1 transaction and 1 event;
a list page 1 Query. A system is one entry of SYSTEMS: how to create one of its entities,
act on it and list a page; the limits are the same for all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.aws_calls import Calls, counting
from tests.integration.test_cases_support import world_fixture  # noqa: F401 (the cases' world)
from tests.integration.test_documents_api import docs  # noqa: F401 (the documents' fixture)

READS = ("dynamodb.GetItem", "dynamodb.BatchGetItem", "dynamodb.Query")
LIMITS: dict[str, dict[str, int]] = {
    "create": {"dynamodb.TransactWriteItems": 1, "events.PutEvents": 1},
    "action": {"dynamodb.TransactWriteItems": 1, "events.PutEvents": 1, "reads": 1},
    "page": {"dynamodb.Query": 1},
}


# Every count of "cold reads" below includes the caller's directory profile, read with the
# caller's unit in one BatchGetItem per container and minute (`core.access.PROFILES`: names
# and offboarding, issue 11). Where a system is allowed other numbers, and why (each is a
# floor the data design sets, or a known excess still to remove: the test fails above these).
ALLOWED: dict[tuple[str, str], dict[str, int]] = {
    # The denunciator's identity, sealed in the vault; cold: the profile, the unit, the
    # calendar and the legal time limits' versions (cached for a minute, `cases.time_limits`)
    # in one BatchGetItem over two tables (`core.access.RIDERS`).
    ("cases", "create"): {"kms.Encrypt": 1},
    # A unit's parent read consistently (its path is the new unit's); the directory puts no
    # events on the bus.
    ("directory", "create"): {"reads": 1, "cold reads": 2, "events.PutEvents": 0},
    ("directory", "action"): {"events.PutEvents": 0},
    # The register's number (a GetItem) is the floor of a gapless number written in the same
    # transaction; the unit's registers (a Query) are a known excess, read on every
    # registration (a register closed must stop numbering at once: not cached yet). Cold:
    # also the profile, unit and calendar (one BatchGetItem) and the unit's parent (is it the
    # People's Committee?).
    ("documents", "create"): {"reads": 2, "cold reads": 4},
    # A presentation puts no event on the bus.
    ("documents", "action"): {"events.PutEvents": 0},
    # A form names its indicators, read in one BatchGetItem (they must exist and be in force:
    # the floor, as a task's named units, but the catalogue is not cached); cold: also the
    # profile and unit.
    ("reports", "create"): {"reads": 1, "cold reads": 2},
    # A retirement puts no event on the bus.
    ("reports", "action"): {"events.PutEvents": 0},
}


@dataclass
class Driver:
    """One system's operations, each a call of its function (asserting its status)."""

    create: Callable[[], str]  # creates an entity, returns its id
    act: Callable[[str], Any]  # acts on the entity (version 1)
    page: Callable[[], Any]  # one list page


def _ok(reply: tuple[int, dict, Any], status: int = 200) -> Any:
    assert reply[0] == status, reply
    return reply[2]


def tasks(request: pytest.FixtureRequest) -> Driver:
    from tests.integration.test_tasks_support import City

    city = City(request.getfixturevalue("seeded"), request.getfixturevalue("call"))
    return Driver(
        create=lambda: _ok(city.call("POST", "/v1/tasks", "chairman", body=city.new_task()), 201)[
            "id"
        ],
        act=lambda task_id: _ok(
            city.call(
                "POST",
                f"/v1/tasks/{task_id}/cancellation",
                "chairman",
                body={"reason": "Không còn phù hợp"},
                headers={"if-match": '"1"'},
            )
        ),
        page=lambda: _ok(city.call("GET", "/v1/tasks", "sotc.leader", query={"limit": "20"})),
    )


def cases(request: pytest.FixtureRequest) -> Driver:
    from tests.cases_bodies import new_case

    world = request.getfixturevalue("world")
    return Driver(
        create=lambda: _ok(world.request("POST", "/v1/cases", "ttr_clerk", body=new_case()), 201)[
            "id"
        ],
        act=lambda case_id: _ok(world.act("inspector", case_id, "accept", {}, version=1)),
        page=lambda: _ok(world.get("inspector", "/v1/cases", query={"limit": "20"})),
    )


def documents(request: pytest.FixtureRequest) -> Driver:
    from tests.integration.test_documents_api import incoming_body

    _units, people = request.getfixturevalue("docs")
    call = request.getfixturevalue("call")
    clerk = people["vp.clerk"]
    numbers = iter(range(1, 1000))

    def create() -> str:
        body = incoming_body(number_symbol=f"{next(numbers)}/VPCP-KTTH")
        return _ok(call("documents", "POST", "/v1/documents/incoming", who=clerk, body=body), 201)[
            "id"
        ]

    return Driver(
        create=create,
        act=lambda doc_id: _ok(
            call(
                "documents",
                "POST",
                f"/v1/documents/{doc_id}/presentation",
                who=clerk,
                body={},
                headers={"if-match": '"1"'},
            )
        ),
        page=lambda: _ok(
            call("documents", "GET", "/v1/documents", who=clerk, query={"limit": "20"})
        ),
    )


def directory(request: pytest.FixtureRequest) -> Driver:
    seeded = request.getfixturevalue("seeded")
    call = request.getfixturevalue("call")
    admin = request.getfixturevalue("principal")(seeded["VP-UBND"], "admin", sub="admin-1")
    codes = iter(range(1, 1000))

    def create() -> str:
        body = {
            "code": f"SO-TEST{next(codes)}",
            "name": "Sở Thử nghiệm",
            "kind": "department",
            "parent_id": seeded["UBND-HN"]["id"],
        }
        return _ok(call("directory", "POST", "/v1/units", who=admin, body=body), 201)["id"]

    return Driver(
        create=create,
        act=lambda unit_id: _ok(
            call(
                "directory",
                "PATCH",
                f"/v1/units/{unit_id}",
                who=admin,
                body={"name": "Sở Thử nghiệm mới"},
                headers={"if-match": '"1"'},
            )
        ),
        page=lambda: _ok(call("directory", "GET", "/v1/units", who=admin, query={"limit": "20"})),
    )


def reports(request: pytest.FixtureRequest) -> Driver:
    from cityops.reports import indicators

    from tests.conftest import ROOT

    seeded = request.getfixturevalue("seeded")
    call = request.getfixturevalue("call")
    principal = request.getfixturevalue("principal")
    admin = principal(seeded["VP-UBND"], "admin", sub="admin")
    officer = principal(seeded["P-HOANKIEM"], "officer", sub="hk-officer")
    catalogue = (ROOT / "infra" / "seed" / "indicators.csv").read_bytes()
    indicators.import_catalogue(admin, catalogue, "csv")
    codes = iter(range(1, 1000))

    def create() -> str:
        body = {
            "code": f"BC-THU-{next(codes)}",
            "name": "Báo cáo thử nghiệm hằng tháng",
            "indicator_codes": ["TNGT_VU", "TNGT_CHET", "THU_NSNN"],
            "reporting_unit_kinds": ["ward"],
            "receiving_unit_id": seeded["VP-UBND"]["id"],
            "period_type": "monthly",
            "deadline_working_days": 2,
        }
        return _ok(call("reports", "POST", "/v1/report-forms", who=admin, body=body), 201)["id"]

    return Driver(
        create=create,
        act=lambda form_id: _ok(
            call(
                "reports",
                "POST",
                f"/v1/report-forms/{form_id}/retirement",
                who=admin,
                headers={"if-match": '"1"'},
            )
        ),
        page=lambda: _ok(call("reports", "GET", "/v1/reports", who=officer, query={"limit": "20"})),
    )


SYSTEMS: dict[str, Callable[[pytest.FixtureRequest], Driver]] = {
    "tasks": tasks,
    "cases": cases,
    "documents": documents,
    "directory": directory,
    "reports": reports,
}


def _reads(calls: Calls) -> int:
    return sum(calls.of(kind) for kind in READS)


def _forget_caches() -> None:
    """What a new container starts without: the unit and profile caches, the calendar and
    the cases' legal time limits."""
    from cityops.cases import time_limits
    from cityops.core.access import PROFILES, UNITS
    from cityops.directory import store

    UNITS.forget()
    PROFILES.forget()
    store.forget_calendar()
    time_limits.forget_rules()


def _within(calls: Calls, limits: dict[str, int], reads: int) -> None:
    kinds = dict(calls.kinds)
    for kind, most in limits.items():
        if "reads" not in kind:
            assert calls.of(kind) <= most, kinds
    assert _reads(calls) <= reads, kinds
    others = {k: n for k, n in kinds.items() if k not in (*READS, *limits)}
    assert not others, kinds  # no call of a kind the operation has no business making


def _limits(name: str, op: str) -> dict[str, int]:
    return {**LIMITS[op], **ALLOWED.get((name, op), {})}


@pytest.fixture(params=sorted(SYSTEMS))
def system(request: pytest.FixtureRequest) -> tuple[str, Driver]:
    return request.param, SYSTEMS[request.param](request)


def test_a_create_is_one_transaction_and_one_event_and_reads_only_cold_caches(system):
    name, driver = system
    limits = _limits(name, "create")
    driver.create()  # the container's clients and caches
    with counting() as warm:
        driver.create()
    _forget_caches()
    with counting() as cold:
        driver.create()
    _within(warm, limits, reads=limits.get("reads", 0))
    _within(cold, limits, reads=limits.get("cold reads", 1))
    assert warm.of("dynamodb.TransactWriteItems") == 1
    assert warm.of("events.PutEvents") == limits["events.PutEvents"]


def test_an_action_is_one_read_one_transaction_and_one_event(system):
    name, driver = system
    limits = _limits(name, "action")
    driver.act(driver.create())
    entity = driver.create()
    with counting() as calls:
        driver.act(entity)
    _within(calls, limits, reads=limits["reads"])
    assert calls.of("dynamodb.TransactWriteItems") == 1
    assert calls.of("events.PutEvents") == limits["events.PutEvents"]


def test_a_list_page_is_one_query(system):
    name, driver = system
    driver.create()
    driver.page()
    with counting() as calls:
        driver.page()
    _within(calls, _limits(name, "page"), reads=1)
    assert calls.of("dynamodb.Query") == 1, dict(calls.kinds)


def test_the_cursor_secret_is_read_once_per_container(request, monkeypatch):
    import boto3
    from cityops.core import pagination
    from cityops.core.settings import get_settings

    seeded = request.getfixturevalue("seeded")  # moto, the tables and the units
    call = request.getfixturevalue("call")
    admin = request.getfixturevalue("principal")(seeded["VP-UBND"], "admin", sub="admin-1")
    arn = boto3.client("secretsmanager").create_secret(
        Name="cityops-cursor-test", SecretString="s" * 32
    )["ARN"]
    monkeypatch.setenv("CURSOR_SECRET", "")
    monkeypatch.setenv("CURSOR_SECRET_ARN", arn)
    get_settings.cache_clear()
    pagination._secret.cache_clear()  # a new container
    request.addfinalizer(get_settings.cache_clear)
    request.addfinalizer(pagination._secret.cache_clear)

    def page(cursor: str | None = None) -> dict:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        return _ok(call("directory", "GET", "/v1/units", who=admin, query=query))

    with counting() as first:
        second = page(page()["next_cursor"])  # a cursor made, then checked
    with counting() as later:
        page(page(second["next_cursor"])["next_cursor"])
    assert first.of("secretsmanager.GetSecretValue") == 1, dict(first.kinds)
    assert later.of("secretsmanager.GetSecretValue") == 0, dict(later.kinds)
    assert first.of("dynamodb.Query") == 2 and later.of("dynamodb.Query") == 2
