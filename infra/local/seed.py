"""Loading the seed data: units (through the same import as `make import-units`), the
announced calendar changes, and one demo user per role in the user pool."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import boto3

SEED = Path(__file__).resolve().parents[1] / "seed"
DEMO_PASSWORD = "CityOps-Demo-2026"  # noqa: S105 (a published demo password, local only)


def load(user_pool_id: str) -> list[dict[str, str]]:
    from cityops.core.auth import Principal
    from cityops.directory import importer, service, store
    from cityops.directory.models import CalendarChange

    system = Principal(
        sub="seed", username="seed", name="Seed", unit_id="", roles=frozenset({"admin"})
    )
    result = importer.import_units((SEED / "units.csv").read_text(encoding="utf-8"), system)
    if result.errors:
        raise SystemExit("seed units.csv is bad:\n" + "\n".join(map(str, result.errors)))

    for year, change in json.loads((SEED / "calendar.json").read_text()).items():
        if year.startswith("_"):
            continue
        data = CalendarChange(
            days_off=[date.fromisoformat(d) for d in change.get("days_off", [])],
            working_days=[date.fromisoformat(d) for d in change.get("working_days", [])],
        )
        service.put_calendar(system, int(year), data, expected_version=0)

    cognito = boto3.client("cognito-idp")
    phones = iter(f"+8490000{n:04d}" for n in range(1, 10000))
    users = []
    people: dict[str, Principal] = {}
    with (SEED / "users.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            unit = store.find_unit_by_code(row["unit_code"])
            if unit is None:
                raise SystemExit(f"seed users.csv: no unit {row['unit_code']}")
            cognito.admin_create_user(
                UserPoolId=user_pool_id,
                Username=row["username"],
                UserAttributes=[
                    {"Name": "name", "Value": row["name"]},
                    {"Name": "email", "Value": row["email"]},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "custom:unit_id", "Value": unit["id"]},
                ],
                MessageAction="SUPPRESS",
            )
            cognito.admin_set_user_password(
                UserPoolId=user_pool_id,
                Username=row["username"],
                Password=DEMO_PASSWORD,
                Permanent=True,
            )
            for role in row["roles"].split(";"):
                cognito.admin_add_user_to_group(
                    UserPoolId=user_pool_id, Username=row["username"], GroupName=role
                )
            sub = next(
                a["Value"]
                for a in cognito.admin_get_user(UserPoolId=user_pool_id, Username=row["username"])[
                    "UserAttributes"
                ]
                if a["Name"] == "sub"
            )
            store.put_user(
                {
                    "id": sub,
                    "username": row["username"],
                    "name": row["name"],
                    "email": row["email"],
                    "phone": next(phones),
                    "unit_id": unit["id"],
                    "roles": row["roles"].split(";"),
                }
            )
            users.append({**row, "unit_name": unit["name"]})
            people[row["username"]] = Principal(
                sub=sub, username=row["username"], name=row["name"], unit_id=unit["id"],
                roles=frozenset(row["roles"].split(";")),
            )  # fmt: skip
    import seed_cases
    import seed_documents
    import seed_reports

    seed_documents.load(people)
    seed_reports.load()
    seed_cases.load()
    return users
