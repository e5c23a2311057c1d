"""Outgoing documents, files and search, on fakes: drafted by an officer, signed by a leader
with the signed file available, issued by a clerk with the unit's next number and an
Appendix I symbol, delivered to each recipient unit once, revoked keeping its number; an
upload checked for its size, checksum and real type; folded words."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from cityops.core import clock
from cityops.core.errors import Conflict, Forbidden, InvalidInput, PayloadTooLarge
from cityops.core.search import fold, matches, query_words, words
from cityops.core.statemachine import InvalidTransition
from cityops.documents import files, incoming, outgoing, reads
from cityops.documents.domain import symbol
from cityops.documents.models import FileCreate, LegalHold, Note, Reason, Signing
from cityops.documents.objects import sniff

from tests.unit.test_documents_world import incoming_data, outgoing_data
from tests.unit.test_documents_world import world as world

PDF = b"%PDF-1.7\n" + b"0" * 200


def upload(world, who, document_id, body=PDF, media_type="application/pdf", declared=None):
    """Ask for an upload, put the bytes, and let S3's event check them."""
    data = FileCreate(name="ban-ky.pdf", media_type=media_type, size=len(body),
                      sha256=declared or hashlib.sha256(body).hexdigest())  # fmt: skip
    reply = files.request_upload(who, document_id, data)
    key = files.file_key(document_id, reply.file.id)
    world.files.bodies[key] = body
    return reply.file.id, files.check_upload(key)


def signed_draft(world):
    draft = outgoing.draft(world.who("sotc.officer"), outgoing_data(world))
    outgoing.submit(world.who("sotc.officer"), draft.id, Note(), 1)
    file_id, _ = upload(world, world.who("sotc.leader"), draft.id)
    current = world.documents.load(draft.id)
    signed = outgoing.sign(world.who("sotc.leader"), draft.id, Signing(file_id=file_id),
                           current.version)  # fmt: skip
    return signed, file_id


def test_symbols_follow_appendix_one():
    assert symbol(15, "QĐ", "UBND", None) == "15/QĐ-UBND"
    assert symbol(3, "QĐ", "UBND", None) == "03/QĐ-UBND"  # from 01
    assert symbol(5, "CV", "STC", "QLNS") == "05/STC-QLNS"
    assert symbol(1, "CV", "STC", None) == "01/STC"


def test_issuing_takes_the_units_next_outgoing_number_and_lands_in_the_recipients_register(world):
    signed, _ = signed_draft(world)
    issued = outgoing.issue(world.who("sotc.clerk"), signed.id, Note(), signed.version)
    assert (issued.status, issued.number, issued.number_symbol) == ("issued", 1, "01/STC")
    assert issued.register_id == world.register_of("SO-TC", "outgoing").id
    copy_id = world.documents.unique_owner(
        incoming.delivery_key(issued.id, world.units["VP-UBND"].id)
    )
    copy = world.documents.load(copy_id)
    assert copy.kind == "incoming" and copy.unit.id == world.units["VP-UBND"].id
    assert copy.number == 1 and copy.number_symbol == "01/STC"
    assert copy.source_document_id == issued.id and copy.files[0].status == "available"
    # delivered once: a second run (the DocumentIssued event) finds the first
    assert outgoing.deliver_all(issued) == [{"unit_id": world.units["VP-UBND"].id,
                                            "document_id": copy_id}]  # fmt: skip
    assert sum(1 for d in world.documents.entities.values() if d.kind == "incoming") == 1


def test_a_cong_van_drafted_by_a_division_carries_its_abbreviation(world):
    data = outgoing_data(world, issuing_unit_id=world.units["SO-TC"].id)
    draft = outgoing.draft(world.who("qlns.officer"), data)
    assert draft.drafting_unit.id == world.units["SO-TC.NS"].id
    outgoing.submit(world.who("qlns.officer"), draft.id, Note(), 1)
    file_id, _ = upload(world, world.who("sotc.leader"), draft.id)
    outgoing.sign(world.who("sotc.leader"), draft.id, Signing(file_id=file_id), 4)  # +file, +check
    issued = outgoing.issue(world.who("sotc.clerk"), draft.id, Note(), 5)
    assert issued.number_symbol == "01/STC-QLNS"


