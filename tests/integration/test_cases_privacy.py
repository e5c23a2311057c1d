"""The denunciator's identity never leaves the IdentityVault except through the identity
endpoint: not in lists, reads, history, events on the bus, obligations (whose titles go into
notices), statistics, the public tracking, nor in a log line. And the vault holds it
encrypted, bound to its case."""

from __future__ import annotations

import boto3
import pytest

from tests.integration.test_cases_support import (
    DENUNCIATOR,
    SECRET_WORDS,
    bus_fixture,  # noqa: F401 (the bus fixture)
    logs_fixture,  # noqa: F401 (the logs fixture)
    obligation_rows,
    set_day,
    world_fixture,  # noqa: F401 (the world fixture)
)


def leaks(text: str) -> list[str]:
    return [word for word in SECRET_WORDS if word.lower() in text.lower()]


def test_a_denunciation_from_intake_to_publication_shows_the_identity_only_where_allowed(
    world, logs, bus
):
    seen: list[str] = []  # every reply other than the identity endpoint's

    def keep(result):
        seen.append(str(result))
        return result

    receipt = keep(world.submit())
    _, _, page = keep(world.get("vp_clerk", "/v1/cases"))
    case_id = page["items"][0]["id"]
    keep(
        world.act(
            "vp_clerk",
            case_id,
            "classify",
            {"decision": "transfer", "to_unit_id": world.unit("TTR-HN")},
        )
    )
    keep(world.act("vp_clerk", case_id, "forward", {}))
    set_day("2027-02-03")
    keep(world.act("inspector", case_id, "assign", {"handler_id": "sub-inspector"}))
    keep(world.act("inspector", case_id, "accept", {}))
    status, _, identity = world.get("inspector", f"/v1/cases/{case_id}/identity")
    assert status == 200 and identity["name"] == DENUNCIATOR["name"]  # the one place it shows
    keep(world.act("inspector", case_id, "verify", {}))
    keep(
        world.act(
            "inspector",
            case_id,
            "extend",
            {
                "criteria": ["several_contents"],
                "days": 20,
                "reason": "Phức tạp",
                "decision_number": "9/QĐ",
            },
        )
    )
    keep(
        world.act(
            "inspector",
            case_id,
            "conclude",
            {"result": "founded", "conclusion_number": "1/KL", "summary": "Tố cáo đúng"},
        )
    )
    keep(world.act("inspector", case_id, "publish", {}))
    keep(world.get("inspector", f"/v1/cases/{case_id}"))
    keep(world.get("inspector", f"/v1/cases/{case_id}/history", query={"limit": "200"}))
    keep(world.get("inspector", "/v1/cases", query={"kind": "denunciation"}))
    keep(world.get("chairman", "/v1/cases", query={"unit_id": "all", "due_to": "2027-12-31"}))
    keep(world.get("chairman", "/v1/cases/stats", query={"from": "2027-02-01", "to": "2027-02-28"}))
    keep(world.track(receipt["tracking_code"], receipt["secret"]))

    assert all(not leaks(reply) for reply in seen), [leaks(r) for r in seen]
    titles = [row["title"] for row in obligation_rows(case_id)]
    assert titles and not leaks(str(obligation_rows(case_id)))
    events = bus()
    assert {e["detail-type"] for e in events} == {
        "CaseReceived",
        "CaseTransferred",
        "CaseAccepted",
        "CaseExtended",
        "CaseResolved",
    }
    assert not leaks(str(events))
    log = logs.getvalue()
    assert case_id in log and "identity read" in log  # the logs were captured
    assert not leaks(log)


def test_the_case_holds_a_pseudonym_and_what_the_citizen_typed_is_redacted(world):
    world.submit(
        subject=f"Tôi là {DENUNCIATOR['name']} ({DENUNCIATOR['phone']}), tố cáo cán bộ X",
        denounced=f"Cán bộ X, hàng xóm của {DENUNCIATOR['name']}",
    )
    _, _, page = world.get("vp_clerk", "/v1/cases")
    case = world.case("vp_clerk", page["items"][0]["id"])
    assert case["pseudonym"].startswith("Người tố cáo ")
    assert case["summary"] == "Tôi là […] ([…]), tố cáo cán bộ X"
    assert case["denounced"] == "Cán bộ X, hàng xóm của […]"
    assert not leaks(str(case))


def test_a_summary_rewritten_at_classification_is_redacted_like_the_first(world):
    """The clerk who classifies may rewrite the summary: what they type is redacted against
    the sealed identity too, so the name is not listed, searchable nor kept in the history."""
    world.submit()
    _, _, page = world.get("vp_clerk", "/v1/cases")
    case_id = page["items"][0]["id"]
    summary = f"Bà {DENUNCIATOR['name']} ({DENUNCIATOR['phone']}) tố cáo cán bộ thu tiền"
    body = {"decision": "transfer", "to_unit_id": world.unit("TTR-HN"), "summary": summary}
    status, _, case = world.act("vp_clerk", case_id, "classify", body)
    assert status == 200 and case["summary"] == "Bà […] ([…]) tố cáo cán bộ thu tiền"
    query = {"q": DENUNCIATOR["name"], "unit_id": "all"}
    assert world.get("chairman", "/v1/cases", query=query)[2]["items"] == []
    _, _, history = world.get("chairman", f"/v1/cases/{case_id}/history")
    assert not leaks(str(history)) and not leaks(str(world.case("chairman", case_id)))


