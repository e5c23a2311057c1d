"""Reading documents: one document (with what it owes and, when issued, where it landed),
its history, and the filtered lists, each from one index partition (never a Scan):

- `register_id` (+ `year`): the register's entries (GSI1);
- `lead_unit_id` or `unit_id`: that unit's documents and those it has a part in (GSI2);
- a city leader without either: every document of the year (GSI3);
- anyone else: their unit's (GSI2);
- `q`: the folded words of summaries, numbers and symbols (`cityops.core.search`), in the
  units the list covers, for the year.
The other filters are applied to what that partition holds."""

from __future__ import annotations

from typing import Any

from cityops.core import clock
from cityops.core.access import DOCUMENTS as DOCUMENT_ACCESS
from cityops.core.audit import history_page
from cityops.core.auth import Principal, is_system
from cityops.core.dynamo import batch_get
from cityops.core.errors import InvalidInput
from cityops.core.pagination import check_limit, decode_cursor, encode_cursor
from cityops.core.search import first_kept
from cityops.directory.port import DIRECTORY, visible_unit
from cityops.documents import outgoing, policy, store
from cityops.documents.domain import DOCUMENT_TYPES, Document, OutgoingDocument
from cityops.documents.models import DocumentOut, DocumentPage, DocumentSummary, HistoryPage
from cityops.documents.pipelines import DOCUMENTS
from cityops.documents.registers import check_year, load_register

MAX_PAGES = 10  # index pages one list call reads at most before it answers with a cursor


def document_out(who: Principal, document: Document) -> DocumentOut:
    """The document as the API shows it, with what the caller may do to it now (`actions`)."""
    data = document.model_dump(mode="json", exclude={"deadlines", "words", "search_scope"})
    now = clock.now()
    deadlines = [
        {
            "key": d.key,
            "kind": d.kind,
            "due_at": clock.iso(d.due_at),
            "status": d.status,
            "outcome": d.outcome.value if d.outcome else None,
            "responsible_unit_id": d.responsible_unit_id,
        }
        for d in document.deadlines
    ]
    data.update(
        deadlines=deadlines,
        doc_type_name=DOCUMENT_TYPES.get(document.doc_type, document.doc_type),
        overdue=any(d.due_at < now for d in document.deadlines.running()),
        actions=DOCUMENTS.actions(who, document),
    )
    if isinstance(document, OutgoingDocument) and document.status in {"issued", "revoked"}:
        data["deliveries"] = outgoing.deliveries(document)
    return DocumentOut.model_validate(data)


def get_document(who: Principal, document_id: str) -> Document:
    return DOCUMENTS.load_visible(who, document_id)


def document_history(
    who: Principal, document_id: str, *, limit: int | None, cursor: str | None
) -> HistoryPage:
    document = DOCUMENTS.load_visible(who, document_id)
    items, next_cursor = history_page(
        store.table(), DOCUMENTS.store.pk(document.id), limit=check_limit(limit), cursor=cursor
    )
    return HistoryPage(items=items, next_cursor=next_cursor)


def _summary(item: dict[str, Any]) -> DocumentSummary:
    now = clock.iso(clock.now())
    due = item.get("next_due_at")
    return DocumentSummary.model_validate(
        {
            **item,
            "role": item.get("line_role", "owner"),
            "overdue": bool(due and clock.iso(_instant(due)) < now),
        }
    )


