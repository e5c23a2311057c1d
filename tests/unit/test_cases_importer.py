"""Reading a compiled list of voter petitions from CSV or XLSX: every bad row reported by its
line, good rows normalised. No AWS."""

from __future__ import annotations

import base64
import io
import unicodedata
import zipfile
from datetime import date

import pytest
from cityops.cases.importer import ImportError_, parse_petitions, read_table
from cityops.core.errors import InvalidInput

TODAY = date(2027, 2, 1)
GOOD = (
    "summary,session,deputies_group,received_on\n"
    "Cử tri đề nghị sửa đường ngõ 12,Kỳ họp thứ 5,Tổ đại biểu số 3,2027-01-20\n"
    '"Cử tri đề nghị lắp đèn chiếu sáng, ngõ 7",Kỳ họp thứ 5,Tổ đại biểu số 3,2027-01-21\n'
)


def parse(text: str, fmt: str = "csv", **defaults):
    options = {"session": None, "deputies_group": None, "received_on": None, **defaults}
    return parse_petitions(read_table(fmt, text), today=TODAY, **options)


def test_a_good_csv_gives_one_row_per_petition_with_its_line():
    rows, errors = parse(GOOD)
    assert errors == []
    assert [r.line for r in rows] == [2, 3]
    assert rows[1].summary == "Cử tri đề nghị lắp đèn chiếu sáng, ngõ 7"
    assert rows[0].received_on == date(2027, 1, 20)


def test_a_byte_order_mark_and_decomposed_letters_are_accepted_and_normalised():
    text = "\ufeff" + unicodedata.normalize("NFD", GOOD)
    rows, errors = parse(text)
    assert errors == []
    assert rows[0].summary == "Cử tri đề nghị sửa đường ngõ 12"
    assert unicodedata.is_normalized("NFC", rows[0].summary)


def test_every_bad_row_is_reported_with_its_line_and_column():
    text = (
        "summary,session,deputies_group,received_on\n"
        "Đường hỏng,Kỳ họp 5,Tổ 3,2027-01-20\n"
        ",Kỳ họp 5,Tổ 3,2027-01-20\n"  # line 3: no summary
        "Đèn hỏng,Kỳ họp 5,Tổ 3,20/01/2027\n"  # line 4: not a date
        "Cống tắc,Kỳ họp 5,Tổ 3,2027-03-01\n"  # line 5: in the future
        "Cây đổ,Kỳ họp 5,,2027-01-20\n"  # line 6: no deputies' group
    )
    rows, errors = parse(text)
    assert [r.line for r in rows] == [2]
    assert sorted((e["loc"][2], e["loc"][3]) for e in errors) == [
        (3, "summary"),
        (4, "received_on"),
        (5, "received_on"),
        (6, "deputies_group"),
    ]
    assert all(e["loc"][:2] == ["body", "content"] for e in errors)


def test_a_missing_or_unknown_column_is_an_error_of_the_header():
    _, errors = parse("summary,session,received_on,ward\nA,B,2027-01-20,X\n")
    assert {e["msg"] for e in errors} == {
        "tên cột không hợp lệ: ward",
        "thiếu cột deputies_group",
    }
    assert all(e["loc"][2] == 1 for e in errors)


def test_the_session_group_and_date_can_be_given_once_for_the_file():
    rows, errors = parse(
        "summary\nĐường hỏng\nĐèn hỏng\n",
        session="Kỳ họp 5",
        deputies_group="Tổ 3",
        received_on=date(2027, 1, 25),
    )
    assert errors == []
    assert {(r.session, r.deputies_group, r.received_on) for r in rows} == {
        ("Kỳ họp 5", "Tổ 3", date(2027, 1, 25))
    }


def test_an_empty_file_or_a_file_with_only_a_header_cannot_be_imported():
    with pytest.raises(ImportError_):
        parse("\n\n")
    with pytest.raises(ImportError_):
        parse("summary,session,deputies_group,received_on\n")


