"""Fakes for the cases unit tests (imported by the test_cases_* modules; this module has no
tests of its own): the cases pipeline on a `MemoryStore`, the time-limit rules on another,
and a directory in memory with the city's units, its staff and the working calendar. The
clock is frozen on Monday 1 February 2027, 09:00 in Hanoi (Tết 2027 is 4–10 February).

`desk` runs the real use cases (`cityops.cases.intake`, `handling`, ...) on these fakes, so
that the business rules are tested in milliseconds and with no moto."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from cityops.cases import handling, intake, models, reads
from cityops.cases.council import forget_sessions
from cityops.cases.pipeline import PIPELINE, RULES, SESSIONS
from cityops.cases.rules import RuleVersions
from cityops.cases.sessions import CouncilSession
from cityops.cases.store import SealedIdentity, SessionPetition
from cityops.cases.time_limits import forget_rules
from cityops.core import clock
from cityops.core.access import UNITS
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ
from cityops.core.errors import DomainError
from cityops.core.ids import new_id
from cityops.core.memory import MemoryStore
from cityops.directory.port import DIRECTORY, MemoryDirectory, Profile, Unit
from pydantic import ValidationError

from tests.cases_bodies import (  # noqa: F401
    NOW,
    SESSION,
    complaint,
    new_case,
    petition,
    set_day,
)

# code: (kind, parent code)
UNITS_OF_THE_CITY = {
    "UBND-HN": ("city", None),
    "VP-UBND": ("office", "UBND-HN"),
    "TTR-HN": ("inspectorate", "UBND-HN"),
    "SO-TC": ("department", "UBND-HN"),
    "SO-TC.NS": ("division", "SO-TC"),
    "SO-XD": ("department", "UBND-HN"),
}
STAFF = {
    # name: (unit code, roles)
    "vp_clerk": ("VP-UBND", ("clerk",)),
    "vp_leader": ("VP-UBND", ("unit_leader",)),
    "chairman": ("UBND-HN", ("city_leader",)),
    "admin": ("VP-UBND", ("admin",)),
    "inspector": ("TTR-HN", ("inspector",)),
    "inspector2": ("TTR-HN", ("inspector",)),
    "ttr_clerk": ("TTR-HN", ("clerk",)),
    "sotc_leader": ("SO-TC", ("unit_leader",)),
    "sotc_officer": ("SO-TC", ("officer",)),
    "sotc_officer2": ("SO-TC", ("officer",)),
    "sotc_clerk": ("SO-TC", ("clerk",)),
    "soxd_leader": ("SO-XD", ("unit_leader",)),
    "soxd_officer": ("SO-XD", ("officer",)),
    "ns_officer": ("SO-TC.NS", ("officer",)),
}


class MemoryRules(MemoryStore[RuleVersions]):
    """The time-limit rules' store in memory: a rule nobody changed is offered at version 0."""

    def load(self, entity_id: str) -> RuleVersions | None:
        return super().load(entity_id) or RuleVersions(
            id=entity_id, status="in_force", created_at=clock.now()
        )

    def load_many(self, rules: list[str]) -> dict[str, RuleVersions]:
        return {r: self.entities[r].model_copy(deep=True) for r in rules if r in self.entities}


class MemoryCases(MemoryStore):
    """The cases' store in memory, with the rows that find a session's petitions and the
    identities sealed with the cases (the vault's items)."""

    def identity(self, case_id: str) -> dict[str, Any]:
        sealed = [r for r in self.records if isinstance(r, SealedIdentity) and r.case_id == case_id]
        return dict(sealed[0].identity) if sealed else {}

    def petitions_of_session(self, session_id: str) -> list[str]:
        return [
            r.case_id
            for r in self.records
            if isinstance(r, SessionPetition) and r.session_id == session_id
        ]


class MemorySessions(MemoryStore[CouncilSession]):
    """The council's sessions in memory (every session: what one Query reads)."""

    def all(self) -> list[CouncilSession]:
        return [s.model_copy(deep=True) for s in self.entities.values()]


def a_session(**fields: Any) -> CouncilSession:
    """A session as an administrator entered it (the seed's: `tests.cases_bodies.SESSION`)."""
    data = {**SESSION, **fields}
    return CouncilSession(
        id=data.pop("id", None) or new_id(), status="scheduled", created_at=clock.now(), **data
    )


