"""Workflows as data: one `StateMachine` type declares every system's states and transitions.

A transition names its action, the states it may be taken from, the state it leads to, who
may take it (a permission name that the system's pipeline resolves) and an optional guard.
The change pipeline (`cityops.core.pipeline`) asks the machine before it applies a use case:
an action that is not allowed from the entity's state is a 409, with the states it is
allowed from. The state diagrams in `docs/` are drawn from these tables (`mermaid`).

The 409's words are Vietnamese, for the officials who read them: each machine names its
entity (`label`: "nhiệm vụ"), each state (`names`: the console's own labels, "Đã hoàn
thành") and each action (`verb`: "trả lại"). A table that leaves one out fails at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cityops.core.errors import Conflict

# A guard returns None when the transition may go ahead, or the reason it may not (a 409).
Guard = Callable[[Any, Any], str | None]
# Chooses the target among `to` from the entity and the command (e.g. a classification).
Pick = Callable[[Any, Any], str]


class InvalidTransition(Conflict):
    """The action cannot be taken from the entity's current state (409)."""


@dataclass(frozen=True)
class Transition:
    """`to`: the state after the action; None keeps the state; a tuple lists the states that
    `pick` chooses among (drawn as one arrow to each)."""

    action: str
    sources: frozenset[str]
    to: str | tuple[str, ...] | None
    who: str
    guard: Guard | None = None
    pick: Pick | None = None
    verb: str = ""  # "trả lại", for messages: "Không thể trả lại nhiệm vụ đang ở ..."
    audit: str = ""  # the audit record's action; default "<entity type>.<action>"

    def __post_init__(self) -> None:
        if isinstance(self.to, tuple) and self.pick is None:
            raise ValueError(f"{self.action}: several targets need a pick")

    def targets(self, source: str) -> tuple[str, ...]:
        if self.to is None:
            return (source,)
        return self.to if isinstance(self.to, tuple) else (self.to,)


def t(
    action: str,
    sources: Iterable[str] | str,
    to: str | tuple[str, ...] | None,
    who: str,
    *,
    guard: Guard | None = None,
    pick: Pick | None = None,
    verb: str = "",
    audit: str = "",
) -> Transition:
    """A transition, written as one line of a table."""
    froms = frozenset([sources] if isinstance(sources, str) else sources)
    return Transition(action, froms, to, who, guard, pick, verb, audit)


@dataclass(frozen=True)
class StateMachine:
    """The workflow of one kind of entity (`name`: "task", "complaint", ...)."""

    name: str
    states: tuple[str, ...]
    initial: str
    transitions: tuple[Transition, ...]
    label: str = ""  # how messages name the entity: "nhiệm vụ", "đơn khiếu nại"
    names: Mapping[str, str] = field(default_factory=dict)  # state → "Đã hoàn thành"
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_action: dict[str, Transition] = {}
        for tr in self.transitions:
            if tr.action in by_action:
                raise ValueError(f"{self.name}: action {tr.action!r} declared twice")
            unknown = (tr.sources | set(_targets(tr))) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}.{tr.action}: unknown states {sorted(unknown)}")
            by_action[tr.action] = tr
        if self.initial not in self.states:
            raise ValueError(f"{self.name}: unknown initial state {self.initial!r}")
        if not self.label:
            raise ValueError(f"{self.name}: no label (the entity's name in messages)")
        unnamed = set(self.states) - set(self.names)
        if unnamed:
            raise ValueError(f"{self.name}: states without a name {sorted(unnamed)}")
        unsaid = [tr.action for tr in self.transitions if not tr.verb]
        if unsaid:
            raise ValueError(f"{self.name}: actions without a verb {unsaid}")
        object.__setattr__(self, "_by_action", by_action)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self._by_action)

    def transition(self, action: str) -> Transition:
        """The declared transition of `action`; a kind that has no such action is a 409."""
        tr = self._by_action.get(action)
        if tr is None:
            raise InvalidTransition(f"Thao tác này không áp dụng cho {self.label}.")
        return tr

    def check(self, action: str, state: str, entity: Any = None, command: Any = None) -> Transition:
        """The transition of `action` from `state`, or InvalidTransition (409)."""
        tr = self.transition(action)
        if state not in tr.sources:
            allowed = [self.name_of(s) for s in self.states if s in tr.sources]
            either = " hoặc ".join(
                [", ".join(allowed[:-1]), allowed[-1]] if allowed[1:] else allowed
            )
            raise InvalidTransition(
                f"Không thể {tr.verb} {self.label} đang ở trạng thái {self.name_of(state)}; "
                f"chỉ thực hiện được khi ở trạng thái {either}."
            )
        if tr.guard is not None:
            reason = tr.guard(entity, command)
            if reason:
                raise InvalidTransition(reason)
        return tr

    def target(self, tr: Transition, state: str, entity: Any = None, command: Any = None) -> str:
        """The state after `tr` from `state`."""
        if tr.pick is not None:
            chosen = tr.pick(entity, command)
            if chosen not in tr.targets(state):
                raise InvalidTransition(
                    f"Không thể chuyển {self.label} sang trạng thái {self.name_of(chosen)}."
                )
            return chosen
        return tr.targets(state)[0]

    def allowed(self, state: str) -> list[str]:
        """The actions that may be taken from `state` (before guards and permissions)."""
        return [tr.action for tr in self.transitions if state in tr.sources]

    def mermaid(self) -> str:
        """The state diagram, for the docs (`tools/diagrams.py` writes them)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for tr in self.transitions:
            for source in sorted(tr.sources):
                for target in tr.targets(source):
                    lines.append(f"    {source} --> {target}: {tr.action} ({tr.who})")
        return "\n".join(lines)

    def name_of(self, state: str) -> str:
        """A state as messages quote it: «Đã hoàn thành»."""
        return f"«{self.names.get(state, state)}»"


def _targets(tr: Transition) -> tuple[str, ...]:
    if tr.to is None:
        return ()
    return tr.to if isinstance(tr.to, tuple) else (tr.to,)
