"""The e-mails the app has sent, as a mail program would read them: the outbox's worker (a
thread of this process in tests) is waited for, then the ``.eml`` files of instance/outbox/
are read, oldest first."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path


def sent(app) -> list[EmailMessage]:
    from consult.core import runners

    runners.drain(app)
    folder = Path(app.instance_path) / "outbox"
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"))] if folder.exists() else []
