"""Every sample HTTP event in events/<function>/ is one its function answers without a 5xx
(a sample that drifts from the code fails here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FakeContext

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(
    p
    for p in (ROOT / "events").glob("*/*.json")
    if json.loads(p.read_text()).get("version") == "2.0"
)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_sample_http_event_gets_an_answer_that_is_not_a_server_error(seeded, function, sample):
    event = json.loads(sample.read_text())
    reply = function(sample.parent.name).lambda_handler(event, FakeContext())
    assert reply["statusCode"] < 500, reply