def test_signing_needs_the_signed_file_uploaded_and_available(world):
    draft = outgoing.draft(world.who("sotc.officer"), outgoing_data(world))
    outgoing.submit(world.who("sotc.officer"), draft.id, Note(), 1)
    with pytest.raises(InvalidTransition, match="hãy tải tệp đã ký lên trước"):
        outgoing.sign(world.who("sotc.leader"), draft.id, Signing(file_id=draft.id), 2)
    file_id, result = upload(world, world.who("sotc.leader"), draft.id, declared="0" * 64)
    assert result["result"] == "quarantined"
    with pytest.raises(InvalidTransition, match="Tệp đã ký đang ở trạng thái «Bị cách ly»"):
        outgoing.sign(world.who("sotc.leader"), draft.id, Signing(file_id=file_id), 4)


def test_only_a_leader_of_the_issuing_unit_signs_and_only_its_clerk_issues(world):
    draft = outgoing.draft(world.who("sotc.officer"), outgoing_data(world))
    outgoing.submit(world.who("sotc.officer"), draft.id, Note(), 1)
    with pytest.raises(Forbidden):
        outgoing.sign(world.who("sotc.officer"), draft.id, Signing(file_id=draft.id), 2)
    signed, _ = signed_draft(world)
    with pytest.raises(Forbidden):
        outgoing.issue(world.who("sotc.leader"), signed.id, Note(), signed.version)
    with pytest.raises(Forbidden):
        outgoing.draft(world.who("sotc.clerk"), outgoing_data(world))


def test_a_revoked_document_keeps_its_number_and_the_next_takes_the_next(world):
    first, _ = signed_draft(world)
    first = outgoing.issue(world.who("sotc.clerk"), first.id, Note(), first.version)
    revoked = outgoing.revoke(world.who("sotc.leader"), first.id, Reason(reason="Sai thể thức"),
                              first.version)  # fmt: skip
    assert revoked.status == "revoked" and revoked.number == 1
    second, _ = signed_draft(world)
    second = outgoing.issue(world.who("sotc.clerk"), second.id, Note(), second.version)
    assert second.number == 2
    copy_id = world.documents.unique_owner(
        incoming.delivery_key(first.id, world.units["VP-UBND"].id)
    )
    assert world.documents.load(copy_id).sender_revoked.reason == "Sai thể thức"
    assert "DocumentRevoked" in [kind for kind, _ in world.documents.events]


def test_a_reply_deadline_already_past_is_refused_and_nothing_is_drafted(world):
    past = clock.today() - timedelta(days=1)
    with pytest.raises(InvalidInput, match=f"Hạn trả lời {past:%d/%m/%Y} đã qua") as refused:
        outgoing.draft(world.who("sotc.officer"), outgoing_data(world, reply_deadline=past))
    assert refused.value.errors[0]["loc"] == ["body", "reply_deadline"]
    assert not [d for d in world.documents.entities.values() if d.kind == "outgoing"]
    today = outgoing_data(world, reply_deadline=clock.today())
    assert outgoing.draft(world.who("sotc.officer"), today).reply_deadline == clock.today()


def test_a_unit_without_an_abbreviation_cannot_issue(world):
    world.abbreviations.entities.pop(world.units["SO-TC"].id)
    signed, _ = signed_draft(world)
    with pytest.raises(Conflict, match="chưa có chữ viết tắt"):
        outgoing.issue(world.who("sotc.clerk"), signed.id, Note(), signed.version)
    assert world.documents.current_number(world.register_of("SO-TC", "outgoing").id, 2026) == 0


def test_a_drafter_issues_only_for_their_unit_or_a_unit_above(world):
    with pytest.raises(InvalidInput, match="Đơn vị ban hành phải là"):
        outgoing.draft(world.who("sotc.officer"),
                       outgoing_data(world, issuing_unit_id=world.units["SO-XD"].id))  # fmt: skip


