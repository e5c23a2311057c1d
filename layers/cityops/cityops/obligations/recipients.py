"""Who is told about an obligation: only people who may see it.

Recipients come from four places and nowhere else:

- the responsible unit: its responsible person if they are still a member of it, otherwise
  every member of the unit (the work was given to the unit);
- the responsible unit's leaders (`unit_leader` or `city_leader`), once it is overdue;
- the leaders of the units up the escalation chain, once it is escalated (one more unit up
  for each escalation step);
- whoever assigned it (`assigned_by`), once it is escalated.

Each of them sees the item under the rules of every system (their unit's work; leaders see
their subtree, and the chain lists units above; the assigner sees what they assigned).
Members of unrelated units, and a unit's non-leaders up the chain, are never told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cityops.core.auth import LEADER_ROLES
from cityops.obligations.levels import LATE_LEVELS, Decision, Level

Members = Callable[[str], list[Mapping[str, Any]]]


def _is_leader(profile: Mapping[str, Any]) -> bool:
    return bool(LEADER_ROLES & set(profile.get("roles") or ()))


def _unique(ids: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if i))


def recipients(row: Mapping[str, Any], decision: Decision, members: Members) -> list[str]:
    """The user ids to notify for an obligation row at this decision's level, in a stable
    order, each once. `members(unit_id)` gives a unit's user profiles."""
    unit_members = members(row["responsible_unit_id"])
    member_ids = {m["id"] for m in unit_members}
    person = row.get("responsible_user_id")
    if person and person in member_ids:
        ids: list[str | None] = [person]
    else:
        ids = [m["id"] for m in unit_members]
    if decision.level in LATE_LEVELS:
        ids += [m["id"] for m in unit_members if _is_leader(m)]
    if decision.level is Level.ESCALATED:
        # The units above, nearest first; a chain that starts with the responsible unit
        # itself (a unit's path, reversed) is read from the unit above it.
        chain = [u for u in row.get("escalation_chain") or [] if u != row["responsible_unit_id"]]
        for unit_id in chain[: max(decision.escalation_step, 1)]:
            ids += [m["id"] for m in members(unit_id) if _is_leader(m)]
        ids.append(row.get("assigned_by"))
    return _unique(ids)