@dataclass
class Desk:
    """The cases system on fakes, as the staff of the city use it."""

    store: MemoryStore
    rules: MemoryRules
    sessions: MemorySessions
    directory: MemoryDirectory
    people: dict[str, Principal]

    def unit(self, code: str) -> str:
        return self.directory.unit_by_code(code).id  # type: ignore[union-attr]

    def create(self, who: str, **fields: Any) -> dict[str, Any]:
        """Record a case as `who` (the reply, as the API shows it)."""
        body = models.CaseCreate(**new_case(**fields))
        return intake.create_case(self.people[who], body).model_dump(mode="json")

    def case(self, who: str, case_id: str) -> dict[str, Any]:
        return reads.get_case(self.people[who], case_id).model_dump(mode="json")

    def act(self, who: str, case: Any, action: str, body: dict | None = None, *, version=None):
        """Take an action with If-Match of the case's current version (or `version`): (status,
        headers, reply or problem), as the function would answer."""
        case_id = case if isinstance(case, str) else case["id"]
        if version is None:
            version = self.store.entities[case_id].version
        try:
            model = BODIES[action].model_validate(body or {})
            done = getattr(handling, action)(self.people[who], case_id, model, version)
        except ValidationError as exc:
            return 422, {}, {"status": 422, "detail": str(exc)}
        except DomainError as exc:
            return exc.status, exc.headers(), exc.problem()
        return 200, {"ETag": f'"{done.version}"'}, done.model_dump(mode="json")

    def ok(self, who: str, case: Any, action: str, body: dict | None = None) -> dict[str, Any]:
        status, _headers, reply = self.act(who, case, action, body)
        assert status == 200, (action, reply)
        return reply

    def rows(self, case_id: str) -> list[dict[str, Any]]:
        """The case's obligation rows."""
        ref = f"case#{case_id}"
        return [row for (owner, _key), row in self.store.obligations.items() if owner == ref]

    def open_obligations(self, case_id: str) -> dict[str, str]:
        """The case's open obligations: kind -> due day in Hanoi."""
        return {r["kind"]: _day(r["due_at"]) for r in self.rows(case_id) if r["status"] == "open"}

    def closed_obligations(self, case_id: str) -> dict[str, str]:
        """The case's closed obligations: kind -> outcome (the last one of each kind)."""
        return {r["kind"]: r["outcome"] for r in self.rows(case_id) if r["status"] == "closed"}


def _day(iso: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.astimezone(CITY_TZ).date().isoformat()


BODIES = {
    "classify": models.CaseClassify,
    "forward": models.CaseNote,
    "accept": models.CaseAccept,
    "refuse": models.CaseRefuse,
    "assign": models.CaseAssign,
    "verify": models.CaseNote,
    "dialogue": models.CaseDialogue,
    "notify": models.CaseNote,
    "extend": models.CaseExtend,
    "decide": models.CaseDecide,
    "conclude": models.CaseConclude,
    "answer": models.CaseAnswer,
    "publish": models.CaseNote,
    "withdraw": models.CaseWithdraw,
    "withdraw_in_part": models.CaseWithdrawInPart,
    "suspend": models.CaseSuspend,
    "resume": models.CaseResume,
    "report_results": models.CaseReportResults,
}


def city() -> MemoryDirectory:
    directory = MemoryDirectory()
    ids = {code: new_id() for code in UNITS_OF_THE_CITY}
    for code, (kind, parent) in UNITS_OF_THE_CITY.items():
        path: tuple[str, ...] = (ids[code],)
        while parent:
            path = (ids[parent], *path)
            parent = UNITS_OF_THE_CITY[parent][1]
        directory.add_unit(Unit(ids[code], code, f"Đơn vị {code}", path, kind))
    return directory


@pytest.fixture(name="desk")
def desk_fixture(monkeypatch):
    clock.set_now(NOW)
    directory = city()
    monkeypatch.setattr(UNITS, "source", directory.item)
    UNITS.forget()
    forget_rules()
    people = {}
    for name, (code, roles) in STAFF.items():
        unit_id = directory.unit_by_code(code).id  # type: ignore[union-attr]
        sub = f"sub-{name}"
        people[name] = Principal(sub, name, name, unit_id, frozenset(roles))
        directory.add_profile(Profile(sub, name, unit_id, frozenset(roles)))
    cases = MemoryCases("cases")
    rules = MemoryRules("cases")
    sessions = MemorySessions("cases")
    sessions.add(a_session())
    forget_sessions()
    with (
        PIPELINE.using(cases),
        RULES.using(rules),
        SESSIONS.using(sessions),
        DIRECTORY.using(directory),
    ):
        yield Desk(cases, rules, sessions, directory, people)
    UNITS.forget()
    forget_rules()
    forget_sessions()
    clock.reset()
