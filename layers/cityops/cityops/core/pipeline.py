"""The change pipeline: the one way anything in CityOps changes.

Every state-changing use case runs the same steps, in this order:

1. load the entity: 404 when it is missing or the caller may not see it;
2. authorise: 403 for a caller who may see it but may not take this action;
3. compare the client's `If-Match` with the loaded version: 428 when missing, 412 when stale
   (appends, which carry no `If-Match`, skip this and retry a lost race instead);
4. check the transition in the entity's state machine: 409;
5. apply the use case's rule to a copy of the domain object (its deadline book, counters,
   extra records and events are noted on the `Work`);
6. commit the entity, its audit record, its deadline changes, its counters and its records in
   one transaction (the store);
7. publish its events after the commit.

A use case is then its rule and nothing else:

    def return_task(who, task_id, data, expected_version):
        def rule(work):
            work.entity.send_back(who, data.reason)
            work.emit("TaskReturned", reason=data.reason)
        return PIPELINE.change(who, task_id, "return", rule, if_match=expected_version)

The store is a port (`Store`): `cityops.core.store.DynamoStore` on DynamoDB, and
`cityops.core.memory.MemoryStore` in memory for the unit tests of business rules.
"""

import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import ConfigDict, Field

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.counters import Count
from cityops.core.deadlines import DeadlineBook
from cityops.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    VersionConflict,
)
from cityops.core.ids import is_ulid
from cityops.core.models import Instant, Model
from cityops.core.statemachine import StateMachine, Transition


