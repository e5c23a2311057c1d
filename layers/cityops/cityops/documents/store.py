"""The documents' store: the only code that speaks DynamoDB for documents, registers and
abbreviations.

Table `Documents` (pk, sk):
- a document:           DOC#<id>                 / DOC
    GSI1 (numbered only) REG#<register>#<year>    / <number, 8 digits>  register entries in order
    GSI2                 UNIT#<owning unit>       / <id>                a unit's documents
    GSI3                 ALL#<year>               / <id>                every document (city-wide)
- its audit records:    DOC#<id>                 / EVENT#<ulid>  (also who opened which file)
- a line per other unit with a part in it (drafting, lead, coordinating):
                        DOC#<id>                 / LINE#<unit>   GSI2 UNIT#<unit> / <id>
- a register:           REGISTER#<id>            / REGISTER      GSI2 REGISTERS#<unit> / <kind>#<id>
- its number sequence:  REGISTER#<sequence>      / SEQ#<year>    `last`: the last number taken
  (`Register.sequence`: its own id, or that of the closed register a new volume goes on from)
- a claimed key:        UNIQUE#<key>             / UNIQUE        `document_id` (an incoming
  document's sender, number and date in a register; a delivery of an outgoing document)
- an abbreviation:      ABBREVIATION             / <unit id>
- search rows:          SEARCH#<unit>#<year>#<word> / <id>       (`cityops.core.search`)

Numbers: the transaction that registers or issues a document updates the register's sequence
item from the number it read to the next (`last = :read`), so two registrations that read the
same number cannot both commit: the loser reads again and takes the next one. A failed
transaction takes no number; nothing is ever a Scan or a "max + 1" read of the documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cityops.core.audit import audit_record
from cityops.core.auth import Principal
from cityops.core.aws import client
from cityops.core.deferred import Writes
from cityops.core.dynamo import get_item, item_pk, query_all, query_page, serialize
from cityops.core.errors import Conflict, DomainError, NumberRace
from cityops.core.pipeline import Work
from cityops.core.search import SearchIndex
from cityops.core.settings import get_settings
from cityops.core.store import DynamoStore
from cityops.documents.domain import (
    Abbreviation,
    Document,
    DocumentFile,
    IncomingDocument,
    OutgoingDocument,
    Register,
)

REGISTER_INDEX, UNIT_INDEX, ALL_INDEX = "GSI1", "GSI2", "GSI3"


def table() -> str:
    return get_settings().documents_table


def search_index() -> SearchIndex:
    return SearchIndex(table())


# --- the records a change may carry ------------------------------------------------------------


@dataclass(frozen=True)
class NumberTaken:
    """The register's sequence for the year moves from `number - 1` to `number`
    (`register_id`: the register's `sequence`, its own id unless it goes on with another's)."""

    register_id: str
    year: int
    number: int


@dataclass(frozen=True)
class UniqueClaim:
    """A key only one document may hold (fails the change when another holds it)."""

    key: str
    document_id: str


class Duplicate(Conflict):
    def __init__(self, detail: str, existing_id: str | None):
        super().__init__(detail)
        self.existing_id = existing_id


def sequence_item(record: NumberTaken) -> dict[str, Any]:
    key = {"pk": f"REGISTER#{record.register_id}", "sk": f"SEQ#{record.year}"}
    if record.number == 1:
        item = {**key, "last": 1, "year": record.year}
        return {
            "Put": {
                "TableName": table(),
                "Item": serialize(item),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
    return {
        "Update": {
            "TableName": table(),
            "Key": serialize(key),
            "UpdateExpression": "SET #last = :next",
            "ConditionExpression": "#last = :read",
            "ExpressionAttributeNames": {"#last": "last"},
            "ExpressionAttributeValues": serialize(
                {":next": record.number, ":read": record.number - 1}
            ),
        }
    }


def unique_item(record: UniqueClaim) -> dict[str, Any]:
    item = {"pk": f"UNIQUE#{record.key}", "sk": "UNIQUE", "document_id": record.document_id}
    return {
        "Put": {
            "TableName": table(),
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


# --- documents -------------------------------------------------------------------------------


def listing(document: Document) -> dict[str, Any]:
    """What a list shows of a document (kept on its item and on its lines)."""
    data = document.model_dump(mode="json", exclude={"deadlines", "files", "words"})
    due = document.deadlines.next_due()
    data["next_due_at"] = due.isoformat() if due else None
    handle = document.deadlines.find("document.handle")
    data["handling_due_at"] = handle.due_at.isoformat() if handle else None
    data["handle_open"] = bool(handle and handle.is_pending)
    data["lead_unit_id"] = (
        document.direction.lead_unit.id
        if isinstance(document, IncomingDocument) and document.direction
        else None
    )
    return data


def _scope_year(document: Document) -> str:
    return document.search_scope.rsplit("#", 1)[-1]


class DocumentStore(DynamoStore[Document]):
    system = "documents"
    model = Document
    sort_key = "DOC"

    def table(self) -> str:
        return table()

    def from_item(self, item: dict[str, Any]) -> Document:
        from cityops.core.dynamo import strip_keys

        data = {
            k: v
            for k, v in strip_keys(item).items()
            if k not in {"next_due_at", "handling_due_at", "handle_open", "lead_unit_id"}
        }
        model = IncomingDocument if data.get("kind") == "incoming" else OutgoingDocument
        return model.model_validate(data)

    def index_keys(self, entity: Document) -> dict[str, Any]:
        keys: dict[str, Any] = {
            "gsi2pk": f"UNIT#{entity.unit.id}",
            "gsi2sk": entity.id,
            "gsi3pk": f"ALL#{_scope_year(entity)}",
            "gsi3sk": entity.id,
        }
        if entity.register_id and entity.number is not None:
            keys["gsi1pk"] = f"REG#{entity.register_id}#{entity.year}"
            keys["gsi1sk"] = f"{entity.number:08d}"
        return keys

    def to_item(self, entity: Document) -> dict[str, Any]:
        return {**super().to_item(entity), **listing(entity)}

    def record_items(self, work: Work[Document]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for record in work.records:
            if isinstance(record, NumberTaken):
                items.append(sequence_item(record))
            elif isinstance(record, UniqueClaim):
                items.append(unique_item(record))
            elif isinstance(record, Writes):
                items += record.transact_items()
            else:
                raise TypeError(f"a document's change cannot write {record!r}")
        items += self._lines(work)
        before = work.before if work.before is not None and work.before.version > 0 else None
        items += search_index().changes(
            work.entity.id,
            (before.search_scope, before.words) if before else None,
            (work.entity.search_scope, work.entity.words),
        )
        return items

    def _lines(self, work: Work[Document]) -> list[dict[str, Any]]:
        """One line per unit other than the owner with a part in it, rewritten with the
        document (the lists of that unit read them)."""
        entity = work.entity
        shown = listing(entity)
        items = []
        others = {u.id: u for u in entity.units() if u.id != entity.unit.id}
        for unit in others.values():
            role = "drafting" if isinstance(entity, OutgoingDocument) else (
                "lead" if unit.id == shown["lead_unit_id"] else "coordinating")  # fmt: skip
            line = {
                **shown,
                "pk": self.pk(entity.id),
                "sk": f"LINE#{unit.id}",
                "line_role": role,
                "gsi2pk": f"UNIT#{unit.id}",
                "gsi2sk": entity.id,
            }
            items.append(self.put(line))
        return items

    def refused(self, work: Work[Any], index: int, item: dict[str, Any]) -> DomainError | None:
        """A failed condition of a document's transaction (`core.dynamo.write_change`): its
        register's number taken meanwhile, or its unique claim held by another document."""
        if index == 0:
            return None
        pk = item_pk(item)
        if pk.startswith("REGISTER#"):
            return NumberRace("Số này vừa được một văn bản khác lấy.")
        if pk.startswith("UNIQUE#"):
            owner = self.unique_owner(pk.removeprefix("UNIQUE#"))
            return Duplicate("Một văn bản khác đã giữ khóa này.", owner)
        return None

    # --- reads the use cases need ---------------------------------------------------------------

    def current_number(self, register_id: str, year: int) -> int:
        item = get_item(table(), f"REGISTER#{register_id}", f"SEQ#{year}")
        return int(item["last"]) if item else 0

    def unique_owner(self, key: str) -> str | None:
        item = get_item(table(), f"UNIQUE#{key}", "UNIQUE")
        return item["document_id"] if item else None

    def record_file_read(self, document: Document, who: Principal, file: DocumentFile) -> None:
        """Who opened which file, when: an audit record in the document's history (a read
        changes nothing, so it takes no version)."""
        record = audit_record(
            self.pk(document.id), who, "document.file_opened", None, None,
            note=f"{file.name} (tệp {file.id}, phiên bản {file.version})",
        )  # fmt: skip
        record["file_id"] = file.id
        client("dynamodb").put_item(TableName=table(), Item=serialize(record))


