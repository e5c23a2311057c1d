"""Importing units from CSV: every bad row reported with its line, nothing written if one is."""

from __future__ import annotations

import sys

from cityops.directory import importer, store

GOOD = """code,name,short_name,kind,parent_code
SO-MOI,Sở Mới,SM,department,UBND-HN
SO-MOI.P1,Phòng Một,,division,SO-MOI
"""


def all_codes():
    items, _ = store.list_units(None, limit=200, start_key=None)
    return {u["code"] for u in items}


def test_good_rows_create_units_under_existing_and_new_parents(seeded):
    result = importer.import_units(GOOD, None)
    assert result.errors == []
    created = {u["code"]: u for u in result.created}
    assert created["SO-MOI.P1"]["path"] == [
        seeded["UBND-HN"]["id"],
        created["SO-MOI"]["id"],
        created["SO-MOI.P1"]["id"],
    ]
    assert {"SO-MOI", "SO-MOI.P1"} <= all_codes()


def test_children_may_come_before_their_parents_in_the_file(seeded):
    text = "code,name,kind,parent_code\nC-2,Con,division,C-1\nC-1,Cha,department,UBND-HN\n"
    result = importer.import_units(text, None)
    assert result.errors == [] and {"C-1", "C-2"} <= all_codes()


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(seeded):
    text = (
        "code,name,short_name,kind,parent_code\n"
        "SO-A,Sở A,,department,UBND-HN\n"  # line 2: good
        "bad code,Sở B,,department,UBND-HN\n"  # line 3: bad code
        "SO-C,,,department,UBND-HN\n"  # line 4: no name
        "SO-D,Sở D,,castle,UBND-HN\n"  # line 5: bad kind
        "SO-E,Sở E,,department,NOWHERE\n"  # line 6: unknown parent
        "SO-A,Sở A lần hai,,department,UBND-HN\n"  # line 7: duplicate in file
        "SO-TC,Sở Tài chính,,department,UBND-HN\n"  # line 8: exists already
        "SO-F,Sở F,,department,\n"  # line 9: a second root
    )
    before = all_codes()
    result = importer.import_units(text, None)
    assert [e.line for e in result.errors] == [3, 4, 5, 6, 7, 8, 9]
    assert "already exists" in str(result.errors[5])
    assert result.created == []
    assert all_codes() == before


def test_a_cycle_of_parents_is_refused(seeded):
    text = "code,name,kind,parent_code\nX-1,Một,division,X-2\nX-2,Hai,division,X-1\n"
    result = importer.import_units(text, None)
    assert {e.line for e in result.errors} == {2, 3}
    assert "X-1" not in all_codes()


def test_unknown_or_missing_columns_are_reported_on_line_one(seeded):
    result = importer.import_units("code,title\nA,B\n", None)
    assert [e.line for e in result.errors] == [1]
    assert "missing columns: name, kind" in result.errors[0].message


def test_a_large_import_is_written_in_several_transactions(seeded):
    rows = [f"BULK-{i:03d},Đơn vị {i},,division,SO-XD" for i in range(120)]
    result = importer.import_units(
        "code,name,short_name,kind,parent_code\n" + "\n".join(rows), None
    )
    assert result.errors == [] and len(result.created) == 120
    assert {f"BULK-{i:03d}" for i in range(120)} <= all_codes()


def test_the_admin_command_reports_bad_rows_and_exits_non_zero(seeded, tmp_path, capsys):
    sys.path.insert(0, "infra/admin")
    import import_units

    bad = tmp_path / "units.csv"
    bad.write_text("code,name,kind,parent_code\nSO-Z,Sở Z,castle,UBND-HN\n", encoding="utf-8")
    assert import_units.main([str(bad)]) == 1
    assert f"{bad}:2:" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert import_units.main([str(good), "--dry-run"]) == 0
    assert "SO-MOI" not in all_codes()
    assert import_units.main([str(good)]) == 0
    assert "SO-MOI" in all_codes()


def test_more_than_a_hundred_units_are_read_in_one_call_of_the_store(seeded):
    """BatchGetItem takes 100 keys: a city leader's statistics ask for every unit at once."""
    rows = [f"MANY-{i:03d},Đơn vị {i},,division,SO-XD" for i in range(110)]
    result = importer.import_units(
        "code,name,short_name,kind,parent_code\n" + "\n".join(rows), None
    )
    ids = [u["id"] for u in result.created] + [u["id"] for u in seeded.values()]
    found = store.get_units([*ids, ids[0]])
    assert set(found) == set(ids) and len(ids) > 100
