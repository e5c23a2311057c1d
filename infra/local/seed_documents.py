"""Seeding the documents: every unit's default incoming and outgoing registers, the units'
abbreviations for symbols (`infra/seed/abbreviations.csv`), and a few demo documents
(`infra/seed/documents.json`), each made through the documents' own use cases."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "seed"


def load(people: dict[str, Any]) -> None:
    """`people`: the seeded users' principals, by username."""
    from cityops.core.auth import SYSTEM, Principal
    from cityops.core.clock import today
    from cityops.directory import store
    from cityops.directory.port import DIRECTORY
    from cityops.documents import incoming, outgoing, registers
    from cityops.documents.models import AbbreviationSet, IncomingCreate, OutgoingCreate

    admin = Principal(sub="seed", username="seed", name="Seed", unit_id="",
                      roles=frozenset({"admin"}))  # fmt: skip
    units = DIRECTORY.current.units_within(None)
    for unit in units:
        registers.ensure_default_registers(SYSTEM, unit)
    with (SEED / "abbreviations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            unit = store.find_unit_by_code(row["unit_code"])
            if unit is None:
                raise SystemExit(f"seed abbreviations.csv: no unit {row['unit_code']}")
            data = AbbreviationSet(abbreviation=row["abbreviation"])
            registers.set_abbreviation(admin, unit["id"], data, 0)

    demo = json.loads((SEED / "documents.json").read_text(encoding="utf-8"))
    day = today().isoformat()
    for entry in demo["incoming"]:
        fields = {k: (day if v == "today" else v) for k, v in entry["document"].items()}
        incoming.register_incoming(people[entry["clerk"]], IncomingCreate(**fields))
    by_code = {u.code: u.id for u in units}
    for entry in demo["outgoing"]:
        fields = dict(entry["document"])
        fields["recipients"] = [
            {"unit_id": by_code[r["unit_code"]]} if "unit_code" in r else r
            for r in fields["recipients"]
        ]
        outgoing.draft(people[entry["drafter"]], OutgoingCreate(**fields))
