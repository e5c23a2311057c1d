"""The legal time limits of cases, as data with effective dates, counted on Hanoi's working
calendar (Tết 2027: Thursday 4 to Wednesday 10 February; 30/4 and 1/5/2027 with Monday 3/5
off in lieu). No AWS: the defaults file and the calendar only."""

from __future__ import annotations

from datetime import date

import pytest
from cityops.cases import rules
from cityops.cases.rules import TimeLimit, default_book
from cityops.core.calendar import WorkingCalendar
from cityops.core.clock import iso

CAL = WorkingCalendar()
BOOK = default_book()


def due(rule: str, event: str) -> str:
    day = date.fromisoformat(event)
    return BOOK.in_force(rule, day).due_date(day, CAL).isoformat()


# --- the rules the law gives, counted across Tết 2027 ------------------------------------------


def test_a_complaint_received_in_2027_is_accepted_within_seven_working_days_across_tet():
    # Mon 1/2: 2, 3 Feb; Tết 4–10; 11, 12, 15, 16, 17 Feb (Decree 155/2026 Art. 10).
    assert due("complaint.accept", "2027-02-01") == "2027-02-17"


def test_a_denunciation_is_accepted_within_seven_working_days_across_tet():
    assert due("denunciation.accept", "2027-02-01") == "2027-02-17"


def test_a_denunciation_with_several_sites_is_accepted_within_ten_working_days():
    assert due("denunciation.accept.several_sites", "2027-02-01") == "2027-02-22"


def test_a_case_not_in_the_units_competence_is_forwarded_within_five_working_days():
    assert due("case.forward", "2027-02-01") == "2027-02-15"


def test_the_acceptance_notices_go_out_within_five_working_days_of_acceptance():
    assert due("denunciation.notify", "2027-02-03") == "2027-02-17"


def test_a_calendar_day_limit_ending_in_tet_moves_to_the_first_working_day_after():
    # 6/1 + 30 days = Friday 5/2, Tết: the period ends on Thursday 11/2 (Civil Code Art. 148).
    assert due("denunciation.resolve", "2027-01-06") == "2027-02-11"
    assert due("complaint.resolve.first_time", "2027-01-07") == "2027-02-11"


def test_a_voter_petition_is_answered_in_sixty_days_by_default():
    # 8/12/2026 + 60 days = Saturday 6/2/2027, in Tết: Thursday 11/2.
    assert due("voter_petition.answer", "2026-12-08") == "2027-02-11"
    assert BOOK.in_force("voter_petition.answer", date(2027, 1, 1)).verified is False


def test_working_days_skip_liberation_day_labour_day_and_the_day_off_in_lieu():
    # Mon 26/4/2027: 27, 28, 29; 30/4 and 1/5 holidays, Mon 3/5 in lieu; 4–7, 10–12 May.
    assert due("denunciation.accept.several_sites", "2027-04-26") == "2027-05-12"


def test_a_calendar_day_limit_ending_on_30_april_runs_to_the_tuesday_after():
    # 31/3 + 30 days = Friday 30/4; 1/5 Saturday, 2/5 Sunday, 3/5 in lieu: Tuesday 4/5.
    assert due("denunciation.resolve", "2027-03-31") == "2027-05-04"


@pytest.mark.parametrize(
    ("round_", "complexity", "remote", "days"),
    [
        ("first_time", "normal", False, 30),
        ("first_time", "complex", False, 45),
        ("first_time", "normal", True, 45),
        ("first_time", "complex", True, 60),
        ("second_time", "normal", False, 45),
        ("second_time", "complex", False, 60),
        ("second_time", "normal", True, 60),
        ("second_time", "especially_complex", True, 70),
    ],
)
def test_complaint_resolution_depends_on_round_complexity_and_remoteness(
    round_, complexity, remote, days
):
    rule = rules.resolve_rule("complaint", round_, complexity, remote)
    assert BOOK.in_force(rule, date(2027, 3, 1)).length == days


def test_a_denunciation_is_resolved_in_thirty_days_with_extensions_by_complexity():
    assert rules.resolve_rule("denunciation") == "denunciation.resolve"
    assert BOOK.in_force("denunciation.resolve", date(2027, 3, 1)).length == 30
    assert BOOK.in_force("denunciation.extension", date(2027, 3, 1)).length == 30
    assert rules.EXTENSIONS_ALLOWED == {"normal": 0, "complex": 1, "especially_complex": 2}


def test_the_deadline_is_the_end_of_the_last_day_in_hanoi():
    limit = BOOK.in_force("denunciation.accept", date(2027, 2, 1))
    assert iso(limit.due_at(date(2027, 2, 1), CAL)) == "2027-02-17T16:59:59.999999Z"


def test_an_extension_length_can_be_shorter_than_the_rule():
    limit = BOOK.in_force("denunciation.extension", date(2027, 3, 5))
    assert limit.due_date(date(2027, 3, 5), CAL, length=10).isoformat() == "2027-03-15"


# --- rules as data with effective dates ---------------------------------------------------------


def test_every_default_rule_has_a_length_a_unit_an_event_a_date_and_a_source():
    assert set(BOOK.names()) >= {
        "case.forward",
        "complaint.accept",
        "complaint.limitation",
        "denunciation.accept",
        "denunciation.notify",
        "denunciation.resolve",
        "denunciation.extension",
        "voter_petition.answer",
    }
    for name in BOOK.names():
        for version in BOOK.history(name):
            assert version.length > 0 and version.unit in rules.UNITS
            assert version.runs_from in rules.RUNS_FROM
            assert version.source and version.effective_from.year >= 2012


