"""A clock for retry loops in tests (no tests here): time passes only while they sleep, so a
loop that retries for as long as its request has time runs in no time at all."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class PausedTime:
    def __init__(self) -> None:
        self.now = time.monotonic()  # where the real clock is: `time_limit` counts from it
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now

    @contextmanager
    def on(self, pipeline: Any) -> Iterator[PausedTime]:
        """The pipeline's backoff sleeps on this clock for the block."""
        saved = pipeline.sleep, pipeline.monotonic
        pipeline.sleep, pipeline.monotonic = self.sleep, self.monotonic
        try:
            yield self
        finally:
            pipeline.sleep, pipeline.monotonic = saved
