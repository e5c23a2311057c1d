"""The indicator catalogue on fakes: reading a catalogue file (CSV or XLSX, English or
Vietnamese headers), every rule with the line and column it names, versions that are
appended and never rewritten, the export that imports back unchanged, who may do what, and
the standard-library XLSX reader on the writer's files and on hostile ones. No AWS."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import Forbidden, InvalidInput, NotFound
from cityops.core.xlsx import (
    HEADER,
    Sheet,
    cell_name,
    cell_position,
    column_name,
    read_rows,
    workbook,
    workbook_of,
)
from cityops.reports import indicators
from cityops.reports.catalogue_io import COLUMNS, KEYS, parse_catalogue, to_xlsx

from tests.reports_catalogue_fakes import MemoryIndicators

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed" / "indicators.csv"
TODAY = date(2027, 3, 2)
ADMIN = Principal("admin", "admin", "Quản trị", "", frozenset({"admin"}))
OFFICER = Principal("officer", "officer", "Cán bộ", "U1", frozenset({"officer"}))
NOBODY = Principal("nobody", "nobody", "Khách", "", frozenset())


def row(code: str = "TNGT_VU", **changes: Any) -> dict[str, str]:
    fields = {
        "code": code,
        "name": "Số vụ tai nạn giao thông",
        "definition": "Số vụ xảy ra trên địa bàn trong kỳ",
        "field": "Trật tự an toàn giao thông",
        "unit_of_measure": "vụ",
        "value_type": "integer",
        "aggregation": "sum",
        "unit_kinds": "ward;commune",
        "minimum": "0",
    }
    fields.update(changes)
    return fields


def csv_file(*rows: dict[str, str], header: list[str] | None = None, bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header or KEYS)
    for fields in rows:
        writer.writerow([fields.get(key, "") for key in KEYS])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_file(*rows: dict[str, str]) -> bytes:
    sheet = [([key for key in KEYS], 0)] + [([r.get(k, "") for k in KEYS], 0) for r in rows]
    return workbook("Chỉ tiêu", sheet, [])  # type: ignore[arg-type]


def errors_of(content: bytes, fmt: str = "csv", existing=None) -> list[tuple[int, str, str]]:
    parsed = parse_catalogue(content, fmt, existing or {})
    return [(e["line"], e["column"], e["msg"]) for e in parsed.errors]


@pytest.fixture
def store():
    clock.set_now(datetime(2027, 3, 2, 3, 0, tzinfo=UTC))
    with indicators.INDICATORS.using(MemoryIndicators()) as memory:
        yield memory
    clock.reset()


def imported(content: bytes, fmt: str = "csv", day: date | None = None):
    return indicators.import_catalogue(ADMIN, content, fmt, day)  # type: ignore[arg-type]


# --- reading a file ----------------------------------------------------------------------------


def test_a_csv_with_or_without_a_bom_and_an_xlsx_read_the_same():
    rows = [row(), row("TNGT_CHET", name="Số người chết", disaggregations="sex", at_most="")]
    plain = parse_catalogue(csv_file(*rows), "csv", {})
    with_bom = parse_catalogue(csv_file(*rows, bom=True), "csv", {})
    sheet = parse_catalogue(xlsx_file(*rows), "xlsx", {})
    assert not plain.errors and not with_bom.errors and not sheet.errors
    assert [r.fields for r in plain.rows] == [r.fields for r in with_bom.rows]
    assert [r.fields for r in plain.rows] == [r.fields for r in sheet.rows]
    assert plain.rows[1].fields["disaggregations"] == ["sex"]
    assert plain.rows[0].fields["unit_kinds"] == ["ward", "commune"]


def test_vietnamese_headers_are_read_like_the_english_keys():
    labels = [label for _key, label in COLUMNS]
    parsed = parse_catalogue(csv_file(row(), header=labels), "csv", {})
    assert not parsed.errors
    assert parsed.rows[0].code == "TNGT_VU"
    assert parsed.rows[0].fields["unit_of_measure"] == "vụ"


def test_a_missing_or_unknown_column_is_reported_on_the_header_line():
    header = [k for k in KEYS if k != "value_type"] + ["ghi_chu"]
    assert errors_of(csv_file(row(), header=header)) == [
        (1, "ghi_chu", "Không có cột «ghi_chu» trong mẫu danh mục."),
        (1, "value_type", "Thiếu cột value_type («Loại giá trị»)."),
    ]


def test_a_file_that_is_not_utf8_or_has_no_indicator_is_refused():
    with pytest.raises(InvalidInput, match="UTF-8"):
        parse_catalogue("code,name\nA,Tên\n".encode("cp1258"), "csv", {})
    with pytest.raises(InvalidInput, match="không có chỉ tiêu nào"):
        parse_catalogue(csv_file(), "csv", {})


def test_percent_bounds_are_0_to_100_unless_given():
    parsed = parse_catalogue(
        csv_file(
            row("TYLE", value_type="percent", scale="2", minimum=""),
            row("TANG", value_type="percent", minimum="-50", maximum="300", aggregation="latest"),
        ),
        "csv",
        {},
    )
    assert not parsed.errors
    assert (parsed.rows[0].fields["minimum"], parsed.rows[0].fields["maximum"]) == (0, 100)
    assert parsed.rows[0].fields["scale"] == 2
    assert (parsed.rows[1].fields["minimum"], parsed.rows[1].fields["maximum"]) == (-50, 300)


# --- every rule, with its line and column ------------------------------------------------------

TEXT = {"value_type": "text", "aggregation": "none", "minimum": "", "unit_kinds": ""}
RULES = [
    ("a code of the pattern", {"code": "tngt-vu"}, "code", "chữ in hoa, chữ số và dấu _"),
    ("a name", {"name": ""}, "name", "Bắt buộc phải có giá trị"),
    ("a name of at most 300 characters", {"name": "x" * 301}, "name", "Tối đa 300 ký tự"),
    ("a unit of measure", {"unit_of_measure": ""}, "unit_of_measure", "Bắt buộc phải có giá trị"),
    ("a known value type", {"value_type": "float"}, "value_type", "«float» không hợp lệ"),
    ("a known aggregation", {"aggregation": "avg"}, "aggregation", "«avg» không hợp lệ"),
    ("no scale for an integer", {"scale": "2"}, "scale", "chỉ dùng cho chỉ tiêu loại decimal và "
     "percent"),
    ("a scale of 0 to 6", {"value_type": "decimal", "scale": "7"}, "scale", "từ 0 đến 6"),
    ("known disaggregations", {"disaggregations": "sex;tuoi"}, "disaggregations",
     "Không hợp lệ: tuoi"),
    ("known unit kinds", {"unit_kinds": "ward;quan"}, "unit_kinds", "Không hợp lệ: quan"),
    ("numeric bounds", {"minimum": "mười"}, "minimum", "Phải là một số"),
    ("whole bounds for an integer", {"maximum": "2.5"}, "maximum", "phải là số nguyên"),
    ("a minimum at most the maximum", {"minimum": "10", "maximum": "5"}, "maximum",
     "Giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất (10)"),
    ("a weight for weighted_average", {"aggregation": "weighted_average"}, "weight",
     "cần chỉ tiêu quyền số"),
    ("no weight for a sum", {"weight": "DANSO"}, "weight",
     "chỉ dùng với cách tổng hợp weighted_average"),
    ("a weight that exists",
     {"value_type": "percent", "aggregation": "weighted_average", "weight": "KHONG_CO"},
     "weight", "Không có chỉ tiêu KHONG_CO"),
    ("a numeric weight",
     {"value_type": "percent", "aggregation": "weighted_average", "weight": "GHI_CHU"},
     "weight", "GHI_CHU không phải chỉ tiêu dạng số"),
    ("text aggregating with none or latest", {**TEXT, "aggregation": "sum"}, "aggregation",
     "none hoặc latest"),
    ("text with no bounds", {**TEXT, "maximum": "3"}, "maximum",
     "không có giá trị nhỏ nhất, lớn nhất"),
    ("text with no disaggregations", {**TEXT, "disaggregations": "sex"}, "disaggregations",
     "không có phân tổ"),
    ("text bounded by nothing", {**TEXT, "at_most": "DANSO"}, "at_most", "không có at_most"),
    ("text part of nothing", {**TEXT, "part_of": "DANSO"}, "part_of", "không có part_of"),
    ("at_most another indicator", {"at_most": "TNGT_VU"}, "at_most", "chính nó"),
    ("at_most an indicator that exists", {"at_most": "TNGT_XE"}, "at_most",
     "Không có chỉ tiêu TNGT_XE"),
    ("at_most a numeric indicator", {"at_most": "GHI_CHU"}, "at_most",
     "không phải chỉ tiêu dạng số"),
    ("part_of a numeric indicator", {"part_of": "GHI_CHU"}, "part_of",
     "không phải chỉ tiêu dạng số"),
    ("part_of a code", {"part_of": "danso"}, "part_of", "«danso» không phải mã chỉ tiêu"),
]  # fmt: skip
OTHERS = [row("DANSO", name="Dân số"), row("GHI_CHU", name="Ghi chú", **TEXT)]


@pytest.mark.parametrize(("rule", "changes", "column", "message"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_names_the_line_and_column_of_the_bad_cell(rule, changes, column, message):
    content = csv_file(*OTHERS, row(**changes))
    (found,) = errors_of(content)
    assert found[:2] == (4, column)
    assert message in found[2]
    sheet = errors_of(xlsx_file(*OTHERS, row(**changes)), "xlsx")
    letter = column_name(KEYS.index(column) + 1)
    assert [(line, col) for line, col, _ in sheet] == [(4, letter)]


def test_a_code_given_twice_is_reported_on_its_second_line():
    assert errors_of(csv_file(row(), row("DANSO"), row())) == [
        (4, "code", "Mã TNGT_VU đã có ở dòng 2.")
    ]


def test_a_part_of_chain_that_comes_back_to_itself_is_refused():
    found = errors_of(csv_file(row("A", part_of="B"), row("B", part_of="C"), row("C", part_of="A")))
    assert [(line, column) for line, column, _ in found] == [(2, "part_of"), (3, "part_of"),
                                                              (4, "part_of")]  # fmt: skip
    assert "A → B → C → A" in found[0][2]


def test_a_cycle_through_the_catalogue_is_refused_and_a_chain_is_not():
    existing = parse_catalogue(csv_file(row("TONG"), row("B", part_of="A")), "csv", {})
    versions = {r.code: r.version(1, TODAY) for r in existing.rows if r.code != "B"}
    versions["B"] = existing.rows[0].version(1, TODAY).model_copy(update={"part_of": "A"})
    assert errors_of(csv_file(row("A", part_of="TONG")), existing=versions) == []
    (cycle,) = errors_of(csv_file(row("A", part_of="B")), existing=versions)
    assert cycle[:2] == (2, "part_of") and "A → B → A" in cycle[2]


def test_a_row_may_name_an_indicator_already_in_the_catalogue():
    catalogue = {"TNGT_VU": parse_catalogue(csv_file(row()), "csv", {}).rows[0].version(1, TODAY)}
    content = csv_file(row("TNGT_NGHIEMTRONG", at_most="TNGT_VU"))
    assert errors_of(content, existing=catalogue) == []
    assert errors_of(content)[0][2] == "Không có chỉ tiêu TNGT_VU trong tệp và trong danh mục."


def test_only_the_bad_cells_of_a_file_are_reported():
    content = csv_file(row("A"), row("B", value_type="so"), row("C"), row("D", scale="9"))
    assert [(line, column) for line, column, _ in errors_of(content)] == [
        (3, "value_type"),
        (5, "scale"),
    ]


# --- the import: versions, never rewritten ---------------------------------------------------


def test_an_import_creates_each_new_indicator_with_its_version_1(store):
    result = imported(csv_file(row(), row("DANSO")))
    assert (result.created, result.revised, result.unchanged) == (2, 0, 0)
    assert result.created_codes == ["TNGT_VU", "DANSO"]
    found = store.entities["TNGT_VU"]
    assert [(v.version, v.effective_from) for v in found.versions] == [(1, TODAY)]
    assert store.audit[0]["action"] == "indicator.created"
    assert store.events == [
        ("IndicatorsImported", {"created": 2, "revised": 0, "unchanged": 0,
                                "effective_from": "2027-03-02"}),
    ]  # fmt: skip


def test_a_changed_definition_appends_a_version_and_the_one_in_force_is_picked_by_day(store):
    imported(csv_file(row()), day=date(2027, 1, 1))
    result = imported(csv_file(row(name="Số vụ tai nạn giao thông đường bộ")), day=date(2027, 4, 1))
    assert (result.revised, result.revised_codes) == (1, ["TNGT_VU"])
    found = store.entities["TNGT_VU"]
    assert [v.version for v in found.versions] == [1, 2]
    assert found.versions[0].name == "Số vụ tai nạn giao thông"  # kept as it was
    assert found.version_on(date(2027, 3, 31)).version == 1
    assert found.version_on(date(2027, 4, 1)).version == 2
    assert found.version_on(date(2026, 12, 31)) is None
    assert store.audit[-1]["action"] == "indicator.revised"
    assert store.audit[-1]["note"] == "Phiên bản 2, áp dụng từ 01/04/2027"


def test_an_unchanged_row_changes_nothing(store):
    imported(csv_file(row(), row("DANSO")))
    commits = store.commits
    result = imported(csv_file(row(), row("DANSO", name="Dân số trung bình")))
    assert (result.created, result.revised, result.unchanged) == (0, 1, 1)
    assert result.unchanged_codes == ["TNGT_VU"]
    assert store.commits == commits + 1
    assert store.entities["TNGT_VU"].version == 1
    again = imported(csv_file(row(), row("DANSO", name="Dân số trung bình")))
    assert (again.unchanged, again.transactions, store.commits) == (2, 0, commits + 1)
    assert len(store.events) == 2  # an import that writes nothing tells no one


def test_a_revision_before_the_latest_versions_date_is_refused_with_its_line(store):
    imported(csv_file(row(), row("DANSO")), day=date(2027, 4, 1))
    with pytest.raises(InvalidInput) as refused:
        imported(csv_file(row("DANSO"), row(name="Khác")), day=date(2027, 3, 1))
    (error,) = refused.value.errors
    assert (error["line"], error["column"]) == (3, "code")
    assert "có hiệu lực từ ngày 01/04/2027" in error["msg"]
    assert "01/03/2027" in error["msg"]
    assert store.entities["TNGT_VU"].version == 1


def test_a_file_with_one_bad_row_writes_nothing(store):
    with pytest.raises(InvalidInput) as refused:
        imported(csv_file(row(), row("DANSO"), row("X", aggregation="cong")))
    assert refused.value.errors[0]["line"] == 4
    assert "Có 1 dòng của tệp danh mục không hợp lệ (dòng 4)" in refused.value.detail
    assert store.entities == {} and store.commits == 0 and store.events == []


def test_many_indicators_are_written_fifty_to_a_transaction(store):
    result = imported(csv_file(*(row(f"CT_{n:03d}") for n in range(120))))
    assert result.transactions == 3
    assert store.transactions == [100, 100, 40]
    assert len(store.entities) == 120


def test_only_an_administrator_imports_the_catalogue(store):
    for who in (OFFICER, NOBODY):
        with pytest.raises(Forbidden):
            indicators.import_catalogue(who, csv_file(row()), "csv")
    assert store.entities == {}


def test_officials_read_the_catalogue_and_others_do_not(store):
    imported(csv_file(row()))
    assert indicators.get_indicator(OFFICER, "TNGT_VU").code == "TNGT_VU"
    with pytest.raises(NotFound):
        indicators.get_indicator(NOBODY, "TNGT_VU")
    with pytest.raises(Forbidden):
        indicators.list_indicators(NOBODY)
    with pytest.raises(NotFound):
        indicators.get_indicator(OFFICER, "KHONG_CO")
    with pytest.raises(NotFound):
        indicators.get_indicator(OFFICER, "not a code")


# --- reading and exporting -------------------------------------------------------------------


def test_the_list_shows_the_versions_in_force_on_a_day_and_filters_by_field(store):
    imported(csv_file(row(), row("DANSO", field="Dân số")), day=date(2027, 1, 1))
    imported(csv_file(row(name="Mới"), row("DANSO", field="Dân số")), day=date(2027, 6, 1))
    imported(csv_file(row("SAU_NAY", field="Dân số")), day=date(2027, 9, 1))
    in_march = indicators.list_indicators(OFFICER, on=date(2027, 3, 1))
    assert [(i.code, i.name) for i in in_march.items] == [
        ("DANSO", "Số vụ tai nạn giao thông"), ("TNGT_VU", "Số vụ tai nạn giao thông")]  # fmt: skip
    in_july = indicators.list_indicators(OFFICER, on=date(2027, 7, 1))
    assert [i.name for i in in_july.items if i.code == "TNGT_VU"] == ["Mới"]
    population = indicators.list_indicators(OFFICER, field=" dân  SỐ ", on=date(2027, 10, 1))
    assert [i.code for i in population.items] == ["DANSO", "SAU_NAY"]
    detail = indicators.get_indicator(OFFICER, "TNGT_VU", on=date(2027, 3, 1))
    assert (detail.version, [v.version for v in detail.versions]) == (1, [1, 2])
    later = indicators.get_indicator(OFFICER, "SAU_NAY", on=date(2027, 3, 1))
    assert (later.version, later.effective_from) == (1, date(2027, 9, 1))  # not yet in force


def test_the_lead_reads_the_catalogue_on_a_day_and_indicators_by_code(store):
    imported(csv_file(row(), row("DANSO")), day=date(2027, 1, 1))
    imported(csv_file(row(name="Mới")), day=date(2027, 6, 1))
    on_day = indicators.catalogue_on(date(2027, 3, 1))
    assert {code: v.version for code, (_i, v) in on_day.items()} == {"DANSO": 1, "TNGT_VU": 1}
    assert indicators.catalogue_on(date(2026, 1, 1)) == {}
    found = indicators.indicators(["TNGT_VU", "KHONG_CO"])
    assert list(found) == ["TNGT_VU"] and len(found["TNGT_VU"].versions) == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(store, fmt):
    seed = SEED.read_bytes()
    first = imported(seed)
    assert first.created == 44
    name, media_type, data = indicators.export_catalogue(OFFICER, fmt)
    assert name == f"danh-muc-chi-tieu-2027-03-02.{fmt}"
    assert media_type.startswith("text/csv" if fmt == "csv" else "application/vnd.openxml")
    again = imported(data, fmt)
    assert (again.created, again.revised, again.unchanged) == (0, 0, 44)
    original = parse_catalogue(seed, "csv", {})
    exported = parse_catalogue(data, fmt, {})
    assert [r.fields for r in exported.rows] == [
        r.fields for r in sorted(original.rows, key=lambda r: r.code)
    ]


def test_the_xlsx_export_has_vietnamese_headers_and_numbers_as_numbers():
    rows = [["TYLE", "Tỷ lệ", "", "", "%", "percent", "2", "", "latest", "", "", "-5", "100.5",
             "", ""]]  # fmt: skip
    sheet = read_rows(to_xlsx(rows))
    assert sheet[0][0] == "Mã chỉ tiêu"
    assert sheet[1][6] == 2 and sheet[1][11] == -5 and sheet[1][12] == 100.5


# --- the XLSX reader ---------------------------------------------------------------------------


def test_cells_are_named_by_row_and_column():
    assert cell_name(7, 3) == "C7"
    assert cell_name(1, 27) == "AA1"
    assert column_name(702) == "ZZ" and column_name(703) == "AAA"
    assert cell_position("AB12") == (12, 28)


def test_the_reader_reads_what_the_writer_wrote_on_each_sheet():
    data = workbook_of(
        [
            Sheet(
                "Giá trị",
                [
                    (["Mã", "Giá trị"], HEADER),
                    (["A", 12], 0),
                    ([], 0),
                    (["B", 2.5, True, None, "cuối"], 0),
                ],
            ),
            Sheet("Đầy đủ", [(["x"], 0)]),
        ]
    )
    assert read_rows(data) == [["Mã", "Giá trị"], ["A", 12], [], ["B", 2.5, True, None, "cuối"]]
    assert read_rows(data, sheet="Đầy đủ") == [["x"]]
    with pytest.raises(InvalidInput, match="không có trang tính"):
        read_rows(data, sheet="Khác")


def test_the_one_sheet_writer_keeps_its_merges_and_widths():
    data = workbook("Sổ", [(["Tiêu đề"], 1), (["a", "b"], 3)], [10, 20], [(1, 0, 1)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<mergeCell ref="A1:B1"/>' in sheet and 'width="20"' in sheet
    assert read_rows(data) == [["Tiêu đề"], ["a", "b"]]


def office_file(sheet: str, shared: str | None = None, extra: dict[str, bytes] | None = None):
    """A workbook as another program writes it: shared strings, cells out of order."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    parts = {
        "xl/workbook.xml": (
            f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId7"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId7" Type="x" Target="/xl/worksheets/data.xml"/></Relationships>'
        ),
        "xl/worksheets/data.xml": f"<worksheet {ns}><sheetData>{sheet}</sheetData></worksheet>",
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f"<sst {ns}>{shared}</sst>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, raw in (extra or {}).items():
            archive.writestr(name, raw)
    return out.getvalue()


