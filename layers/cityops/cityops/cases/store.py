"""The cases store: the only code that speaks DynamoDB for cases (the vault is `vault.py`).

Table `Cases` (pk, sk):
- a case:                CASE#<id>             / CASE
- its audit records:     CASE#<id>             / EVENT#<ulid>   (also every identity read)
- its public tracking:   TRACK#<code>          / TRACK          (case id, salt, secret hash)
- failed secret checks:  TRACK#<code>          / FAIL#<yyyymmddhh> (counter, TTL expires_at)
- a time-limit rule:     TIMELIMIT#<rule>      / RULE           (versions added by an admin)
  and its audit records: TIMELIMIT#<rule>      / EVENT#<ulid>
- an imported row:       IMPORT#<sha256>       / ROW#<line>     (each row of a file once)
- window counters:       STATS#<yyyy-mm>       / <day>#<unit_id>#<kind>
- open counters:         OPENCOUNT             / <unit_id>#<kind>

Indexes (each a Query, never a Scan):
- `ByUnit`      gsi1pk UNIT#<unit>     gsi1sk <kind>#<status>#<id>   cases of a unit
- `ByUnitDue`   gsi2pk UNIT#<unit>     gsi2sk <due_at>#<id>          sparse: running deadlines
- `ByHandler`   gsi3pk HANDLER#<user>  gsi3sk <kind>#<status>#<id>   a handler's cases
- `OpenByDue`   gsi4pk OPEN            gsi4sk <due_at>#<id>          sparse: city-wide by due
"""

from __future__ import annotations

import os
from typing import Any

from botocore.exceptions import ClientError

from cityops.core.aws import client
from cityops.core.dynamo import batch_get, get_item, query_all, query_page, serialize

BY_UNIT = "ByUnit"
BY_UNIT_DUE = "ByUnitDue"
BY_HANDLER = "ByHandler"
OPEN_BY_DUE = "OpenByDue"


def table() -> str:
    return os.environ.get("CASES_TABLE", "CasesTable")


def case_pk(case_id: str) -> str:
    return f"CASE#{case_id}"


def get_case(case_id: str) -> dict[str, Any] | None:
    return get_item(table(), case_pk(case_id), "CASE")


def case_exists_check(case_id: str) -> dict[str, Any]:
    """A transaction item that holds only while the case exists."""
    return {
        "ConditionCheck": {
            "TableName": table(),
            "Key": serialize({"pk": case_pk(case_id), "sk": "CASE"}),
            "ConditionExpression": "attribute_exists(pk)",
        }
    }


