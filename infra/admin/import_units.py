"""Admin command: import units from a CSV file into the directory.

    make import-units FILE=units.csv [DRY_RUN=1]
    python infra/admin/import_units.py units.csv [--dry-run]

Columns: code,name,short_name,kind,parent_code (see infra/seed/units.csv). Every bad row is
reported with its line number, and nothing is written unless every row is good.
Against the local stack (`make run`) it needs no setting; against AWS, set DIRECTORY_TABLE
and AWS credentials (AWS_ENDPOINT_URL unset).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")
    parser.add_argument("--dry-run", action="store_true", help="check the rows, write nothing")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    if "DIRECTORY_TABLE" not in os.environ:  # the local stack (make run)
        os.environ.setdefault(
            "AWS_ENDPOINT_URL", f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5005')}"
        )
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
        os.environ["DIRECTORY_TABLE"] = "DirectoryTable"
    from cityops.core.auth import Principal
    from cityops.directory.importer import import_units

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        print(f"{args.file}: not UTF-8 text", file=sys.stderr)
        return 2
    admin = Principal(
        sub="admin-cli",
        username=os.environ.get("USER", "admin-cli"),
        name="import-units",
        unit_id="",
        roles=frozenset({"admin"}),
    )
    result = import_units(text, admin, dry_run=args.dry_run)
    for error in result.errors:
        print(f"{args.file}:{error.line}: {error.message}", file=sys.stderr)
    if result.errors:
        print(f"{len(result.errors)} bad rows; nothing was written.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("every row is good; nothing was written (dry run).")
    else:
        for unit in result.created:
            print(f"created {unit['code']:<16} {unit['id']}  {unit['name']}")
        print(f"{len(result.created)} units created.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
