"""The caller is who the directory says (issue 11, items 4 and 9): the name in records and
replies is the profile's, never the token's `name`; the token's unit must be the profile's;
a user the directory marks inactive, or does not know, is refused; profiles are kept per
container."""

from __future__ import annotations

import pytest

UNIT = {"id": "01J8ZK0000000000000000UNIT", "code": "SO-X"}
OTHER_UNIT = "01J8ZK00000000000000000OTH"


@pytest.fixture
def profile(aws):
    from cityops.directory import store

    def _put(sub: str, **overrides):
        store.put_user(
            {
                "id": sub,
                "username": sub,
                "name": "Nguyễn Thị Hoa",
                "email": f"{sub}@cityops.example",
                "unit_id": UNIT["id"],
                "roles": ["officer"],
                **overrides,
            }
        )

    return _put


def test_the_name_is_the_directorys_and_never_the_tokens(call, principal, profile):
    profile("hoa")
    forged = principal(UNIT, "officer", sub="hoa", name="Chủ tịch UBND thành phố")
    status, _, me = call("directory", "GET", "/v1/me", who=forged)
    assert status == 200 and me["name"] == "Nguyễn Thị Hoa"


@pytest.mark.parametrize(("function", "path"), [("directory", "/v1/me"), ("tasks", "/v1/tasks")])
def test_a_token_whose_user_has_no_profile_in_the_directory_is_refused(principal, aws, function,
                                                                       path):  # fmt: skip
    import json

    from tests.conftest import FakeContext, http_event, load_function

    stranger = principal(UNIT, "city_leader", sub="no-profile", name="Chủ tịch UBND thành phố")
    # called as API Gateway would, without the `call` fixture's profile for the caller
    reply = load_function(function).lambda_handler(http_event("GET", path, who=stranger),
                                                   FakeContext())  # fmt: skip
    problem = json.loads(reply["body"])
    assert reply["statusCode"] == 403 and problem["status"] == 403
    assert reply["headers"]["Content-Type"] == "application/problem+json"
    assert "chưa có hồ sơ trong danh bạ" in problem["detail"]


def test_a_user_the_directory_marks_inactive_is_refused(call, principal, profile):
    profile("left", active=False)
    status, _, problem = call(
        "directory", "GET", "/v1/me", who=principal(UNIT, "officer", sub="left")
    )
    assert status == 403 and "đã bị khoá" in problem["detail"]


def test_a_token_whose_unit_is_not_the_profiles_is_refused(call, principal, profile):
    profile("mover")
    other = {"id": OTHER_UNIT, "code": "SO-Y"}
    status, _, problem = call(
        "directory", "GET", "/v1/me", who=principal(other, "officer", sub="mover")
    )
    assert status == 403 and "Đơn vị trong phiên đăng nhập" in problem["detail"]


def test_the_profile_is_read_once_per_container_and_minute(call, principal, profile):
    from tests.aws_calls import counting

    profile("busy")
    who = principal(UNIT, "officer", sub="busy")
    with counting() as calls:
        for _ in range(5):
            assert call("directory", "GET", "/v1/me", who=who)[0] == 200
    # The profile (with the calendar, which rides on the first read: `core.access.RIDERS`);
    # /v1/me reads no unit here.
    assert calls.of("dynamodb.GetItem") + calls.of("dynamodb.BatchGetItem") == 1, calls.kinds


def test_users_may_write_neither_their_name_nor_their_unit():
    from template import load

    clients = [
        r for r in load()["Resources"].values() if r["Type"] == "AWS::Cognito::UserPoolClient"
    ]
    assert clients
    for client in clients:
        writable = client["Properties"].get("WriteAttributes")
        assert writable is not None  # absent, a client may write every standard attribute
        assert not {"name", "custom:unit_id"} & set(writable)