def test_the_vault_holds_the_identity_encrypted_and_nothing_readable(world):
    case = world.create("ttr_clerk")
    table = world.tpl.functions()["CasesFunction"].environment["IDENTITY_VAULT_TABLE"]
    item = boto3.client("dynamodb").get_item(
        TableName=table, Key={"pk": {"S": f"CASE#{case['id']}"}, "sk": {"S": "IDENTITY"}}
    )["Item"]
    raw = repr(item).encode()
    blobs = b"".join(part["B"] for part in item["parts"]["L"])
    for word in SECRET_WORDS:
        assert word.encode() not in raw and word.encode() not in blobs
    cases_table = world.tpl.functions()["CasesFunction"].environment["CASES_TABLE"]
    stored = boto3.client("dynamodb").get_item(
        TableName=cases_table, Key={"pk": {"S": f"CASE#{case['id']}"}, "sk": {"S": "CASE"}}
    )["Item"]
    assert not leaks(repr(stored))


def test_a_sealed_identity_moved_to_another_case_does_not_open(world):
    from botocore.exceptions import ClientError
    from cityops.cases import vault

    first = world.create("ttr_clerk")
    second = world.create("ttr_clerk", identity=None, original_text=None)
    assert vault.unseal(second["id"]) is None
    assert vault.unseal(first["id"])["name"] == DENUNCIATOR["name"]
    table = vault.table()
    dynamodb = boto3.client("dynamodb")
    item = dynamodb.get_item(
        TableName=table, Key={"pk": {"S": f"CASE#{first['id']}"}, "sk": {"S": "IDENTITY"}}
    )["Item"]
    dynamodb.put_item(TableName=table, Item={**item, "pk": {"S": f"CASE#{second['id']}"}})
    with pytest.raises(ClientError):  # the encryption context binds it to the first case
        vault.unseal(second["id"])


def test_an_error_while_handling_logs_no_identity(world, logs, monkeypatch):
    from cityops.cases import vault

    def broken(case_id, identity):
        raise RuntimeError("kms is down")

    monkeypatch.setattr(vault, "seal", broken)
    status, _, problem = world.request("POST", "/v1/public/cases", None, body=_public())
    assert status == 500 and not leaks(str(problem))
    log = logs.getvalue()
    assert "kms is down" in log and not leaks(log)


def _public():
    from tests.integration.test_cases_support import public_case

    return public_case()


def test_a_clerk_assigned_as_handler_may_not_read_the_identity(world):
    """Only the assigned *inspector* and the resolver read it (Law on Denunciations Art. 8(3),
    47): a clerk or officer handling the case works from the copy without the identity."""
    case = world.create("ttr_clerk")
    assert world.act("inspector", case["id"], "assign", {"handler_id": "sub-ttr_clerk"})[0] == 200
    status, _, body = world.get("ttr_clerk", f"/v1/cases/{case['id']}/identity")
    assert status == 403 and DENUNCIATOR["name"] not in str(body)
    world.act("inspector", case["id"], "assign", {"handler_id": "sub-inspector"})
    status, _, identity = world.get("inspector", f"/v1/cases/{case['id']}/identity")
    assert status == 200 and identity["name"] == DENUNCIATOR["name"]


def test_the_audit_records_of_a_case_hold_no_identity(world):
    """The before and after of every change (the case as the store keeps it) and every
    identity read, as written in the table: no name, phone, email, id number or address."""
    from cityops.core.dynamo import query_page

    case = world.create("ttr_clerk")
    world.act("inspector", case["id"], "assign", {"handler_id": "sub-inspector"})
    world.act("inspector", case["id"], "accept", {})
    assert world.get("inspector", f"/v1/cases/{case['id']}/identity")[0] == 200
    world.act("inspector", case["id"], "suspend", {"reason": "Chờ", "related_matter": "Vụ án"})
    table = world.tpl.functions()["CasesFunction"].environment["CASES_TABLE"]
    records, _ = query_page(
        table,
        key_condition="pk = :pk AND begins_with(sk, :event)",
        values={":pk": f"CASE#{case['id']}", ":event": "EVENT#"},
        limit=100,
    )
    assert [r["action"] for r in records] == [
        "case.received",
        "case.assign",
        "case.accept",
        "identity.read",
        "case.suspend",
    ]
    assert any(r["changes"] for r in records) and not leaks(repr(records))
