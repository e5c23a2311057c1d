"""Importing a compiled list of voter petitions (bản tổng hợp ý kiến, kiến nghị cử tri): every
row is checked first, every bad row reported by its line, and nothing is written unless all
are good. Each row is then one case (one transaction) with a marker of its line in this file,
so a retry of the same file never imports a row twice."""

from __future__ import annotations

import hashlib
from typing import Any

from cityops.cases.council import council
from cityops.cases.domain import Case
from cityops.cases.importer import (
    COLUMNS,
    ImportError_,
    PetitionRow,
    parse_petitions,
    read_table,
    row_error,
)
from cityops.cases.intake import intake_unit, record
from cityops.cases.models import PetitionImport
from cityops.cases.replies import PetitionImportResult
from cityops.cases.rules import Limits
from cityops.cases.sessions import CouncilSession, outside_window
from cityops.cases.store import ImportedRow, SessionPetition
from cityops.cases.time_limits import limits
from cityops.core import clock
from cityops.core.auth import Principal
from cityops.core.errors import Conflict, InvalidInput


def import_petitions(who: Principal, request: PetitionImport) -> PetitionImportResult:
    unit = intake_unit(who)
    try:
        table = read_table(request.format, request.content)
        good, errors = parse_petitions(
            table,
            session=request.session,
            deputies_group=request.deputies_group,
            received_on=request.received_on,
            today=clock.today(),
        )
    except ImportError_ as exc:
        raise InvalidInput(
            str(exc), errors=[{"loc": ["body", "content"], "msg": str(exc)}]
        ) from exc
    rules = limits()
    sessions = _sessions_of(good, rules, errors)
    if errors:
        lines = sorted({e["loc"][2] for e in errors})
        raise InvalidInput(
            f"Có {len(lines)} dòng không hợp lệ ({', '.join(map(str, lines))}); chưa nhập "
            "kiến nghị nào: hãy sửa các dòng đó rồi gửi lại tệp.",
            errors=errors,
        )
    batch = _batch_of(unit.id, request)
    known = council()
    created: list[str] = []
    already = 0
    for row in good:
        case = Case.receive(
            kind="voter_petition",
            channel="deputies_compilation",
            received_on=row.received_on,
            unit=unit,
            summary=row.summary,
            identity={},
            limits=rules,
            actor=who.sub,
            session=sessions[row.line],
            compiled_on=row.compiled_on,
            report_to=known.next_regular(sessions[row.line]),
            deputies_group=row.deputies_group,
        )

        def marked(work, line=row.line, case=case) -> None:
            work.note = f"Nhập từ danh sách tổng hợp, dòng {line}"
            work.add(ImportedRow(batch, line, case.id), SessionPetition(case.session_id, case.id))

        try:
            created.append(record(who, case, {}, action="case.imported", also=marked).id)
        except Conflict:
            already += 1
    return PetitionImportResult(imported=len(created), already_imported=already, case_ids=created)


def _sessions_of(
    rows: list[PetitionRow], rules: Limits, errors: list[dict[str, Any]]
) -> dict[int, CouncilSession]:
    """Each good row's session, by line; a row whose session is unknown, or compiled outside
    its window, is reported by its line (and `rows` keeps only the good ones)."""
    known = council()
    found: dict[int, CouncilSession] = {}
    for row in list(rows):
        session = known.find(row.session)
        if session is None:
            errors.append(
                row_error(row.line, "session", "không có kỳ họp này (ghi mã hoặc id của kỳ họp)")
            )
        else:
            late = outside_window(session, row.compiled_on or row.received_on, rules)
            if late is None:
                found[row.line] = session
                continue
            column = "compiled_on" if row.compiled_on else "received_on"
            errors.append(row_error(row.line, column, late))
        rows.remove(row)
    errors.sort(
        key=lambda e: (e["loc"][2], COLUMNS.index(e["loc"][3]) if e["loc"][3] in COLUMNS else -1)
    )
    return found


def _batch_of(unit_id: str, request: PetitionImport) -> str:
    """The file's fingerprint: the same file, for the same unit and defaults, is one batch."""
    parts = [
        unit_id,
        request.format,
        request.session or "",
        request.deputies_group or "",
        str(request.received_on or ""),
        request.content,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