def test_an_upload_whose_size_checksum_or_type_differs_is_quarantined_with_the_reason(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    clerk = world.who("vp.clerk")
    _, ok = upload(world, clerk, document.id)
    _, bad_sum = upload(world, clerk, document.id, declared=hashlib.sha256(b"other").hexdigest())
    _, bad_type = upload(world, clerk, document.id, body=b"MZ\x90\x00 not a pdf")
    _, wrong_kind = upload(world, clerk, document.id, body=b"\x89PNG\r\n\x1a\n" + b"1" * 30)
    assert ok["result"] == "available"
    assert bad_sum == {
        **bad_sum,
        "result": "quarantined",
        "reason": "Mã SHA-256 của tệp khác với mã đã khai.",
    }
    assert bad_type["result"] == "quarantined" and "Không phải tệp PDF" in bad_type["reason"]
    assert wrong_kind["reason"] == "Nội dung là tệp PNG, không phải loại đã khai application/pdf."
    stored = world.documents.load(document.id).files
    assert [f.status for f in stored] == ["available", "quarantined", "quarantined", "quarantined"]
    assert len(world.files.marks) == 3


def test_a_file_is_checked_once_and_a_quarantined_one_cannot_be_opened(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    file_id, _ = upload(world, world.who("vp.clerk"), document.id, declared="1" * 64)
    key = files.file_key(document.id, file_id)
    assert files.check_upload(key)["reason"] == "already checked"
    with pytest.raises(Conflict, match="«Bị cách ly»"):
        files.download(world.who("vp.clerk"), document.id, file_id)


def test_every_opening_of_a_file_is_recorded_with_who_and_which(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    file_id, _ = upload(world, world.who("vp.clerk"), document.id)
    opened = files.download(world.who("vp.leader"), document.id, file_id)
    assert opened.url.startswith("memory://")
    assert world.documents.reads == [
        {
            **world.documents.reads[0],
            "document_id": document.id,
            "file_id": file_id,
            "by": "vp.leader",
        }
    ]


def test_a_file_too_large_is_refused_before_anything_is_written(world, setting):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    setting("DOCUMENTS_MAX_FILE_MB", "1")
    data = FileCreate(name="x.pdf", media_type="application/pdf", size=2 * 1024 * 1024,
                      sha256="a" * 64)  # fmt: skip
    with pytest.raises(PayloadTooLarge):
        files.request_upload(world.who("vp.clerk"), document.id, data)
    assert world.documents.load(document.id).files == []


def test_a_correction_is_a_new_version_and_the_old_file_stays(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    first, _ = upload(world, world.who("vp.clerk"), document.id)
    data = FileCreate(name="ban-sua.pdf", media_type="application/pdf", size=len(PDF),
                      sha256=hashlib.sha256(PDF).hexdigest(), replaces_file_id=first)  # fmt: skip
    second = files.request_upload(world.who("vp.clerk"), document.id, data).file
    assert second.version == 2 and second.replaces == first
    assert second.id != first and len(world.documents.load(document.id).files) == 2


def test_only_an_administrator_places_a_legal_hold(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    file_id, _ = upload(world, world.who("vp.clerk"), document.id)
    with pytest.raises(Forbidden):
        files.legal_hold(world.who("vp.leader"), document.id, file_id, True, 3)
    held = files.legal_hold(world.who("admin"), document.id, file_id, LegalHold(on=True).on, 3)
    assert (held.file_id, held.legal_hold, held.version) == (file_id, True, 4)
    assert world.files.holds == {files.file_key(document.id, file_id): True}


def test_the_real_type_is_read_from_the_bytes():
    def office(parts: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return out.getvalue()

    assert sniff(PDF) == "pdf"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert sniff(b"II*\x00rest") == "tiff" and sniff(b"MM\x00*rest") == "tiff"
    assert sniff(office({"[Content_Types].xml": b"", "word/document.xml": b""})) == "docx"
    assert sniff(office({"[Content_Types].xml": b"", "xl/workbook.xml": b""})) == "xlsx"
    assert sniff(office({"mimetype": b"application/vnd.oasis.opendocument.text"})) == "odt"
    assert sniff(office({"anything.txt": b""})) is None
    assert sniff(b"GIF89a") is None


def test_words_are_folded_without_diacritics_or_case():
    assert fold("Quy hoạch ĐÔ THỊ") == "quy hoach do thi"
    assert words("15/QĐ-UBND", "Quy hoạch") == ["15", "qd", "ubnd", "quy", "hoach"]
    assert matches("quy hoach", "Về việc Quy hoạch chung") and not matches("quy hoach", "Quy")
    assert query_words("đô thị hoạch") == ["hoach", "thi", "do"]


def test_a_list_shows_what_a_unit_may_see_and_search_finds_folded_words(world):
    document = incoming.register_incoming(world.who("vp.clerk"), incoming_data())
    assert "quy" in document.words and "8123" in document.words and "vpcp" in document.words
    out = reads.document_out(world.who("vp.clerk"), document)
    assert out.doc_type_name == "Công văn" and out.number == 1
