"""How much the room may send: per phone (its cookie) and per meeting, counted atomically
(in Redis when REDIS_URL is set, so every worker counts together). Not per client address: a
room shares one Wi-Fi."""

from __future__ import annotations

from flask import current_app

from consult.core.limits import counters


def attempt(meeting_id: int, device_hash: str) -> int | None:
    """Count one more idea; None while within the limits, else the seconds to wait."""
    config = current_app.config
    for setting, key in (("ROOM_DEVICE_LIMIT", f"{meeting_id}:{device_hash}"),
                         ("ROOM_MEETING_LIMIT", str(meeting_id))):
        if not counters().hit(config[setting], f"room:{setting}", key):
            return counters().retry_after(config[setting], f"room:{setting}", key)
    return None