def _instant(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Filters:
    """The list's filters, as a test on what an index holds of a document."""

    def __init__(self, **given: Any) -> None:
        self.given = {k: v for k, v in given.items() if v is not None}

    def __call__(self, item: dict[str, Any]) -> bool:
        g = self.given
        day = item.get("received_on") or item.get("issued_on")
        checks = [
            ("kind", lambda: item.get("kind") == g["kind"]),
            ("register_id", lambda: item.get("register_id") == g["register_id"]),
            ("year", lambda: item.get("year") == g["year"]),
            ("number", lambda: item.get("number") == g["number"]),
            ("doc_type", lambda: item.get("doc_type") == g["doc_type"]),
            ("urgency", lambda: item.get("urgency") == g["urgency"]),
            ("status", lambda: item.get("status") == g["status"]),
            ("lead_unit_id", lambda: item.get("lead_unit_id") == g["lead_unit_id"]),
            ("date_from", lambda: bool(day) and day >= g["date_from"].isoformat()),
            ("date_to", lambda: bool(day) and day <= g["date_to"].isoformat()),
            ("issuing_body", lambda: _contains(item.get("issuing_body"), g["issuing_body"])),
            ("overdue", lambda: _summary(item).overdue == g["overdue"]),
            ("words", lambda: _has_words(item, g["words"])),
        ]
        return all(test() for name, test in checks if name in g)


def _has_words(item: dict[str, Any], q: str) -> bool:
    from cityops.core.search import matches

    return matches(q, item.get("summary"), item.get("number_symbol"), item.get("issuing_body"))


def _contains(text: str | None, wanted: str) -> bool:
    from cityops.core.search import matches

    return bool(text) and matches(wanted, text)


def list_documents(
    who: Principal, *, q: str | None = None, register_id: str | None = None,
    unit_id: str | None = None, lead_unit_id: str | None = None, year: int | None = None,
    limit: int | None = None, cursor: str | None = None, **filters: Any,
) -> DocumentPage:  # fmt: skip
    """A page of the documents the caller may see, newest first (a register: in number
    order)."""
    limit = check_limit(limit)
    test = Filters(year=year, lead_unit_id=lead_unit_id, **filters)
    if (
        filters.get("date_from")
        and filters.get("date_to")
        and (filters["date_from"] > filters["date_to"])
    ):
        raise InvalidInput("Ngày bắt đầu (date_from) không thể sau ngày kết thúc (date_to).")
    source = _source(who, register_id, unit_id, lead_unit_id, year)
    if q and lead_unit_id:  # what the unit leads is owned by others: filter its partition
        test = Filters(year=year, lead_unit_id=lead_unit_id, words=q, **filters)
    elif q:  # the words' rows span the unit's registers: keep the one asked for
        test = Filters(year=year, register_id=register_id, **filters)
        return _search(who, q, source, test, limit, cursor)
    index, pk_name, pk, forward, scope = source["query"]
    start = decode_cursor(cursor, scope)
    items: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    for _ in range(MAX_PAGES):
        page, next_key = store.query_index(
            index, pk_name, pk, start=start, limit=min(200, limit * 2), forward=forward
        )
        for item in page:
            if test(item):
                items.append(item)
            last = _key_of(item, index)
            if len(items) == limit:
                break
        if len(items) == limit:
            break
        if not next_key:
            last = None
            break
        start, last = next_key, next_key
    return DocumentPage(items=[_summary(i) for i in items], next_cursor=encode_cursor(last, scope))


_INDEX_KEYS = {store.REGISTER_INDEX: "gsi1", store.UNIT_INDEX: "gsi2", store.ALL_INDEX: "gsi3"}


def _key_of(item: dict[str, Any], index: str) -> dict[str, Any]:
    prefix = _INDEX_KEYS[index]
    return {k: item[k] for k in ("pk", "sk", f"{prefix}pk", f"{prefix}sk")}


def _source(
    who: Principal, register_id: str | None, unit_id: str | None, lead_unit_id: str | None,
    year: int | None,
) -> dict[str, Any]:  # fmt: skip
    """Which index partition the list reads, and the units a search looks in."""
    directory = DIRECTORY.current
    if register_id:
        register = load_register(who, register_id)
        the_year = check_year(year)
        return {
            "query": (store.REGISTER_INDEX, "gsi1pk", f"REG#{register.id}#{the_year}", True,
                      f"docs:reg:{register.id}:{the_year}"),
            "units": [register.unit_id], "year": the_year,
        }  # fmt: skip
    target = lead_unit_id or unit_id
    if target:
        unit = visible_unit(who, target, DOCUMENT_ACCESS)
        return {
            "query": (store.UNIT_INDEX, "gsi2pk", f"UNIT#{unit.id}", False, f"docs:unit:{unit.id}"),
            "units": [unit.id], "year": check_year(year),
        }  # fmt: skip
    if who.is_city_leader or is_system(who):
        the_year = check_year(year)
        return {
            "query": (store.ALL_INDEX, "gsi3pk", f"ALL#{the_year}", False, f"docs:all:{the_year}"),
            "units": [u.id for u in directory.units_within(None)], "year": the_year,
        }  # fmt: skip
    if not who.unit_id or not who.roles & {"unit_leader", "officer", "clerk", "inspector"}:
        return {"query": (store.UNIT_INDEX, "gsi2pk", "UNIT#-", False, "docs:none"),
                "units": [], "year": check_year(year)}  # fmt: skip
    return {
        "query": (store.UNIT_INDEX, "gsi2pk", f"UNIT#{who.unit_id}", False,
                  f"docs:unit:{who.unit_id}"),
        "units": [who.unit_id], "year": check_year(year),
    }  # fmt: skip


def _search(
    who: Principal, q: str, source: dict[str, Any], test: Filters, limit: int, cursor: str | None
) -> DocumentPage:
    scope = f"search:{source['query'][4]}:{q}"
    start = decode_cursor(cursor, scope) or {}
    after = start.get("after")
    scopes = [f"{unit_id}#{source['year']}" for unit_id in source["units"]]
    ids = [i for i in store.search_index().matching(scopes, q) if not after or i < after]

    def load(chunk: list[str]) -> dict[str, dict[str, Any]]:
        keys = [{"pk": f"DOC#{d}", "sk": "DOC"} for d in chunk]
        return {i["id"]: i for i in batch_get(store.table(), keys)}

    found, last = first_kept(ids, load, lambda i: _visible(who, i) and test(i), limit)
    return DocumentPage(
        items=[_summary(i) for i in found],
        next_cursor=encode_cursor({"after": last}, scope) if last else None,
    )


def _visible(who: Principal, item: dict[str, Any]) -> bool:
    document = DOCUMENTS.store.from_item(item)
    return policy.sees_document(who, document)
