"""A report's values checked against its indicators (`cityops.reports.validation`): each
kind of error at its cell (unknown cell, type, bounds, decimals beyond the scale, percent
0–100 by default, text length, disaggregation parts, at_most, part_of, a total required on
submission), and the outlier warning against the unit's own history (beyond 3 sample
standard deviations of at least 3 earlier figures, the latest 12; any change when they never
varied), and which warnings still need a comment. No AWS."""

from __future__ import annotations

from typing import Any

import pytest
from cityops.reports import validation
from cityops.reports.catalogue import ValueType

from tests.reports_fakes import INDICATORS, version

SPECS = dict(INDICATORS)


def problems(given: dict[str, Any], *, complete: bool = False, specs=None):
    _values, errors, _warnings = validation.check(specs or SPECS, given, complete=complete)
    return [(e["cell"], e["type"]) for e in errors]


def stored(given: dict[str, Any], specs=None) -> dict[str, Any]:
    values, errors, _ = validation.check(specs or SPECS, given)
    assert errors == []
    return values


def test_good_values_pass_and_are_stored_as_their_type():
    values = stored(
        {
            "TNGT_VU": "4",
            "THU_NSNN": "125,5",
            "TL_GIAINGAN": 87.5,
            "GHI_CHU": "  Ổn định  ",
            "KIENNGHI": 10,
            "KIENNGHI_DA": 6,
            "KIENNGHI_CHUA": 4,
        }
    )
    assert values == {
        "TNGT_VU": 4,
        "THU_NSNN": 125.5,
        "TL_GIAINGAN": 87.5,
        "GHI_CHU": "Ổn định",
        "KIENNGHI": 10,
        "KIENNGHI_DA": 6,
        "KIENNGHI_CHUA": 4,
    }


def test_empty_cells_are_left_out_not_refused():
    assert stored({"TNGT_VU": "", "THU_NSNN": None}) == {}


def test_a_cell_the_report_does_not_have_is_refused_at_that_cell():
    _values, errors, _ = validation.check(SPECS, {"NO_SUCH": 1, "TNGT_VU|sex=nam": 1})
    assert [(e["cell"], e["indicator"], e["type"], e["loc"]) for e in errors] == [
        ("NO_SUCH", "NO_SUCH", "unknown", ["body", "values", "NO_SUCH"]),
        ("TNGT_VU|sex=nam", "TNGT_VU", "unknown", ["body", "values", "TNGT_VU|sex=nam"]),
    ]


@pytest.mark.parametrize(
    ("cell", "raw"),
    [
        ("TNGT_VU", "bốn"),
        ("TNGT_VU", 2.5),  # an integer indicator
        ("TNGT_VU", "2.5"),
        ("TNGT_VU", True),  # a boolean is no number
        ("TNGT_VU", [1]),
        ("THU_NSNN", "1e3"),
        ("THU_NSNN", float("nan")),
        ("THU_NSNN", float("inf")),
        ("GHI_CHU", 12),  # a text indicator takes text
    ],
)
def test_a_value_of_the_wrong_type_is_refused_at_its_cell(cell, raw):
    assert problems({cell: raw}) == [(cell, "type")]


def test_more_decimals_than_the_scale_are_refused_as_many_as_it_allows_are_not():
    assert problems({"THU_NSNN": 125.55}) == [("THU_NSNN", "type")]  # scale 1
    assert problems({"THU_NSNN": "125,55"}) == [("THU_NSNN", "type")]
    assert stored({"THU_NSNN": 125.5}) == {"THU_NSNN": 125.5}
    assert stored({"THU_NSNN": "125.50"}) == {"THU_NSNN": 125.5}  # a trailing zero is no decimal
    assert problems({"TL_GIAINGAN": 12.25}) == [("TL_GIAINGAN", "type")]


