"""The one access rule: who sees what belongs to a unit.

Every system asks the same question ("may this caller see what the unit at this path owns?")
and gets its answer from `sees_unit`. What differs between systems is declared as an
`AccessPolicy` beside the rule, never written as separate code:

- the directory and the scoreboard: the default policy;
- tasks: administrators run the system but are not in the chain of command of a task (an
  administrator is not city-wide there);
- cases: only staff roles see cases, and the city Inspectorate sees every case;
- documents and reports: only staff roles, city leaders see every unit's.

The rule: whoever the policy makes city-wide sees every unit; a leader sees their unit's
whole subtree; anyone else sees their own unit only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cityops.core.auth import LEADER_ROLES, Principal
from cityops.core.ids import is_ulid


@dataclass(frozen=True)
class AccessPolicy:
    """How a system reads the rule.

    `roles`: the roles that may see anything at all (None: every caller; others see nothing);
    `city_wide_roles`: roles that see every unit;
    `city_wide`: a further test that makes a caller city-wide (e.g. a member of the city
    Inspectorate, for cases), asked only of callers with one of `roles`.
    """

    name: str
    roles: frozenset[str] | None = None
    city_wide_roles: frozenset[str] = frozenset({"city_leader", "admin"})
    city_wide: Callable[[Principal], bool] | None = None

    def admits(self, who: Principal) -> bool:
        return self.roles is None or bool(who.roles & self.roles)

    def is_city_wide(self, who: Principal) -> bool:
        if not self.admits(who):
            return False
        if who.roles & self.city_wide_roles:
            return True
        return bool(self.city_wide and self.city_wide(who))


@dataclass
class UnitCache:
    """Units of the directory by id, kept for `seconds` (what a policy's `city_wide` test
    reads). `source` reads one unit; None reads the directory's store, imported when first
    needed (core does not import the directory at module level). Tests put a fake there."""

    seconds: float = 60.0
    source: Callable[[str], dict[str, Any] | None] | None = None
    _hits: dict[str, tuple[float, dict[str, Any] | None]] = field(default_factory=dict)

    def get(self, unit_id: str | None) -> dict[str, Any] | None:
        if not unit_id or not is_ulid(unit_id):
            return None
        hit = self._hits.get(unit_id)
        if hit and time.monotonic() - hit[0] < self.seconds:
            return hit[1]
        unit = self._read(unit_id)
        self._hits[unit_id] = (time.monotonic(), unit)
        return unit

    def get_many(
        self, unit_ids: Iterable[str], read: Callable[[list[str]], dict[str, dict[str, Any]]]
    ) -> dict[str, dict[str, Any]]:
        """Several units by id: the ones kept, and the others in one `read` (by id), kept."""
        now, found, missing = time.monotonic(), {}, []
        for unit_id in dict.fromkeys(u for u in unit_ids if is_ulid(u)):
            hit = self._hits.get(unit_id)
            if hit and now - hit[0] < self.seconds:
                if hit[1] is not None:
                    found[unit_id] = hit[1]
            else:
                missing.append(unit_id)
        if missing:
            read_now = read(missing)
            for unit_id in missing:
                self._hits[unit_id] = (now, read_now.get(unit_id))
            found.update(read_now)
        return found

    def keeps(self, unit_id: str) -> bool:
        """Whether the unit (or its absence) is kept and fresh."""
        hit = self._hits.get(unit_id)
        return bool(hit and time.monotonic() - hit[0] < self.seconds)

    def keep(self, unit_id: str, unit: dict[str, Any] | None) -> None:
        """Keep a unit read with something else (the caller's, with their profile)."""
        self._hits[unit_id] = (time.monotonic(), unit)

    def forget(self) -> None:
        self._hits.clear()

    def _read(self, unit_id: str) -> dict[str, Any] | None:
        if self.source is not None:
            return self.source(unit_id)
        from cityops.directory import store

        return store.get_unit(unit_id)


UNITS = UnitCache()


@dataclass(frozen=True)
class Rider:
    """A container's cache that comes with its first caller's read: `wanted()` the keys it
    needs now in `table()` (none while it is kept), `keep(items)` takes what was found. The
    caller's profile, unit and every cold rider are one BatchGetItem (`ProfileCache.get`)."""

    table: Callable[[], str]
    wanted: Callable[[], list[dict[str, str]]]
    keep: Callable[[list[dict[str, Any]]], None]
    consistent: bool = False


RIDERS: list[Rider] = []  # the working calendar (`directory.store`), the cases' time limits


@dataclass
class ProfileCache:
    """Users' directory profiles by `sub`, kept for `seconds` per container (as `UNITS`): what
    `vouched` checks a token against. `source` reads one profile; None reads the directory's
    store. A user marked inactive is refused at most `seconds` after the mark."""

    seconds: float = 60.0
    source: Callable[[str], dict[str, Any] | None] | None = None
    _hits: dict[str, tuple[float, dict[str, Any] | None]] = field(default_factory=dict)

    def get(
        self, sub: str, unit_id: str | None = None, also: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """The profile of `sub`. `unit_id`: the caller's unit, and `also`: the units the
        request names, read in the same BatchGetItem (and kept in `UNITS`) when the
        directory's store is read and they are not kept, with the keys of every `RIDERS`
        cache that is not kept either."""
        if not sub:
            return None
        hit = self._hits.get(sub)
        if hit and time.monotonic() - hit[0] < self.seconds:
            return hit[1]
        if self.source is not None:
            profile = self.source(sub)
        else:
            from cityops.directory import store

            wanted = [] if UNITS.source is not None else [unit_id or "", *also]
            units = [u for u in dict.fromkeys(wanted) if u and is_ulid(u) and not UNITS.keeps(u)]
            profile, found = store.get_user_and_units(sub, units, RIDERS)
            for unit in units:
                UNITS.keep(unit, found[unit])
        self._hits[sub] = (time.monotonic(), profile)
        return profile

    def forget(self) -> None:
        self._hits.clear()


PROFILES = ProfileCache()


def vouched(who: Principal, units: Iterable[str] = ()) -> Principal:
    """The caller as the directory knows them: the name is the profile's (never the token's
    `name`, which a user could set); a user the directory marks inactive, or whose token's
    `custom:unit_id` is not the profile's unit, is refused (403); so is a token whose user has
    no profile at all (an account made in the user pool but never in the directory, or whose
    profile was removed): nobody is served whom the directory does not know."""
    from dataclasses import replace

    from cityops.core.errors import Forbidden

    profile = PROFILES.get(who.sub, who.unit_id, units)
    if profile is None and not who.sub:  # no claims at all: nobody, who sees nothing (404s)
        return replace(who, name=who.username)
    if profile is None:
        raise Forbidden(
            "Tài khoản này chưa có hồ sơ trong danh bạ của Thành phố; "
            "đề nghị liên hệ quản trị viên để được cấp quyền truy cập."
        )
    if profile.get("active") is False or profile.get("status") == "inactive":
        raise Forbidden("Tài khoản này đã bị khoá trong danh bạ.")
    if profile.get("unit_id") and profile["unit_id"] != who.unit_id:
        raise Forbidden(
            "Đơn vị trong phiên đăng nhập khác với đơn vị của người dùng trong danh bạ; "
            "hãy đăng nhập lại."
        )
    return replace(who, name=str(profile.get("name") or who.username))


STAFF_ROLES = frozenset({"city_leader", "unit_leader", "officer", "clerk", "inspector"})


def in_city_inspectorate(who: Principal) -> bool:
    """A member of the city Inspectorate: a unit of kind `inspectorate` directly under the
    city (a district's inspectorate is not city-wide)."""
    unit = UNITS.get(who.unit_id)
    return bool(unit and unit.get("kind") == "inspectorate" and len(unit.get("path", [])) <= 2)


DEFAULT = AccessPolicy("default")
TASKS = AccessPolicy("tasks", city_wide_roles=frozenset({"city_leader"}))
CASES = AccessPolicy(
    "cases",
    roles=STAFF_ROLES,
    city_wide_roles=frozenset({"city_leader"}),
    city_wide=in_city_inspectorate,
)
# Documents: staff roles only (an administrator runs registers and holds, not the content);
# city leaders see every document (Decree 30/2020 Art. 23: they direct what the city gets).
DOCUMENTS = AccessPolicy("documents", roles=STAFF_ROLES, city_wide_roles=frozenset({"city_leader"}))
# Reports: staff roles only (administrators keep the catalogue and the forms, not the figures);
# city leaders see every unit's reports.
REPORTS = AccessPolicy("reports", roles=STAFF_ROLES, city_wide_roles=frozenset({"city_leader"}))
SYSTEMS = (TASKS, CASES, DOCUMENTS, REPORTS)  # what `GET /v1/me` says the caller sees city-wide


def sees_unit(who: Principal, unit_path: Iterable[str], policy: AccessPolicy = DEFAULT) -> bool:
    """May the caller see what belongs to the unit at `unit_path` (root first, itself last)?"""
    path = list(unit_path)
    if not policy.admits(who):
        return False
    if policy.is_city_wide(who):
        return True
    if not path or not who.unit_id:
        return False
    if path[-1] == who.unit_id:
        return True
    return bool(who.roles & LEADER_ROLES) and who.unit_id in path


def escalation_chain(unit_path: Iterable[str]) -> list[str]:
    """The one escalation-chain convention of every obligation: the units above the
    responsible unit (the last of `unit_path`), nearest first, up to the city."""
    path = list(unit_path)
    return list(reversed(path[:-1]))
