"""In-memory stand-ins for the documents' stores and the directory, for the unit tests of
business rules (`cityops.core.memory.MemoryStore` plus what documents keep beside their
entities: the registers' sequences and the claimed keys, with the same conditions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.deferred import Writes
from cityops.core.errors import NumberRace
from cityops.core.memory import MemoryStore
from cityops.core.pipeline import Work
from cityops.documents.domain import Abbreviation, Document, DocumentFile, Register
from cityops.documents.store import Duplicate, NumberTaken, UniqueClaim


@dataclass
class DocumentsMemory(MemoryStore[Document]):
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)
    reads: list[dict[str, Any]] = field(default_factory=list)
    race_next: int = 0  # lose this many number races before committing

    def commit(self, work: Work[Document]) -> None:
        for record in work.records:
            if isinstance(record, NumberTaken):
                if self.race_next:
                    self.race_next -= 1
                    self.sequences[(record.register_id, record.year)] = record.number
                    raise NumberRace("Số này vừa được một văn bản khác lấy.")
                if self.sequences.get((record.register_id, record.year), 0) != record.number - 1:
                    raise NumberRace("Số này vừa được một văn bản khác lấy.")
            elif isinstance(record, UniqueClaim) and record.key in self.claims:
                raise Duplicate("Một văn bản khác đã giữ khóa này.", self.claims[record.key])
        super().commit(work)
        for record in work.records:
            if isinstance(record, Writes):  # the same transaction, on the fakes
                record.write_to_fake()
                record.publish()
        for record in work.records:
            if isinstance(record, NumberTaken):
                self.sequences[(record.register_id, record.year)] = record.number
            elif isinstance(record, UniqueClaim):
                self.claims[record.key] = record.document_id

    def current_number(self, register_id: str, year: int) -> int:
        return self.sequences.get((register_id, year), 0)

    def unique_owner(self, key: str) -> str | None:
        return self.claims.get(key)

    def record_file_read(self, document: Document, who: Principal, file: DocumentFile) -> None:
        self.reads.append({"document_id": document.id, "file_id": file.id, "by": who.sub,
                           "at": clock.now()})  # fmt: skip


@dataclass
class RegistersMemory(MemoryStore[Register]):
    def of_unit(self, unit_id: str) -> list[Register]:
        return [r.model_copy(deep=True) for r in self.entities.values() if r.unit_id == unit_id]


@dataclass
class AbbreviationsMemory(MemoryStore[Abbreviation]):
    def load(self, entity_id: str) -> Abbreviation | None:
        return super().load(entity_id) or Abbreviation(
            id=entity_id, unit_id=entity_id, status="set", created_at=clock.now()
        )

    def all(self) -> dict[str, str]:
        return {a.unit_id: a.abbreviation for a in self.entities.values() if a.abbreviation}
