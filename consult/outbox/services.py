"""The outbox's life cycle: queued → sending → sent, or back to queued with a pause after a
failure, or failed after MAX_ATTEMPTS (an admin may queue it again).

``queue`` writes the mail in the caller's transaction (it is sent only if that transaction
commits, and always when it does); after the commit the worker is handed its id. The worker
claims a mail atomically (one UPDATE … WHERE status = 'queued'), so two workers never send
one twice, and a claim a crashed worker left (older than CLAIM_MINUTES) is taken again.
After each delivery the worker also sends whatever else is due, so a retry whose timer was
lost with its process goes out with the next mail, or with ``flask --app consult mail
deliver`` (cron).
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.core import mail, runners
from consult.core.enums import MailKind, MailStatus
from consult.core.errors import ServiceError
from consult.core.models import record_revision, utcnow
from consult.extensions import db
from consult.outbox.models import OutgoingMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# The pause after the 1st, 2nd … failed attempt (seconds): a mail server down for a day still
# gets every message in the end.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 3600, 8 * 3600)
CLAIM_MINUTES = 10
SWEEP_BATCH = 50
_PENDING = "consult_outbox_pending"

# What happens once a mail of a kind is sent (its ``about_id``): e.g. the submission's receipt
# is marked as mailed. Registered by each area's mail module.
_after_sent: dict[MailKind, Callable[[int], None]] = {}


def after_sent(kind: MailKind):
    def register(function: Callable[[int], None]):
        _after_sent[kind] = function
        return function
    return register


def queue(kind: MailKind, to: str, subject: str, body: str, *, about_id: int | None = None,
          consultation_id: int | None = None,
          attachments: tuple[tuple[str, bytes, str], ...] = ()) -> OutgoingMail:
    """Write one e-mail to the outbox, in the current transaction (flushed: it has its id)."""
    message = mail.compose(to, subject, body, attachments)
    row = OutgoingMail(kind=kind, about_id=about_id, consultation_id=consultation_id, recipient=to,
                       subject=subject[:400], message=message.as_bytes(policy=email.policy.SMTP),
                       status=MailStatus.QUEUED,
                       attempts=0, next_attempt_at=utcnow())
    db.session.add(row)
    db.session.flush()
    _after_commit(row)
    return row


def _after_commit(row: OutgoingMail) -> None:
    """The worker gets ``row`` once the current transaction commits (not if it rolls back)."""
    db.session.info.setdefault(_PENDING, []).append(row.id)


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    """After the commit that wrote them, the worker gets the new mails' ids."""
    pending = session.info.pop(_PENDING, None)
    for mail_id in pending or ():
        runners.submit(deliver_task, mail_id, runners.MAIL)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def state(kind: MailKind, about_id: int) -> MailStatus | None:
    """The status of the latest mail of ``kind`` about ``about_id`` (None: there is none)."""
    return states(kind, [about_id]).get(about_id)


def states(kind: MailKind, about_ids: Iterable[int]) -> dict[int, MailStatus]:
    ids = list(about_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(OutgoingMail.about_id, OutgoingMail.status)
        .where(OutgoingMail.kind == kind, OutgoingMail.about_id.in_(ids))
        .order_by(OutgoingMail.id)).all()
    return {about_id: status for about_id, status in rows}  # the latest wins


# Delivery --------------------------------------------------------------------------------------


def deliver_task(mail_id: int) -> None:
    """What the worker runs: this mail, then whatever else is due."""
    deliver(mail_id)
    deliver_due()


