"""What cases count, on fakes: each change adds to the statistics' counter rows in its own
transaction (`STATS` day rows per handling unit and kind, `OPENCOUNT` running totals), so
that the statistics read counters, never the cases. And who sees cases: staff only, the city
leaders and the city Inspectorate every case."""

from __future__ import annotations

import pytest
from cityops.cases.pipeline import is_city_wide, sees
from cityops.core.auth import Principal

from tests.unit.test_cases_fakes import (
    complaint,
    desk_fixture,  # noqa: F401 (the desk fixture)
    petition,
    set_day,
)


def counted(desk, code: str, kind: str) -> dict[str, int]:
    """Every counter of a unit and kind, summed over the days, with its open total."""
    unit = desk.unit(code)
    out: dict[str, int] = {}
    for (pk, sk), row in desk.store.counters.items():
        ours = sk.startswith((f"D#{unit}#", f"{unit}#")) and sk.endswith(f"#{kind}")
        if pk.startswith(("STATS#", "OPENCOUNT#")) and ours:
            for name, n in row.items():
                out[name] = out.get(name, 0) + n
    return {name: n for name, n in out.items() if n}


def test_a_received_case_is_counted_received_and_open_for_its_unit_and_kind(desk):
    desk.create("ttr_clerk")
    assert counted(desk, "TTR-HN", "denunciation") == {"received": 1, "open": 1}
    day_rows = [k for k in desk.store.counters if k[0] == "STATS#2027-02"]
    assert day_rows == [("STATS#2027-02", f"D#{desk.unit('TTR-HN')}#2027-02-01#denunciation")]
    assert ("OPENCOUNT#TOTAL", f"{desk.unit('TTR-HN')}#denunciation") in desk.store.counters


def test_a_forwarded_case_leaves_one_units_count_and_enters_the_others(desk):
    case = desk.create("vp_clerk", **petition())
    desk.ok(
        "vp_clerk", case, "classify", {"decision": "transfer", "to_unit_id": desk.unit("SO-TC")}
    )
    desk.ok("vp_clerk", case, "forward", {})
    assert counted(desk, "VP-UBND", "voter_petition") == {"received": 1, "transferred_out": 1}
    assert counted(desk, "SO-TC", "voter_petition") == {"received": 1, "open": 1}


def test_resolutions_are_counted_on_time_or_late_and_no_longer_open(desk):
    on_time = desk.create("sotc_clerk", **complaint())
    late = desk.create("sotc_clerk", **complaint())
    for case in (on_time, late):
        desk.ok("sotc_leader", case, "accept", {})
        desk.ok("sotc_leader", case, "assign", {"handler_id": "sub-sotc_officer"})
        desk.ok("sotc_officer", case, "verify", {})
    decision = {"result": "rejected", "decision_number": "1", "summary": "Sai"}
    desk.ok("sotc_leader", on_time, "decide", decision)
    set_day("2027-04-01")  # after the 30 days of 3/3
    desk.ok("sotc_leader", late, "decide", decision)
    assert counted(desk, "SO-TC", "complaint") == {
        "received": 2,
        "accepted": 2,
        "resolved_on_time": 1,
        "resolved_late": 1,
    }


def test_refused_withdrawn_and_not_handled_cases_are_no_longer_open(desk):
    refused = desk.create("sotc_clerk", **complaint())
    withdrawn = desk.create("sotc_clerk", **complaint())
    anonymous = desk.create("sotc_clerk", identity=None, original_text=None)
    desk.ok("sotc_leader", refused, "refuse", {"ground": "unsigned", "note": "Không ký"})
    desk.ok("sotc_leader", withdrawn, "withdraw", {"reason": "Rút đơn"})
    desk.ok("sotc_clerk", anonymous, "classify", {"decision": "anonymous"})
    assert counted(desk, "SO-TC", "complaint") == {"received": 2, "refused": 1, "withdrawn": 1}
    assert counted(desk, "SO-TC", "denunciation") == {"received": 1}


def test_a_change_refused_counts_nothing(desk):
    case = desk.create("sotc_clerk", **complaint(learned_on="2026-10-01"))  # time-barred
    before = {k: dict(v) for k, v in desk.store.counters.items()}
    assert desk.act("sotc_leader", case, "accept", {})[0] == 409
    assert desk.store.counters == before


# --- who sees cases --------------------------------------------------------------------------


def test_the_city_inspectorate_sees_every_case_and_other_staff_their_units(desk):
    case = desk.store.entities[desk.create("sotc_clerk", **complaint())["id"]]
    for who, expected in [
        ("inspector", True),  # the city Inspectorate: every case
        ("ttr_clerk", True),
        ("chairman", True),
        ("sotc_officer", True),  # the handling unit
        ("soxd_leader", False),
        ("ns_officer", False),  # a division under it, not a leader
        ("admin", False),  # runs the system; is not staff
    ]:
        assert sees(desk.people[who], case) is expected, who


def test_an_inspectorate_below_the_city_is_not_city_wide(desk):
    from cityops.core.access import UNITS
    from cityops.core.ids import new_id
    from cityops.directory.port import Unit

    department = desk.directory.unit_by_code("SO-TC")
    unit_id = new_id()
    district = Unit(unit_id, "TTR-SO", "Thanh tra Sở", (*department.path, unit_id), "inspectorate")
    desk.directory.by_id[district.id] = district
    UNITS.forget()
    inspector = Principal("sub-d", "d", "d", district.id, frozenset({"inspector"}))
    assert not is_city_wide(inspector)
    assert is_city_wide(desk.people["inspector"]) and is_city_wide(desk.people["chairman"])


@pytest.mark.parametrize("who", ["sotc_leader", "sotc_officer", "soxd_leader"])
def test_leaders_and_members_are_not_city_wide(desk, who):
    assert not is_city_wide(desk.people[who])
