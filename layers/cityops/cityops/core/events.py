"""Domain events to the CityOps bus (`TaskAssigned`, `CaseAccepted`, `ObligationOverdue`, ...).

Events are published after the change that causes them has been written; their detail carries
ids and safe summaries only, never a denunciator's identity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cityops.core import clock
from cityops.core.aws import client
from cityops.core.settings import get_settings

SOURCE_PREFIX = "cityops."
_BATCH = 10  # PutEvents takes at most ten entries


def publish(source: str, events: list[tuple[str, Mapping[str, Any]]]) -> None:
    """Put events (detail-type, detail) on the bus; `source` is the system, e.g. "tasks"."""
    if not events:
        return
    bus = get_settings().event_bus_name
    entries = [
        {
            "Source": SOURCE_PREFIX + source,
            "DetailType": detail_type,
            "Detail": json.dumps(
                {**detail, "occurred_at": clock.iso(clock.now())}, ensure_ascii=False, default=str
            ),
            "EventBusName": bus,
        }
        for detail_type, detail in events
    ]
    for start in range(0, len(entries), _BATCH):
        reply = client("events").put_events(Entries=entries[start : start + _BATCH])
        if reply.get("FailedEntryCount"):
            raise RuntimeError(f"{reply['FailedEntryCount']} events were not accepted by the bus")


def publish_after_commit(source: str, events: list[tuple[str, Mapping[str, Any]]]) -> None:
    """Publish the events of a change that is already written. A failure is logged, not
    raised: the change stands (and a retried create must not run again because its event was
    lost), and the daily sweep still chases every deadline from the obligation rows."""
    try:
        publish(source, events)
    except Exception:
        from cityops.core.logs import logger

        logger().exception("events were not published", extra={"types": [t for t, _ in events]})
