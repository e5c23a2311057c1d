"""Legal time limits (thời hạn) kept as data, with the date each version took effect.

A rule (`complaint.accept`, `denunciation.resolve`, ...) has one or more versions: its length,
its unit (working days or calendar days), the event it runs from, the date it took effect and
its source. The defaults come from `time_limits.json` beside this module; an administrator adds
versions (`PUT /v1/cases/time-limits/{rule}`), which are kept in the cases table and win over a
default with the same effective date. A case uses the version in force on the date of the
event the limit runs from, so a change of law never moves a deadline already computed.

Counting (Civil Code 2015 Art. 147–148, with `cityops.core.calendar.WorkingCalendar`): the
period starts the day after the event; working-day limits end on the n-th working day after
it, calendar-day limits on the n-th day moved to the next working day if that is a day off;
the deadline is the end of that day (24:00 in Hanoi).

No AWS here: `RuleBook` is plain data, so the unit tests use it with a calendar and no table.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import ConfigDict, Field

from cityops.core.calendar import WorkingCalendar
from cityops.core.models import Instant, Model
from cityops.core.pipeline import Entity

DATA_FILE = Path(__file__).with_name("time_limits.json")
UNITS = ("working_days", "days", "requirement")
RUNS_FROM = (
    "received",
    "accepted",
    "learned",
    "previous_deadline",
    "suspended",
    "resumed",
    "session_opens",  # counted back from a session's opening (a window, a report before it)
    "session_closes",
    "reported",
    "published",
)


@dataclass(frozen=True)
class TimeLimit:
    """One version of a rule."""

    rule: str
    kind: str  # the kind of case it applies to, or "any"
    length: int
    unit: str  # "working_days" | "days"; "requirement": length 1 in force, 0 lifted
    runs_from: str  # the event: received, accepted, learned, previous_deadline, ...
    effective_from: date
    source: str
    verified: bool = True
    note: str | None = None
    origin: str = "default"  # "default" (the data file) or "admin" (a version added later)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.runs_from not in RUNS_FROM:
            raise ValueError(f"unknown event {self.runs_from!r}")
        if self.length < 0:
            raise ValueError("a time limit cannot be negative")

    def due_date(self, event: date, calendar: WorkingCalendar, length: int | None = None) -> date:
        """The last day of the period that starts the day after `event` (Art. 147–148)."""
        n = self.length if length is None else length
        if self.unit == "requirement":
            raise ValueError(f"{self.rule} is a requirement, not a time limit")
        if self.unit == "working_days":
            return calendar.add_working_days(event, n)
        return calendar.add_days(event, n)

    def earliest(self, event: date, calendar: WorkingCalendar) -> date:
        """The first day of a period of this length that ends the day before `event`
        (counted back: "within 15 days before the session opens", "at least 20 working days
        before the next session"): `event` less the days, or the n-th working day before it.
        A period counted back is not moved off a day off: it is a start, not an end."""
        if self.unit == "requirement":
            raise ValueError(f"{self.rule} is a requirement, not a time limit")
        if self.unit == "working_days":
            return calendar.subtract_working_days(event, self.length)
        return event - timedelta(days=self.length)

    def due_at(self, event: date, calendar: WorkingCalendar, length: int | None = None) -> datetime:
        """The deadline: the end of the last day, in Hanoi (24:00, Art. 148)."""
        return calendar.due_end_of_day(self.due_date(event, calendar, length))

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["effective_from"] = self.effective_from.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "default") -> Self:
        return cls(
            rule=data["rule"],
            kind=data["kind"],
            length=int(data["length"]),
            unit=data["unit"],
            runs_from=data["runs_from"],
            effective_from=date.fromisoformat(str(data["effective_from"])),
            source=data["source"],
            verified=bool(data.get("verified", True)),
            note=data.get("note"),
            origin=data.get("origin", origin),
        )


@dataclass(frozen=True)
class RuleBook:
    """Every version of every rule, by rule name, oldest first."""

    versions: dict[str, tuple[TimeLimit, ...]] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.versions)

    def has(self, rule: str) -> bool:
        return rule in self.versions

    def history(self, rule: str) -> tuple[TimeLimit, ...]:
        if rule not in self.versions:
            raise KeyError(rule)
        return self.versions[rule]

    def in_force(self, rule: str, on: date) -> TimeLimit:
        """The version in force on `on`: the latest that took effect on or before it. A date
        before the first version uses the first (the oldest text we have)."""
        versions = self.history(rule)
        chosen = versions[0]
        for version in versions:
            if version.effective_from <= on:
                chosen = version
        return chosen

    def in_force_since(self, rule: str, on: date) -> TimeLimit | None:
        """The version in force on `on`, or None before the rule's first version took effect
        (a duty that a later law created, such as the notices of a complaint's suspension)."""
        version = self.in_force(rule, on)
        return version if version.effective_from <= on else None

    def with_versions(self, rule: str, added: list[TimeLimit]) -> Self:
        """This book with versions added to a rule; an added version replaces the one with the
        same effective date."""
        by_date = {v.effective_from: v for v in self.history(rule)}
        for version in added:
            by_date[version.effective_from] = version
        versions = dict(self.versions)
        versions[rule] = tuple(by_date[d] for d in sorted(by_date))
        return RuleBook(versions)


@cache
def default_book() -> RuleBook:
    """The defaults from `time_limits.json` (read once per process)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    grouped: dict[str, list[TimeLimit]] = {}
    for row in data["rules"]:
        limit = TimeLimit.from_dict(row)
        grouped.setdefault(limit.rule, []).append(limit)
    return RuleBook(
        {
            name: tuple(sorted(rows, key=lambda v: v.effective_from))
            for name, rows in grouped.items()
        }
    )


# --- which rule applies -------------------------------------------------------------------

COMPLEXITIES = ("normal", "complex", "especially_complex")


def accept_rule(kind: str, several_sites: bool = False) -> str | None:
    """The acceptance rule of a kind (None: voter petitions are answered, not accepted)."""
    if kind == "complaint":
        return "complaint.accept"
    if kind == "denunciation":
        return "denunciation.accept.several_sites" if several_sites else "denunciation.accept"
    return None


def resolve_rule(
    kind: str, complaint_round: str | None = None, complexity: str = "normal", remote: bool = False
) -> str:
    """The resolution rule: by round, complexity and remoteness for complaints (Art. 28, 37);
    one rule for denunciations (extensions move it, Art. 30); the answer for voter petitions."""
    if kind == "complaint":
        base = f"complaint.resolve.{complaint_round or 'first_time'}"
        is_complex = complexity != "normal"
        if remote and is_complex:
            return base + ".remote_complex"
        if remote:
            return base + ".remote"
        if is_complex:
            return base + ".complex"
        return base
    if kind == "denunciation":
        return "denunciation.resolve"
    return "voter_petition.answer"


# A complaint is complex only on the seven criteria of a complex denunciation, recorded in
# writing, for complaints accepted while this requirement is in force (Decree 155/2026 Art. 3a,
# read in a secondary copy: from 2026-07-01); before it, the resolver's designation stands (Law
# on Complaints Art. 28, 37). A rule of the book like the time limits: an administrator moves
# its start or lifts it with a version of length 0.
COMPLEX_COMPLAINT_RECORD = "complaint.complexity_record"


def requires(book: RuleBook, rule: str, on: date) -> bool:
    """Whether a requirement rule (`unit` "requirement") is in force on `on`."""
    version = book.in_force_since(rule, on)
    return version is not None and version.length > 0


def complaint_complexity(
    asked: str, criteria: list[str], record: str | None, accepted_on: date, book: RuleBook
) -> str:
    """The complexity a complaint's resolution limit is chosen by: while the written-record
    requirement is in force, "complex" only with at least one criterion and the written record
    of them (otherwise the normal limit); before, what the resolver declared."""
    if not requires(book, COMPLEX_COMPLAINT_RECORD, accepted_on):
        return asked
    return "complex" if criteria and record else "normal"


def intake_rule(kind: str, several_sites: bool = False) -> str:
    """The limit that starts when a unit receives a case: accept it, or answer a petition."""
    return accept_rule(kind, several_sites) or "voter_petition.answer"


# Extensions of a denunciation (Law on Denunciations Art. 30(1); Decree 31/2019 Art. 3): the
# number allowed by complexity; the length cap of each is the `denunciation.extension` rule.
EXTENSIONS_ALLOWED = {"normal": 0, "complex": 1, "especially_complex": 2}


def is_time_barred(
    book: RuleBook,
    calendar: WorkingCalendar,
    learned_on: date,
    received_on: date,
    days_lost: int | None = None,
) -> bool:
    """A complaint received after its limitation period (Art. 9) ended: the period from the
    day the complainant learned of the act, the days lost to an objective obstacle (illness,
    disaster, travel, ...) not counted in it."""
    limit = book.in_force("complaint.limitation", learned_on)
    return received_on > limit.due_date(learned_on, calendar, limit.length + (days_lost or 0))


def deadline_kind(rule: str) -> str:
    """The obligation kind of a rule: its first two parts (`denunciation.accept.several_sites`
    is a `denunciation.accept`)."""
    return ".".join(rule.split(".")[:2])


@dataclass(frozen=True)
class Limits:
    """The rules with every version an administrator added, and the calendar they are counted
    on: what a case needs to set its deadlines."""

    book: RuleBook
    calendar: WorkingCalendar

    def in_force(self, rule: str, on: date) -> TimeLimit:
        return self.book.in_force(rule, on)

    def in_force_since(self, rule: str, on: date) -> TimeLimit | None:
        return self.book.in_force_since(rule, on)


# --- versions an administrator adds -----------------------------------------------------------


class AddedVersion(Model):
    """A version of a rule that an administrator added."""

    model_config = ConfigDict(extra="forbid")

    length: int
    unit: str
    effective_from: str
    source: str
    note: str | None = None
    verified: bool = True
    set_by: str
    set_at: Instant


class RuleVersions(Entity):
    """A time-limit rule's versions added by administrators (the defaults are data:
    `rules.default_book`). Its id is the rule's name; one state, one action (`change`)."""

    entity_type: ClassVar[str] = "time_limit"
    versions: list[AddedVersion] = Field(default_factory=list)

    def add(self, version: AddedVersion) -> None:
        """Add a version, or replace the one with the same effective date."""
        kept = [v for v in self.versions if v.effective_from != version.effective_from]
        self.versions = sorted([*kept, version], key=lambda v: v.effective_from)

    def limits(self, first: TimeLimit) -> list[TimeLimit]:
        """The versions as rules, with the kind and event of the rule's first version."""
        return [
            TimeLimit.from_dict(
                {
                    **v.model_dump(mode="json"),
                    "rule": self.id,
                    "kind": first.kind,
                    "runs_from": first.runs_from,
                },
                origin="admin",
            )
            for v in self.versions
        ]
