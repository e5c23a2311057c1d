"""The floor of `make bench`'s cold starts: the smallest handler anyone could deploy for this
API. boto3, Powertools' Logger and HTTP resolver with validation, one request model and one
reply model, one route, and one real write (its client made on first use, as the functions'
are). The functions are measured against it: what they cost above it is ours to remove.

With `FLOOR_CALLS` set (a comma-separated list of `service.Operation`, as `make bench` counts
them in a function's first request), it makes those AWS calls instead of its one write, each
client made on first use: the same handler, doing what the design obliges that function's
request to ask of AWS (a create's read of the caller, its transaction, its event; a case's
identity sealed). What a function costs above that floor is its own code's."""

from __future__ import annotations

import json
import os
import uuid
from typing import Annotated

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from botocore import xform_name
from pydantic import BaseModel, ConfigDict, Field

logger = Logger()
app = APIGatewayHttpResolver(enable_validation=True)
_clients: dict[str, object] = {}


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: str = Field(min_length=1, max_length=26)
    text: str = Field(min_length=1, max_length=2000)


class Note(NoteCreate):
    id: str
    version: int


def _client(service: str):
    if service not in _clients:
        _clients[service] = boto3.client(service)
    return _clients[service]


def _key(note: Note) -> dict:
    return {"pk": {"S": f"NOTE#{note.id}"}, "sk": {"S": "NOTE"}}


def _item(note: Note) -> dict:
    return {
        **_key(note),
        "unit_id": {"S": note.unit_id},
        "text": {"S": note.text},
        "version": {"N": "1"},
    }


TABLE = os.environ["DIRECTORY_TABLE"]
CALLS = {  # the smallest real request of each operation a function's first request makes
    "dynamodb.PutItem": lambda n: {
        "TableName": TABLE,
        "Item": _item(n),
        "ConditionExpression": "attribute_not_exists(pk)",
    },
    "dynamodb.GetItem": lambda n: {"TableName": TABLE, "Key": _key(n)},
    "dynamodb.BatchGetItem": lambda n: {"RequestItems": {TABLE: {"Keys": [_key(n)]}}},
    "dynamodb.Query": lambda n: {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": _key(n)["pk"]},
    },
    "dynamodb.TransactWriteItems": lambda n: {
        "TransactItems": [
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": _item(n),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
    },
    "events.PutEvents": lambda n: {
        "Entries": [
            {
                "Source": "cityops.floor",
                "DetailType": "NoteCreated",
                "Detail": json.dumps({"id": n.id}),
                "EventBusName": os.environ["EVENT_BUS_NAME"],
            }
        ]
    },
    "kms.Encrypt": lambda n: {"KeyId": os.environ["IDENTITY_KEY_ID"], "Plaintext": b"floor"},
    "secretsmanager.GetSecretValue": lambda n: {"SecretId": os.environ["CURSOR_SECRET_ARN"]},
}
PLAN = [c for c in os.environ.get("FLOOR_CALLS", "dynamodb.PutItem").split(",") if c]
if unknown := [c for c in PLAN if c not in CALLS]:
    raise ValueError(f"the floor cannot make {unknown}: add them to bench/floor/app.py CALLS")


def _call(name: str, note: Note) -> None:
    service, operation = name.split(".")
    client = _client(service)
    getattr(client, xform_name(operation))(**CALLS[name](note))


@app.post("/v1/notes")
def create_note(note: Annotated[NoteCreate, Body()]) -> Note:
    created = Note(id=uuid.uuid4().hex, version=1, **note.model_dump())
    for name in PLAN:
        _call(name, created)
    return created


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