def test_the_version_in_force_on_the_event_date_is_used():
    new = TimeLimit(
        rule="voter_petition.answer",
        kind="voter_petition",
        length=30,
        unit="days",
        runs_from="received",
        effective_from=date(2027, 3, 1),
        source="Nghị quyết HĐND (thử)",
        origin="admin",
    )
    book = BOOK.with_versions("voter_petition.answer", [new])
    assert book.in_force("voter_petition.answer", date(2027, 2, 28)).length == 60
    assert book.in_force("voter_petition.answer", date(2027, 3, 1)).length == 30
    assert len(book.history("voter_petition.answer")) == 2
    assert BOOK.in_force("voter_petition.answer", date(2027, 3, 1)).length == 60  # unchanged


def test_a_version_with_the_same_date_replaces_the_one_before_it():
    first = BOOK.history("case.forward")[0]
    replaced = TimeLimit(**{**first.__dict__, "length": 3, "origin": "admin"})
    book = BOOK.with_versions("case.forward", [replaced])
    assert [v.length for v in book.history("case.forward")] == [3]


def test_an_event_before_the_first_version_uses_the_oldest_text():
    assert BOOK.in_force("denunciation.accept", date(2015, 1, 1)).length == 7


def test_a_rule_with_a_unit_or_event_it_does_not_know_is_refused():
    with pytest.raises(ValueError):
        TimeLimit("x.y", "any", 5, "weeks", "received", date(2027, 1, 1), "s")
    with pytest.raises(ValueError):
        TimeLimit("x.y", "any", 5, "days", "decided", date(2027, 1, 1), "s")


def test_a_complaint_received_after_ninety_days_is_time_barred():
    # Learned on 1/11/2026: 90 days end on Saturday 30/1/2027, so on Monday 1/2.
    learned = date(2026, 11, 1)
    assert not rules.is_time_barred(BOOK, CAL, learned, date(2027, 2, 1))
    assert rules.is_time_barred(BOOK, CAL, learned, date(2027, 2, 2))


def test_days_lost_to_an_objective_obstacle_do_not_count_in_the_ninety_days():
    # Learned on 1/11/2026, 45 days lost to illness: 135 days end on Wednesday 16/3/2027.
    learned = date(2026, 11, 1)
    assert not rules.is_time_barred(BOOK, CAL, learned, date(2027, 3, 16), days_lost=45)
    assert rules.is_time_barred(BOOK, CAL, learned, date(2027, 3, 17), days_lost=45)


def test_the_intake_rule_of_each_kind():
    assert rules.intake_rule("complaint") == "complaint.accept"
    assert rules.intake_rule("denunciation") == "denunciation.accept"
    assert rules.intake_rule("denunciation", True) == "denunciation.accept.several_sites"
    assert rules.intake_rule("voter_petition") == "voter_petition.answer"


# --- the 2026 amendments: a new version of a rule, never an edit of the old one -----------------


def test_a_complaint_received_on_30_june_2026_must_be_accepted_within_ten_working_days():
    # Tue 30/6/2026: 1–3, 6–10, 13, 14 July: the tenth working day is Tuesday 14/7.
    assert due("complaint.accept", "2026-06-30") == "2026-07-14"
    assert BOOK.in_force("complaint.accept", date(2026, 6, 30)).length == 10


def test_a_complaint_received_on_1_july_2026_must_be_accepted_within_seven_working_days():
    # Wed 1/7/2026: 2, 3, 6–10 July: the seventh working day is Friday 10/7.
    assert due("complaint.accept", "2026-07-01") == "2026-07-10"
    limit = BOOK.in_force("complaint.accept", date(2026, 7, 1))
    assert limit.length == 7 and "Decree 155/2026" in limit.source


def test_the_ten_day_rule_before_july_2026_counts_across_the_april_holidays():
    # Fri 24/4/2026: Mon 27/4 off (Hùng Kings in lieu), 28, 29; 30/4 and 1/5 off; 4–8, 11–13
    # May: the tenth working day is Wednesday 13/5.
    assert due("complaint.accept", "2026-04-24") == "2026-05-13"


def test_the_seven_day_rule_counts_across_the_national_day_holiday_of_2026():
    # Thu 27/8/2026: Fri 28/8; 29/8–2/9 off; 3, 4, 7, 8, 9, 10 September: Thursday 10/9.
    assert due("complaint.accept", "2026-08-27") == "2026-09-10"


def test_the_old_acceptance_rule_is_kept_beside_the_new_one():
    versions = BOOK.history("complaint.accept")
    assert [(v.effective_from.isoformat(), v.length) for v in versions] == [
        ("2012-07-01", 10),
        ("2026-07-01", 7),
    ]


def test_a_duty_created_in_2026_does_not_apply_before_its_first_version():
    assert BOOK.in_force_since("complaint.suspension_notice", date(2026, 6, 30)) is None
    notice = BOOK.in_force_since("complaint.suspension_notice", date(2026, 7, 1))
    assert notice is not None and notice.length == 3 and notice.unit == "working_days"
