"""Finding a case: by its reference (`KN-2027-…`), by its public tracking code, or by the
words of its summary (`q`, through `cityops.core.search`, never a Scan). What the caller may
not see is not found: a lookup of a case in another unit answers an empty page, like a
search that matches nothing.

The search rows are scoped by the year a case was first received (`SEARCH#<year>#<word>`);
a search reads the years from `SEARCH_FIRST_YEAR` to this one, newest first, and keeps the
cases of the list asked for (a unit's, or the whole city's for city-wide viewers)."""

from __future__ import annotations

from collections.abc import Callable

from cityops.cases import replies, store
from cityops.cases.domain import Case
from cityops.cases.pipeline import PIPELINE, sees
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.pagination import decode_cursor, encode_cursor
from cityops.core.search import first_kept
from cityops.core.settings import get_settings

Wanted = Callable[[Case], bool]


def _item(case: Case) -> replies.CaseListItem:
    from cityops.cases.reads import case_out

    return replies.CaseListItem.model_validate(case_out(case).model_dump(mode="json"))


def _one(who: Principal, case_id: str | None, wanted: Wanted) -> replies.CasePage:
    case = PIPELINE.store.load(case_id) if case_id else None
    if case is None or not sees(who, case) or not wanted(case):
        return replies.CasePage(items=[])
    return replies.CasePage(items=[_item(case)])


def by_reference(who: Principal, reference: str, wanted: Wanted) -> replies.CasePage:
    """The case with this reference, if the caller may see it."""
    return _one(who, store.case_id_of_reference(reference.strip().upper()), wanted)


def by_tracking_code(who: Principal, code: str, wanted: Wanted) -> replies.CasePage:
    """The case with this public tracking code, if the caller may see it (staff only: the
    public tracks a case with its secret)."""
    found = store.get_tracking(code.strip().upper())
    return _one(who, found["case_id"] if found else None, wanted)


def search(
    who: Principal, q: str, wanted: Wanted, limit: int, cursor: str | None, scope: str
) -> replies.CasePage:
    """The cases whose summary holds every word of `q` (folded: no case, no diacritics),
    newest first, that the caller may see and the list asks for."""
    start = decode_cursor(cursor, scope) or {}
    after = start.get("after")
    years = range(clock.today().year, get_settings().search_first_year - 1, -1)
    ids = [i for i in store.search_index().matching([str(y) for y in years], q)]
    ids = [i for i in ids if not after or i < after]
    load = PIPELINE.store.load_many  # type: ignore[attr-defined]
    found, last = first_kept(ids, load, lambda c: sees(who, c) and wanted(c), limit)
    return replies.CasePage(
        items=[_item(c) for c in found],
        next_cursor=encode_cursor({"after": last}, scope) if last else None,
    )
