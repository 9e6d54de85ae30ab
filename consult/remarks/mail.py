"""E-mails to submitters: the receipt, and that stances on their remarks are published.

Both are sent after the commit (a mail server that is down loses nothing) and carry no text
the sender typed (an address given by someone else must not get their words).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.core import mail
from consult.core.i18n import document_language
from consult.core.models import utcnow
from consult.core.urls import external_url
from consult.extensions import db
from consult.remarks.intake import Received, tracking_url
from consult.remarks.models import Submission


def receipt(received: Received) -> bool:
    """E-mail the receipt (in the consultation's language) when an address was given.

    Called after the commit: a mail server that is down loses nothing; the receipt page
    says whether the e-mail went out.
    """
    submission = received.submission
    if not submission.email or submission.spam:
        return False
    if received.repeated and submission.receipt_mailed_at is not None:
        return False  # sent when the form first came
    if not mail.may_send_to(submission.email):
        return False  # the page says so; the receipt is on it
    with force_locale(document_language(submission.consultation)):
        body = render_template("remarks/receipt_mail.txt", submission=submission,
                               consultation=submission.consultation,
                               tracking_url=tracking_url(received.token))
        subject = _("Receipt %(number)s: your remarks to the consultation",
                    number=submission.receipt_number)
    sent = mail.send(submission.email, subject, body)
    if sent:
        db.session.execute(sa.update(Submission).where(Submission.id == submission.id)
                           .values(receipt_mailed_at=utcnow()))
        db.session.commit()
    return sent


def tracking_link(received: Received) -> bool:
    """E-mail a new private link to the address the submission gave (after the commit)."""
    submission = received.submission
    if not mail.may_send_to(submission.email):
        return False
    with force_locale(document_language(submission.consultation)):
        body = render_template("remarks/tracking_link_mail.txt", submission=submission,
                               consultation=submission.consultation,
                               tracking_url=tracking_url(received.token))
        subject = _("Receipt %(number)s: your private link", number=submission.receipt_number)
    return mail.send(submission.email, subject, body)


def stances_published(submissions: list[Submission]) -> int:
    """Tell each submitter with an e-mail address that stances on their remarks are out
    (after the commit). The tracking link is not in our hands (only its hash is), so the
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
        sent += mail.send(submission.email, subject, body)
    return sent