def test_a_value_below_its_minimum_or_above_its_maximum_is_refused_at_its_cell():
    specs = {"DAN_SO": version(minimum=10, maximum=20)}
    assert problems({"TNGT_VU": -1}) == [("TNGT_VU", "bounds")]
    assert problems({"DAN_SO": 9}, specs=specs) == [("DAN_SO", "bounds")]
    assert problems({"DAN_SO": 21}, specs=specs) == [("DAN_SO", "bounds")]
    assert stored({"DAN_SO": 10}, specs) == {"DAN_SO": 10}
    assert stored({"DAN_SO": 20}, specs) == {"DAN_SO": 20}


def test_a_percent_is_between_0_and_100_unless_its_bounds_say_otherwise():
    assert problems({"TL_GIAINGAN": 100.1}) == [("TL_GIAINGAN", "bounds")]
    assert problems({"TL_GIAINGAN": -0.1}) == [("TL_GIAINGAN", "bounds")]
    assert stored({"TL_GIAINGAN": 0}) == {"TL_GIAINGAN": 0.0}
    assert stored({"TL_GIAINGAN": 100}) == {"TL_GIAINGAN": 100.0}
    growth = {
        "TANG_TRUONG": version(value_type=ValueType.PERCENT, scale=1, minimum=-50, maximum=300)
    }
    assert stored({"TANG_TRUONG": 150}, growth) == {"TANG_TRUONG": 150.0}
    assert stored({"TANG_TRUONG": -5}, growth) == {"TANG_TRUONG": -5.0}


def test_a_text_longer_than_the_limit_is_refused_one_as_long_is_not():
    assert problems({"GHI_CHU": "a" * (validation.TEXT_MAX + 1)}) == [("GHI_CHU", "type")]
    assert stored({"GHI_CHU": "a" * validation.TEXT_MAX}) == {"GHI_CHU": "a" * validation.TEXT_MAX}


# --- rules between cells ------------------------------------------------------------------------


def test_the_parts_of_a_disaggregation_must_sum_to_the_total():
    ok = {"TNGT_VU": 5, "TNGT_CHET": 3, "TNGT_CHET|sex=nam": 2, "TNGT_CHET|sex=nu": 1}
    assert stored(ok) == ok
    assert problems({**ok, "TNGT_CHET|sex=nu": 2}) == [("TNGT_CHET", "parts")]


def test_a_disaggregation_given_in_part_is_refused_at_each_missing_part():
    assert problems({"TNGT_VU": 5, "TNGT_CHET": 3, "TNGT_CHET|sex=nam": 2}) == [
        ("TNGT_CHET|sex=nu", "parts")
    ]


def test_parts_with_no_total_are_not_summed_against_one():
    given = {"TNGT_VU": 5, "TNGT_CHET|sex=nam": 2, "TNGT_CHET|sex=nu": 1}
    assert stored(given) == given


def test_a_figure_above_the_one_it_may_not_exceed_is_refused_at_its_cell_an_equal_one_is_not():
    assert problems(
        {"TNGT_VU": 3, "TNGT_CHET": 4, "TNGT_CHET|sex=nam": 4, "TNGT_CHET|sex=nu": 0}
    ) == [("TNGT_CHET", "relation")]
    equal = {"TNGT_VU": 3, "TNGT_CHET": 3, "TNGT_CHET|sex=nam": 3, "TNGT_CHET|sex=nu": 0}
    assert stored(equal) == equal


def test_indicators_that_are_parts_of_another_must_sum_to_it():
    ok = {"KIENNGHI": 10, "KIENNGHI_DA": 6, "KIENNGHI_CHUA": 4}
    assert stored(ok) == ok
    assert problems({"KIENNGHI": 10, "KIENNGHI_DA": 6, "KIENNGHI_CHUA": 3}) == [
        ("KIENNGHI", "relation")
    ]
    assert problems({"KIENNGHI": 10, "KIENNGHI_DA": 6}) == []  # a part not given yet


