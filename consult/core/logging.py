"""Secrets kept out of the logs: the token of a private tracking link, and of a password
reset link.

A tracking link, ``/public/tracking/<token>``, opens an organisation's submission to whoever
holds it, and a reset link, ``/password/reset/<token>``, lets whoever holds it choose a staff
member's password; the database keeps only the tokens' sha256, and the logs keep nothing of
them: they show ``/public/tracking/[redacted]`` and ``/password/reset/[redacted]``.
:func:`redact` is the one place that knows the patterns.
It is applied to every field of gunicorn's access log (the request line, path, raw URI, the
Referer a page opened from the tracking page sends, a Location pointing there; see
``consult/gunicorn_conf.py``), and by :data:`FILTER` to the request log of the development
server (werkzeug), the app's own log (Flask logs the path of a request that failed) and
gunicorn's error log.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

# ASCII, so that a log file in any encoding takes it; never a token (no brackets in those).
MARKER = "[redacted]"


def _spelt(text: str) -> str:
    """A pattern of ``text`` with any of its characters percent-escaped ("/public/%74racking/"
    reaches the tracking page too), so that nothing needs decoding — which would let escaped
    line breaks into the log."""
    return "".join(f"(?:{re.escape(c)}|%{ord(c):02x})" for c in text)


# The routes whose last segment is a secret: the tracking page (consult/remarks/views.py)
# and the password reset page (consult/auth/views.py), however they are spelt on the way
# there (repeated slashes are merged by a redirect); the token runs to the end of its segment.
SECRET_ROUTES = (("public", "tracking"), ("public", "registration"), ("public", "review"),
                 ("password", "reset"))
_SLASH = _spelt("/")
_ESCAPED = re.compile(  # the lookahead lets the scan jump from one "/" or "%" to the next
    r"(?=[/%])(" + "|".join(f"{_SLASH}+{_spelt(a)}{_SLASH}+{_spelt(b)}{_SLASH}+" for a, b in SECRET_ROUTES)
    + r")[^/?#\s\"]+", re.IGNORECASE)
_PLAIN = re.compile(  # no escapes: faster
    r"(" + "|".join(f"/+{a}/+{b}/+" for a, b in SECRET_ROUTES) + r")[^/?#\s\"]+", re.IGNORECASE)
_WORDS = tuple(b for _a, b in SECRET_ROUTES)


def _marked(match: re.Match) -> str:
    return match.group(1) + MARKER


def redact(text: str) -> str:
    """``text`` with the token of every tracking or reset link in it replaced by :data:`MARKER`."""
    if "%" in text:
        return _ESCAPED.sub(_marked, text)
    lowered = text.lower()
    if not any(word in lowered for word in _WORDS):  # nearly every line: nothing to look for
        return text
    return _PLAIN.sub(_marked, text)


class RedactFilter(logging.Filter):
    """Rewrites a record's message with :func:`redact` (its arguments filled in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: the handler reports it, as without us
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


FILTER = RedactFilter()  # one instance: adding it to a logger twice adds it once


def init_app(app: Flask) -> None:
    """Redact the development server's request log and the app's own log."""
    logging.getLogger("werkzeug").addFilter(FILTER)
    app.logger.addFilter(FILTER)
