"""Settings read from the environment that template.yaml gives each function."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    environment: str
    version: str
    directory_table: str
    obligations_table: str
    idempotency_table: str
    event_bus_name: str
    cursor_secret_arn: str
    cursor_secret: str
    max_body_bytes: int

    @property
    def is_local(self) -> bool:
        return self.environment == "local"


@cache
def get_settings() -> Settings:
    env = os.environ.get
    return Settings(
        environment=env("CITYOPS_ENV", "dev"),
        version=env("CITYOPS_VERSION", "0.1.0"),
        directory_table=env("DIRECTORY_TABLE", "Directory"),
        obligations_table=env("OBLIGATIONS_TABLE", "Obligations"),
        idempotency_table=env("IDEMPOTENCY_TABLE", "Idempotency"),
        event_bus_name=env("EVENT_BUS_NAME", "CityOps"),
        cursor_secret_arn=env("CURSOR_SECRET_ARN", ""),
        cursor_secret=env("CURSOR_SECRET", ""),
        max_body_bytes=int(env("MAX_BODY_BYTES", "65536")),
    )
