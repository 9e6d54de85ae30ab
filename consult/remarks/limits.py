"""How much one address may ask of the public pages: new submissions (counted per new
submission only — adding or removing a remark, a form with errors and the same form sent
again do not count — and sized for a room of organisations on one Wi-Fi:
SUBMISSION_RATE_LIMIT), and tracking links sent again (TRACKING_LINK_LIMIT)."""

from __future__ import annotations

from flask import current_app

from consult.auth.limits import client_address
from consult.core.limits import counters


def attempt(setting: str, what: str) -> int | None:
    """Count one more ``what`` from this client's address under the limits of ``setting``,
    atomically; None while within them, else the seconds until one more may be asked."""
    limit, key = current_app.config[setting], client_address()
    if counters().hit(limit, what, key):
        return None
    return counters().retry_after(limit, what, key)