def put_new(item: dict[str, Any]) -> dict[str, Any]:
    """A transaction item that creates an item that must not exist yet."""
    return {
        "Put": {
            "TableName": table(),
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def put_audit(record: dict[str, Any]) -> None:
    """An audit record written alone (an identity read changes no entity)."""
    client("dynamodb").put_item(
        TableName=table(),
        Item=serialize(record),
        ConditionExpression="attribute_not_exists(pk)",
    )


# --- public tracking ------------------------------------------------------------------------


def tracking_item(code: str, case_id: str, salt: bytes, digest: bytes) -> dict[str, Any]:
    return put_new(
        {"pk": f"TRACK#{code}", "sk": "TRACK", "case_id": case_id, "salt": salt, "hash": digest}
    )


def get_tracking(code: str) -> dict[str, Any] | None:
    item = get_item(table(), f"TRACK#{code}", "TRACK")
    if item is None:
        return None
    return {**item, "salt": _bytes(item["salt"]), "hash": _bytes(item["hash"])}


def reserve_attempt(code: str, hour: str, limit: int, expires_at: int) -> bool:
    """Count an attempt at a tracking code before its secret is checked, unless the hour's
    count has reached `limit` (then False). One conditional update: parallel guesses cannot
    pass the limit together."""
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=serialize({"pk": f"TRACK#{code}", "sk": f"FAIL#{hour}"}),
            UpdateExpression="ADD failures :one SET expires_at = :exp",
            ConditionExpression="attribute_not_exists(failures) OR failures < :limit",
            ExpressionAttributeValues=serialize({":one": 1, ":exp": expires_at, ":limit": limit}),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release_attempt(code: str, hour: str) -> None:
    """The secret was right: the attempt does not count as a failure."""
    client("dynamodb").update_item(
        TableName=table(),
        Key=serialize({"pk": f"TRACK#{code}", "sk": f"FAIL#{hour}"}),
        UpdateExpression="ADD failures :minus_one",
        ExpressionAttributeValues=serialize({":minus_one": -1}),
    )


def _bytes(value: Any) -> bytes:
    return bytes(value.value) if hasattr(value, "value") else bytes(value)


# --- time-limit rules ------------------------------------------------------------------------


def rule_pk(rule: str) -> str:
    return f"TIMELIMIT#{rule}"


def get_rule_items(rules: list[str]) -> dict[str, dict[str, Any]]:
    """The stored versions of these rules, read consistently."""
    keys = [{"pk": rule_pk(n), "sk": "RULE"} for n in rules]
    return {item["rule"]: item for item in batch_get(table(), keys, consistent=True)}


# --- lists -------------------------------------------------------------------------------------


def list_by_unit(
    unit_id: str,
    *,
    prefix: str,
    status: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    return query_page(
        table(),
        index=BY_UNIT,
        key_condition=_with_prefix("gsi1", prefix),
        values={":pk": f"UNIT#{unit_id}", **_prefix_value(prefix), **_status_value(status)},
        names=_status_name(status),
        filter_expression="#status = :status" if status else None,
        limit=limit,
        start_key=start_key,
        forward=False,
    )


def list_by_handler(
    handler_id: str,
    *,
    prefix: str,
    status: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    return query_page(
        table(),
        index=BY_HANDLER,
        key_condition=_with_prefix("gsi3", prefix),
        values={":pk": f"HANDLER#{handler_id}", **_prefix_value(prefix), **_status_value(status)},
        names=_status_name(status),
        filter_expression="#status = :status" if status else None,
        limit=limit,
        start_key=start_key,
        forward=False,
    )


def list_by_due(
    unit_id: str | None,
    *,
    low: str,
    high: str,
    filters: dict[str, str],
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Cases with a running deadline between `low` and `high` (ISO instants), soonest first;
    of one unit, or of the whole city (`unit_id` None)."""
    names = {f"#{k}": k for k in filters}
    values: dict[str, Any] = {f":{k}": v for k, v in filters.items()}
    expression = " AND ".join(f"#{k} = :{k}" for k in filters) or None
    if unit_id is None:
        index, pk_name, sk_name, pk = OPEN_BY_DUE, "gsi4pk", "gsi4sk", "OPEN"
    else:
        index, pk_name, sk_name, pk = BY_UNIT_DUE, "gsi2pk", "gsi2sk", f"UNIT#{unit_id}"
    values.update({":pk": pk, ":low": low, ":high": high + "#~"})
    return query_page(
        table(),
        index=index,
        key_condition=f"{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high",
        values=values,
        names=names or None,
        filter_expression=expression,
        limit=limit,
        start_key=start_key,
    )


def _with_prefix(index: str, prefix: str) -> str:
    if not prefix:  # DynamoDB refuses an empty begins_with on a key
        return f"{index}pk = :pk"
    return f"{index}pk = :pk AND begins_with({index}sk, :prefix)"


def _prefix_value(prefix: str) -> dict[str, str]:
    return {":prefix": prefix} if prefix else {}


def _status_value(status: str | None) -> dict[str, str]:
    return {":status": status} if status else {}


def _status_name(status: str | None) -> dict[str, str] | None:
    return {"#status": "status"} if status else None


# --- statistics --------------------------------------------------------------------------------


def stats_key(day: str, unit_id: str, kind: str) -> dict[str, str]:
    return {"pk": f"STATS#{day[:7]}", "sk": f"{day}#{unit_id}#{kind}"}


def open_count_key(unit_id: str, kind: str) -> dict[str, str]:
    return {"pk": "OPENCOUNT", "sk": f"{unit_id}#{kind}"}


def _all(**query: Any) -> list[dict[str, Any]]:
    return query_all(table(), **query)


def window_counters(month: str, first_day: str, last_day: str) -> list[dict[str, Any]]:
    """The day counters of one month between two days (one Query, paged)."""
    return _all(
        key_condition="pk = :pk AND sk BETWEEN :low AND :high",
        values={":pk": f"STATS#{month}", ":low": first_day, ":high": last_day + "#~"},
    )


def open_counters() -> list[dict[str, Any]]:
    """Open cases per unit and kind (one small partition: units x kinds rows)."""
    return _all(key_condition="pk = :pk", values={":pk": "OPENCOUNT"})


def overdue_cases(now_iso: str) -> list[dict[str, Any]]:
    """Every case with a running deadline already past (the work is these cases only)."""
    return _all(
        index=OPEN_BY_DUE,
        key_condition="gsi4pk = :pk AND gsi4sk < :now",
        values={":pk": "OPEN", ":now": now_iso},
    )
