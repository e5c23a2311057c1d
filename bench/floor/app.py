"""The floor of `make bench`'s cold starts: the smallest handler anyone could deploy for this
API. boto3, Powertools' Logger and HTTP resolver with validation, one request model and one
reply model, one route, and one real write (its client made on first use, as the functions'
are). The functions are measured against it: what they cost above it is ours to remove."""

from __future__ import annotations

import os
import uuid
from typing import Annotated

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
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


def _dynamodb():
    if "dynamodb" not in _clients:
        _clients["dynamodb"] = boto3.client("dynamodb")
    return _clients["dynamodb"]


@app.post("/v1/notes")
def create_note(note: Annotated[NoteCreate, Body()]) -> Note:
    created = Note(id=uuid.uuid4().hex, version=1, **note.model_dump())
    _dynamodb().put_item(
        TableName=os.environ["DIRECTORY_TABLE"],
        Item={
            "pk": {"S": f"NOTE#{created.id}"},
            "sk": {"S": "NOTE"},
            "unit_id": {"S": created.unit_id},
            "text": {"S": created.text},
            "version": {"N": "1"},
        },
        ConditionExpression="attribute_not_exists(pk)",
    )
    return created


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