class Entity(Model):
    """A domain object: its id, version, state, deadlines and times. Subclasses add their
    fields and behaviour and know nothing of DynamoDB or HTTP."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)
    entity_type: ClassVar[str] = "entity"  # "task", "case": the first part of its ref

    id: str
    version: int = 0
    status: str
    created_at: Instant
    updated_at: Instant | None = None
    deadlines: DeadlineBook = Field(default_factory=DeadlineBook)

    @property
    def ref(self) -> str:
        """What obligation rows and notices call it: `task#01J...`."""
        return f"{self.entity_type}#{self.id}"


E = TypeVar("E", bound=Entity)


class Busy(Conflict):
    """An append lost the race to concurrent writers too many times: try again shortly."""

    retry_after = 1

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass
class Work(Generic[E]):
    """One change in the making: the entity as loaded (`before`, None for a create), the copy
    the rule changes (`entity`) and what is written and published with it."""

    who: Principal | None
    action: str  # the audit record's action: "task.returned"
    before: E | None
    entity: E
    command: Any = None
    note: str | None = None
    records: list[Any] = field(default_factory=list)  # further rows, the store maps them
    counts: list[Count] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def emit(self, detail_type: str, detail: dict[str, Any]) -> None:
        """An event to publish after the commit (ids and safe summaries only)."""
        self.events.append((detail_type, detail))

    def count(self, *counts: Count) -> None:
        self.counts.extend(counts)

    def add(self, *records: Any) -> None:
        self.records.extend(records)


class Store(Protocol[E]):
    """The port a pipeline writes through."""

    system: str

    def load(self, entity_id: str) -> E | None: ...

    def commit(self, work: Work[E]) -> None:
        """Write the change in one transaction or not at all: VersionConflict when the entity
        changed since it was loaded, Conflict when a related condition fails."""

    def publish(self, events: list[tuple[str, dict[str, Any]]]) -> None: ...


@dataclass(frozen=True)
class Permission(Generic[E]):
    """Who may take an action (a transition's `who` names one): a test and the 403's text."""

    test: Callable[[Principal, Any], bool]
    refusal: str


Rule = Callable[[Work[Any]], None]

# An append keeps trying while its invocation has time left: until `_deadline` (a
# time.monotonic() value, set per request by `time_limit`, from the Lambda context), or for
# APPEND_BUDGET seconds where no request set one (a script, an event, a test).
APPEND_BUDGET = 20.0
_BACKOFF_BASE = 0.005  # seconds; doubled each attempt, full jitter, capped
_BACKOFF_CAP = 1.0
_deadline: ContextVar[float | None] = ContextVar("append_deadline", default=None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Appends run in this block give up (409 Busy) once `seconds` have passed: the request's
    time left, less a margin for the reply, so that a lost race never outlives the function's
    timeout."""
    token = _deadline.set(time.monotonic() + max(0.0, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


@dataclass
class Pipeline(Generic[E]):
    """A system's pipeline: its store, its state machines, who sees what, who may do what."""

    store: Store[E]
    machines: Mapping[str, StateMachine]  # by kind; a system with one kind has one
    sees: Callable[[Principal, E], bool]
    permissions: Mapping[str, Permission[E]]
    not_found: str = "Không tìm thấy."
    kind_of: Callable[[E], str] | None = None  # which machine: None for the only one
    changed_message: str = "Dữ liệu đã thay đổi kể từ lần đọc trước; hãy tải lại."
    valid_id: Callable[[str], bool] = is_ulid  # an id that cannot exist is 404 without a read
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic  # the append budget's clock (faked in tests)

    def __post_init__(self) -> None:
        for machine in self.machines.values():
            for tr in machine.transitions:
                if tr.who not in self.permissions:
                    raise ValueError(f"{machine.name}.{tr.action}: no permission {tr.who!r}")

    # --- the steps ---------------------------------------------------------------------------

    def load_visible(self, who: Principal, entity_id: str) -> E:
        """Step 1: the entity, or 404 when it is missing or not visible to the caller."""
        entity = self.store.load(entity_id) if self.valid_id(entity_id) else None
        if entity is None or not self.sees(who, entity):
            raise NotFound(self.not_found)
        return entity

    def machine(self, entity: E) -> StateMachine:
        if self.kind_of is None:
            return next(iter(self.machines.values()))
        return self.machines[self.kind_of(entity)]

    def who_may(self, action: str, entity: E) -> Transition:
        """The transition of `action` for this entity's kind; when its kind has no such
        action, the same action of another kind (so permissions are checked before the
        409 that follows)."""
        machine = self.machine(entity)
        if action in machine.actions:
            return machine.transition(action)
        for other in self.machines.values():
            if action in other.actions:
                return other.transition(action)
        raise ValueError(f"no machine declares {action!r}")

    def authorise(self, who: Principal, action: str, entity: E) -> Transition:
        """Step 2: 403 unless the caller may take the action."""
        tr = self.who_may(action, entity)
        permission = self.permissions[tr.who]
        if not permission.test(who, entity):
            raise Forbidden(permission.refusal)
        return tr

    def actions(self, who: Principal, entity: E) -> list[str]:
        """What the caller may do to the entity now, as its replies list it (`actions`): the
        actions its machine allows from its state (step 4) whose permission the caller passes
        (step 2). A transition's guard, which reads the command, is still asked at the call."""
        machine = self.machine(entity)
        return [
            action
            for action in machine.allowed(entity.status)
            if self.permissions[machine.transition(action).who].test(who, entity)
        ]

    def check_version(self, entity: E, if_match: int | None) -> None:
        """Step 3: 428 without If-Match, 412 when it is not the loaded version."""
        if if_match is None:
            raise PreconditionRequired("Hãy gửi If-Match với ETag đọc được lần gần nhất.")
        if entity.version != if_match:
            raise PreconditionFailed(self.changed_message)

    # --- running a change ----------------------------------------------------------------------

    def change(
        self,
        who: Principal,
        entity_id: str,
        action: str,
        rule: Rule | None = None,
        *,
        if_match: int | None = None,
        append: bool = False,
        command: Any = None,
        note: str | None = None,
    ) -> E:
        """Run one use case through every step. `append`: the change carries no If-Match (a
        progress report); a lost race is tried again with jittered exponential backoff for as
        long as the request has time (`time_limit`), and only when time runs out does the
        caller get 409 with Retry-After, never 412."""
        limit = _deadline.get()
        give_up = (self.monotonic() + APPEND_BUDGET) if limit is None else limit
        attempt = 0
        while True:
            entity = self.load_visible(who, entity_id)
            self.authorise(who, action, entity)
            if not append:
                self.check_version(entity, if_match)
            machine = self.machine(entity)
            tr = machine.check(action, entity.status, entity, command)
            work = self._work(who, tr, entity, command, note)
            if rule is not None:
                rule(work)
            work.entity.status = machine.target(tr, entity.status, entity, command)
            try:
                return self.commit(work)
            except VersionConflict:
                if not append:
                    raise
            ceiling = min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** min(attempt, 16))
            pause = random.uniform(0, ceiling)  # noqa: S311 (jitter, not secrets)
            if self.monotonic() + pause >= give_up:
                raise Busy("Đang có nhiều thay đổi cùng lúc; hãy thử lại sau giây lát.")
            self.sleep(pause)
            attempt += 1

    def create(
        self,
        who: Principal | None,
        entity: E,
        action: str,
        rule: Rule | None = None,
        *,
        command: Any = None,
        note: str | None = None,
    ) -> E:
        """Write a new entity (its rule opens its first deadlines, counts and events)."""
        return self.commit(self.new_work(who, entity, action, rule, command=command, note=note))

    def new_work(
        self,
        who: Principal | None,
        entity: E,
        action: str,
        rule: Rule | None = None,
        *,
        command: Any = None,
        note: str | None = None,
    ) -> Work[E]:
        """The work of creating `entity`, its rule applied, ready to commit (`create` commits
        it; a bulk import may write several in one transaction with `store.change_of`)."""
        entity.version = 0
        work: Work[E] = Work(who=who, action=action, before=None, entity=entity,
                             command=command, note=note)  # fmt: skip
        if rule is not None:
            rule(work)
        return self.stamp(work)

    def stamp(self, work: Work[E]) -> Work[E]:
        """The new version and time of the entity, as the commit writes them."""
        work.entity.version = (work.before.version if work.before else 0) + 1
        work.entity.updated_at = clock.now()
        return work

    def commit(self, work: Work[E]) -> E:
        """Steps 6 and 7: one transaction, then the events."""
        entity = self.stamp(work).entity
        self.store.commit(work)
        entity.deadlines.clear_ops()
        if work.events:
            self.store.publish(work.events)
        return entity

    def _work(
        self, who: Principal, tr: Transition, entity: E, command: Any, note: str | None
    ) -> Work[E]:
        copy = entity.model_copy(deep=True)
        copy.deadlines.clear_ops()
        audit = tr.audit or f"{entity.entity_type}.{tr.action}"
        return Work(who=who, action=audit, before=entity, entity=copy, command=command, note=note)

    @contextmanager
    def using(self, store: Store[E]) -> Iterator[Store[E]]:
        """Run with another store (a `MemoryStore` in unit tests)."""
        previous = self.store
        self.store = store
        try:
            yield store
        finally:
            self.store = previous
