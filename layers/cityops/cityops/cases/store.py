"""The cases store: the only code that speaks DynamoDB for cases (the vault's sealing is
`vault.py`, written here in the change's transaction).

Table `Cases` (pk, sk):
- a case:                CASE#<id>             / CASE
- its audit records:     CASE#<id>             / EVENT#<ulid>   (also every identity read)
- its public tracking:   TRACK#<code>          / TRACK          (case id, salt, secret hash)
- failed secret checks:  TRACK#<code>          / FAIL#<yyyymmddhh> (counter, TTL expires_at)
- a time-limit rule:     TIMELIMIT#<rule>      / RULE           (versions added by an admin)
  and its audit records: TIMELIMIT#<rule>      / EVENT#<ulid>
- an imported row:       IMPORT#<sha256>       / ROW#<line>     (each row of a file once)
- a council session:     SESSION#<id>          / SESSION        (in `ByUnit` under SESSIONS /
                         <opens_on>#<id>: every session, one Query), its EVENT# records, and
                         its petitions: SESSION#<id> / CASE#<case id> (written on intake)
- a session's code:      SESSIONCODE#<code>    / CODE           (claimed on create: unique)
- a reference:           REF#<reference>       / REF            (case id; written on intake)
- search rows:           SEARCH#<year>#<word>  / <case id>      (`cityops.core.search`: the
                         folded words of the staff's summary, scoped by the year received;
                         never the person's identity, never the original text)
- window counters:       STATS#<yyyy-mm>       / D#<unit_id>#<day>#<kind>, with the month
  roll-up M#<unit_id>#<kind> (`core.counters`)
- open counters:         OPENCOUNT#TOTAL       / <unit_id>#<kind>         (running totals)

Indexes (each a Query, never a Scan):
- `ByUnit`      gsi1pk UNIT#<unit>     gsi1sk <kind>#<status>#<id>   cases of a unit
- `ByUnitDue`   gsi2pk UNIT#<unit>     gsi2sk <due_at>#<id>          sparse: running deadlines
- `ByHandler`   gsi3pk HANDLER#<user>  gsi3sk <kind>#<status>#<id>   a handler's cases
- `OpenByDue`   gsi4pk OPEN            gsi4sk <due_at>#<id>          sparse: city-wide by due

A case's item is its domain object (`cityops.cases.domain.Case`) with these index keys and
`due_at` (its earliest deadline not met), which lists show. Everything a change writes (the
case, its audit record, its obligation rows, its counters, its vault item, tracking item or
import marker) goes in the change's one transaction (`cityops.core.store.DynamoStore`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from botocore.exceptions import ClientError

from cityops.cases import vault
from cityops.cases.domain import Case
from cityops.cases.rules import RuleVersions
from cityops.cases.sessions import CouncilSession
from cityops.core import clock
from cityops.core.audit import audit_record, history_page
from cityops.core.auth import Principal
from cityops.core.aws import client
from cityops.core.dynamo import batch_get, get_item, query_all, query_page, serialize, strip_keys
from cityops.core.pipeline import Work
from cityops.core.search import SearchIndex, words
from cityops.core.settings import get_settings
from cityops.core.store import DynamoStore

BY_UNIT = "ByUnit"
BY_UNIT_DUE = "ByUnitDue"
BY_HANDLER = "ByHandler"
OPEN_BY_DUE = "OpenByDue"


SEARCH_WORDS = 30  # the words of a summary that are indexed (a transaction holds 100 items)


def table() -> str:
    return get_settings().cases_table


def search_index() -> SearchIndex:
    return SearchIndex(table())


def search_scope(case: Case) -> str:
    return str(case.first_received_on.year)


def search_words(case: Case) -> list[str]:
    """The words a case is found by: its staff-written summary (redacted of the identity the
    person gave), never the original text, the identity or the denounced person."""
    return words(case.summary, limit=SEARCH_WORDS)


# --- what a change writes besides the case -----------------------------------------------------


@dataclass(frozen=True)
class SealedIdentity:
    """The person's identity, sealed into the vault in the case's transaction."""

    case_id: str
    identity: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class TrackingCode:
    """The public's tracking code of a case: a salted hash of its secret, never the secret."""

    code: str
    case_id: str
    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)


