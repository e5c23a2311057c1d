"""The layer's core without AWS: the caller, cursors, ids, the clock, problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import InvalidInput, NotFound
from cityops.core.ids import is_ulid, new_id
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor

CITY, DEPT, DIVISION, OTHER = "C" * 26, "D" * 26, "V" * 26, "O" * 26


def who(unit: str, *roles: str) -> Principal:
    return Principal(sub="u", username="u", name="U", unit_id=unit, roles=frozenset(roles))


def test_claims_become_the_caller_with_roles_from_groups():
    claims = {
        "sub": "s1",
        "cognito:username": "sotc.leader",
        "name": "Giám đốc",
        "custom:unit_id": DEPT,
        "cognito:groups": "[unit_leader officer]",
    }
    caller = Principal.from_claims(claims)
    assert caller.sub == "s1" and caller.unit_id == DEPT
    assert caller.roles == {"unit_leader", "officer"}


def test_unknown_groups_are_not_roles():
    caller = Principal.from_claims({"sub": "s", "cognito:groups": ["admin", "superuser"]})
    assert caller.roles == {"admin"}


def test_an_officer_sees_their_own_unit_only():
    officer = who(DEPT, "officer")
    assert officer.sees_unit([CITY, DEPT])
    assert not officer.sees_unit([CITY, DEPT, DIVISION])
    assert not officer.sees_unit([CITY, OTHER])


def test_a_leader_sees_their_units_subtree_but_not_above_or_beside():
    leader = who(DEPT, "unit_leader")
    assert leader.sees_unit([CITY, DEPT, DIVISION])
    assert not leader.sees_unit([CITY])
    assert not leader.sees_unit([CITY, OTHER])


def test_a_city_leader_sees_every_unit():
    assert who(CITY, "city_leader").sees_unit([CITY, OTHER, DIVISION])


def test_a_caller_without_a_unit_sees_nothing():
    assert not who("", "officer").sees_unit([CITY, DEPT])


def test_a_cursor_round_trips_within_its_list():
    key = {"pk": "UNIT#1", "sk": "UNIT"}
    assert decode_cursor(encode_cursor(key, "units:"), "units:") == key


def test_no_more_pages_means_no_cursor():
    assert encode_cursor(None, "units:") is None and decode_cursor(None, "units:") is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),  # signature changed
        lambda c: "eyJrIjp7InBrIjoiVU5JVCMyIn0sInMiOiJ1bml0czoifQ." + c.split(".")[1],  # body
        lambda c: c.replace(".", ""),
        lambda c: "%%%",
    ],
)
def test_a_tampered_cursor_is_invalid_input(mangle):
    cursor = encode_cursor({"pk": "UNIT#1", "sk": "UNIT"}, "units:")
    with pytest.raises(InvalidInput):
        decode_cursor(mangle(cursor), "units:")


def test_a_cursor_from_another_list_is_refused():
    cursor = encode_cursor({"pk": "UNIT#1", "sk": "UNIT"}, "history:UNIT#1")
    with pytest.raises(InvalidInput):
        decode_cursor(cursor, "history:UNIT#2")


def test_limits_default_to_50_and_stop_at_200():
    assert check_limit(None) == 50 and check_limit(200) == 200
    for bad in (0, 201, -1):
        with pytest.raises(InvalidInput):
            check_limit(bad)


def test_ids_are_ulids_sortable_by_creation_time():
    clock.set_now(datetime(2026, 1, 1, tzinfo=UTC))
    first = new_id()
    clock.set_now(datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC))
    second = new_id()
    clock.reset()
    assert is_ulid(first) and is_ulid(second) and first < second
    assert not is_ulid("not-an-id") and not is_ulid("8" + first[1:])


def test_the_clock_can_be_frozen_moved_and_reset():
    moment = datetime(2027, 2, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    clock.set_now(moment)
    assert clock.now() == moment and clock.now().tzinfo is UTC
    clock.set_now(moment, frozen=False)
    assert timedelta(0) <= clock.now() - moment < timedelta(seconds=5)
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    with pytest.raises(ValueError):
        clock.set_now(datetime(2027, 1, 1))


def test_stored_times_sort_as_text_in_time_order():
    early = datetime(2026, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    late = datetime(2027, 1, 1, 3, 0, tzinfo=timezone(timedelta(hours=7)))
    assert late < early and clock.iso(late) < clock.iso(early)


def test_problems_are_rfc9457_shaped():
    body = NotFound("Không có đơn vị này.").problem()
    assert body == {
        "type": "https://cityops.example/problems/not-found",
        "title": "Không tìm thấy",
        "status": 404,
        "detail": "Không có đơn vị này.",
    }


def test_ids_made_in_the_same_millisecond_still_sort_in_the_order_they_were_made():
    clock.set_now(datetime(2026, 1, 1, tzinfo=UTC))
    ids = [new_id() for _ in range(1000)]
    clock.reset()
    assert ids == sorted(ids) and len(set(ids)) == 1000


def test_clients_are_made_once_even_when_threads_ask_at_the_same_time(monkeypatch):
    import threading
    import time

    import boto3
    from cityops.core import aws

    made = []
    barrier = threading.Barrier(8)

    def slow_client(service):
        made.append(service)
        time.sleep(0.01)  # a real client takes milliseconds to make: time for a race
        return object()

    monkeypatch.setattr(boto3, "client", slow_client)
    aws.reset_clients()
    got = []

    def ask():
        barrier.wait()
        got.append(aws.client("events"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    aws.reset_clients()
    assert made == ["events"] and len({id(c) for c in got}) == 1


ROUTE_RULES = (
    "/v1/cases",
    "/v1/cases/stats",
    "/v1/cases/<case_id>",
    "/v1/cases/<case_id>/accept",
    "/v1/report-forms/<form_id>/periods/<period>",
    ".*",  # Powertools' own catch-all (CORS preflight, not found)
)
PATHS = (
    "/v1/cases",
    "/v1/cases/stats",
    "/v1/cases/01J0000000000000000000000A",
    "/v1/cases/01J0000000000000000000000A/accept",
    "/v1/cases/01J0000000000000000000000A/accept/more",
    "/v1/casesx",
    "/v2/cases",
    "/v1/report-forms/F1/periods/2026-11",
    "/",
    "",
)


@pytest.mark.parametrize("rule", ROUTE_RULES)
def test_a_route_pattern_matches_exactly_what_powertools_regex_matches(rule):
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from cityops.core.api import Resolver

    lazy, eager = Resolver._compile_regex(rule, "^{}$"), APIGatewayHttpResolver._compile_regex(rule)
    assert lazy.groups == eager.groups  # static or dynamic, asked before any match
    for path in PATHS:
        got, want = lazy.match(path), eager.match(path)
        assert (got and got.groupdict()) == (want and want.groupdict()), path


def test_a_route_pattern_is_compiled_only_for_a_path_that_starts_with_its_literal_part():
    from cityops.core.api import RoutePattern

    accept = RoutePattern("/v1/cases/<case_id>/accept", "^{}$")
    assert accept.match("/v1/tasks/01J0000000000000000000000A") is None
    assert not accept.compiled
    assert accept.match("/v1/cases/01J0000000000000000000000A/accept") is not None
    assert accept.compiled


def test_a_search_page_goes_on_only_when_another_entity_the_caller_may_see_follows():
    from cityops.core.search import first_kept

    ids = [f"0{n}" for n in range(9, 0, -1)]  # newest first: 09 … 01
    loads: list[list[str]] = []

    def load(chunk: list[str]) -> dict[str, str]:
        loads.append(chunk)
        return {i: i for i in chunk if i != "05"}  # 05 is gone

    def mine(entity: str) -> bool:
        return entity in {"08", "06", "03"}

    assert first_kept(ids, load, mine, 2) == (["08", "06"], "06")
    assert first_kept(ids, load, mine, 3) == (["08", "06", "03"], None)  # 02, 01: not theirs
    assert first_kept(ids, load, lambda e: False, 5) == ([], None)
    loads.clear()
    many = [f"{n:03}" for n in range(250, 0, -1)]
    assert first_kept(many, load, bool, 1) == (["250"], "250")
    assert loads == [many[:100]]  # read 100 at a time, no more than the page needs