def test_the_reader_places_cells_by_their_names_and_reads_shared_strings():
    data = office_file(
        '<row r="2"><c r="C2" t="s"><v>1</v></c><c r="A2" t="s"><v>0</v></c></row>'
        '<row r="4"><c r="B4" t="b"><v>0</v></c><c r="D4"><v>1.25</v></c>'
        '<c r="E4"><v>7</v></c><c r="F4" t="str"><v>=A1</v></c></row>',
        shared="<si><t>Hà Nội</t></si><si><r><t>Phường </t></r><r><t>Hoàn Kiếm</t></r>"
        "<rPh><t>phonetic</t></rPh></si>",
    )
    assert read_rows(data) == [
        [],
        ["Hà Nội", None, "Phường Hoàn Kiếm"],
        [],
        [None, False, None, 1.25, 7, "=A1"],
    ]


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(InvalidInput, match="không phải tệp XLSX"):
        read_rows(b"code,name\nA,B\n")
    with pytest.raises(InvalidInput, match="không phải tệp XLSX"):
        parse_catalogue(b"PK\x03\x04garbage", "xlsx", {})


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(InvalidInput, match=r"không có phần xl/workbook\.xml"):
        read_rows(out.getvalue())


def test_a_workbook_that_unpacks_past_20_mb_is_refused_before_it_is_read():
    bomb = office_file('<row r="1"><c r="A1"><v>1</v></c></row>',
                       extra={"xl/media/padding.bin": b"\0" * (21 * 1024 * 1024)})  # fmt: skip
    assert len(bomb) < 100_000  # small on the wire
    with pytest.raises(InvalidInput, match="quá 20 MB"):
        read_rows(bomb)


