"""Cases use cases: intake (staff, public, imported lists), handling under the legal time
limits, reads, statistics and the time-limit rules. One function per use case; authorisation
is checked here, not in routes.

Every change is one transaction (`cityops.core.dynamo.write_change`): the case guarded by its
version, its audit record, the obligation rows its time limits open, move or close, the vault
item (on intake) and the statistics counters. Events go to the bus after the write, with ids
and codes only: never a person's identity, never the case's text.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from cityops.cases import rules as time_limits
from cityops.cases import store, vault, workflow
from cityops.cases.models import (
    REFUSAL_GROUNDS,
    Case,
    CaseAccept,
    CaseAnswer,
    CaseAssign,
    CaseClassify,
    CaseConclude,
    CaseCreate,
    CaseDecide,
    CaseDialogue,
    CaseExtend,
    CaseHistoryPage,
    CaseIdentityOut,
    CaseListItem,
    CaseMilestone,
    CaseNote,
    CasePage,
    CaseRefuse,
    CaseStats,
    CaseStatsRow,
    CaseSuspend,
    CaseWithdraw,
    PetitionImport,
    PetitionImportResult,
    PublicCaseCreate,
    PublicCaseReceipt,
    PublicCaseStatus,
    TimeLimitChange,
    TimeLimitList,
    TimeLimitRule,
    TimeLimitVersion,
)
from cityops.cases.rules import RuleBook, TimeLimit
from cityops.core import clock, events
from cityops.core.audit import audit_record, history_page
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ, WorkingCalendar
from cityops.core.dynamo import Change, counter_update, strip_keys, write_change
from cityops.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from cityops.core.ids import is_ulid, new_id
from cityops.core.obligations import (
    Obligation,
    Outcome,
    close_obligation,
    move_obligation,
    open_obligation,
    outcome_for,
    pause_obligation,
    reassign_obligation,
    resume_obligation,
)
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor

logger = Logger(child=True)

SYSTEM = "cases"
STAFF_ROLES = frozenset({"city_leader", "unit_leader", "officer", "clerk", "inspector"})
INTAKE_ROLES = ("clerk", "officer", "inspector")
PSEUDONYM = {
    "complaint": "Người khiếu nại",
    "denunciation": "Người tố cáo",
    "voter_petition": "Cử tri",
}
REFERENCE = {"complaint": "KN", "denunciation": "TC", "voter_petition": "KNCT"}
KIND_LABEL = {"complaint": "Khiếu nại", "denunciation": "Tố cáo", "voter_petition": "Kiến nghị"}
DEADLINE_LABEL = {
    "case.forward": "chuyển đơn",
    "complaint.accept": "thụ lý",
    "complaint.resolve": "giải quyết",
    "denunciation.accept": "thụ lý",
    "denunciation.notify": "thông báo thụ lý",
    "denunciation.resolve": "giải quyết",
    "voter_petition.answer": "trả lời",
    "voter_petition.roadmap": "hoàn thành theo lộ trình",
}
_COMPLEXITY_ORDER = ("normal", "complex", "especially_complex")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PATTERN = re.compile(r"^HN-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")


class TooManyAttempts(DomainError):
    """Too many wrong secrets for one tracking code in the hour (429)."""

    status, slug, title = 429, "too-many-attempts", "Too many attempts"


# --- settings, clock, calendar, rules ------------------------------------------------------------


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def max_failures_per_hour() -> int:
    return int(_env("TRACKING_MAX_FAILURES", "5"))


def public_intake_unit_code() -> str:
    return _env("CASES_PUBLIC_INTAKE_UNIT", "VP-UBND")


def _now() -> datetime:
    return clock.now()


def _today() -> date:
    return clock.today()


def _calendar() -> WorkingCalendar:
    from cityops.directory.service import working_calendar

    return working_calendar()


_RULES_SECONDS = 60.0
_rules_cached: tuple[float, RuleBook] | None = None


def rulebook() -> RuleBook:
    """The defaults with the versions an administrator added; cached for a minute."""
    global _rules_cached
    if _rules_cached and time.monotonic() - _rules_cached[0] < _RULES_SECONDS:
        return _rules_cached[1]
    book = time_limits.default_book()
    for name, item in store.get_rule_items(book.names()).items():
        first = book.history(name)[0]
        added = [
            TimeLimit.from_dict(
                {**v, "rule": name, "kind": first.kind, "runs_from": first.runs_from},
                origin="admin",
            )
            for v in item.get("versions", [])
        ]
        book = book.with_versions(name, added)
    _rules_cached = (time.monotonic(), book)
    return book


def forget_rules() -> None:
    global _rules_cached
    _rules_cached = None


# --- units and who may see what ------------------------------------------------------------------

_UNIT_SECONDS = 60.0
_units: dict[str, tuple[float, dict[str, Any] | None]] = {}


def _unit(unit_id: str | None) -> dict[str, Any] | None:
    if not unit_id or not is_ulid(unit_id):
        return None
    hit = _units.get(unit_id)
    if hit and time.monotonic() - hit[0] < _UNIT_SECONDS:
        return hit[1]
    from cityops.directory import store as directory

    unit = directory.get_unit(unit_id)
    _units[unit_id] = (time.monotonic(), unit)
    return unit


def forget_units() -> None:
    _units.clear()


def _is_staff(who: Principal) -> bool:
    return bool(who.roles & STAFF_ROLES)


def _is_inspectorate(unit: dict[str, Any] | None) -> bool:
    """The city Inspectorate: a unit of kind inspectorate directly under the city."""
    return bool(unit and unit.get("kind") == "inspectorate" and len(unit.get("path", [])) <= 2)


def _city_wide(who: Principal) -> bool:
    """City leaders and the city Inspectorate see every case."""
    if not _is_staff(who):
        return False
    return who.is_city_leader or _is_inspectorate(_unit(who.unit_id))


def _sees_unit(who: Principal, path: list[str]) -> bool:
    if not _is_staff(who) or not path:
        return False
    if _city_wide(who):
        return True
    return path[-1] == who.unit_id or (who.is_leader and who.unit_id in path)


def _sees(who: Principal, case: dict[str, Any]) -> bool:
    """The handling unit, the leaders above it, city leaders and the Inspectorate."""
    return _sees_unit(who, case["unit_path"])


def _is_member(who: Principal, case: dict[str, Any]) -> bool:
    return _is_staff(who) and who.unit_id == case["handling_unit_id"]


def _is_deciding_leader(who: Principal, case: dict[str, Any]) -> bool:
    """A leader of the handling unit. In the city Inspectorate, whose decisions are taken by
    the Chief Inspector and the inspectors acting for them, an inspector counts too."""
    if not _is_member(who, case):
        return False
    if who.is_leader:
        return True
    return who.has_role("inspector") and case.get("handling_unit_kind") == "inspectorate"


def _is_handler(who: Principal, case: dict[str, Any]) -> bool:
    return _is_member(who, case) and bool(case.get("handler_id")) and case["handler_id"] == who.sub


_PERMISSION: dict[str, tuple[Callable[[Principal, dict[str, Any]], bool], str]] = {
    "staff": (_is_member, "Only staff of the handling unit may do this."),
    "leader": (_is_deciding_leader, "Only a leader of the handling unit may do this."),
    "handler": (_is_handler, "Only the assigned handler may move the case forward."),
    "handler_or_leader": (
        lambda who, case: _is_handler(who, case) or _is_deciding_leader(who, case),
        "Only the assigned handler or a leader of the handling unit may do this.",
    ),
}


def _load_visible(who: Principal, case_id: str) -> dict[str, Any]:
    item = store.get_case(case_id) if is_ulid(case_id) else None
    if item is None or not _sees(who, item):
        raise NotFound("No such case.")
    return strip_keys(item)


# --- the case item -------------------------------------------------------------------------------


def _item(case: dict[str, Any]) -> dict[str, Any]:
    """The stored item: the case with its keys and index keys."""
    case_id, unit = case["id"], case["handling_unit_id"]
    item = {
        **case,
        "pk": store.case_pk(case_id),
        "sk": "CASE",
        "gsi1pk": f"UNIT#{unit}",
        "gsi1sk": f"{case['kind']}#{case['status']}#{case_id}",
    }
    if case.get("handler_id"):
        item["gsi3pk"] = f"HANDLER#{case['handler_id']}"
        item["gsi3sk"] = f"{case['kind']}#{case['status']}#{case_id}"
    if case.get("due_at") and case["status"] != "suspended":  # a paused clock is not due
        item["gsi2pk"], item["gsi2sk"] = f"UNIT#{unit}", f"{case['due_at']}#{case_id}"
        item["gsi4pk"], item["gsi4sk"] = "OPEN", f"{case['due_at']}#{case_id}"
    return item


def _reply(case: dict[str, Any]) -> Case:
    deadlines = sorted(case.get("deadlines", {}).values(), key=lambda d: d["seq"])
    return Case.model_validate({**case, "deadlines": deadlines})


def _list_item(item: dict[str, Any]) -> CaseListItem:
    return CaseListItem.model_validate(strip_keys(item))


# --- the work of one change ----------------------------------------------------------------------


@dataclass
class _Work:
    who: Principal | None
    action: str
    before: dict[str, Any] | None
    case: dict[str, Any]
    also: list[dict[str, Any]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    note: str | None = None


def _copy(case: dict[str, Any]) -> dict[str, Any]:
    import copy

    return copy.deepcopy(case)


def _begin(who: Principal, case_id: str, expected_version: int, action: str) -> _Work:
    """Load the case (404 if the caller may not see it), check who may act (403), the version
    (412) and the transition (409)."""
    before = _load_visible(who, case_id)
    allowed, message = _PERMISSION[workflow.WHO[action]]
    if not allowed(who, before):
        raise Forbidden(message)
    if before["version"] != expected_version:
        raise PreconditionFailed("The case has changed since you read it; read it again.")
    workflow.check(action, before["kind"], before["status"])
    return _Work(who=who, action=action, before=before, case=_copy(before))


def _commit(work: _Work) -> Case:
    case, before = work.case, work.before
    now = clock.iso(_now())
    open_due = [d["due_at"] for d in case["deadlines"].values() if d["status"] == "open"]
    case["due_at"] = min(open_due) if open_due else None
    case["updated_at"] = now
    case["version"] = (before["version"] if before else 0) + 1
    item = _item(case)
    action = f"case.{work.action}"
    write_change(
        Change(
            table=store.table(),
            item=item,
            expected_version=before["version"] if before else None,
            audit=audit_record(item["pk"], work.who, action, before, case, note=work.note),
            also=work.also,
        )
    )
    logger.info(
        "case changed",
        extra={"case_id": case["id"], "action": action, "status": case["status"]},
    )
    if work.events:
        events.publish_after_commit(SYSTEM, work.events)
    return _reply(case)


def _event(case: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An event's detail: ids, kind and status only."""
    return {
        "case_id": case["id"],
        "reference": case["reference"],
        "kind": case["kind"],
        "status": case["status"],
        "unit_id": case["handling_unit_id"],
        **extra,
    }


