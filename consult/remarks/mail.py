"""E-mails to submitters: the receipt, a new private link, and that stances on their remarks
are published.

Each is written to the outbox in the transaction of what it reports (consult.outbox: sent by
the worker, retried while the mail server is down) and carries no text the sender typed (an
address given by someone else must not get their words).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.core import mail
from consult.core.enums import MailKind
from consult.core.i18n import document_language
from consult.core.models import utcnow
from consult.core.urls import external_url
from consult.extensions import db
from consult.outbox import services as outbox
from consult.remarks.intake import Received, tracking_url
from consult.remarks.models import Submission


def receipt(received: Received) -> bool:
    """Queue the receipt (in the consultation's language) when an address was given; the
    receipt page says whether it is on its way, sent, or could not be sent."""
    submission = received.submission
    if not submission.email or submission.spam:
        return False
    if received.repeated and outbox.state(MailKind.RECEIPT, submission.id) is not None:
        return False  # queued when the form first came
    if not mail.may_send_to(submission.email):
        return False  # the page says so; the receipt is on it
    with force_locale(document_language(submission.consultation)):
        body = render_template("remarks/receipt_mail.txt", submission=submission,
                               consultation=submission.consultation,
                               tracking_url=tracking_url(received.token))
        subject = _("Receipt %(number)s: your remarks to the consultation",
                    number=submission.receipt_number)
    outbox.queue(MailKind.RECEIPT, submission.email, subject, body, about_id=submission.id,
                 consultation_id=submission.consultation_id)
    return True


@outbox.after_sent(MailKind.RECEIPT)
def _receipt_sent(submission_id: int) -> None:
    db.session.execute(sa.update(Submission).where(Submission.id == submission_id)
                       .values(receipt_mailed_at=utcnow()))


def tracking_link(received: Received) -> bool:
    """Queue a new private link to the address the submission gave."""
    submission = received.submission
    if not mail.may_send_to(submission.email):
        return False
    with force_locale(document_language(submission.consultation)):
        body = render_template("remarks/tracking_link_mail.txt", submission=submission,
                               consultation=submission.consultation,
                               tracking_url=tracking_url(received.token))
        subject = _("Receipt %(number)s: your private link", number=submission.receipt_number)
    outbox.queue(MailKind.TRACKING_LINK, submission.email, subject, body, about_id=submission.id,
                 consultation_id=submission.consultation_id)
    return True


def stances_published(submissions: list[Submission]) -> int:
    """Tell each submitter with an e-mail address that stances on their remarks are out
    (queued with the publication; how many). The tracking link is not in our hands (only its hash is), so the
    mail names the receipt number, the answers, and where the link can be asked for again."""
    sent = 0
    for submission in submissions:
        if not submission.email or submission.spam:
            continue
        with force_locale(document_language(submission.consultation)):
            body = render_template("remarks/stances_mail.txt", submission=submission,
                                   consultation=submission.consultation,
                                   public_url=external_url("public.consultation",
                                                           slug=submission.consultation.slug),
                                   link_again_url=external_url("remarks.tracking_link",
                                                               slug=submission.consultation.slug))
            subject = _("Receipt %(number)s: the answer to your remarks",
                        number=submission.receipt_number)
        outbox.queue(MailKind.STANCES, submission.email, subject, body, about_id=submission.id,
                     consultation_id=submission.consultation_id)
        sent += 1
    return sent