def test_a_sheet_with_too_many_rows_or_columns_is_refused():
    far = office_file('<row r="20001"><c r="A20001"><v>1</v></c></row>')
    with pytest.raises(InvalidInput, match="quá 20000 dòng"):
        read_rows(far)
    many = "".join(f"<row><c><v>{n}</v></c></row>" for n in range(30))
    with pytest.raises(InvalidInput, match="quá 25 dòng"):
        read_rows(office_file(many), max_rows=25)
    wide = office_file('<row r="1"><c r="XFD1"><v>1</v></c></row>')
    with pytest.raises(InvalidInput, match="quá 200 cột"):
        read_rows(wide)
    with pytest.raises(InvalidInput, match="tối đa 2000 chỉ tiêu"):
        parse_catalogue(csv_file(*(row(f"C{n}") for n in range(2001))), "csv", {})


def test_a_workbook_with_a_dtd_or_broken_xml_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    )
    with pytest.raises(InvalidInput, match="DTD"):
        read_rows(office_file("", extra={"xl/sharedStrings.xml": laughs}))
    with pytest.raises(InvalidInput, match="không phải XML hợp lệ"):
        read_rows(office_file("<row><c>"))
    with pytest.raises(InvalidInput, match="không nằm trong dòng"):
        read_rows(office_file('<row r="1"><c r="A2"><v>1</v></c></row>'))