def deliver(mail_id: int, now: datetime | None = None) -> MailStatus | None:
    """One attempt at one mail, if it is due and nobody else has it; its new status (None:
    not this worker's to send)."""
    now = now or utcnow()
    claimed = db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, _claimable(now))
        .values(status=MailStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return None
    row = db.session.get(OutgoingMail, mail_id)
    try:
        mail.transmit(row.recipient, row.message or b"")
    except (OSError, smtplib.SMTPException) as exc:
        _failed(row, exc, now)
    else:
        row.status, row.sent_at, row.message, row.last_error = MailStatus.SENT, utcnow(), None, None
        row.claimed_at = None
        hook = _after_sent.get(row.kind)
        if hook is not None and row.about_id is not None:
            hook(row.about_id)
    status, retry_in = row.status, (row.next_attempt_at - now).total_seconds()
    db.session.commit()
    if status == MailStatus.QUEUED:
        runners.submit(deliver_task, mail_id, runners.MAIL, delay=max(retry_in, 1))
    return status


def _claimable(now: datetime):
    return sa.or_(
        sa.and_(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.next_attempt_at <= now),
        sa.and_(OutgoingMail.status == MailStatus.SENDING,
                OutgoingMail.claimed_at < now - timedelta(minutes=CLAIM_MINUTES)))


def _failed(row: OutgoingMail, exc: Exception, now: datetime) -> None:
    row.attempts += 1
    row.claimed_at = None
    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
    # The server's 5xx answers are final (no such mailbox, a message it will never take):
    # trying again would not help; 4xx ones and lost connections are worth waiting for.
    if isinstance(exc, smtplib.SMTPResponseException):
        permanent = exc.smtp_code >= 500
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        permanent = all(code >= 500 for code, _msg in exc.recipients.values())
    else:
        permanent = False
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = MailStatus.FAILED
        log.error("e-mail %s (%s) not sent after %s attempts: %s", row.id, row.kind, row.attempts, row.last_error)
    else:
        row.status = MailStatus.QUEUED
        row.next_attempt_at = now + timedelta(seconds=BACKOFF[min(row.attempts, len(BACKOFF)) - 1])
        log.warning("e-mail %s (%s) not sent (attempt %s), next attempt at %s: %s",
                    row.id, row.kind, row.attempts, row.next_attempt_at.isoformat(), row.last_error)


def due(now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(OutgoingMail.id).where(_claimable(now)).order_by(OutgoingMail.id).limit(limit)))


@dataclass
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(now: datetime | None = None) -> Delivered:
    """Every mail due now (the worker after each mail; cron through the CLI)."""
    result = Delivered()
    while ids := due(now):
        for mail_id in ids:
            status = deliver(mail_id, now)
            if status == MailStatus.SENT:
                result.sent += 1
            elif status == MailStatus.QUEUED:
                result.retrying += 1
            elif status == MailStatus.FAILED:
                result.failed += 1
        if len(ids) < SWEEP_BATCH:
            break
    return result


# Admins --------------------------------------------------------------------------------------


def retry(rows: Iterable[OutgoingMail], user) -> int:
    """An admin queues mails that were given up once more (after the mail server is fixed);
    each gets MAX_ATTEMPTS more attempts. Flushed; sent after the commit; how many."""
    rows = list(rows)
    if not rows or any(row.status != MailStatus.FAILED for row in rows):
        raise ServiceError(_("Only an e-mail that could not be sent can be sent again."))
    for row in rows:
        row.status, row.attempts, row.next_attempt_at, row.claimed_at = MailStatus.QUEUED, 0, utcnow(), None
        record_revision(row, "retry", user, {"status": str(MailStatus.FAILED)}, {"status": str(MailStatus.QUEUED)})
        _after_commit(row)
    db.session.flush()
    return len(rows)


def failed() -> list[OutgoingMail]:
    return list(db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.status == MailStatus.FAILED)
                                   .order_by(OutgoingMail.id)))


PAGE_SIZE = 100


def listing(status: MailStatus | None, kind: MailKind | None, page: int) -> tuple[list[OutgoingMail], bool]:
    """The newest mails first, filtered; and whether there are more."""
    query = sa.select(OutgoingMail).order_by(OutgoingMail.id.desc())
    if status is not None:
        query = query.where(OutgoingMail.status == status)
    if kind is not None:
        query = query.where(OutgoingMail.kind == kind)
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def masked(address: str) -> str:
    """An address as the status page shows it: enough to tell mails apart, not to copy one
    ("an…@example.org")."""
    local, at, domain = address.partition("@")
    return f"{local[:2]}…{at}{domain}" if at else f"{address[:2]}…"


def counts() -> dict[MailStatus, int]:
    rows = db.session.execute(sa.select(OutgoingMail.status, sa.func.count()).group_by(OutgoingMail.status))
    found = dict(rows.all())
    return {status: found.get(status, 0) for status in MailStatus}
