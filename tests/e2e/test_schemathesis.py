"""schemathesis over every operation of docs/openapi.json against the local stack (`make run`
on free ports, a stack of its own: the fuzzer's writes would crowd the shared one), signed in
as four roles: 0 server errors, 0 responses the document does not describe (status, content
type, schema, required headers). Bounded for CI: a few examples per operation and mode,
derandomized (the same requests every run), no shrinking, no example database."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import running_stack

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
# A city leader, a unit officer, an administrator and the city Inspectorate's inspector.
ROLES = ("chairman", "sotc.officer", "admin", "thanhtra.inspector")
EXAMPLES = {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1}
# Invalid inputs are refused before anyone's rights are read: those run as the first role only.
NEGATIVE_ROLES = ROLES[:1]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory):
    with running_stack(tmp_path_factory) as stack:
        yield stack


def _operations():
    schema = schemathesis.openapi.from_path(DOCUMENT)
    return [result.ok() for result in schema.get_all_operations()]


def test_schemathesis_finds_no_server_error_and_no_reply_the_document_does_not_describe(
    fuzzed_stack,
):
    tokens = {user: fuzzed_stack.token(user) for user in ROLES}
    session = requests.Session()
    figures: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    problems: dict[str, str] = {}
    operations = _operations()
    started = time.monotonic()

    def fuzz(operation, user: str, token: str, mode: GenerationMode) -> None:
        headers = {"Authorization": f"Bearer {token}"}

        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking storms
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def probe(case):
            figures["requests"] += 1
            try:
                response = case.call(
                    base_url=fuzzed_stack.base, session=session, headers=headers, timeout=30
                )
            except requests.RequestException as error:  # no answer in 30 s is a failure too
                figures["no answer"] += 1
                problems.setdefault(f"{operation.label} [no answer]", f"{user}: {error}"[:600])
                return
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                figures["5xx"] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as failure:  # a FailureGroup: every failed check
                figures["violations"] += 1
                key = f"{operation.label} [{response.status_code}]"
                problems.setdefault(key, f"{user}, {mode.value}: {str(failure).strip()[:600]}")

        try:
            probe()
        except Unsatisfiable:  # e.g. no negative case for an operation without inputs
            figures["unsatisfiable"] += 1

    for operation in operations:
        for user, token in tokens.items():
            for mode in EXAMPLES:
                if mode is GenerationMode.POSITIVE or user in NEGATIVE_ROLES:
                    fuzz(operation, user, token, mode)

    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis: {len(operations)} operations x {len(tokens)} roles, "
        f"{figures['requests']} requests in {elapsed:.0f} s, {figures['5xx']} 5xx, "
        f"{figures['no answer']} unanswered, "
        f"{figures['violations']} violations ({figures['unsatisfiable']} runs without inputs "
        f"to vary); statuses {dict(sorted(statuses.items()))}"
    )
    for key, text in sorted(problems.items()):
        print(f"- {key}: {text}")
    assert figures["requests"] >= len(operations) * len(tokens)
    assert figures["5xx"] == figures["violations"] == figures["no answer"] == 0, sorted(problems)