def test_more_than_five_hundred_petitions_must_be_split():
    text = "summary,session,deputies_group,received_on\n" + "A,B,C,2027-01-20\n" * 501
    with pytest.raises(ImportError_):
        parse(text)


def test_an_overlong_summary_is_a_row_error():
    _, errors = parse(f"summary,session,deputies_group,received_on\n{'x' * 2001},B,C,2027-01-20\n")
    assert errors[0]["loc"][2:] == [2, "summary"]


# --- XLSX, read with the standard library --------------------------------------------------------


def xlsx(rows: list[list[object]], *, doctype: bool = False) -> str:
    """A minimal workbook: strings shared or inline, numbers as Excel serial days."""
    shared: list[str] = []
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif c == 0:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                shared.append(str(value))
                cells.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    dtd = '<!DOCTYPE x [<!ENTITY a "aaaa">]>' if doctype else ""
    rows_xml = "".join(body)
    sheet = f'<?xml version="1.0"?>{dtd}<worksheet {ns}><sheetData>{rows_xml}</sheetData>'
    sheet += "</worksheet>"
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {ns} {rel_ns}><sheets><sheet name="DS" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", f"<sst {ns}>{strings}</sst>")
    return base64.b64encode(buffer.getvalue()).decode()


def test_an_xlsx_list_reads_like_the_same_csv():
    content = xlsx(
        [
            ["summary", "session", "deputies_group", "received_on"],
            ["Cử tri đề nghị sửa đường ngõ 12", "Kỳ họp thứ 5", "Tổ đại biểu số 3", 46407],
            ["Lắp đèn ngõ 7", "Kỳ họp thứ 5", "Tổ đại biểu số 3", "2027-01-21"],
        ]
    )
    rows, errors = parse(content, "xlsx")
    assert errors == []
    assert [(r.line, r.summary, r.received_on) for r in rows] == [
        (2, "Cử tri đề nghị sửa đường ngõ 12", date(2027, 1, 20)),  # serial 46407
        (3, "Lắp đèn ngõ 7", date(2027, 1, 21)),
    ]


def test_an_xlsx_row_error_is_reported_with_the_sheets_row_number():
    content = xlsx([["summary", "session", "deputies_group", "received_on"], ["", "K", "T", 46407]])
    _, errors = parse(content, "xlsx")
    assert errors[0]["loc"][2:] == [2, "summary"]


@pytest.mark.parametrize(
    "content",
    [
        "not base64!!",
        base64.b64encode(b"not a zip").decode(),
        xlsx([["summary"], ["x"]], doctype=True),
    ],
    ids=["not-base64", "not-a-workbook", "with-a-dtd"],
)
def test_a_file_that_is_not_a_safe_xlsx_is_refused(content):
    with pytest.raises((ImportError_, InvalidInput)):  # each a 422 that names the problem
        parse(content, "xlsx")


def _tampered(content: str, old: str, new: str) -> str:
    """The workbook with its sheet's XML edited by hand."""
    source = zipfile.ZipFile(io.BytesIO(base64.b64decode(content)))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<row r="2">', '<row r="x">'),  # a row that is not numbered
        ('t="s"><v>0</v>', 't="s"><v>99</v>'),  # a string that is not there
        ('t="s"><v>0</v>', 't="s"><v>zero</v>'),
        ('r="B2"', 'r="ZZZZZZZZ2"'),  # a column far out: nothing that wide is built
    ],
    ids=["row-not-a-number", "string-not-there", "string-index-not-a-number", "column-far-out"],
)
def test_a_hand_edited_xlsx_is_refused_plainly_and_builds_nothing_large(old, new):
    rows = [["summary", "session", "deputies_group", "received_on"], ["Lắp đèn", "K", "T", 46407]]
    with pytest.raises(InvalidInput):
        parse(_tampered(xlsx(rows), old, new), "xlsx")
