"""Reading cases: one case, its history, the person's identity (for the assigned inspector and
the resolver, audited), and lists, each one Query on an index: a handler's cases, a unit's
cases by due date (or overdue), a unit's cases by kind and status."""

from __future__ import annotations

from datetime import date, datetime

from cityops.cases import finding, replies, store
from cityops.cases.domain import Case
from cityops.cases.pipeline import (
    PIPELINE,
    is_city_wide,
    is_handler,
    is_member,
    is_staff,
)
from cityops.core import clock, logs
from cityops.core.access import CASES, sees_unit
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ
from cityops.core.dynamo import strip_keys
from cityops.core.errors import Forbidden, InvalidInput, NotFound
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.directory.port import DIRECTORY, visible_unit


def case_out(case: Case, who: Principal | None = None) -> replies.Case:
    """What the API shows of a case: no identity, only the pseudonym. A paused deadline (a
    suspended case's) shows as open: its clock only stops. `actions`: what `who` may do to it
    now (a list line, built with no caller, carries none)."""
    deadlines = [
        replies.CaseDeadline(
            key=d.key,
            kind=d.kind,
            rule=d.details.get("rule"),
            due_at=clock.iso(d.due_at),
            status="open" if d.status == "paused" else d.status,
            outcome=d.outcome.value if d.outcome else None,
            responsible_unit_id=d.responsible_unit_id,
        )
        for d in case.deadlines
    ]
    due = clock.iso(case.due_at) if case.due_at else None
    data = case.model_dump(mode="json", exclude={"deadlines"})
    actions = PIPELINE.actions(who, case) if who is not None else []
    return replies.Case.model_validate(
        {**data, "deadlines": deadlines, "due_at": due, "actions": actions}
    )


def get_case(who: Principal, case_id: str) -> replies.Case:
    return case_out(PIPELINE.load_visible(who, case_id), who)


def case_history(
    who: Principal, case_id: str, *, limit: int | None, cursor: str | None
) -> replies.CaseHistoryPage:
    PIPELINE.load_visible(who, case_id)
    entries, next_cursor = PIPELINE.store.history(  # type: ignore[attr-defined]
        case_id, limit=check_limit(limit), cursor=cursor
    )
    return replies.CaseHistoryPage.model_validate({"items": entries, "next_cursor": next_cursor})


def read_identity(who: Principal, case_id: str) -> replies.CaseIdentityOut:
    """The person's identity, for the inspector assigned to the case and for the person who
    resolves it; the read is audited on the case (who and when, never what) before anything
    is decrypted."""
    case = PIPELINE.load_visible(who, case_id)
    reader = None
    # A denunciator's identity only for an inspector among handlers (Law on Denunciations
    # Art. 8(3), 47: verifiers work from a copy without it); a complainant's for the handler.
    inspector_only = case.kind == "denunciation"
    if is_handler(who, case) and (who.has_role("inspector") or not inspector_only):
        reader = "Người xử lý được giao"
    elif is_member(who, case) and case.resolver_id == who.sub:
        reader = "Người giải quyết"
    if reader is None:
        raise Forbidden(
            "Chỉ thanh tra viên được giao xử lý và người giải quyết vụ việc mới được xem danh tính."
        )
    PIPELINE.store.audit_read(case_id, who, f"{reader} đã xem danh tính.")  # type: ignore[attr-defined]
    logs.logger().info("identity read", extra={"case_id": case_id, "reader_id": who.sub})
    data = PIPELINE.store.identity(case_id)  # type: ignore[attr-defined]
    return replies.CaseIdentityOut(case_id=case_id, **data)


# --- lists -------------------------------------------------------------------------------------


def _page(items: list[dict], last: dict | None, scope: str) -> replies.CasePage:
    listed = [replies.CaseListItem.model_validate(strip_keys(i)) for i in items]
    return replies.CasePage(items=listed, next_cursor=encode_cursor(last, scope))