def test_decimal_parts_are_compared_at_the_totals_scale():
    specs = {
        "CHI": version(value_type=ValueType.DECIMAL, scale=1),
        "CHI_A": version(value_type=ValueType.DECIMAL, scale=1, part_of="CHI"),
        "CHI_B": version(value_type=ValueType.DECIMAL, scale=1, part_of="CHI"),
    }
    assert problems({"CHI": 0.3, "CHI_A": 0.1, "CHI_B": 0.2}, specs=specs) == []  # 0.1+0.2
    assert problems({"CHI": 0.3, "CHI_A": 0.1, "CHI_B": 0.1}, specs=specs) == [("CHI", "relation")]


def test_on_submission_every_total_is_required_once():
    given = {
        "TNGT_VU": 1,
        "TNGT_CHET": 0,
        "TNGT_CHET|sex=nam": 0,
        "TNGT_CHET|sex=nu": 0,
        "THU_NSNN": 1,
        "TL_GIAINGAN": 1,
        "GHI_CHU": "x",
        "KIENNGHI": 1,
    }
    assert problems(given) == []
    assert problems(given, complete=True) == [
        ("KIENNGHI_DA", "required"),
        ("KIENNGHI_CHUA", "required"),
    ]
    # a total already refused is not also reported as missing
    wrong = {**given, "KIENNGHI_DA": -1, "KIENNGHI_CHUA": 1}
    assert problems(wrong, complete=True) == [("KIENNGHI_DA", "bounds")]


# --- outliers -----------------------------------------------------------------------------------


def warnings(value: float, past: list[float], code: str = "THU_NSNN"):
    _values, errors, found = validation.check(SPECS, {code: value}, history={code: past})
    assert errors == []
    return found


def test_a_figure_beyond_3_standard_deviations_of_the_units_history_is_a_warning_at_its_cell():
    # 9, 10, 11: mean 10, sample standard deviation exactly 1
    assert warnings(13, [9, 10, 11]) == []
    assert warnings(7, [9, 10, 11]) == []
    (high,) = warnings(13.1, [9, 10, 11])
    assert (high["cell"], high["type"], high["mean"], high["sd"]) == ("THU_NSNN", "outlier", 10, 1)
    assert [w["cell"] for w in warnings(6.9, [9, 10, 11])] == ["THU_NSNN"]


def test_fewer_than_3_earlier_figures_give_no_warning():
    assert warnings(1000, []) == []
    assert warnings(1000, [10, 10.5]) == []
    assert warnings(1000, [10, 10.5, 9.5]) != []


def test_after_a_history_that_never_varied_any_change_is_a_warning_the_same_figure_is_not():
    assert warnings(5, [5, 5, 5]) == []
    assert [w["sd"] for w in warnings(5.1, [5, 5, 5])] == [0]


def test_only_the_latest_12_figures_count():
    past = [9.0, 10.0, 11.0] * 4 + [10_000.0]  # newest first; the 13th is far off
    assert [w["cell"] for w in warnings(20, past)] == ["THU_NSNN"]


def test_text_and_empty_cells_have_no_outlier():
    _values, _errors, found = validation.check(
        SPECS, {"GHI_CHU": "x"}, history={"GHI_CHU": [1, 1, 1], "TNGT_VU": [1, 1, 1]}
    )
    assert found == []


def test_a_warning_needs_a_comment_at_its_cell_and_blank_is_no_comment():
    found = warnings(13.1, [9, 10, 11])
    assert validation.uncommented(found, {"THU_NSNN": "Thu đột biến từ đấu giá đất"}) == []
    assert validation.uncommented(found, {"TNGT_VU": "elsewhere"})[0]["cell"] == "THU_NSNN"
    (missing,) = validation.uncommented(found, {"THU_NSNN": "   "})
    assert missing["msg"].startswith("Cần giải trình: ") and missing["type"] == "outlier"
