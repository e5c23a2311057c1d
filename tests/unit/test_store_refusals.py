"""A refused transaction is explained by the store that owns the item whose condition failed."""

from __future__ import annotations

from types import SimpleNamespace

from cityops.core.deferred import Writes
from cityops.core.errors import Conflict, NumberRace, VersionConflict
from cityops.documents.store import DocumentStore
from cityops.reports.store import FormStore, ReportStore


def _put(pk: str) -> dict:
    return {"Put": {"TableName": "t", "Item": {"pk": {"S": pk}, "sk": {"S": "x"}}}}


def _change(*items: dict) -> SimpleNamespace:
    return SimpleNamespace(transact_items=lambda: list(items))


def test_an_outgoing_number_taken_in_a_reports_transaction_is_the_documents_number_race():
    number = _put("REGISTER#r1")
    writes = Writes(store=DocumentStore(), changes=[_change(_put("DOC#d1"), number)])
    work = SimpleNamespace(records=[writes], before=SimpleNamespace(version=3))
    refusal = ReportStore()._refused(work, 4, number)  # the report's own items come first
    assert isinstance(refusal, NumberRace)


def test_a_reports_own_items_are_refused_as_the_reports_store_says():
    work = SimpleNamespace(records=[Writes(store=DocumentStore())], before=None)
    assert str(ReportStore()._refused(work, 0, _put("REPORT#r"))) == "Báo cáo này đã được mở."
    work.before = SimpleNamespace(version=2)
    assert isinstance(ReportStore()._refused(work, 0, _put("REPORT#r")), VersionConflict)
    assert type(ReportStore()._refused(work, 2, _put("CLAIM#c"))) is Conflict


def test_a_form_code_taken_is_named_and_other_refusals_are_left_to_the_default():
    work = SimpleNamespace(records=[], before=None)
    refusal = FormStore()._refused(work, 1, _put("FORMCODE#BC-01"))
    assert str(refusal) == "Đã có biểu mẫu báo cáo khác mang mã BC-01; hãy chọn mã khác."
    assert FormStore()._refused(work, 0, _put("FORM#f")) is None