def _unit_for_list(who: Principal, unit_id: str | None) -> str | None:
    """The unit a list is about (None: the whole city, for city-wide viewers)."""
    if unit_id == "all":
        if not is_city_wide(who):
            raise Forbidden(
                "Chỉ lãnh đạo Thành phố và Thanh tra Thành phố mới được xem danh sách "
                "toàn thành phố."
            )
        return None
    return visible_unit(who, unit_id or who.unit_id, CASES).id


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
    q: str | None = None,
    reference: str | None = None,
    tracking_code: str | None = None,
) -> replies.CasePage:
    """A page of cases, by one Query on an index: a handler's cases, a unit's cases by due
    date (or overdue), or a unit's cases by kind and status; or the case with a reference or
    tracking code; or the cases whose summary holds the words of `q` (`cases.finding`)."""
    if not is_staff(who):
        raise Forbidden("Chỉ cán bộ mới được xem các vụ việc.")
    size = check_limit(limit)
    lookups = [n for n, v in (("q", q), ("reference", reference), ("tracking_code", tracking_code))
               if v]  # fmt: skip
    if lookups:
        others = [n for n, v in (("handler_id", handler_id), ("due_from", due_from),
                                 ("due_to", due_to), ("overdue", overdue)) if v]  # fmt: skip
        if reference or tracking_code:
            others += [n for n, v in (("unit_id", unit_id), ("cursor", cursor)) if v]
        if len(lookups) > 1 or others:
            raise InvalidInput(
                f"{lookups[0]} không dùng cùng với {', '.join((lookups + others)[1:])}.",
                errors=[{"loc": ["query", lookups[0]], "msg": "không dùng cùng các bộ lọc khác"}],
            )
        return _find(who, unit_id, kind, status, size, cursor, q, reference, tracking_code)
    prefix = f"{kind}#{status}#" if kind and status else (f"{kind}#" if kind else "")
    by_status = status if not kind else None
    if handler_id:
        if unit_id is not None or due_from or due_to or overdue:
            raise InvalidInput(
                "handler_id không dùng cùng với unit_id hoặc các bộ lọc theo hạn "
                "(due_from, due_to, overdue)."
            )
        if handler_id != who.sub:
            if not (who.is_leader or is_city_wide(who)):
                raise Forbidden("Chỉ lãnh đạo mới được xem danh sách vụ việc của người khác.")
            handler = DIRECTORY.current.profile(handler_id)
            try:  # 404 alike for no such person and one of a unit the caller may not see
                visible_unit(who, handler.unit_id if handler else None, CASES)
            except NotFound:
                raise NotFound("Không có người này.") from None
        scope = f"cases:handler:{handler_id}:{prefix}:{by_status}"
        start = decode_cursor(cursor, scope)
        items, last = store.list_by_handler(
            handler_id, prefix=prefix, status=by_status, limit=size, start_key=start
        )
        seen = [i for i in items if sees_unit(who, i.get("unit_path") or [], CASES)]
        return _page(seen, last, scope)
    unit = _unit_for_list(who, unit_id)
    if due_from or due_to or overdue:
        if due_from and due_to and due_from > due_to:
            raise InvalidInput("due_from không được sau due_to.")
        low = _day_edge(due_from, datetime.min) if due_from else "0"
        high_day = _day_edge(due_to, datetime.max) if due_to else "~"
        high = min(high_day, clock.iso(clock.now())) if overdue else high_day
        filters = {k: v for k, v in (("kind", kind), ("status", status)) if v}
        scope = f"cases:due:{unit}:{low}:{high_day}:{overdue}:{kind}:{status}"
        start = decode_cursor(cursor, scope)
        items, last = store.list_by_due(
            unit, low=low, high=high, filters=filters, limit=size, start_key=start
        )
        return _page(items, last, scope)
    if unit is None:
        raise InvalidInput(
            "unit_id=all liệt kê vụ việc toàn thành phố theo hạn giải quyết: hãy thêm overdue "
            "hoặc khoảng due_from/due_to.",
            errors=[{"loc": ["query", "unit_id"], "msg": "cần overdue hoặc due_from/due_to"}],
        )
    scope = f"cases:unit:{unit}:{prefix}:{by_status}"
    items, last = store.list_by_unit(
        unit, prefix=prefix, status=by_status, limit=size, start_key=decode_cursor(cursor, scope)
    )
    return _page(items, last, scope)


def _find(
    who: Principal,
    unit_id: str | None,
    kind: str | None,
    status: str | None,
    size: int,
    cursor: str | None,
    q: str | None,
    reference: str | None,
    tracking_code: str | None,
) -> replies.CasePage:
    def wanted(case: Case, unit: str | None = None) -> bool:
        return (
            (not kind or case.kind == kind)
            and (not status or case.status == status)
            and (unit is None or case.handling_unit_id == unit)
        )

    if reference:
        return finding.by_reference(who, reference, wanted)
    if tracking_code:
        return finding.by_tracking_code(who, tracking_code, wanted)
    unit = _unit_for_list(who, unit_id)
    scope = f"cases:search:{who.sub}:{unit}:{kind}:{status}:{q}"
    return finding.search(who, q or "", lambda c: wanted(c, unit), size, cursor, scope)


def _day_edge(day: date, edge: datetime) -> str:
    """The first or last instant of a day in Hanoi, as stored."""
    return clock.iso(datetime.combine(day, edge.time(), CITY_TZ))