def _milestone(case: dict[str, Any], name: str) -> None:
    case.setdefault("milestones", []).append({"name": name, "on": _today().isoformat()})


# --- deadlines (obligations) ---------------------------------------------------------------------


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def _obligation(case: dict[str, Any], record: dict[str, Any]) -> Obligation:
    return Obligation(
        entity_ref=f"case#{case['id']}",
        key=record["key"],
        kind=record["kind"],
        system=SYSTEM,
        title=record["title"],
        due_at=_parse(record["due_at"]),
        responsible_unit_id=record["responsible_unit_id"],
        responsible_user_id=record.get("responsible_user_id"),
        assigned_by=record.get("assigned_by"),
        escalation_chain=list(record.get("escalation_chain", [])),
    )


def _open_deadline(
    work: _Work, kind: str, due_at: datetime, limit: TimeLimit | None, runs_from: date
) -> dict[str, Any]:
    """Open an obligation of `kind` for the handling unit (never with identity in its title)."""
    case = work.case
    seq = case.get("deadline_seq", 0) + 1
    case["deadline_seq"] = seq
    record = {
        "seq": seq,
        "key": f"{kind}#{seq}",
        "kind": kind,
        "rule": limit.rule if limit else None,
        "unit": limit.unit if limit else None,
        "runs_from": runs_from.isoformat(),
        "due_at": clock.iso(due_at),
        "status": "open",
        "responsible_unit_id": case["handling_unit_id"],
        "responsible_user_id": case.get("handler_id"),
        "assigned_by": work.who.sub if work.who else None,
        "escalation_chain": list(reversed(case["unit_path"][:-1])),
        "title": f"{KIND_LABEL[case['kind']]} {case['reference']}: {DEADLINE_LABEL[kind]}",
    }
    case.setdefault("deadlines", {})[record["key"]] = record
    work.also += open_obligation(_obligation(case, record))
    return record


def _open_keys(case: dict[str, Any], kind: str | None = None) -> list[str]:
    return [
        key
        for key, record in sorted(case.get("deadlines", {}).items(), key=lambda kv: kv[1]["seq"])
        if record["status"] == "open" and (kind is None or record["kind"] == kind)
    ]


def _close_deadline(work: _Work, key: str, outcome: Outcome | None = None) -> Outcome:
    """Close an open obligation: met on time or late by now, or cancelled."""
    record = work.case["deadlines"][key]
    outcome = outcome or outcome_for(_parse(record["due_at"]), _now())
    paused = bool(work.case.get("suspended_on"))  # its rows are paused while suspended
    work.also += close_obligation(_obligation(work.case, record), outcome, paused=paused)
    record.update(status="closed", outcome=outcome.value, closed_at=clock.iso(_now()))
    return outcome