@dataclass(frozen=True)
class ImportedRow:
    """A row of a compiled list, imported once: a retry of the same file finds it."""

    batch: str
    line: int
    case_id: str


@dataclass(frozen=True)
class SessionPetition:
    """A petition compiled for a session: the row that finds it when the session that its
    results are reported to is entered or moved."""

    session_id: str
    case_id: str


@dataclass(frozen=True)
class SessionCode:
    """A session's code, claimed in its creation's transaction (so codes stay unique)."""

    code: str
    session_id: str


@dataclass(frozen=True)
class StillThere:
    """The change holds only while this other case exists (the original of a duplicate)."""

    case_id: str


class CaseStore(DynamoStore[Case]):
    system: ClassVar[str] = "cases"
    model = Case
    sort_key: ClassVar[str] = "CASE"

    def table(self) -> str:
        return table()

    def index_keys(self, case: Case) -> dict[str, Any]:
        due = clock.iso(case.due_at) if case.due_at else None
        keys: dict[str, Any] = {
            "due_at": due,
            "gsi1pk": f"UNIT#{case.handling_unit_id}",
            "gsi1sk": f"{case.kind}#{case.status}#{case.id}",
        }
        if case.handler_id:
            keys["gsi3pk"] = f"HANDLER#{case.handler_id}"
            keys["gsi3sk"] = f"{case.kind}#{case.status}#{case.id}"
        if due and case.status != "suspended":  # a paused clock is not due
            keys["gsi2pk"], keys["gsi2sk"] = f"UNIT#{case.handling_unit_id}", f"{due}#{case.id}"
            keys["gsi4pk"], keys["gsi4sk"] = "OPEN", f"{due}#{case.id}"
        return keys

    def from_item(self, item: dict[str, Any]) -> Case:
        return Case.model_validate({k: v for k, v in strip_keys(item).items() if k != "due_at"})

    def identity(self, case_id: str) -> dict[str, Any]:
        """The case's sealed identity, opened in memory to redact text with (never returned
        to anyone: `reads.read_identity` is the one way a person reads it)."""
        return vault.unseal(case_id) or {}

    def record_items(self, work: Work[Case]) -> list[dict[str, Any]]:
        items = []
        for record in work.records:
            if isinstance(record, SealedIdentity):
                items.append(vault.seal(record.case_id, record.identity))
            elif isinstance(record, TrackingCode):
                row = {"case_id": record.case_id, "salt": record.salt, "hash": record.digest}
                items.append(
                    self.put({"pk": f"TRACK#{record.code}", "sk": "TRACK", **row}, new=True)
                )
            elif isinstance(record, ImportedRow):
                row = {"pk": f"IMPORT#{record.batch}", "sk": f"ROW#{record.line:05d}"}
                items.append(self.put({**row, "case_id": record.case_id}, new=True))
            elif isinstance(record, SessionPetition):
                row = {"pk": f"SESSION#{record.session_id}", "sk": f"CASE#{record.case_id}"}
                items.append(self.put(row, new=True))
            elif isinstance(record, StillThere):
                items.append(self._exists(record.case_id))
            else:
                raise TypeError(f"cannot write {type(record).__name__}")
        before = work.before if work.before is not None and work.before.version > 0 else None
        after = work.entity
        if before is None:
            ref = {"pk": f"REF#{after.reference}", "sk": "REF", "case_id": after.id}
            items.append(self.put(ref, new=True))
        items += search_index().changes(
            after.id,
            (search_scope(before), search_words(before)) if before else None,
            (search_scope(after), search_words(after)),
        )
        return items

    def petitions_of_session(self, session_id: str) -> list[str]:
        return petitions_of_session(session_id)

    def load_many(self, case_ids: list[str]) -> dict[str, Case]:
        """Cases by id (BatchGetItem, 100 a call)."""
        keys = [{"pk": self.pk(i), "sk": self.sort_key} for i in case_ids]
        return {c.id: c for c in (self.from_item(i) for i in batch_get(self.table(), keys))}

    def _exists(self, case_id: str) -> dict[str, Any]:
        return {
            "ConditionCheck": {
                "TableName": self.table(),
                "Key": serialize({"pk": self.pk(case_id), "sk": self.sort_key}),
                "ConditionExpression": "attribute_exists(pk)",
            }
        }

    def audit_read(self, case_id: str, who: Principal, note: str) -> None:
        """An audit record written alone: an identity read changes no case."""
        record = audit_record(self.pk(case_id), who, "identity.read", None, None, note=note)
        client("dynamodb").put_item(
            TableName=self.table(),
            Item=serialize(record),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def history(self, case_id: str, *, limit: int, cursor: str | None):
        """A page of the case's audit records, oldest first."""
        return history_page(self.table(), self.pk(case_id), limit=limit, cursor=cursor)


# --- the time-limit rules ------------------------------------------------------------------------


class TimeLimitStore(DynamoStore[RuleVersions]):
    """`TIMELIMIT#<rule>` / `RULE`. A rule nobody changed yet is offered at version 0 (its
    first change is then a create)."""

    system: ClassVar[str] = "cases"
    model = RuleVersions
    sort_key: ClassVar[str] = "RULE"

    def table(self) -> str:
        return table()

    def pk(self, entity_id: str) -> str:
        return f"TIMELIMIT#{entity_id}"

    def load(self, entity_id: str) -> RuleVersions | None:
        return super().load(entity_id) or RuleVersions(
            id=entity_id, status="in_force", created_at=clock.now()
        )

    def load_many(self, rules: list[str]) -> dict[str, RuleVersions]:
        """The stored versions of these rules (one BatchGet, read consistently)."""
        return self.found(batch_get(self.table(), self.keys(rules), consistent=True))

    def keys(self, rules: list[str]) -> list[dict[str, str]]:
        return [{"pk": self.pk(n), "sk": self.sort_key} for n in rules]

    def found(self, items: list[dict[str, Any]]) -> dict[str, RuleVersions]:
        return {r.id: r for r in (self.from_item(i) for i in items)}


# --- the People's Council's sessions ---------------------------------------------------------


class SessionStore(DynamoStore[CouncilSession]):
    """`SESSION#<id>` / `SESSION`, listed in `ByUnit` under `SESSIONS` by opening day."""

    system: ClassVar[str] = "cases"
    model = CouncilSession
    sort_key: ClassVar[str] = "SESSION"

    def table(self) -> str:
        return table()

    def index_keys(self, session: CouncilSession) -> dict[str, Any]:
        return {"gsi1pk": "SESSIONS", "gsi1sk": f"{session.opens_on.isoformat()}#{session.id}"}

    def record_items(self, work: Work[CouncilSession]) -> list[dict[str, Any]]:
        items = []
        for record in work.records:
            if not isinstance(record, SessionCode):
                raise TypeError(f"cannot write {type(record).__name__}")
            row = {"pk": f"SESSIONCODE#{record.code.lower()}", "sk": "CODE"}
            items.append(self.put({**row, "session_id": record.session_id}, new=True))
        return items

    def all(self) -> list[CouncilSession]:
        """Every session, oldest first (one Query, however many pages)."""
        rows = query_all(
            table(), index=BY_UNIT, key_condition="gsi1pk = :pk", values={":pk": "SESSIONS"}
        )
        return [self.from_item(row) for row in rows]


def petitions_of_session(session_id: str) -> list[str]:
    """The ids of the petitions compiled for a session (a Query on its partition)."""
    rows = query_all(
        table(),
        key_condition="pk = :pk AND begins_with(sk, :case)",
        values={":pk": f"SESSION#{session_id}", ":case": "CASE#"},
    )
    return [row["sk"].removeprefix("CASE#") for row in rows]


# --- public tracking ------------------------------------------------------------------------


def case_id_of_reference(reference: str) -> str | None:
    item = get_item(table(), f"REF#{reference}", "REF")
    return item["case_id"] if item else None


def get_tracking(code: str) -> dict[str, Any] | None:
    item = get_item(table(), f"TRACK#{code}", "TRACK")
    if item is None:
        return None
    return {**item, "salt": _bytes(item["salt"]), "hash": _bytes(item["hash"])}


def reserve_attempt(code: str, hour: str, limit: int, expires_at: int) -> bool:
    """Count an attempt at a tracking code before its secret is checked, unless the hour's
    count has reached `limit` (then False). One conditional update: parallel guesses cannot
    pass the limit together."""
    try:
        client("dynamodb").update_item(
            TableName=table(),
            Key=serialize({"pk": f"TRACK#{code}", "sk": f"FAIL#{hour}"}),
            UpdateExpression="ADD failures :one SET expires_at = :exp",
            ConditionExpression="attribute_not_exists(failures) OR failures < :limit",
            ExpressionAttributeValues=serialize({":one": 1, ":exp": expires_at, ":limit": limit}),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release_attempt(code: str, hour: str) -> None:
    """The secret was right: the attempt does not count as a failure."""
    client("dynamodb").update_item(
        TableName=table(),
        Key=serialize({"pk": f"TRACK#{code}", "sk": f"FAIL#{hour}"}),
        UpdateExpression="ADD failures :minus_one",
        ExpressionAttributeValues=serialize({":minus_one": -1}),
    )


def _bytes(value: Any) -> bytes:
    return bytes(value.value) if hasattr(value, "value") else bytes(value)


# --- lists -------------------------------------------------------------------------------------

Page = tuple[list[dict[str, Any]], dict[str, Any] | None]


def list_by_unit(
    unit_id: str, *, prefix: str, status: str | None, limit: int, start_key: dict[str, Any] | None
) -> Page:
    """A unit's cases, newest first, by kind (and status) prefix or filtered by status."""
    return _by_key(BY_UNIT, "gsi1", f"UNIT#{unit_id}", prefix, status, limit, start_key)


def list_by_handler(
    handler_id: str,
    *,
    prefix: str,
    status: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page:
    """A handler's cases, newest first."""
    return _by_key(BY_HANDLER, "gsi3", f"HANDLER#{handler_id}", prefix, status, limit, start_key)


def _by_key(
    index: str,
    name: str,
    pk: str,
    prefix: str,
    status: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page:
    condition = f"{name}pk = :pk"
    values: dict[str, Any] = {":pk": pk}
    if prefix:  # DynamoDB refuses an empty begins_with on a key
        condition += f" AND begins_with({name}sk, :prefix)"
        values[":prefix"] = prefix
    if status:
        values[":status"] = status
    return query_page(
        table(),
        index=index,
        key_condition=condition,
        values=values,
        names={"#status": "status"} if status else None,
        filter_expression="#status = :status" if status else None,
        limit=limit,
        start_key=start_key,
        forward=False,
    )


def list_by_due(
    unit_id: str | None,
    *,
    low: str,
    high: str,
    filters: dict[str, str],
    limit: int,
    start_key: dict[str, Any] | None,
) -> Page:
    """Cases with a running deadline between `low` and `high` (ISO instants), soonest first;
    of one unit, or of the whole city (`unit_id` None)."""
    names = {f"#{k}": k for k in filters}
    values: dict[str, Any] = {f":{k}": v for k, v in filters.items()}
    expression = " AND ".join(f"#{k} = :{k}" for k in filters) or None
    if unit_id is None:
        index, pk_name, sk_name, pk = OPEN_BY_DUE, "gsi4pk", "gsi4sk", "OPEN"
    else:
        index, pk_name, sk_name, pk = BY_UNIT_DUE, "gsi2pk", "gsi2sk", f"UNIT#{unit_id}"
    values.update({":pk": pk, ":low": low, ":high": high + "#~"})
    return query_page(
        table(),
        index=index,
        key_condition=f"{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high",
        values=values,
        names=names or None,
        filter_expression=expression,
        limit=limit,
        start_key=start_key,
    )


def overdue_cases(now_iso: str) -> list[dict[str, Any]]:
    """Every case with a running deadline already past (the work is these cases only)."""
    return query_all(
        table(),
        index=OPEN_BY_DUE,
        key_condition="gsi4pk = :pk AND gsi4sk < :now",
        values={":pk": "OPEN", ":now": now_iso},
    )
