"""The documents' pipelines: every change to a document, a register or an abbreviation runs
through one of these (`cityops.core.pipeline`). Unit tests swap their stores for the fakes of
`cityops.documents.fakes` with `using(...)`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from cityops.core.errors import NumberRace
from cityops.core.ids import is_ulid
from cityops.core.pipeline import Busy, Pipeline
from cityops.documents import policy
from cityops.documents.domain import Abbreviation, Document, Register
from cityops.documents.store import AbbreviationStore, DocumentStore, RegisterStore
from cityops.documents.workflow import ABBREVIATION, INCOMING, OUTGOING, REGISTER

DOCUMENTS: Pipeline[Document] = Pipeline(
    store=DocumentStore(),
    machines={"incoming": INCOMING, "outgoing": OUTGOING},
    kind_of=lambda d: d.kind,
    sees=policy.sees_document,
    permissions=policy.PERMISSIONS,
    not_found="Không có văn bản này.",
    changed_message="Văn bản đã thay đổi kể từ lần đọc trước; hãy tải lại văn bản.",
)
# What an administrator does to records (legal holds) without reading their content lists.
RECORDS: Pipeline[Document] = Pipeline(
    store=DOCUMENTS.store,
    machines=DOCUMENTS.machines,
    kind_of=lambda d: d.kind,
    sees=lambda who, d: who.is_admin or policy.sees_document(who, d),
    permissions=policy.PERMISSIONS,
    not_found="Không có văn bản này.",
    changed_message=DOCUMENTS.changed_message,
)
REGISTERS: Pipeline[Register] = Pipeline(
    store=RegisterStore(),
    machines={"register": REGISTER},
    sees=policy.sees_register,
    permissions=policy.PERMISSIONS,
    not_found="Không có sổ đăng ký này.",
    changed_message="Sổ đăng ký đã thay đổi kể từ lần đọc trước; hãy tải lại.",
)
ABBREVIATIONS: Pipeline[Abbreviation] = Pipeline(
    store=AbbreviationStore(),
    machines={"abbreviation": ABBREVIATION},
    sees=lambda _who, _a: True,  # symbols are public knowledge
    permissions=policy.PERMISSIONS,
    not_found="Không có đơn vị này.",
    changed_message="Chữ viết tắt đã thay đổi kể từ lần đọc trước; hãy tải lại.",
    valid_id=is_ulid,
)


@contextmanager
def using(documents: Any, registers: Any, abbreviations: Any) -> Iterator[None]:
    """Run every pipeline on other stores (the fakes, in unit tests)."""
    previous = RECORDS.store
    with ExitStack() as stack:
        stack.enter_context(DOCUMENTS.using(documents))
        stack.enter_context(REGISTERS.using(registers))
        stack.enter_context(ABBREVIATIONS.using(abbreviations))
        RECORDS.store = documents
        try:
            yield
        finally:
            RECORDS.store = previous


T = TypeVar("T")
NUMBER_ATTEMPTS = 25


def taking_a_number(attempt: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """Run a change that takes a register's next number; when another change took it first
    (its transaction committed between our read and our write), read again and take the
    next. Nothing is taken by a change that fails."""
    for n in range(NUMBER_ATTEMPTS):
        try:
            return attempt()
        except NumberRace:
            sleep(random.uniform(0, min(0.2, 0.004 * 2**n)))  # noqa: S311 (jitter)
    raise Busy("Đang có nhiều văn bản cùng được lấy số trong sổ này; hãy thử lại sau giây lát.")