def _move_deadline(work: _Work, key: str, new_due: datetime) -> None:
    record = work.case["deadlines"][key]
    if clock.iso(new_due) == record["due_at"]:
        return
    work.also += move_obligation(_obligation(work.case, record), new_due)
    record["due_at"] = clock.iso(new_due)


def _cancel_all(work: _Work) -> None:
    for key in _open_keys(work.case):
        _close_deadline(work, key, Outcome.CANCELLED)


# --- statistics counters -------------------------------------------------------------------------


def _count(work: _Work, **deltas: int) -> None:
    """Add to today's counters of the handling unit and kind."""
    case, day = work.case, _today().isoformat()
    work.also.append(
        counter_update(
            store.table(),
            store.stats_key(day, case["handling_unit_id"], case["kind"]),
            deltas,
            {
                "day": day,
                "unit_id": case["handling_unit_id"],
                "kind": case["kind"],
                "unit_path": case["unit_path"],
            },
        )
    )


def _count_open(work: _Work, delta: int) -> None:
    case = work.case
    work.also.append(
        counter_update(
            store.table(),
            store.open_count_key(case["handling_unit_id"], case["kind"]),
            {"open": delta},
            {
                "unit_id": case["handling_unit_id"],
                "kind": case["kind"],
                "unit_path": case["unit_path"],
            },
        )
    )


# --- identity: pseudonyms, redaction -------------------------------------------------------------


