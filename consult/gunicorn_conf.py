"""Gunicorn settings for serving consult in production.

    gunicorn -c python:consult.gunicorn_conf "consult:create_app()"

Environment: ``BIND`` (default 127.0.0.1:8000, for a TLS proxy on the same host),
``WEB_CONCURRENCY`` (worker processes, default 2 × cores + 1), ``GUNICORN_THREADS``
(threads per worker, default 4). Anything here can be overridden on the command line.
State lives only in the database (and Redis when set), so workers can die and be
replaced at any moment: the master starts a new one, and a request the dead one was
answering is rolled back by the database (tests/test_load.py kills one mid-run).
The access log never shows the token of a tracking link (``Logger`` below).
"""

from __future__ import annotations

import os

from gunicorn import glogging

from consult.core.logging import FILTER, redact

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
worker_class = "gthread"  # a slow client or a polling board does not hold a whole process
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A draft PDF whose HTML is at most RENDER_INLINE_MAX_KB renders inside its request (about a
# second); everything larger runs as a background job, in a child process with its own limits.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, which bounds slow growth of their memory.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# gunicorn 24+ opens a control socket in ~/.gunicorn by default, one path shared by every
# instance of the same user; consult does not use it.
control_socket_disable = True


class Logger(glogging.Logger):
    """gunicorn's logger, with every tracking token redacted (consult.core.logging): in
    each field the access log may show — the request line, path, raw URI, the Referer, a
    Location, whatever ``access_log_format`` names — and in the error log."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(FILTER)

    def atoms(self, resp, req, environ, request_time):
        return {name: redact(value) if isinstance(value, str) else value
                for name, value in super().atoms(resp, req, environ, request_time).items()}


logger_class = Logger
