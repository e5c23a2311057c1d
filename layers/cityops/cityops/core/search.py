"""Search without a Scan: folded words written as index rows in the change's transaction.

Words are *folded* (lower case, diacritics removed, đ → d), so that `quy hoach` finds
`Quy hoạch` and `QĐ` finds `qd`. Each distinct word of an entity's text is one row,
`pk = <prefix>#<scope>#<word>`, `sk = <entity id>`, in the system's own table; a scope bounds
the search (a unit and year, a register). A query folds its words and intersects their rows:
one Query per word and scope, each reading only the rows of that word in that scope.

A system keeps the words it indexed on its entity (`SearchIndex.words`), and its store adds
`SearchIndex.changes(...)` to the change's transaction: puts for the words that are new,
deletes for those that are gone. Nothing else is needed: no stream, no second write.
Where a deployment outgrows this, OpenSearch Serverless is the engine to move to, behind the
same interface (`words`, `changes`, `matching`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from cityops.core.dynamo import query_all, serialize

MAX_WORDS = 40  # the words of one entity that are indexed (a transaction holds 100 items)
MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")
T = TypeVar("T")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d: `Quy hoạch Đô thị` → `quy hoach do thi`."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(*texts: str | None, limit: int = MAX_WORDS) -> list[str]:
    """The distinct folded words of some texts, in order of first appearance, at most
    `limit` (a number and symbol `15/QĐ-UBND` gives `15`, `qd`, `ubnd`)."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(fold(text or "")):
            seen.setdefault(word, None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def query_words(q: str) -> list[str]:
    """The words a query asks for (every one must match), longest first: the longest word is
    usually the rarest, so its rows are read first."""
    found = words(q, limit=MAX_QUERY_WORDS)
    return sorted(found, key=len, reverse=True)


@dataclass(frozen=True)
class SearchIndex:
    """The word rows of one kind of entity in one table."""

    table: str
    prefix: str = "SEARCH"

    def pk(self, scope: str, word: str) -> str:
        return f"{self.prefix}#{scope}#{word}"

    def changes(
        self,
        entity_id: str,
        before: tuple[str, Iterable[str]] | None,
        after: tuple[str, Iterable[str]] | None,
    ) -> list[dict[str, Any]]:
        """The transaction items that move the entity's rows from `before` (scope, words) to
        `after`: a put for each new row, a delete for each row that is gone."""
        old = {(before[0], w) for w in before[1]} if before else set()
        new = {(after[0], w) for w in after[1]} if after else set()
        items: list[dict[str, Any]] = []
        for scope, word in sorted(new - old):
            row = {"pk": self.pk(scope, word), "sk": entity_id, "word": word, "scope": scope}
            items.append({"Put": {"TableName": self.table, "Item": serialize(row)}})
        for scope, word in sorted(old - new):
            key = serialize({"pk": self.pk(scope, word), "sk": entity_id})
            items.append({"Delete": {"TableName": self.table, "Key": key}})
        return items

    def matching(self, scopes: Iterable[str], q: str) -> list[str]:
        """The ids of the entities whose words include every word of `q`, in any of
        `scopes`, newest first (ids are ULIDs). One Query per word and scope; a scope stops
        at its first word with no rows."""
        wanted = query_words(q)
        if not wanted:
            return []
        found: set[str] = set()
        for scope in dict.fromkeys(scopes):
            ids: set[str] | None = None
            for word in wanted:
                rows = query_all(
                    self.table,
                    key_condition="pk = :pk",
                    values={":pk": self.pk(scope, word)},
                )
                these = {row["sk"] for row in rows}
                ids = these if ids is None else ids & these
                if not ids:
                    break
            found |= ids or set()
        return sorted(found, reverse=True)


def first_kept(
    ids: list[str],
    load: Callable[[list[str]], Mapping[str, T]],
    keep: Callable[[T], bool],
    limit: int,
) -> tuple[list[T], str | None]:
    """A page of a search: the first `limit` entities of `ids` (as `matching` orders them)
    that `keep` admits (the caller may see it, the list asks for it), read `load` 100 ids at a
    time; and the id the next page starts after, only when another admitted one follows. The
    next one is looked for, not guessed: a cursor given because an entity the caller may not
    see follows would tell that it exists."""
    found: list[T] = []
    last: str | None = None
    for begin in range(0, len(ids), 100):
        chunk = ids[begin : begin + 100]
        loaded = load(chunk)
        for entity_id in chunk:
            entity = loaded.get(entity_id)
            if entity is None or not keep(entity):
                continue
            if len(found) == limit:
                return found, last
            found.append(entity)
            last = entity_id
    return found, None


def matches(q: str, *texts: str | None) -> bool:
    """Whether texts hold every word of `q` (the same rule as the index, for fakes and for
    filtering a page already read)."""
    have = set(words(*texts, limit=10_000))
    return all(w in have for w in query_words(q))