def _random(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def redact(text: str | None, identity: dict[str, Any]) -> str | None:
    """`text` with the person's name, phone, email, id number and address taken out (what a
    citizen types in a field that staff will see)."""
    if not text:
        return text
    out = text
    for key in ("name", "email", "id_number", "address"):
        value = identity.get(key)
        if value and len(value) >= 3:
            out = re.sub(re.escape(value), "[…]", out, flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", identity.get("phone") or "")
    if len(digits) >= 6:
        out = re.sub(r"[\s.()-]?".join(digits), "[…]", out)
    return out


# --- intake --------------------------------------------------------------------------------------


def _new_case(
    who: Principal | None,
    *,
    kind: str,
    channel: str,
    received_on: date,
    unit: dict[str, Any],
    summary: str | None,
    identity: dict[str, Any],
    complaint_round: str | None = None,
    denounced: str | None = None,
    several_sites: bool = False,
    remote_area: bool = False,
    learned_on: date | None = None,
    session: str | None = None,
    deputies_group: str | None = None,
    tracking_code: str | None = None,
) -> _Work:
    """The work that creates a case at `unit`: the case, its vault item, its first deadline,
    its counters and the CaseReceived event."""
    case_id = new_id()
    now = clock.iso(_now())
    identity = {k: v for k, v in identity.items() if v}
    case: dict[str, Any] = {
        "id": case_id,
        "reference": f"{REFERENCE[kind]}-{received_on.year}-{case_id[-6:]}",
        "kind": kind,
        "complaint_round": complaint_round,
        "channel": channel,
        "status": "received",
        "pseudonym": f"{PSEUDONYM[kind]} {_random(6)}",
        "anonymous": not identity.get("name"),
        "has_identity": bool(identity),
        "summary": redact(summary, identity),
        "denounced": redact(denounced, identity),
        "received_on": received_on.isoformat(),
        "first_received_on": received_on.isoformat(),
        "receiving_unit_id": unit["id"],
        "handling_unit_id": unit["id"],
        "handling_unit_kind": unit["kind"],
        "unit_path": list(unit["path"]),
        "several_sites": several_sites,
        "remote_area": remote_area,
        "complexity": "normal",
        "learned_on": learned_on.isoformat() if learned_on else None,
        "session": session,
        "deputies_group": deputies_group,
        "tracking_code": tracking_code,
        "transfers": [],
        "extensions": [],
        "deadlines": {},
        "milestones": [],
        "created_at": now,
    }
    work = _Work(who=who, action="received", before=None, case=case)
    book, calendar = rulebook(), _calendar()
    if learned_on is not None:
        case["time_barred"] = time_limits.is_time_barred(book, calendar, learned_on, received_on)
    limit = book.in_force(time_limits.intake_rule(kind, several_sites), received_on)
    _open_deadline(
        work, _deadline_kind(limit), limit.due_at(received_on, calendar), limit, received_on
    )
    if identity:
        work.also.append(vault.seal(case_id, identity))
    _count(work, received=1)
    _count_open(work, 1)
    _milestone(case, "received")
    case["milestones"][-1]["on"] = received_on.isoformat()
    work.events.append(("CaseReceived", _event(case, channel=channel)))
    return work


def _intake_unit(who: Principal) -> dict[str, Any]:
    if not who.has_role(*INTAKE_ROLES):
        raise Forbidden("Only clerks, officers and inspectors record incoming cases.")
    unit = _unit(who.unit_id)
    if unit is None or not unit.get("active", True):
        raise Forbidden("You are not a member of an active unit.")
    return unit


def create_case(who: Principal, data: CaseCreate) -> Case:
    """Record a case received by the caller's unit (tiếp nhận đơn)."""
    unit = _intake_unit(who)
    today = _today()
    if data.received_on > today:
        raise InvalidInput(
            "The date received cannot be in the future.",
            errors=[{"loc": ["body", "received_on"], "msg": "in the future"}],
        )
    if data.learned_on and data.learned_on > data.received_on:
        raise InvalidInput(
            "learned_on cannot be after the date received.",
            errors=[{"loc": ["body", "learned_on"], "msg": "after received_on"}],
        )
    identity = data.identity.model_dump(exclude_none=True) if data.identity else {}
    if data.original_text:
        identity["original_text"] = data.original_text
    work = _new_case(
        who,
        kind=data.kind.value,
        channel=data.channel.value,
        received_on=data.received_on,
        unit=unit,
        summary=data.summary,
        identity=identity,
        complaint_round=data.complaint_round.value if data.complaint_round else None,
        denounced=data.denounced,
        several_sites=data.several_sites,
        remote_area=data.remote_area,
        learned_on=data.learned_on,
        session=data.session,
        deputies_group=data.deputies_group,
    )
    return _commit(work)


# --- public intake and tracking ------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}
_DUMMY_SALT = b"cityops-no-such-tracking-code"
_DUMMY_HASH = b"\0" * 32


def _secret_hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode()[:256], salt=salt, **_SCRYPT)


def submit_public(data: PublicCaseCreate) -> PublicCaseReceipt:
    """A citizen submits a case with no account: it is received by the city's Office (the
    public intake unit), and they get a tracking code and a secret (shown once; only a salted
    scrypt hash of the secret is kept)."""
    from cityops.directory import store as directory

    unit = directory.find_unit_by_code(public_intake_unit_code())
    if unit is None:
        raise RuntimeError("the public intake unit is not in the directory")
    identity = {
        "name": data.name,
        "address": data.address,
        "phone": data.phone,
        "email": data.email,
        "id_number": data.id_number,
        "original_text": data.content,
    }
    code = f"HN-{_random(5)}-{_random(5)}"
    secret = secrets.token_urlsafe(24)
    salt = secrets.token_bytes(16)
    today = _today()
    work = _new_case(
        None,
        kind=data.kind.value,
        channel="online",
        received_on=today,
        unit=unit,
        summary=data.subject,
        identity=identity,
        complaint_round=data.complaint_round.value if data.complaint_round else None,
        denounced=data.denounced,
        tracking_code=code,
    )
    work.also.append(store.tracking_item(code, work.case["id"], salt, _secret_hash(secret, salt)))
    case = _commit(work)
    return PublicCaseReceipt(
        tracking_code=code,
        secret=secret,
        kind=case.kind,
        status=workflow.PUBLIC_STATUS[case.status],
        received_on=today,
    )


def public_status(code: str, secret: str | None) -> PublicCaseStatus:
    """Status and public milestones, for the right tracking code and secret. A wrong secret
    and an unknown code get the same 404, after the same hashing work; a code with too many
    failures in the hour gets 429 until the hour ends."""
    code = (code or "").strip().upper()
    well_formed = bool(TRACKING_PATTERN.match(code))
    now = _now()
    hour = now.strftime("%Y%m%d%H")
    expires_at = int(now.timestamp()) + 2 * 3600
    if well_formed and not store.reserve_attempt(code, hour, max_failures_per_hour(), expires_at):
        raise TooManyAttempts("Too many wrong attempts for this tracking code; try next hour.")
    tracking = store.get_tracking(code) if well_formed else None
    salt = tracking["salt"] if tracking else _DUMMY_SALT
    expected = tracking["hash"] if tracking else _DUMMY_HASH
    digest = _secret_hash(secret or "", salt)
    if not (hmac.compare_digest(digest, expected) and tracking is not None):
        raise NotFound("No case with this tracking code and secret.")  # the attempt counts
    store.release_attempt(code, hour)
    case = store.get_case(tracking["case_id"])
    if case is None:  # pragma: no cover - written in one transaction with the tracking item
        raise NotFound("No case with this tracking code and secret.")
    return PublicCaseStatus(
        tracking_code=code,
        kind=case["kind"],
        status=workflow.PUBLIC_STATUS[case["status"]],
        milestones=[CaseMilestone(name=m["name"], on=m["on"]) for m in case.get("milestones", [])],
    )


# --- import of compiled voter petitions ----------------------------------------------------------


def import_petitions(who: Principal, request: PetitionImport) -> PetitionImportResult:
    """Import a compiled list: every row checked first, every bad row reported by line, and
    nothing written unless all are good. Each row is then one case (one transaction) with a
    marker of its line in this file, so a retry of the same file never imports a row twice."""
    from cityops.cases.importer import ImportError_, parse_petitions, read_table

    unit = _intake_unit(who)
    try:
        table = read_table(request.format, request.content)
        good, errors = parse_petitions(
            table,
            session=request.session,
            deputies_group=request.deputies_group,
            received_on=request.received_on,
            today=_today(),
        )
    except ImportError_ as exc:
        raise InvalidInput(
            str(exc), errors=[{"loc": ["body", "content"], "msg": str(exc)}]
        ) from exc
    if errors:
        lines = sorted({e["loc"][2] for e in errors})
        raise InvalidInput(
            f"{len(lines)} line(s) are not valid ({', '.join(map(str, lines))}); nothing was "
            "imported.",
            errors=errors,
        )
    batch = hashlib.sha256(
        "\n".join(
            [
                unit["id"],
                request.format,
                request.session or "",
                request.deputies_group or "",
                str(request.received_on or ""),
                request.content,
            ]
        ).encode()
    ).hexdigest()
    created: list[str] = []
    already = 0
    for row in good:
        work = _new_case(
            who,
            kind="voter_petition",
            channel="deputies_compilation",
            received_on=row.received_on,
            unit=unit,
            summary=row.summary,
            identity={},
            session=row.session,
            deputies_group=row.deputies_group,
        )
        work.action = "imported"
        work.note = f"Imported from a compiled list, line {row.line}"
        work.also.append(
            store.put_new(
                {"pk": f"IMPORT#{batch}", "sk": f"ROW#{row.line:05d}", "case_id": work.case["id"]}
            )
        )
        try:
            created.append(_commit(work).id)
        except Conflict:
            already += 1
    return PetitionImportResult(imported=len(created), already_imported=already, case_ids=created)


# --- reads ---------------------------------------------------------------------------------------


def get_case(who: Principal, case_id: str) -> Case:
    return _reply(_load_visible(who, case_id))


def case_history(who: Principal, case_id: str, *, limit: int | None, cursor: str | None):
    _load_visible(who, case_id)
    entries, next_cursor = history_page(
        store.table(), store.case_pk(case_id), limit=check_limit(limit), cursor=cursor
    )
    return CaseHistoryPage.model_validate({"items": entries, "next_cursor": next_cursor})


def read_identity(who: Principal, case_id: str) -> CaseIdentityOut:
    """The person's identity, for the inspector assigned to the case and for the person who
    resolves it; the read is audited on the case (who and when, never what) before anything
    is decrypted."""
    case = _load_visible(who, case_id)
    reader = None
    # A denunciator's identity only for an inspector among handlers (Law on Denunciations
    # Art. 8(3), 47: verifiers work from a copy without it); a complainant's for the handler.
    inspector_only = case["kind"] == "denunciation"
    if _is_handler(who, case) and (who.has_role("inspector") or not inspector_only):
        reader = "the assigned handler"
    elif _is_member(who, case) and case.get("resolver_id") == who.sub:
        reader = "the resolver"
    if reader is None:
        raise Forbidden("Only the assigned inspector and the resolver may read the identity.")
    store.put_audit(
        audit_record(
            store.case_pk(case_id), who, "identity.read", None, None, note=f"read by {reader}"
        )
    )
    logger.info("identity read", extra={"case_id": case_id, "reader_id": who.sub})
    data = vault.unseal(case_id) or {}
    return CaseIdentityOut(case_id=case_id, **data)


def _unit_for_list(who: Principal, unit_id: str | None) -> str | None:
    """The unit a list is about (None: the whole city, for city-wide viewers)."""
    if unit_id == "all":
        if not _city_wide(who):
            raise Forbidden("Only city leaders and the Inspectorate list the whole city.")
        return None
    unit_id = unit_id or who.unit_id
    unit = _unit(unit_id)
    if unit is None or not _sees_unit(who, unit["path"]):
        raise NotFound("No such unit.")
    return unit_id


def list_cases(
    who: Principal,
    *,
    unit_id: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    handler_id: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    overdue: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
) -> CasePage:
    """A page of cases, by one Query on an index: a handler's cases, a unit's cases by due
    date (or overdue), or a unit's cases by kind and status."""
    if not _is_staff(who):
        raise Forbidden("Cases are for staff.")
    size = check_limit(limit)
    prefix = f"{kind}#{status}#" if kind and status else (f"{kind}#" if kind else "")
    by_status = status if not kind else None
    if handler_id:
        if unit_id is not None or due_from or due_to or overdue:
            raise InvalidInput("handler_id cannot be combined with unit_id or due filters.")
        if handler_id != who.sub and not (who.is_leader or _city_wide(who)):
            raise Forbidden("Only leaders list another person's cases.")
        scope = f"cases:handler:{handler_id}:{prefix}:{by_status}"
        items, last = store.list_by_handler(
            handler_id,
            prefix=prefix,
            status=by_status,
            limit=size,
            start_key=decode_cursor(cursor, scope),
        )
        items = [i for i in items if _sees(who, i)]
        return CasePage(
            items=[_list_item(i) for i in items], next_cursor=encode_cursor(last, scope)
        )
    unit = _unit_for_list(who, unit_id)
    if due_from or due_to or overdue:
        if due_from and due_to and due_from > due_to:
            raise InvalidInput("due_from is after due_to.")
        low = (
            clock.iso(datetime.combine(due_from, datetime.min.time(), CITY_TZ)) if due_from else "0"
        )
        high_day = (
            clock.iso(datetime.combine(due_to, datetime.max.time(), CITY_TZ)) if due_to else "~"
        )
        high = min(high_day, clock.iso(_now())) if overdue else high_day
        filters = {k: v for k, v in (("kind", kind), ("status", status)) if v}
        scope = f"cases:due:{unit}:{low}:{high_day}:{overdue}:{kind}:{status}"
        items, last = store.list_by_due(
            unit,
            low=low,
            high=high,
            filters=filters,
            limit=size,
            start_key=decode_cursor(cursor, scope),
        )
        return CasePage(
            items=[_list_item(i) for i in items], next_cursor=encode_cursor(last, scope)
        )
    if unit is None:
        raise InvalidInput(
            "unit_id=all lists the whole city by due date: add overdue or a due range.",
            errors=[{"loc": ["query", "unit_id"], "msg": "needs overdue or due_from/due_to"}],
        )
    scope = f"cases:unit:{unit}:{prefix}:{by_status}"
    items, last = store.list_by_unit(
        unit, prefix=prefix, status=by_status, limit=size, start_key=decode_cursor(cursor, scope)
    )
    return CasePage(items=[_list_item(i) for i in items], next_cursor=encode_cursor(last, scope))


_STAT_FIELDS = (
    "received",
    "transferred_out",
    "accepted",
    "refused",
    "resolved_on_time",
    "resolved_late",
    "withdrawn",
)


def case_stats(
    who: Principal,
    *,
    from_date: date | None,
    to_date: date | None,
    unit_id: str | None = None,
    kind: str | None = None,
) -> CaseStats:
    """Per unit and kind: received, transferred out, accepted, refused, resolved on time and
    late, withdrawn (in the window, by the day it happened), and open and overdue (now); for
    the units the caller may see (`unit_id`: that unit and the units under it)."""
    if not _is_staff(who):
        raise Forbidden("Cases are for staff.")
    today = _today()
    last = to_date or today
    first = from_date or last.replace(day=1)
    if first > last or (last - first).days > 366:
        raise InvalidInput(
            "The window must run forwards and cover at most 366 days.",
            errors=[{"loc": ["query", "from"], "msg": "bad window"}],
        )
    within = None
    if unit_id:
        unit = _unit(unit_id)
        if unit is None or not _sees_unit(who, unit["path"]):
            raise NotFound("No such unit.")
        within = unit_id

    def wanted(row: dict[str, Any]) -> bool:
        path = row.get("unit_path") or []
        if kind and row.get("kind") != kind:
            return False
        if within and within not in path:
            return False
        return _sees_unit(who, path)

    table: dict[tuple[str, str], dict[str, Any]] = {}

    def row_for(source: dict[str, Any]) -> dict[str, Any]:
        key = (source["unit_id"], source["kind"])
        return table.setdefault(key, {"unit_id": key[0], "kind": key[1]})

    month = date(first.year, first.month, 1)
    while month <= last:
        for counter in store.window_counters(
            month.strftime("%Y-%m"), first.isoformat(), last.isoformat()
        ):
            if wanted(counter):
                row = row_for(counter)
                for name in _STAT_FIELDS:
                    row[name] = row.get(name, 0) + int(counter.get(name, 0))
        month = (month + timedelta(days=32)).replace(day=1)
    for counter in store.open_counters():
        if wanted(counter) and int(counter.get("open", 0)):
            row_for(counter)["open"] = int(counter["open"])
    for case in store.overdue_cases(clock.iso(_now())):
        if workflow.is_open(case["status"]) and wanted(
            {
                "unit_id": case["handling_unit_id"],
                "kind": case["kind"],
                "unit_path": case["unit_path"],
            }
        ):
            row = row_for({"unit_id": case["handling_unit_id"], "kind": case["kind"]})
            row["overdue"] = row.get("overdue", 0) + 1
    from cityops.directory import store as directory

    units = directory.get_units(sorted({u for u, _ in table}))
    rows = []
    for (unit_key, kind_key), data in sorted(table.items()):
        info = units.get(unit_key, {})
        rows.append(
            CaseStatsRow.model_validate(
                {
                    **data,
                    "unit_code": info.get("code"),
                    "unit_name": info.get("name"),
                    "kind": kind_key,
                }
            )
        )
    return CaseStats(from_date=first, to_date=last, items=rows)


# --- handling ------------------------------------------------------------------------------------


def classify(who: Principal, case_id: str, body: CaseClassify, expected_version: int) -> Case:
    """Classify a received case (phân loại đơn): competent; not competent, to be forwarded
    (which starts the forwarding limit); a duplicate of another case; or an anonymous
    denunciation, which is not handled as a denunciation (Art. 25)."""
    work = _begin(who, case_id, expected_version, "classify")
    case, decision = work.case, body.decision.value
    case["status"] = workflow.next_status(
        "classify", case["kind"], case["status"], decision=decision
    )
    work.note = body.note
    if body.summary:
        case["summary"] = body.summary
    if body.several_sites is not None and case["kind"] != "denunciation":
        raise InvalidInput(
            "several_sites is only for denunciations.",
            errors=[{"loc": ["body", "several_sites"], "msg": "only for denunciations"}],
        )
    received_on = date.fromisoformat(case["received_on"])
    book, calendar = rulebook(), _calendar()
    if decision == "competent":
        case["competent"] = True
        if body.several_sites is not None and body.several_sites != case["several_sites"]:
            case["several_sites"] = body.several_sites
            limit = book.in_force(
                time_limits.intake_rule("denunciation", body.several_sites), received_on
            )
            for key in _open_keys(case, "denunciation.accept"):
                _move_deadline(work, key, limit.due_at(received_on, calendar))
                case["deadlines"][key]["rule"] = limit.rule
    elif decision == "transfer":
        target = _unit(body.to_unit_id)
        if target is None or not target.get("active", True):
            raise InvalidInput(
                "No such active unit to transfer to.",
                errors=[{"loc": ["body", "to_unit_id"], "msg": "no such unit"}],
            )
        if target["id"] == case["handling_unit_id"]:
            raise InvalidInput(
                "A case cannot be transferred to the unit handling it.",
                errors=[{"loc": ["body", "to_unit_id"], "msg": "same unit"}],
            )
        case["competent"] = False
        case["transfer_to_unit_id"] = target["id"]
        _cancel_all(work)
        limit = book.in_force("case.forward", received_on)
        _open_deadline(
            work, "case.forward", limit.due_at(received_on, calendar), limit, received_on
        )
    elif decision == "duplicate":
        original = store.get_case(body.duplicate_of) if body.duplicate_of else None
        if (
            original is None
            or not _sees(who, original)
            or original["id"] == case["id"]
            or original["kind"] != case["kind"]
        ):
            raise InvalidInput(
                "duplicate_of must be another case of the same kind that you may see.",
                errors=[{"loc": ["body", "duplicate_of"], "msg": "no such case"}],
            )
        case["duplicate_of"] = original["id"]
        case["not_handled_reason"] = "duplicate"
        work.also.append(store.case_exists_check(original["id"]))
        _cancel_all(work)
        _count_open(work, -1)
        _milestone(case, "closed")
    else:  # anonymous
        if not case.get("anonymous"):
            raise Conflict("The denunciator is identified: this is not an anonymous denunciation.")
        case["not_handled_reason"] = "anonymous"
        _cancel_all(work)
        _count_open(work, -1)
        _milestone(case, "closed")
    return _commit(work)


def forward(who: Principal, case_id: str, body: CaseNote, expected_version: int) -> Case:
    """Forward a case classified as not competent to the unit chosen (chuyển đơn): the
    forwarding limit is met, and the receiving unit's own limit starts today."""
    work = _begin(who, case_id, expected_version, "forward")
    case = work.case
    target = _unit(case.get("transfer_to_unit_id"))
    if target is None or not target.get("active", True):
        raise Conflict("The unit chosen is no longer active; classify the case again.")
    work.note = body.note
    for key in _open_keys(case, "case.forward"):
        _close_deadline(work, key)
    _count(work, transferred_out=1)
    _count_open(work, -1)
    today = _today()
    source = case["handling_unit_id"]
    case.update(
        status=workflow.next_status("forward", case["kind"], case["status"]),
        handling_unit_id=target["id"],
        handling_unit_kind=target["kind"],
        unit_path=list(target["path"]),
        received_on=today.isoformat(),
        transfer_to_unit_id=None,
        competent=None,
        handler_id=None,
        handler_name=None,
        resolver_id=None,
    )
    case["transfers"].append(
        {"from_unit_id": source, "to_unit_id": target["id"], "on": today.isoformat()}
    )
    book = rulebook()
    limit = book.in_force(time_limits.intake_rule(case["kind"], case["several_sites"]), today)
    _open_deadline(work, _deadline_kind(limit), limit.due_at(today, _calendar()), limit, today)
    _count(work, received=1)
    _count_open(work, 1)
    _milestone(case, "transferred")
    work.events.append(
        ("CaseTransferred", _event(case, from_unit_id=source, to_unit_id=target["id"]))
    )
    return _commit(work)


def _deadline_kind(limit: TimeLimit) -> str:
    """The obligation kind of a rule: its first two parts (`denunciation.accept.several_sites`
    is a `denunciation.accept`)."""
    return ".".join(limit.rule.split(".")[:2])


def accept(who: Principal, case_id: str, body: CaseAccept, expected_version: int) -> Case:
    """Accept a complaint or denunciation for resolution (thụ lý): the acceptance limit is met,
    the resolution limit starts (and the acceptance-notice limit, for a denunciation)."""
    work = _begin(who, case_id, expected_version, "accept")
    case = work.case
    if case["kind"] == "complaint" and case.get("time_barred"):
        raise Conflict("The complaint is time-barred (Art. 9): refuse it with time_barred.")
    if case["kind"] == "denunciation" and case.get("anonymous"):
        raise Conflict(
            "An anonymous denunciation is not handled as a denunciation (Art. 25): classify "
            "it as anonymous."
        )
    if case["kind"] == "denunciation" and body.complexity.value != "normal":
        raise InvalidInput(
            "A denunciation's complexity comes from the criteria of an extension decision.",
            errors=[{"loc": ["body", "complexity"], "msg": "only for complaints"}],
        )
    if body.remote_area is not None and case["kind"] != "complaint":
        raise InvalidInput(
            "remote_area is only for complaints.",
            errors=[{"loc": ["body", "remote_area"], "msg": "only for complaints"}],
        )
    work.note = body.note
    for key in _open_keys(case):
        _close_deadline(work, key)
    today = _today()
    if body.remote_area is not None:
        case["remote_area"] = body.remote_area
    case.update(
        status=workflow.next_status("accept", case["kind"], case["status"]),
        complexity=body.complexity.value,
        competent=True,
        accepted_on=today.isoformat(),
        resolver_id=who.sub,
    )
    book, calendar = rulebook(), _calendar()
    rule = time_limits.resolve_rule(
        case["kind"], case.get("complaint_round"), case["complexity"], case["remote_area"]
    )
    limit = book.in_force(rule, today)
    resolve = _open_deadline(
        work, f"{case['kind']}.resolve", limit.due_at(today, calendar), limit, today
    )
    if case["kind"] == "denunciation":
        notice = book.in_force("denunciation.notify", today)
        _open_deadline(work, "denunciation.notify", notice.due_at(today, calendar), notice, today)
    _count(work, accepted=1)
    _milestone(case, "accepted")
    work.events.append(("CaseAccepted", _event(case, resolve_due_at=resolve["due_at"])))
    return _commit(work)


def refuse(who: Principal, case_id: str, body: CaseRefuse, expected_version: int) -> Case:
    """Refuse to accept (không thụ lý), on one of the legal grounds for the kind."""
    work = _begin(who, case_id, expected_version, "refuse")
    case = work.case
    if body.ground not in REFUSAL_GROUNDS[case["kind"]]:
        raise InvalidInput(
            f"{body.ground.value} is not a ground for refusing a {case['kind']}.",
            errors=[{"loc": ["body", "ground"], "msg": "not a ground for this kind"}],
        )
    work.note = body.note
    for key in _open_keys(case):
        _close_deadline(work, key)
    case.update(
        status=workflow.next_status("refuse", case["kind"], case["status"]),
        refusal_ground=body.ground.value,
        resolver_id=who.sub,
    )
    _count(work, refused=1)
    _count_open(work, -1)
    _milestone(case, "refused")
    return _commit(work)


def assign(who: Principal, case_id: str, body: CaseAssign, expected_version: int) -> Case:
    """Assign the handler (người được giao xác minh): a staff member of the handling unit."""
    work = _begin(who, case_id, expected_version, "assign")
    case = work.case
    from cityops.directory import store as directory

    profile = directory.get_user(body.handler_id)
    roles = set((profile or {}).get("roles") or [])
    if not profile or profile.get("unit_id") != case["handling_unit_id"] or not roles & STAFF_ROLES:
        raise InvalidInput(
            "The handler must be a staff member of the handling unit.",
            errors=[{"loc": ["body", "handler_id"], "msg": "not a member of the unit"}],
        )
    work.note = body.note
    case.update(handler_id=profile["id"], handler_name=profile.get("name"))
    for key in _open_keys(case):  # reminders follow the work to its new handler
        record = case["deadlines"][key]
        work.also += reassign_obligation(_obligation(case, record), profile["id"])
        record["responsible_user_id"] = profile["id"]
    return _commit(work)


def verify(who: Principal, case_id: str, body: CaseNote, expected_version: int) -> Case:
    """The handler starts verification (xác minh)."""
    work = _begin(who, case_id, expected_version, "verify")
    work.note = body.note
    case = work.case
    case["status"] = workflow.next_status("verify", case["kind"], case["status"])
    case["verification_started_on"] = _today().isoformat()
    return _commit(work)


def dialogue(who: Principal, case_id: str, body: CaseDialogue, expected_version: int) -> Case:
    """The handler records the dialogue with the complainant (đối thoại)."""
    work = _begin(who, case_id, expected_version, "dialogue")
    if body.held_on > _today():
        raise InvalidInput(
            "The dialogue cannot be in the future.",
            errors=[{"loc": ["body", "held_on"], "msg": "in the future"}],
        )
    work.note = body.note
    case = work.case
    case["status"] = workflow.next_status("dialogue", case["kind"], case["status"])
    case["dialogue_on"] = body.held_on.isoformat()
    return _commit(work)


def notify(who: Principal, case_id: str, body: CaseNote, expected_version: int) -> Case:
    """The acceptance notices to the denunciator and the denounced person were sent (Art. 29)."""
    work = _begin(who, case_id, expected_version, "notify")
    keys = _open_keys(work.case, "denunciation.notify")
    if not keys:
        raise Conflict("The acceptance notices are already recorded.")
    work.note = body.note
    for key in keys:
        _close_deadline(work, key)
    work.case["notified_on"] = _today().isoformat()
    _milestone(work.case, "notified")
    return _commit(work)


def extend(who: Principal, case_id: str, body: CaseExtend, expected_version: int) -> Case:
    """Extend a denunciation's resolution by a written decision (Art. 30): one extension for a
    complex case (one criterion of Decree 31 Art. 3), two for an especially complex one (two
    or more), each at most the rule's length."""
    work = _begin(who, case_id, expected_version, "extend")
    case = work.case
    criteria = sorted({*case.get("complexity_criteria", []), *(c.value for c in body.criteria)})
    found = "especially_complex" if len(criteria) >= 2 else "complex"
    complexity = max(case["complexity"], found, key=_COMPLEXITY_ORDER.index)
    done = len(case.get("extensions", []))
    allowed = time_limits.EXTENSIONS_ALLOWED[complexity]
    if done >= allowed:
        raise Conflict(
            f"A {complexity.replace('_', ' ')} denunciation may be extended {allowed} time(s); "
            f"it has been extended {done}."
        )
    today = _today()
    cap = rulebook().in_force("denunciation.extension", today)
    if body.days > cap.length:
        raise InvalidInput(
            f"An extension is at most {cap.length} days ({cap.source}).",
            errors=[{"loc": ["body", "days"], "msg": f"at most {cap.length}"}],
        )
    keys = _open_keys(case, "denunciation.resolve")
    if not keys:
        raise Conflict("The denunciation has no running resolution deadline.")
    record = case["deadlines"][keys[0]]
    old_due = record["due_at"]
    old_day = _parse(old_due).astimezone(CITY_TZ).date()
    new_due = cap.due_at(old_day, _calendar(), length=body.days)
    _move_deadline(work, keys[0], new_due)
    case["complexity"] = complexity
    case["complexity_criteria"] = criteria
    case.setdefault("extensions", []).append(
        {
            "number": done + 1,
            "days": body.days,
            "complexity": complexity,
            "criteria": [c.value for c in body.criteria],
            "reason": body.reason,
            "decision_number": body.decision_number,
            "decided_by": who.sub,
            "decided_on": today.isoformat(),
            "from_due_at": old_due,
            "to_due_at": clock.iso(new_due),
        }
    )
    work.note = f"Extension {done + 1}: decision {body.decision_number}"
    _milestone(case, "extended")
    work.events.append(
        ("CaseExtended", _event(case, number=done + 1, due_at=clock.iso(new_due), days=body.days))
    )
    return _commit(work)


def _resolve(work: _Work, result: str, number: str | None, summary: str) -> None:
    """Close the resolution deadline and record the result (decision, conclusion, answer)."""
    case = work.case
    outcome = None
    for key in _open_keys(case, f"{case['kind']}.resolve") + _open_keys(
        case, "voter_petition.answer"
    ):
        outcome = _close_deadline(work, key)
    if outcome is not None:
        _count(
            work,
            **({"resolved_on_time": 1} if outcome == Outcome.MET_ON_TIME else {"resolved_late": 1}),
        )
    _count_open(work, -1)
    case.update(
        result=result,
        result_number=number,
        result_summary=summary,
        resolved_on=_today().isoformat(),
        resolver_id=work.who.sub if work.who else None,
    )
    _milestone(case, "resolved")
    work.events.append(
        (
            "CaseResolved",
            _event(
                case,
                result=result,
                on_time=None if outcome is None else outcome == Outcome.MET_ON_TIME,
            ),
        )
    )


def decide(who: Principal, case_id: str, body: CaseDecide, expected_version: int) -> Case:
    """The complaint resolution decision (quyết định giải quyết khiếu nại)."""
    work = _begin(who, case_id, expected_version, "decide")
    work.case["status"] = workflow.next_status("decide", "complaint", work.case["status"])
    _resolve(work, body.result.value, body.decision_number, body.summary)
    return _commit(work)


def conclude(who: Principal, case_id: str, body: CaseConclude, expected_version: int) -> Case:
    """The conclusion on a denunciation (kết luận nội dung tố cáo)."""
    work = _begin(who, case_id, expected_version, "conclude")
    work.case["status"] = workflow.next_status("conclude", "denunciation", work.case["status"])
    _resolve(work, body.result.value, body.conclusion_number, body.summary)
    return _commit(work)


def answer(who: Principal, case_id: str, body: CaseAnswer, expected_version: int) -> Case:
    """The answer to a voter petition: resolved, being resolved (with a roadmap date, which
    becomes a deadline of its own), or explained (NQLT 72/2025 Art. 49(2))."""
    work = _begin(who, case_id, expected_version, "answer")
    case = work.case
    previous = case["status"]
    case["status"] = workflow.next_status(
        "answer", "voter_petition", previous, result=body.result.value
    )
    today = _today()
    if previous == "being_resolved":
        for key in _open_keys(case, "voter_petition.roadmap"):
            _close_deadline(work, key)
        case.update(
            result=body.result.value, result_summary=body.answer, resolved_on=today.isoformat()
        )
        _milestone(case, "resolved")
        work.events.append(("CaseResolved", _event(case, result=body.result.value, on_time=None)))
        return _commit(work)
    _resolve(work, body.result.value, None, body.answer)
    if body.roadmap_date is not None:
        if body.roadmap_date <= today:
            raise InvalidInput(
                "The roadmap date must be in the future.",
                errors=[{"loc": ["body", "roadmap_date"], "msg": "not in the future"}],
            )
        case["roadmap_date"] = body.roadmap_date.isoformat()
        _open_deadline(
            work,
            "voter_petition.roadmap",
            _calendar().due_end_of_day(body.roadmap_date),
            None,
            today,
        )
    return _commit(work)


def publish(who: Principal, case_id: str, body: CaseNote, expected_version: int) -> Case:
    """Publish the result (công khai): the decision, the conclusion or the petition's answer."""
    work = _begin(who, case_id, expected_version, "publish")
    case = work.case
    if case.get("published_on"):
        raise Conflict("The result is already published.")
    work.note = body.note
    case["status"] = workflow.next_status("publish", case["kind"], case["status"])
    case["published_on"] = _today().isoformat()
    _milestone(case, "published")
    return _commit(work)


def withdraw(who: Principal, case_id: str, body: CaseWithdraw, expected_version: int) -> Case:
    """The complainant or denunciator withdraws (rút đơn): every running limit is cancelled."""
    work = _begin(who, case_id, expected_version, "withdraw")
    case = work.case
    work.note = body.reason
    _cancel_all(work)
    case["status"] = workflow.next_status("withdraw", case["kind"], case["status"])
    case["withdrawn_on"] = _today().isoformat()
    case.pop("suspended_from", None)
    _count(work, withdrawn=1)
    _count_open(work, -1)
    _milestone(case, "withdrawn")
    return _commit(work)


def suspend(who: Principal, case_id: str, body: CaseSuspend, expected_version: int) -> Case:
    """Suspend while a related matter is decided (tạm đình chỉ, Law 136/2025): the clock stops;
    the deadlines move by the paused time when it resumes."""
    work = _begin(who, case_id, expected_version, "suspend")
    case = work.case
    work.note = body.reason
    for key in _open_keys(case):  # not chased, reminded nor counted missed while suspended
        work.also += pause_obligation(_obligation(case, case["deadlines"][key]))
    case.update(
        suspended_from=case["status"],
        status=workflow.next_status("suspend", case["kind"], case["status"]),
        suspended_on=_today().isoformat(),
        suspension_reason=body.reason,
        related_matter=body.related_matter,
    )
    _milestone(case, "suspended")
    return _commit(work)


def resume(who: Principal, case_id: str, body: CaseNote, expected_version: int) -> Case:
    """Resume a suspended case: every running deadline moves by the time it was paused, in its
    own unit (working days for working-day limits, calendar days for the others)."""
    work = _begin(who, case_id, expected_version, "resume")
    case = work.case
    work.note = body.note
    calendar, today = _calendar(), _today()
    since = date.fromisoformat(case["suspended_on"])
    paused_days = (today - since).days
    paused_working = calendar.count_working_days(since, today)
    for key in _open_keys(case):
        record = case["deadlines"][key]
        old_day = _parse(record["due_at"]).astimezone(CITY_TZ).date()
        if record.get("unit") == "working_days":
            new_day = calendar.add_working_days(old_day, paused_working)
        else:
            new_day = calendar.add_days(old_day, paused_days)
        new_due = calendar.due_end_of_day(new_day)
        work.also += resume_obligation(_obligation(case, record), new_due)
        record["due_at"] = clock.iso(new_due)
    case["status"] = workflow.next_status(
        "resume", case["kind"], case["status"], previous=case.get("suspended_from")
    )
    case["paused_days"] = case.get("paused_days", 0) + paused_days
    for name in ("suspended_from", "suspended_on", "suspension_reason", "related_matter"):
        case[name] = None
    _milestone(case, "resumed")
    return _commit(work)


# --- time-limit rules (admin) --------------------------------------------------------------------


def _rule_out(book: RuleBook, rule: str, version: int) -> TimeLimitRule:
    history = book.history(rule)

    def out(v: TimeLimit) -> TimeLimitVersion:
        return TimeLimitVersion.model_validate(v.as_dict())

    return TimeLimitRule(
        rule=rule,
        kind=history[0].kind,
        in_force=out(book.in_force(rule, _today())),
        versions=[out(v) for v in history],
        version=version,
    )


def list_time_limits(who: Principal) -> TimeLimitList:
    if not (_is_staff(who) or who.is_admin):
        raise Forbidden("Time limits are for staff.")
    book = rulebook()
    stored = store.get_rule_items(book.names())
    return TimeLimitList(
        items=[
            _rule_out(book, name, int(stored.get(name, {}).get("version", 0)))
            for name in book.names()
        ]
    )


def get_time_limit(who: Principal, rule: str) -> TimeLimitRule:
    if not (_is_staff(who) or who.is_admin):
        raise Forbidden("Time limits are for staff.")
    book = rulebook()
    if not book.has(rule):
        raise NotFound("No such time limit.")
    item = store.get_rule_items([rule]).get(rule)
    return _rule_out(book, rule, int(item["version"]) if item else 0)


def put_time_limit(
    who: Principal, rule: str, change: TimeLimitChange, expected_version: int
) -> TimeLimitRule:
    """Add a version of a rule (or replace the version with the same effective date); earlier
    versions stay, and cases keep the deadlines already computed (admin)."""
    if not who.is_admin:
        raise Forbidden("Only an administrator may change a time limit.")
    base = time_limits.default_book()
    if not base.has(rule):
        raise NotFound("No such time limit.")
    before = store.get_rule_items([rule]).get(rule)
    version = int(before["version"]) if before else 0
    if version != expected_version:
        raise PreconditionFailed("The time limit has changed since you read it; read it again.")
    added = {
        "length": change.length,
        "unit": change.unit,
        "effective_from": change.effective_from.isoformat(),
        "source": change.source,
        "note": change.note,
        "verified": True,
        "set_by": who.sub,
        "set_at": clock.iso(_now()),
    }
    versions = [
        v
        for v in (before or {}).get("versions", [])
        if v["effective_from"] != added["effective_from"]
    ]
    versions = sorted([*versions, added], key=lambda v: v["effective_from"])
    after = {
        "pk": store.rule_pk(rule),
        "sk": "RULE",
        "rule": rule,
        "versions": versions,
        "version": version + 1,
        "updated_at": clock.iso(_now()),
    }
    write_change(
        Change(
            table=store.table(),
            item=after,
            expected_version=version or None,
            audit=audit_record(
                store.rule_pk(rule), who, "time_limit.changed", before, after, note=change.note
            ),
        )
    )
    forget_rules()
    return get_time_limit(who, rule)
