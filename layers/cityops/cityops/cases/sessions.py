"""The People's Council's sessions (kỳ họp HĐND) and what voter petitions owe them: the
windows in which petitions are compiled for a session, and the day the answering unit must
report its results before the next regular session. Knows no DynamoDB or HTTP.

The windows and the report are rules of the book (`time_limits.json`, editable by an
administrator with their effective dates and sources), chosen by the session's kind:

- a regular session: `voter_petition.window.before` (15 days before it opens) and
  `voter_petition.window.after` (15 days after it closes);
- an extraordinary one: `voter_petition.window.extraordinary_before` (2 working days) and
  `.extraordinary_after` (7 working days) (NQLT 72/2025 as amended by NQLT 100/2025);
- `voter_petition.report_results`: at least 20 working days before the next regular session
  opens (Art. 49), counted back from its opening day.

A period counted back starts `length` days (or working days) before the event and ends the day
before it; a period counted forward starts the day after and ends as every limit ends (Civil
Code Art. 147-148). The version of a window in force is the one on the date the session opens
(or closes); of the report, on the date the next session opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from cityops.cases.rules import Limits, TimeLimit
from cityops.core.errors import InvalidInput
from cityops.core.pipeline import Entity

KINDS = ("regular", "extraordinary")
_DAY = timedelta(days=1)


class CouncilSession(Entity):
    """A session of the People's Council: its code (unique), its name as officials write it
    ("Kỳ họp thứ 20, HĐND Thành phố khóa XVI"), regular or extraordinary, and the days it
    opens and closes. Kept by an administrator; one state, one action (`change`)."""

    entity_type: ClassVar[str] = "council_session"

    code: str
    name: str
    kind: str
    opens_on: date
    closes_on: date

    def edit(self, *, name: str, kind: str, opens_on: date, closes_on: date) -> None:
        check_dates(opens_on, closes_on)
        self.name, self.kind, self.opens_on, self.closes_on = name, kind, opens_on, closes_on

    @property
    def extraordinary(self) -> bool:
        return self.kind == "extraordinary"


def check_dates(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise InvalidInput(
            "Ngày bế mạc không thể trước ngày khai mạc.",
            errors=[{"loc": ["body", "closes_on"], "msg": "trước opens_on"}],
        )


def check_in_force(opens_on: date, kind: str, limits: Limits) -> None:
    """422 for a session that opens before the book's first compilation rule took effect: its
    petitions were compiled under texts the book does not hold (and its windows would reach
    before the calendar's first year)."""
    prefix = "voter_petition.window." + ("extraordinary_" if kind == "extraordinary" else "")
    if limits.in_force_since(prefix + "before", opens_on) is None:
        first = limits.in_force(prefix + "before", opens_on)
        raise InvalidInput(
            f"Kỳ họp khai mạc trước ngày {dmy(first.effective_from)}, ngày quy định về thời hạn "
            f"tổng hợp kiến nghị cử tri có hiệu lực ({first.source}): không nhập được.",
            errors=[{"loc": ["body", "opens_on"], "msg": "trước ngày quy định có hiệu lực"}],
        )


def dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Window:
    """The days a petition may be compiled for a session: before it opens, after it closes
    (each inclusive)."""

    before: tuple[date, date]
    after: tuple[date, date]
    before_rule: TimeLimit
    after_rule: TimeLimit

    def admits(self, day: date) -> bool:
        return any(start <= day <= end for start, end in (self.before, self.after))


def window(session: CouncilSession, limits: Limits) -> Window:
    """The compilation window of a session, by its kind, on the rules in force."""
    prefix = "voter_petition.window." + ("extraordinary_" if session.extraordinary else "")
    before = limits.in_force(prefix + "before", session.opens_on)
    after = limits.in_force(prefix + "after", session.closes_on)
    return Window(
        before=(before.earliest(session.opens_on, limits.calendar), session.opens_on - _DAY),
        after=(session.closes_on + _DAY, after.due_date(session.closes_on, limits.calendar)),
        before_rule=before,
        after_rule=after,
    )


def _length(rule: TimeLimit) -> str:
    return f"{rule.length} {'ngày làm việc' if rule.unit == 'working_days' else 'ngày'}"


def outside_window(session: CouncilSession, compiled_on: date, limits: Limits) -> str | None:
    """None when `compiled_on` is in the session's window; else the message officials read,
    naming the window's dates."""
    found = window(session, limits)
    if found.admits(compiled_on):
        return None
    (b1, b2), (a1, a2) = found.before, found.after
    return (
        f"Kiến nghị cử tri gửi {session.name} phải được tổng hợp trong "
        f"{_length(found.before_rule)} trước khai mạc (từ {dmy(b1)} đến {dmy(b2)}) hoặc trong "
        f"{_length(found.after_rule)} sau bế mạc (từ {dmy(a1)} đến {dmy(a2)}); ngày tổng hợp "
        f"{dmy(compiled_on)} nằm ngoài thời hạn."
    )


@dataclass(frozen=True)
class Council:
    """The sessions an administrator has entered, oldest first."""

    sessions: tuple[CouncilSession, ...] = ()

    def find(self, reference: str) -> CouncilSession | None:
        """A session by its id or its code (codes compared without regard to case)."""
        wanted = reference.strip()
        for session in self.sessions:
            if session.id == wanted or session.code.lower() == wanted.lower():
                return session
        return None

    def next_regular(self, session: CouncilSession) -> CouncilSession | None:
        """The regular session the results of `session`'s petitions are reported to: the
        first regular session that opens after it closes."""
        later = [
            s
            for s in self.sessions
            if s.kind == "regular" and s.opens_on > session.closes_on and s.id != session.id
        ]
        return min(later, key=lambda s: (s.opens_on, s.id)) if later else None

    def reporting_to(self, target: CouncilSession) -> list[CouncilSession]:
        """The sessions whose petitions' results are reported to `target`."""
        return [s for s in self.sessions if (n := self.next_regular(s)) and n.id == target.id]


def report_due(next_session: CouncilSession, limits: Limits) -> tuple[date, TimeLimit]:
    """The last day the answering unit may report the results: `voter_petition.report_results`
    working days before the next regular session opens."""
    rule = limits.in_force("voter_petition.report_results", next_session.opens_on)
    return rule.earliest(next_session.opens_on, limits.calendar), rule


def check_compiled(
    session: CouncilSession, compiled_on: date, limits: Limits, field: str = "compiled_on"
) -> None:
    """422 when a petition is compiled outside its session's window."""
    message = outside_window(session, compiled_on, limits)
    if message:
        raise InvalidInput(message, errors=[{"loc": ["body", field], "msg": message}])
