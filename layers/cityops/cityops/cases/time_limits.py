"""The legal time limits in force: the defaults with the versions administrators added (read
once a minute), and the admin's use cases that list, read and change them. A change adds a
version from a date; earlier versions stay, and cases keep the deadlines already computed.
"""

from __future__ import annotations

import time

from cityops.cases.models import TimeLimitChange
from cityops.cases.pipeline import RULES, is_staff
from cityops.cases.replies import TimeLimitList, TimeLimitRule, TimeLimitVersion
from cityops.cases.rules import AddedVersion, Limits, RuleBook, RuleVersions, TimeLimit
from cityops.cases.rules import default_book as _defaults
from cityops.core import clock
from cityops.core.access import RIDERS, Rider
from cityops.core.auth import Principal
from cityops.core.errors import Forbidden, InvalidInput, NotFound
from cityops.core.pipeline import Work
from cityops.directory.port import DIRECTORY

_SECONDS = 60.0
_cached: tuple[float, RuleBook] | None = None


def _kept() -> bool:
    return bool(_cached and time.monotonic() - _cached[0] < _SECONDS)


def rulebook() -> RuleBook:
    """The defaults with the versions an administrator added; cached for a minute, and read
    with a container's first caller when it can (`core.access.RIDERS`)."""
    if _cached and _kept():
        return _cached[1]
    return _keep(_stored(_defaults().names()))


def _keep(stored: dict[str, RuleVersions]) -> RuleBook:
    global _cached
    book = _defaults()
    for name, versions in stored.items():
        book = book.with_versions(name, versions.limits(book.history(name)[0]))
    _cached = (time.monotonic(), book)
    return book


RIDERS.append(
    Rider(
        table=RULES.store.table,
        wanted=lambda: [] if _kept() else RULES.store.keys(_defaults().names()),  # type: ignore[attr-defined]
        keep=lambda items: _keep(RULES.store.found(items)),  # type: ignore[attr-defined]
        consistent=True,  # an administrator's change is in force at once
    )
)


def forget_rules() -> None:
    global _cached
    _cached = None


def limits() -> Limits:
    """The rules in force and the working calendar: what a case's deadlines are counted by."""
    return Limits(rulebook(), DIRECTORY.current.calendar())


def _stored(names: list[str]) -> dict[str, RuleVersions]:
    return RULES.store.load_many(names)  # type: ignore[attr-defined]


def _out(book: RuleBook, rule: str, version: int) -> TimeLimitRule:
    history = book.history(rule)

    def out(v: TimeLimit) -> TimeLimitVersion:
        return TimeLimitVersion.model_validate(v.as_dict())

    return TimeLimitRule(
        rule=rule,
        kind=history[0].kind,
        in_force=out(book.in_force(rule, clock.today())),
        versions=[out(v) for v in history],
        version=version,
    )


def _for_staff(who: Principal) -> None:
    if not (is_staff(who) or who.is_admin):
        raise Forbidden("Chỉ cán bộ mới được xem các thời hạn.")


def list_time_limits(who: Principal) -> TimeLimitList:
    _for_staff(who)
    book = rulebook()
    stored = _stored(book.names())
    versions = {name: stored[name].version if name in stored else 0 for name in book.names()}
    return TimeLimitList(items=[_out(book, name, versions[name]) for name in book.names()])


def get_time_limit(who: Principal, rule: str) -> TimeLimitRule:
    _for_staff(who)
    book = rulebook()
    if not book.has(rule):
        raise NotFound("Không có thời hạn này.")
    stored = RULES.store.load(rule)
    return _out(book, rule, stored.version if stored else 0)


def put_time_limit(
    who: Principal, rule: str, change: TimeLimitChange, expected_version: int | None
) -> TimeLimitRule:
    """Add a version of a rule (or replace the version with the same effective date): an
    administrator's, from the date given."""

    def add(work: Work[RuleVersions]) -> None:
        _check_unit(rulebook().history(rule)[0], change)
        work.entity.add(
            AddedVersion(
                length=change.length,
                unit=change.unit,
                effective_from=change.effective_from.isoformat(),
                source=change.source,
                note=change.note,
                set_by=who.sub,
                set_at=clock.now(),
            )
        )

    RULES.change(who, rule, "change", add, if_match=expected_version, note=change.note)
    forget_rules()
    return get_time_limit(who, rule)


def _check_unit(first: TimeLimit, change: TimeLimitChange) -> None:
    """A requirement stays a requirement (length 0 or 1); a time limit stays a time limit of at
    least one day, in working or calendar days."""
    requirement = first.unit == "requirement"
    if requirement != (change.unit == "requirement"):
        expected = "requirement" if requirement else "working_days hoặc days"
        raise InvalidInput(
            f"Đơn vị tính (unit) của {first.rule} phải là {expected}.",
            errors=[{"loc": ["body", "unit"], "msg": f"phải là {expected}"}],
        )
    if (requirement and change.length > 1) or (not requirement and change.length < 1):
        expected = "là 0 hoặc 1" if requirement else "từ 1 trở lên"
        raise InvalidInput(
            f"Độ dài (length) của {first.rule} phải {expected}.",
            errors=[{"loc": ["body", "length"], "msg": f"phải {expected}"}],
        )
