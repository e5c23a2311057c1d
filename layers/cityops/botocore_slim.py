"""Slims the botocore that the layer ships (`make build` runs this on the built layer; `make
bench` on the layer it measures): botocore's data keeps only the services the code makes
clients for, their models with every documentation text emptied, as plain JSON, and
`endpoints.json` only those services' entries (by endpoint prefix), in every partition.

Why: a cold start makes its first clients, and botocore parses what it finds. Its data holds
more than 400 services, which it lists on the first client (about 1,300 directory reads);
each model carries its whole documentation (KMS's parses in about 23 ms with it on Python
3.13, 1.3 ms without); `endpoints.json` is 1.2 MB for every service (13 ms). botocore uses
documentation texts only to write docstrings, and the endpoints only of the service a client
is for.

`tests/unit/test_botocore_slim.py` checks that every service the code names is kept, that a
slimmed model is botocore's own with its documentation emptied, and that a client made from
the slimmed data sends and resolves what one made from botocore's own data does.

Usage: python3 botocore_slim.py PATH/TO/botocore
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

# Every service the layer and the functions make a client for (`cityops.core.aws.client`, and
# `boto3.client` in `cityops.documents.objects`; Powertools' idempotency uses DynamoDB), and
# STS, which botocore's credential providers may call. A client for any other service would
# fail on Lambda: the test lists the names in the code and fails until they are here.
SERVICES = frozenset({"dynamodb", "events", "kms", "s3", "secretsmanager", "ses", "sns", "sts"})
DOCUMENTATION = frozenset({"documentation", "documentationUrl"})


def without_documentation(model: object) -> object:
    """The model with every documentation text empty. The keys stay: botocore reads some of
    them as `spec["documentation"]` (a client context parameter's, S3's among them), and a
    member that happens to be called so is a dict, not a text, and is kept as it is."""
    if isinstance(model, dict):
        return {
            k: "" if k in DOCUMENTATION and isinstance(v, str) else without_documentation(v)
            for k, v in model.items()
        }
    if isinstance(model, list):
        return [without_documentation(v) for v in model]
    return model


def _read(path: Path) -> object:
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")


def slim(botocore: Path) -> dict[str, int]:
    """Slims `botocore/data` in place; returns the sizes before and after, in bytes."""
    data = botocore / "data"
    if not (data / "endpoints.json").is_file():
        raise SystemExit(f"{botocore}: not a botocore package (no data/endpoints.json)")
    if missing := sorted(s for s in SERVICES if not (data / s).is_dir()):
        raise SystemExit(f"{botocore}: this botocore has no model for {missing}")
    before = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    for entry in data.iterdir():
        if entry.is_dir() and entry.name not in SERVICES:
            shutil.rmtree(entry)
    prefixes = set()  # endpoints.json names a service by its endpoint prefix (SES's: "email")
    for path in sorted(data.rglob("*.json*")):
        if path.parent == data:
            continue
        if path.name.startswith("examples-"):  # documentation only
            path.unlink()
            continue
        model = _read(path)
        if path.name in ("service-2.json", "service-2.json.gz"):
            model = without_documentation(model)
            prefixes.add(model["metadata"]["endpointPrefix"])
        if path.suffix == ".gz":  # plain JSON parses without the decompression
            path.unlink()
            path = path.with_suffix("")
        _write(path, model)
    endpoints = _read(data / "endpoints.json")
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name in prefixes
        }
    _write(data / "endpoints.json", endpoints)
    after = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    return {"before": before, "after": after}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sizes = slim(Path(sys.argv[1]))
    print(
        f"botocore's data: {sizes['before'] / 1e6:.1f} MB -> {sizes['after'] / 1e6:.1f} MB "
        f"({len(SERVICES)} services, no documentation)"
    )
