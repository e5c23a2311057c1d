"""The IdentityVault: a person's identity and original text, encrypted with the KMS key.

Law on Denunciations 2018 Art. 8(3), 9, 47, 56: the denunciator's name, address, handwriting
and anything that could reveal them are kept secret. The case holds only a pseudonym; the
vault item holds the details, sealed with `kms:Encrypt` under the `IdentityKey`, bound to the
case by the encryption context (a sealed item moved to another case does not open).

Sealing: JSON, compressed (zlib), cut in parts of at most 4 KB (KMS's limit for direct
encryption), each part encrypted with the context {case_id, part}. The vault item is written
in the same transaction as the case it belongs to.

Only the cases function reaches the vault table and the key (template.yaml), and opens it
only through `CaseStore.identity`: for a person in `reads.read_identity`, after writing the
audit record of the read; in memory only in `cases.pipeline`, to redact what staff type.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from cityops.core import clock
from cityops.core.aws import client
from cityops.core.dynamo import get_item, serialize
from cityops.core.settings import get_settings

PART_BYTES = 4096
SCHEME = "kms-direct-zlib-v1"
FIELDS = ("name", "address", "phone", "email", "id_number", "original_text")


def table() -> str:
    return get_settings().identity_vault_table


def key_id() -> str:
    key = get_settings().identity_key_id
    if not key:
        raise RuntimeError("IDENTITY_KEY_ID is not set")
    return key


def _context(case_id: str, part: int, parts: int) -> dict[str, str]:
    return {"case_id": case_id, "part": f"{part}/{parts}", "purpose": "cityops-identity"}


def seal(case_id: str, identity: dict[str, Any]) -> dict[str, Any]:
    """The transaction item that stores `identity` (only FIELDS) for a new case."""
    data = {k: v for k, v in identity.items() if k in FIELDS and v}
    plain = zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 9)
    chunks = [plain[i : i + PART_BYTES] for i in range(0, len(plain), PART_BYTES)] or [b""]
    kms = client("kms")
    key = key_id()
    parts = [
        kms.encrypt(
            KeyId=key, Plaintext=chunk, EncryptionContext=_context(case_id, i, len(chunks))
        )["CiphertextBlob"]
        for i, chunk in enumerate(chunks)
    ]
    item = {
        "pk": f"CASE#{case_id}",
        "sk": "IDENTITY",
        "scheme": SCHEME,
        "parts": parts,
        "sealed_at": clock.iso(clock.now()),
    }
    return {
        "Put": {
            "TableName": table(),
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def unseal(case_id: str) -> dict[str, Any] | None:
    """The identity of a case, decrypted; None when the case has none."""
    item = get_item(table(), f"CASE#{case_id}", "IDENTITY")
    if item is None:
        return None
    if item.get("scheme") != SCHEME:
        raise RuntimeError("unknown vault scheme")
    kms = client("kms")
    parts = [bytes(p.value) if hasattr(p, "value") else bytes(p) for p in item["parts"]]
    plain = b"".join(
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=_context(case_id, i, len(parts)))[
            "Plaintext"
        ]
        for i, blob in enumerate(parts)
    )
    return json.loads(zlib.decompress(plain))
