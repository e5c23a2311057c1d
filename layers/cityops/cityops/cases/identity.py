"""Keeping a person's identity out of the case: pseudonyms, redaction of what they typed, and
the random codes a case is known by. Pure: no AWS.

Law on Denunciations 2018 Art. 8(3), 9, 47, 56: the denunciator's name, address, handwriting
and anything that could reveal them are kept secret. The case holds only a pseudonym and
redacted text; the identity itself goes to the IdentityVault (`cityops.cases.vault`).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PSEUDONYM = {
    "complaint": "Người khiếu nại",
    "denunciation": "Người tố cáo",
    "voter_petition": "Cử tri",
}


def random_code(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def pseudonym(kind: str) -> str:
    """What staff call the person: "Người tố cáo 7KQ2MX"."""
    return f"{PSEUDONYM[kind]} {random_code(6)}"


def redact(text: str | None, identity: dict[str, Any]) -> str | None:
    """`text` with the person's name, phone, email, id number and address taken out (what a
    citizen types in a field that staff will see)."""
    if not text:
        return text
    out = text
    for key in ("name", "email", "id_number", "address"):
        value = identity.get(key)
        if value and len(value) >= 3:
            out = re.sub(re.escape(value), "[…]", out, flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", identity.get("phone") or "")
    if len(digits) >= 6:
        out = re.sub(r"[\s.()-]?".join(digits), "[…]", out)
    return out
