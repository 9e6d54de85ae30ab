"""Composing and handing over e-mail: SMTP when ``MAIL_SERVER`` is set, else files in
``instance/outbox/``.

In development (and tests) every message is written as an ``.eml`` file that any mail
program opens, so nothing leaves the machine by accident. Nothing here is called inside a
web request: the areas write their mails to the outbox (consult.outbox.services.queue), and
its worker hands them over.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app

from consult.core.files import private_folder

log = logging.getLogger(__name__)


def may_send_to(address: str) -> bool:
    """Counts one more e-mail that anyone (not staff) makes the site send to ``address``;
    False when that address has had MAIL_RECIPIENT_LIMIT already: the city's mailer must
    not become a way to flood someone's inbox (counted atomically, in Redis when set)."""
    from consult.core.forms import email_key
    from consult.core.limits import counters

    allowed = counters().hit(current_app.config["MAIL_RECIPIENT_LIMIT"], "mail", email_key(address))
    if not allowed:
        log.warning("e-mail to a recipient over MAIL_RECIPIENT_LIMIT not sent")
    return allowed


def outbox() -> Path:
    return Path(current_app.instance_path) / "outbox"


def compose(to: str, subject: str, body: str,
            attachments: tuple[tuple[str, bytes, str], ...] = ()) -> EmailMessage:
    """A plain-text message, with ``attachments`` as (file name, bytes, media type)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(config["MAIL_SENDER"])[1].rpartition("@")[2] or None)
    message.set_content(body)
    for file_name, content, media_type in attachments:
        maintype, _sep, subtype = media_type.partition("/")
        params = {"method": "PUBLISH"} if media_type == "text/calendar" else {}
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=file_name,
                               params=params)
    return message


def transmit(recipient: str, message: bytes) -> None:
    """Hand one composed message over: to the SMTP server, or as a file of the outbox
    folder. Raises OSError or smtplib.SMTPException when it could not (the outbox retries)."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        _smtp(recipient, message, config)
        return
    folder = private_folder(outbox())
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.eml"
    with os.fdopen(os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
        fh.write(message)


def _smtp(recipient: str, message: bytes, config) -> None:
    port = int(config.get("MAIL_PORT") or 587)
    cls = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with cls(config["MAIL_SERVER"], port, timeout=15) as smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.sendmail(parseaddr(config["MAIL_SENDER"])[1], [recipient], message)
