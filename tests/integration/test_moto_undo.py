"""moto's TransactWriteItems as the tests and the local stack run it (`infra/local/atomic.py`):
a transaction that fails leaves every item it named as it was, with an undo log of those items
instead of a copy of every table per item."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

T = "UndoTest"


def key(pk: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": pk}, "sk": {"S": "1"}}


@pytest.fixture
def table(aws):
    client = boto3.client("dynamodb", region_name="ap-southeast-1")
    client.create_table(
        TableName=T,
        KeySchema=[
            {"AttributeName": a, "KeyType": k} for a, k in (("pk", "HASH"), ("sk", "RANGE"))
        ],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(
        TableName="UndoTest", Item={"pk": {"S": "kept"}, "sk": {"S": "1"}, "n": {"N": "1"}}
    )
    client.put_item(TableName="UndoTest", Item={"pk": {"S": "taken"}, "sk": {"S": "1"}})
    return client


def _items(client) -> dict[str, dict]:
    return {i["pk"]["S"]: i for i in client.scan(TableName=T)["Items"]}


def test_a_transaction_whose_last_condition_fails_writes_nothing_of_what_came_before(table):
    with pytest.raises(ClientError) as refused:
        table.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": T, "Item": key("new")}},
                {
                    "Update": {
                        "TableName": T,
                        "Key": key("kept"),
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Delete": {"TableName": T, "Key": key("gone")}},
                {
                    "Put": {
                        "TableName": T,
                        "Item": key("taken"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = _items(table)
    assert set(items) == {"kept", "taken"}  # the new item undone
    assert items["kept"]["n"] == {"N": "1"}  # the update undone


def test_a_transaction_that_passes_writes_all_of_it(table):
    table.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": T, "Item": key("new")}},
            {"Delete": {"TableName": T, "Key": key("taken")}},
        ]
    )
    assert set(_items(table)) == {"kept", "new"}
