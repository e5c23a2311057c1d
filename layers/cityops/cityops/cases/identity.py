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


MASK = "[…]"
# What may stand between two parts of a name, an address or an id number: spaces, dots,
# hyphens, commas, underscores, a line break (at most a few).
_GAP = r"[^0-9a-z]{0,3}"
_DIGIT_GAP = r"[\s.()\-]{0,3}"
_AT = r"\s*(?:@|\(at\)|\[at\]|\sat\s)\s*"
_DOT = r"\s*(?:\.|\(dot\)|\[dot\]|\sdot\s)\s*"


def _fold_char(char: str) -> str:
    """A character without its diacritics, in lower case (`Ả` → `a`, `Đ` → `d`)."""
    import unicodedata

    bare = "".join(
        c for c in unicodedata.normalize("NFD", char) if not unicodedata.category(c).startswith("M")
    )
    return bare.replace("đ", "d").replace("Đ", "d").replace("Ð", "d").lower()


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` folded (`_fold_char`), with the index in `text` of each folded character."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        for folded in _fold_char(char):
            out.append(folded)
            where.append(i)
    return "".join(out), where


def _words(value: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", _folded(value)[0])


def _name_pattern(value: str) -> str | None:
    """A name or an address in any case, with or without diacritics, with any spacing or
    punctuation between its parts (or none: `LeVanKhai`)."""
    words = _words(value)
    if not words or sum(map(len, words)) < 3:
        return None
    return r"(?<![0-9a-z])" + _GAP.join(map(re.escape, words)) + r"(?![0-9a-z])"


def _phone_pattern(value: str) -> str | None:
    """A Vietnamese phone number in any grouping, written from 0, 84, +84 or 0084."""
    digits = re.sub(r"\D", "", value)
    for prefix in ("0084", "84", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 8:
            digits = digits[len(prefix) :]
            break
    if len(digits) < 6:
        return None
    prefix = r"(?:\(?(?:\+|00)?84\)?" + _DIGIT_GAP + r"|0" + _DIGIT_GAP + r")?"
    return r"(?<![0-9+])" + prefix + _DIGIT_GAP.join(digits) + r"(?![0-9])"


def _email_pattern(value: str) -> str | None:
    """An email in any case, with spaces around `@` and dots, or `(at)`, `[dot]` and so on."""
    local, at, domain = _folded(value.strip())[0].partition("@")
    if not at or not local or not domain:
        return None
    parts = [_DOT.join(map(re.escape, side.split("."))) for side in (local, domain)]
    return r"(?<![0-9a-z._%+-])" + parts[0] + _AT + parts[1] + r"(?![0-9a-z]|\.[0-9a-z])"


def _id_pattern(value: str) -> str | None:
    """An id number (CCCD, passport) in any case and grouping."""
    chars = re.sub(r"[^0-9a-z]", "", _folded(value)[0])
    if len(chars) < 6:
        return None
    return r"(?<![0-9a-z])" + _DIGIT_GAP.join(map(re.escape, chars)) + r"(?![0-9a-z])"


_PATTERNS = {
    "name": _name_pattern,
    "address": _name_pattern,
    "phone": _phone_pattern,
    "email": _email_pattern,
    "id_number": _id_pattern,
}


def occurrences(text: str | None, identity: dict[str, Any]) -> dict[str, int]:
    """How often each part of the identity appears in `text`, in any of the spellings that
    `redact` takes out (the identity-leak scan counts with it): {"name": 1, "phone": 2}."""
    found: dict[str, int] = {}
    folded = _folded(text or "")[0]
    for key, pattern_of in _PATTERNS.items():
        value = identity.get(key)
        pattern = pattern_of(str(value)) if value else None
        hits = len(re.findall(pattern, folded)) if pattern and folded else 0
        if hits:
            found[key] = hits
    return found


def redact(text: str | None, identity: dict[str, Any]) -> str | None:
    """`text` with the person's name, phone, email, id number and address taken out (what a
    citizen types in a field that staff will see), in any spelling: without diacritics, in
    any case, with any spacing or punctuation between the parts; a phone in any grouping,
    from 0, 84 or +84. Matching runs over the folded text (`_folded`); what it finds is
    masked in the text as written."""
    if not text:
        return text
    folded, where = _folded(text)
    spans: list[tuple[int, int]] = []
    for key, pattern_of in _PATTERNS.items():
        value = identity.get(key)
        pattern = pattern_of(str(value)) if value else None
        if pattern is None:
            continue
        for match in re.finditer(pattern, folded):
            if match.end() > match.start():
                spans.append((where[match.start()], where[match.end() - 1] + 1))
    if not spans:
        return text
    merged: list[list[int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    out, last = [], 0
    for begin, end in merged:
        out += [text[last:begin], MASK]
        last = end
    out.append(text[last:])
    return "".join(out)
