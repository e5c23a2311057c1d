"""The directory function against moto: the caller, units, history, the calendar, bad input."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(seeded, principal):
    return principal(seeded["VP-UBND"], "admin", sub="admin-1")


@pytest.fixture
def officer(seeded, principal):
    return principal(seeded["SO-TC"], "officer", sub="officer-1")


def new_unit(seeded, **overrides):
    return {
        "code": "SO-TEST",
        "name": "Sở Thử nghiệm",
        "kind": "department",
        "parent_id": seeded["UBND-HN"]["id"],
        **overrides,
    }


def units_count(call, who):
    status, _, body = call("directory", "GET", "/v1/units", who=who, query={"limit": "200"})
    assert status == 200
    return len(body["items"])


def test_health_answers_without_a_token(call, aws):
    status, _, body = call("directory", "GET", "/v1/health")
    assert status == 200 and body["status"] == "ok" and body["version"]


def test_me_shows_the_unit_and_its_path_up_to_the_city(call, seeded, principal):
    leader = principal(seeded["SO-TC.NS"], "unit_leader", sub="u1", name="Trưởng phòng")
    status, _, body = call("directory", "GET", "/v1/me", who=leader)
    assert status == 200
    assert body["id"] == "u1" and body["roles"] == ["unit_leader"]
    assert [u["code"] for u in body["unit_path"]] == ["UBND-HN", "SO-TC", "SO-TC.NS"]


def test_units_are_listed_in_tree_order_and_pages_follow_the_cursor(call, seeded, officer):
    status, _, first = call("directory", "GET", "/v1/units", who=officer, query={"limit": "5"})
    assert status == 200 and len(first["items"]) == 5 and first["next_cursor"]
    assert first["items"][0]["code"] == "UBND-HN"
    seen = [u["code"] for u in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        _, _, page = call(
            "directory", "GET", "/v1/units", who=officer, query={"limit": "5", "cursor": cursor}
        )
        seen += [u["code"] for u in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(seeded)


def test_a_tampered_cursor_is_refused(call, seeded, officer):
    _, _, first = call("directory", "GET", "/v1/units", who=officer, query={"limit": "2"})
    forged = first["next_cursor"][:-3] + (
        "AAA" if not first["next_cursor"].endswith("AAA") else "BBB"
    )
    status, _, body = call(
        "directory", "GET", "/v1/units", who=officer, query={"limit": "2", "cursor": forged}
    )
    assert status == 422 and body["errors"][0]["loc"] == ["query", "cursor"]


def test_within_lists_a_units_subtree(call, seeded, officer):
    status, _, body = call(
        "directory", "GET", "/v1/units", who=officer, query={"within": seeded["SO-TC"]["id"]}
    )
    assert status == 200
    assert [u["code"] for u in body["items"]] == ["SO-TC", "SO-TC.NS"]


def test_an_admin_creates_a_unit_with_an_etag_and_an_audit_record(call, seeded, admin):
    status, headers, unit = call("directory", "POST", "/v1/units", who=admin, body=new_unit(seeded))
    assert status == 201 and headers["ETag"] == '"1"'
    assert headers["Location"] == f"/v1/units/{unit['id']}"
    assert unit["path"] == [seeded["UBND-HN"]["id"], unit["id"]]
    status, _, history = call("directory", "GET", f"/v1/units/{unit['id']}/history", who=admin)
    assert status == 200
    assert [e["action"] for e in history["items"]] == ["unit.created"]
    assert history["items"][0]["actor_id"] == "admin-1"
    assert history["items"][0]["changes"]["code"] == [None, "SO-TEST"]


def test_an_officer_may_not_create_a_unit(call, seeded, officer):
    before = units_count(call, officer)
    status, headers, _body = call(
        "directory", "POST", "/v1/units", who=officer, body=new_unit(seeded)
    )
    assert status == 403 and headers["Content-Type"] == "application/problem+json"
    assert units_count(call, officer) == before


def test_a_unit_code_is_unique(call, seeded, admin):
    status, _, body = call(
        "directory", "POST", "/v1/units", who=admin, body=new_unit(seeded, code="SO-TC")
    )
    assert status == 409 and "Mã SO-TC đã được một đơn vị khác sử dụng" in body["detail"]


def test_the_same_idempotency_key_and_body_returns_the_first_unit(call, seeded, admin):
    headers = {"idempotency-key": "create-test-unit-1"}
    first = call(
        "directory", "POST", "/v1/units", who=admin, body=new_unit(seeded), headers=headers
    )
    again = call(
        "directory", "POST", "/v1/units", who=admin, body=new_unit(seeded), headers=headers
    )
    assert first[0] == again[0] == 201
    assert first[2]["id"] == again[2]["id"]
    other = call(
        "directory",
        "POST",
        "/v1/units",
        who=admin,
        body=new_unit(seeded, name="Khác"),
        headers=headers,
    )
    assert other[0] == 422


def test_patch_needs_the_current_version_in_if_match(call, seeded, admin):
    unit_id = seeded["SO-XD"]["id"]
    path = f"/v1/units/{unit_id}"
    status, _, _ = call("directory", "PATCH", path, who=admin, body={"short_name": "SXD HN"})
    assert status == 428
    status, headers, unit = call(
        "directory",
        "PATCH",
        path,
        who=admin,
        body={"short_name": "SXD HN"},
        headers={"if-match": '"1"'},
    )
    assert status == 200 and unit["short_name"] == "SXD HN" and headers["ETag"] == '"2"'
    status, _, _ = call(
        "directory", "PATCH", path, who=admin, body={"short_name": "X"}, headers={"if-match": '"1"'}
    )
    assert status == 412
    _, _, now = call("directory", "GET", path, who=admin)
    assert now["short_name"] == "SXD HN" and now["version"] == 2


def test_a_unit_with_sub_units_cannot_be_moved(call, seeded, admin):
    status, _, _ = call(
        "directory",
        "PATCH",
        f"/v1/units/{seeded['SO-TC']['id']}",
        who=admin,
        body={"parent_id": seeded["SO-XD"]["id"]},
        headers={"if-match": '"1"'},
    )
    assert status == 409


def test_a_leaf_unit_moves_and_its_path_follows(call, seeded, admin):
    status, _, unit = call(
        "directory",
        "PATCH",
        f"/v1/units/{seeded['SO-TC.NS']['id']}",
        who=admin,
        body={"parent_id": seeded["SO-XD"]["id"]},
        headers={"if-match": '"1"'},
    )
    assert status == 200
    assert unit["path"] == [seeded["UBND-HN"]["id"], seeded["SO-XD"]["id"], unit["id"]]


def test_history_is_hidden_from_an_officer_as_not_found(call, seeded, officer):
    status, _, _ = call(
        "directory", "GET", f"/v1/units/{seeded['SO-TC']['id']}/history", who=officer
    )
    assert status == 404


def test_a_leader_above_a_unit_reads_its_history(call, seeded, principal):
    leader = principal(seeded["SO-TC"], "unit_leader")
    status, _, _ = call(
        "directory", "GET", f"/v1/units/{seeded['SO-TC.NS']['id']}/history", who=leader
    )
    assert status == 200
    other = principal(seeded["SO-XD"], "unit_leader")
    status, _, _ = call(
        "directory", "GET", f"/v1/units/{seeded['SO-TC.NS']['id']}/history", who=other
    )
    assert status == 404


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"code": "SO-X", "name": ', 422),  # malformed JSON
        (
            '{"code": "SO-X", "name": "X", "kind": "department", "parent_id": "%s", "extra": 1}',
            422,
        ),  # unknown field
        ('{"code": 7, "name": "X", "kind": "department", "parent_id": "%s"}', 422),  # wrong type
        ('{"code": "SO-X", "name": "X", "kind": "castle", "parent_id": "%s"}', 422),  # bad enum
        ('{"code": "so x", "name": "X", "kind": "department", "parent_id": "%s"}', 422),
        ('{"code": "SO-X", "name": "X", "kind": "department", "parent_id": "nope"}', 422),
        ("[1, 2]", 422),
    ],
)
def test_bad_bodies_get_a_problem_and_change_nothing(call, seeded, admin, raw, expected):
    before = units_count(call, admin)
    body = raw % seeded["UBND-HN"]["id"] if "%s" in raw else raw
    status, headers, problem = call("directory", "POST", "/v1/units", who=admin, raw_body=body)
    assert status == expected
    assert headers["Content-Type"] == "application/problem+json"
    assert problem["status"] == expected and problem["type"].startswith("https://")
    assert "Traceback" not in str(problem)
    assert units_count(call, admin) == before


def test_an_oversize_body_gets_413_and_changes_nothing(call, seeded, admin):
    before = units_count(call, admin)
    body = new_unit(seeded, name="x" * 70_000)
    status, _, problem = call("directory", "POST", "/v1/units", who=admin, body=body)
    assert status == 413 and problem["status"] == 413
    assert units_count(call, admin) == before


@pytest.mark.parametrize("bad_id", ["nope", "01M8EFX9MS9ADKK37N1FBARQN", "8" * 26])
def test_bad_unit_ids_get_a_4xx_problem(call, seeded, admin, bad_id):
    status, headers, _ = call("directory", "GET", f"/v1/units/{bad_id}", who=admin)
    assert 400 <= status < 500 and headers["Content-Type"] == "application/problem+json"


def test_an_unknown_unit_is_not_found(call, seeded, admin):
    status, _, _ = call("directory", "GET", "/v1/units/01M8EFX9MS9ADKK37N1FBARQN4", who=admin)
    assert status == 404


def test_bad_limits_are_refused(call, seeded, admin):
    for limit in ("0", "201", "many"):
        status, _, _ = call("directory", "GET", "/v1/units", who=admin, query={"limit": limit})
        assert status == 422


def test_the_calendar_lists_holidays_and_admins_enter_days_off(call, seeded, admin, officer):
    status, headers, year = call("directory", "GET", "/v1/calendar/2027", who=officer)
    assert status == 200 and headers["ETag"] == '"0"'
    assert {"2027-04-30", "2027-05-03"} <= {d["date"] for d in year["non_working_days"]}
    change = {"days_off": ["2027-02-11"], "working_days": ["2027-02-20"]}
    status, _, _ = call(
        "directory",
        "PUT",
        "/v1/calendar/2027",
        who=officer,
        body=change,
        headers={"if-match": '"0"'},
    )
    assert status == 403
    status, headers, year = call(
        "directory", "PUT", "/v1/calendar/2027", who=admin, body=change, headers={"if-match": '"0"'}
    )
    assert status == 200 and headers["ETag"] == '"1"'
    assert "2027-02-11" in {d["date"] for d in year["non_working_days"]}
    assert year["working_days"] == ["2027-02-20"]
    status, _, _ = call(
        "directory", "PUT", "/v1/calendar/2027", who=admin, body=change, headers={"if-match": '"0"'}
    )
    assert status == 412


def test_calendar_days_must_belong_to_the_year_and_make_sense(call, seeded, admin):
    bad = {"days_off": ["2028-01-03", "2027-05-01"], "working_days": ["2027-03-03"]}
    status, _, problem = call(
        "directory", "PUT", "/v1/calendar/2027", who=admin, body=bad, headers={"if-match": '"0"'}
    )
    assert status == 422
    assert {tuple(e["loc"]) for e in problem["errors"]} == {
        ("body", "days_off", 0),
        ("body", "days_off", 1),
        ("body", "working_days", 0),
    }
    _, headers, _ = call("directory", "GET", "/v1/calendar/2027", who=admin)
    assert headers["ETag"] == '"0"'


def _announce(call, admin, year, days_off, version=0):
    change = {"days_off": days_off, "working_days": []}
    headers = {"if-match": f'"{version}"'}
    return call("directory", "PUT", f"/v1/calendar/{year}", who=admin, body=change, headers=headers)


def test_every_years_announcements_are_one_item_that_a_container_reads_with_one_get(
    call, seeded, admin
):
    from datetime import date

    import boto3
    from cityops.directory import store

    assert _announce(call, admin, 2027, ["2027-02-11"])[0] == 200
    assert _announce(call, admin, 2028, ["2028-01-31"])[0] == 200
    assert _announce(call, admin, 2027, ["2027-02-12"], version=1)[0] == 200
    days = boto3.client("dynamodb").get_item(
        TableName=store.table(), Key={"pk": {"S": "CALENDAR"}, "sk": {"S": "DAYS"}}
    )["Item"]
    assert days["version"] == {"N": "3"}
    assert set(days["years"]["M"]) == {"2027", "2028"}
    store.forget_calendar()
    calendar = store.working_calendar()
    assert not calendar.is_working_day(date(2027, 2, 12))
    assert calendar.is_working_day(date(2027, 2, 11))  # the first announcement was replaced
    assert not calendar.is_working_day(date(2028, 1, 31))


def test_two_years_announced_at_once_cannot_both_rewrite_the_calendar(
    call, seeded, admin, monkeypatch
):
    from datetime import date

    from cityops.directory import store, stores

    real, raced = stores.calendar_days_put, []

    def meanwhile(year_item):
        put = real(year_item)  # read at the version before the other year's change
        if not raced:
            raced.append(None)  # the other change reads and writes as usual
            raced[0] = _announce(call, admin, 2028, ["2028-01-31"])
        return put

    assert _announce(call, admin, 2029, ["2029-01-02"])[0] == 200  # the item exists: version 1
    monkeypatch.setattr(stores, "calendar_days_put", meanwhile)
    status, _, problem = _announce(call, admin, 2027, ["2027-02-11"])
    assert raced[0][0] == 200
    assert status == 412 and "một năm khác vừa được thay đổi" in problem["detail"]
    assert store.get_calendar_year(2027) is None  # nothing of the refused change was written
    store.forget_calendar()
    calendar = store.working_calendar()
    assert calendar.is_working_day(date(2027, 2, 11))
    assert not calendar.is_working_day(date(2028, 1, 31))


def test_unknown_routes_get_a_problem(call, seeded, admin):
    status, headers, _ = call("directory", "GET", "/v1/nothing-here", who=admin)
    assert status == 404 and headers["Content-Type"] == "application/problem+json"


def test_a_units_members_are_listed_by_name_for_who_gives_them_work(call, seeded, principal):
    from cityops.directory import store

    division = seeded["SO-TC.NS"]["id"]
    for sub, name, roles in (
        ("u-b", "Trần Văn Bình", ["officer"]),
        ("u-a", "Lê Thị An", ["unit_leader"]),
    ):
        store.put_user({"id": sub, "username": sub, "name": name, "email": f"{sub}@example.vn",
                        "unit_id": division, "roles": roles})  # fmt: skip
    path = f"/v1/units/{division}/members"
    leader_above = principal(seeded["SO-TC"], "unit_leader", sub="sotc-leader")
    status, _, body = call("directory", "GET", path, who=leader_above)
    assert status == 200 and body["items"] == [
        {"id": "u-a", "name": "Lê Thị An", "roles": ["unit_leader"]},
        {"id": "u-b", "name": "Trần Văn Bình", "roles": ["officer"]},
    ]  # no email, nothing but what giving work needs
    member = principal(seeded["SO-TC.NS"], "officer", sub="u-b")
    assert call("directory", "GET", path, who=member)[0] == 200
    for outsider in (
        principal(seeded["SO-XD"], "unit_leader", sub="soxd-leader"),  # another department's
        principal(seeded["SO-TC"], "officer", sub="sotc-officer"),  # above, but not a leader
    ):
        assert call("directory", "GET", path, who=outsider)[0] == 404
    assert call("directory", "GET", f"/v1/units/{'0' * 26}/members", who=leader_above)[0] == 404


def test_me_says_which_systems_the_caller_sees_city_wide_by_the_one_access_rule(
    call, seeded, principal
):
    """What the console starts a list with: the whole city, where the caller sees it."""
    seen = {}
    for name, unit, role in (
        ("chairman", "UBND-HN", "city_leader"),
        ("inspector", "TTR-HN", "inspector"),
        ("officer", "SO-TC", "officer"),
    ):
        status, _, body = call("directory", "GET", "/v1/me", who=principal(seeded[unit], role))
        assert status == 200, body
        seen[name] = body["city_wide"]
    assert seen == {
        "chairman": ["tasks", "cases", "documents", "reports"],
        "inspector": ["cases"],  # the city Inspectorate: every case, not the rest
        "officer": [],
    }
