"""Seeding the cases: two regular sessions of the People's Council, so that voter petitions can
be compiled on the demo stack (a compiled petition names its session). The dates are a demo's,
not Hanoi's: the last session closed about five months ago, the next opens in a week, so that
a petition received today lies in the next session's window (15 days before it opens)."""

from __future__ import annotations

from datetime import timedelta


def load() -> list[str]:
    """Enters the two sessions through the cases' own use case; returns their codes."""
    from cityops.cases import council
    from cityops.cases.models import SessionCreate, SessionKind
    from cityops.core.auth import Principal
    from cityops.core.clock import today

    admin = Principal(sub="seed", username="seed", name="Seed", unit_id="",
                      roles=frozenset({"admin"}))  # fmt: skip
    opens = today() + timedelta(days=7)
    codes = []
    for number, start in ((1, opens - timedelta(days=154)), (2, opens)):
        code = f"MAU-{number}"
        council.create_session(
            admin,
            SessionCreate(
                code=code,
                name=f"Kỳ họp thường lệ mẫu số {number} (dữ liệu thử, khai mạc {start:%d/%m/%Y})",
                kind=SessionKind.REGULAR,
                opens_on=start,
                closes_on=start + timedelta(days=3),
            ),
        )
        codes.append(code)
    return codes