class RegisterStore(DynamoStore[Register]):
    system = "documents"
    model = Register
    sort_key = "REGISTER"

    def table(self) -> str:
        return table()

    def index_keys(self, entity: Register) -> dict[str, Any]:
        return {"gsi2pk": f"REGISTERS#{entity.unit_id}", "gsi2sk": f"{entity.kind}#{entity.id}"}

    def of_unit(self, unit_id: str) -> list[Register]:
        items = query_all(
            table(),
            index=UNIT_INDEX,
            key_condition="gsi2pk = :pk",
            values={":pk": f"REGISTERS#{unit_id}"},
        )
        return [self.from_item(i) for i in items]


class AbbreviationStore(DynamoStore[Abbreviation]):
    """Abbreviations under `ABBREVIATION` / `<unit id>`; one never set loads as version 0."""

    system = "documents"
    model = Abbreviation
    sort_key = "ABBREVIATION"

    def table(self) -> str:
        return table()

    def pk(self, entity_id: str) -> str:
        return "ABBREVIATION"

    def to_item(self, entity: Abbreviation) -> dict[str, Any]:
        return {**entity.model_dump(mode="json"), "pk": "ABBREVIATION", "sk": entity.unit_id}

    def load(self, entity_id: str) -> Abbreviation | None:
        from cityops.core import clock

        item = get_item(table(), "ABBREVIATION", entity_id)
        if item:
            return self.from_item(item)
        return Abbreviation(id=entity_id, unit_id=entity_id, status="set", created_at=clock.now())

    def all(self) -> dict[str, str]:
        items = query_all(  # unit ids are ULIDs (0-7...), its audit records EVENT#...
            table(),
            key_condition="pk = :pk AND sk BETWEEN :first AND :last",
            values={":pk": "ABBREVIATION", ":first": "0", ":last": "8"},
        )
        return {i["unit_id"]: i["abbreviation"] for i in items if i.get("abbreviation")}


def query_index(
    index: str, pk_name: str, pk: str, *, start: dict | None, limit: int, forward: bool = False,
    filter_expression: str | None = None, names: dict | None = None, values: dict | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:  # fmt: skip
    """One page of an index partition (with an optional filter on what it reads)."""
    return query_page(
        table(),
        index=index,
        key_condition=f"{pk_name} = :pk",
        values={":pk": pk, **(values or {})},
        names=names,
        limit=limit,
        start_key=start,
        forward=forward,
        filter_expression=filter_expression,
    )
