"""Seeding the reports: the seed catalogue of indicators (`infra/seed/indicators.csv`),
imported through the catalogue's own use case as an administrator, in force from 1/1/2026 so
that a period opened on any later day (the local clock may be moved back) finds it. No form
and no report: an administrator defines the forms (`POST /v1/report-forms`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seed"
IN_FORCE_FROM = date(2026, 1, 1)


def load() -> int:
    """Imports the catalogue; returns how many indicators it created."""
    from cityops.core.auth import Principal
    from cityops.reports import indicators

    admin = Principal(sub="seed", username="seed", name="Seed", unit_id="",
                      roles=frozenset({"admin"}))  # fmt: skip
    content = (SEED / "indicators.csv").read_bytes()
    return indicators.import_catalogue(admin, content, "csv", IN_FORCE_FROM).created
