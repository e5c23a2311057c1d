"""The caller, taken from the JWT claims that the HTTP API's authorizer verified."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("admin", "city_leader", "unit_leader", "officer", "clerk", "inspector")
LEADER_ROLES = frozenset({"city_leader", "unit_leader"})


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user's id (`sub`), name, unit and roles (Cognito groups). From
    claims, `name` is the username: the display name is the directory's
    (`core.access.vouched`), never the token's `name` claim."""

    sub: str
    username: str
    name: str
    unit_id: str
    roles: frozenset[str]

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        groups = claims.get("cognito:groups") or []
        if isinstance(groups, str):  # API Gateway flattens lists to "[a b]" in some payloads
            groups = groups.strip("[]").replace(",", " ").split()
        return cls(
            sub=str(claims.get("sub", "")),
            username=str(claims.get("cognito:username") or claims.get("username") or ""),
            name=str(claims.get("cognito:username") or claims.get("username") or ""),
            unit_id=str(claims.get("custom:unit_id") or ""),
            roles=frozenset(g for g in groups if g in ROLES),
        )

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_city_leader(self) -> bool:
        return "city_leader" in self.roles

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & LEADER_ROLES)

    def sees_unit(self, unit_path: Iterable[str]) -> bool:
        """May the caller see what belongs to the unit at `unit_path`? The one access rule
        (`cityops.core.access.sees_unit`) under its default policy."""
        from cityops.core.access import sees_unit

        return sees_unit(self, unit_path)


SYSTEM = Principal(
    sub="system", username="system", name="CityOps", unit_id="", roles=frozenset({"system"})
)  # roles of a caller come from the JWT's groups, filtered to `ROLES`: no caller is this


def is_system(who: Principal) -> bool:
    """CityOps itself (a sweep, a delivery, a session's reschedule), never a caller."""
    return who.sub == "system" and "system" in who.roles
