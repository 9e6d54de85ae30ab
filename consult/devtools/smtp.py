"""An SMTP server on loopback for tests and ``make bench`` (aiosmtpd): it keeps what it
receives, can take its time like a mail relay across the network (``delay`` seconds per
message), and can refuse for a while (``refuse`` messages answered with 451, a temporary
failure) to show how the outbox retries.

Not part of the app (consult.devtools is not packaged).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from consult.devtools.servers import free_port


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        with self.sink.lock:
            if self.sink.refuse > 0:
                self.sink.refuse -= 1
                self.sink.refused += 1
                return "451 4.3.0 Try again later"
            self.sink.raw.append(envelope.content)
        return "250 OK"


class SmtpSink:
    """``with SmtpSink() as sink: app.config.update(sink.config)`` — then ``sink.messages``."""

    def __init__(self, delay: float = 0.0, refuse: int = 0):
        self.delay = delay
        self.refuse = refuse
        self.refused = 0
        self.raw: list[bytes] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False, "MAIL_USERNAME": None}

    @property
    def environment(self) -> dict[str, str]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.port), "MAIL_USE_TLS": "0"}

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            raw = list(self.raw)
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
