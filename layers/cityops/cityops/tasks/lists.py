"""`GET /v1/tasks`: the tasks the caller may see, newest first, as Queries on index partitions
(never a Scan), a page spending at most `LIST_QUERY_BUDGET` Queries walking partitions."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.calendar import CITY_TZ
from cityops.core.errors import InvalidInput
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.core.search import first_kept
from cityops.core.settings import get_settings
from cityops.tasks import store
from cityops.tasks.policy import can_see, status_class
from cityops.tasks.replies import check_range, line_reply, visible_unit
from cityops.tasks.settings import TASKS_EPOCH_MONTH, ontime_policy
from cityops.tasks.values import TaskSummary

LIST_QUERY_BUDGET = 12  # Queries one list page may spend walking partitions (see docs)
_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
Segment = tuple[str, str, str, str, str]  # (its id in cursors, index, partition, low, high)


def _ulid_prefix(moment: datetime) -> str:
    """The 10 time characters a ULID created at `moment` starts with."""
    value = max(0, int(moment.timestamp() * 1000))
    chars = []
    for _ in range(10):
        value, index = divmod(value, 32)
        chars.append(_ULID_ALPHABET[index])
    return "".join(reversed(chars))


def _id_range(created_from: date | None, created_to: date | None) -> tuple[str, str]:
    """Task ids created within the days (Asia/Ho_Chi_Minh), as a key range."""
    low = (
        _ulid_prefix(datetime.combine(created_from, time.min, tzinfo=CITY_TZ)) + "0" * 16
        if created_from
        else "0" * 26
    )
    high = (
        _ulid_prefix(datetime.combine(created_to, time.max, tzinfo=CITY_TZ)) + "Z" * 16
        if created_to
        else "Z" * 26
    )
    return low, high


def _months(first: str, last: str) -> list[str]:
    """The months from `last` back to `first` ("YYYY-MM"), newest first."""
    out = []
    year, month = int(last[:4]), int(last[5:7])
    while f"{year:04d}-{month:02d}" >= first:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _refuse(field: str, message: str, why: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["query", field], "msg": why}])


def _segments(
    who: Principal,
    unit_id: str | None,
    role: str | None,
    created: tuple[date | None, date | None],
    assigned_by_me: bool,
) -> tuple[str | None, list[Segment] | None]:
    """The index partitions the list walks, in order (and the unit listed, if any); None
    for a caller with no unit, who has nothing to list."""
    low, high = _id_range(*created)
    if assigned_by_me:
        partition = store.assigner_partition(who.sub)
        return unit_id, [
            ("assigner", store.BY_UNIT, partition, f"assigner#{low}", f"assigner#{high}")
        ]
    if unit_id or not who.is_city_leader:
        unit_id = unit_id or who.unit_id
        if not unit_id:
            return None, None
        visible_unit(who, unit_id)
        partition = store.unit_partition(unit_id)
        if not role and (low, high) == _id_range(None, None):
            # Both roles in one key range (newest first: every lead line, then every
            # coordinating one), so that a page is one Query.
            both = ("unit", store.BY_UNIT, partition, f"coordinating#{low}", f"lead#{high}")
            return unit_id, [both]
        roles = [role] if role else ["lead", "coordinating"]
        return unit_id, [(r, store.BY_UNIT, partition, f"{r}#{low}", f"{r}#{high}") for r in roles]
    created_from, created_to = created
    first = max(TASKS_EPOCH_MONTH, created_from.strftime("%Y-%m") if created_from else "")
    last = (created_to or clock.today()).strftime("%Y-%m")
    months = _months(first, last)
    return None, [(m, store.BY_MONTH, store.month_partition(m), low, high) for m in months]


def list_tasks(
    who: Principal,
    *,
    unit_id: str | None = None,
    role: str | None = None,
    status_class_filter: str | None = None,
    source: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    assigned_by_me: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
    q: str | None = None,
    source_number: str | None = None,
) -> dict[str, Any]:
    """Tasks the caller may see, newest first:

    - `unit_id` (default: the caller's unit): that unit's lines in `ByUnit`, the lead ones then
      the coordinating ones (or the `role` asked for); the caller must see the unit (else 404);
    - `assigned_by_me`: the caller's assigner lines in `ByUnit`;
    - a city leader without `unit_id`: every task, by creation month in `ByMonth`.
    - `source_number`: the tasks of a source document (its number and symbol), in its line
      partition of `ByUnit`, those the caller may see;
    - `q`: the tasks whose title holds the words (`search`).
    `created_from/to` is a key range; status class, source and due range filter each page.
    """
    limit = check_limit(limit)
    check_range(due_from, due_to, ("due_from", "due_to"))
    check_range(created_from, created_to, ("created_from", "created_to"))
    if assigned_by_me and (unit_id or role):
        raise _refuse(
            "assigned_by_me",
            "Hãy xem nhiệm vụ của một đơn vị hoặc nhiệm vụ do bạn giao, không chọn cả hai.",
            "Không dùng cùng unit_id hoặc role.",
        )
    if role and not unit_id and who.is_city_leader:
        raise _refuse(
            "role",
            "role cần đi kèm unit_id: đơn vị có vai trò đó trong nhiệm vụ.",
            "Cần có unit_id.",
        )
    if (q or source_number) and (assigned_by_me or (q and source_number)):
        raise _refuse(
            "q" if q else "source_number",
            "Hãy tìm theo từ khoá (q) hoặc theo văn bản giao nhiệm vụ (source_number), chỉ một "
            "trong hai, và không dùng cùng assigned_by_me.",
            "Không dùng cùng các cách tìm khác.",
        )
    if q:
        if unit_id:
            visible_unit(who, unit_id)
    elif source_number:
        low, high = _id_range(created_from, created_to)
        segments: list[Segment] | None = [
            ("source", store.BY_UNIT, store.source_partition(source_number),
             f"source#{low}", f"source#{high}")
        ]  # fmt: skip
    else:
        unit_id, segments = _segments(
            who, unit_id, role, (created_from, created_to), assigned_by_me
        )
        if segments is None:
            return {"items": [], "next_cursor": None}
    policy, now = ontime_policy(), clock.now()

    def wanted(line: TaskSummary) -> bool:
        if (q or source_number) and not _found(who, line, unit_id, role):
            return False
        if source and line.source != source:
            return False
        if due_from or due_to:
            due = line.due_date
            if due is None or (due_from and due < due_from) or (due_to and due > due_to):
                return False
        return not (status_class_filter and status_class(line, now, policy) != status_class_filter)

    scope = "tasks:" + "|".join(
        str(v)
        for v in (
            who.sub,
            unit_id,
            role,
            status_class_filter,
            source,
            due_from,
            due_to,
            created_from,
            created_to,
            assigned_by_me,
        )
    )
    scope += f"|{q}|{source_number}"
    if q:
        return search(q, wanted, limit, cursor, scope, now, policy)
    position = decode_cursor(cursor, scope)
    ids = [s[0] for s in segments]
    index, start_key = 0, None
    if position is not None:
        if position.get("seg") not in ids:
            raise _refuse(
                "cursor",
                "Con trỏ trang (cursor) không hợp lệ cho danh sách này.",
                "Con trỏ trang không hợp lệ.",
            )
        index, start_key = ids.index(position["seg"]), position.get("key")
    items: list[dict[str, Any]] = []
    queries = 0
    while index < len(segments) and len(items) < limit and queries < LIST_QUERY_BUDGET:
        _seg, idx, partition, seg_low, seg_high = segments[index]
        page, last = store.index_page(
            idx,
            partition,
            low=seg_low,
            high=seg_high,
            limit=limit - len(items),
            start_key=start_key,
        )
        queries += 1
        lines = [TaskSummary.model_validate(line) for line in page]
        items += [line_reply(line, now, policy) for line in lines if wanted(line)]
        if last:
            start_key = last
        else:
            index, start_key = index + 1, None
    next_cursor = (
        encode_cursor({"seg": ids[index], "key": start_key}, scope)
        if index < len(segments)
        else None
    )
    return {"items": items, "next_cursor": next_cursor}


def _found(who: Principal, line: TaskSummary, unit_id: str | None, role: str | None) -> bool:
    """A task found by a lookup: one the caller may see, of the unit (and role) asked for."""
    if not can_see(who, line):
        return False
    if unit_id is None:
        return True
    roles = {"lead": [line.lead_unit_id], "coordinating": list(line.coordinating_unit_ids)}
    units = roles[role] if role else [*roles["lead"], *roles["coordinating"]]
    return unit_id in units


def search(
    q: str, wanted: Any, limit: int, cursor: str | None, scope: str, now: datetime, policy: Any
) -> dict[str, Any]:
    """The tasks whose title holds every word of `q` (folded), newest first: the search rows
    of the years from `SEARCH_FIRST_YEAR` to this one (`cityops.core.search`), never a Scan."""
    after = (decode_cursor(cursor, scope) or {}).get("after")
    years = range(clock.today().year, get_settings().search_first_year - 1, -1)
    ids = [i for i in store.search_index().matching([str(y) for y in years], q)]
    ids = [i for i in ids if not after or i < after]
    lines, last = first_kept(ids, store.tasks_by_id, wanted, limit)
    items = [line_reply(line, now, policy) for line in lines]
    return {"items": items, "next_cursor": encode_cursor({"after": last}, scope) if last else None}
