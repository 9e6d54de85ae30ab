"""The invitation to review a meeting's minutes: the personal link and the last day.

Written to the outbox with the invitation, one per person (consult.outbox: sent by the worker,
retried while the mail server is down; the review page says whose went out and whose are on
their way). It carries no text anyone typed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.core.enums import MailKind
from consult.core.i18n import document_language
from consult.core.models import utcnow
from consult.core.urls import external_url
from consult.extensions import db
from consult.outbox import services as outbox
from consult.review.models import Reviewer
from consult.review.services import Invited


def invitations(invited: Invited) -> int:
    """One invitation per person into the outbox; how many."""
    review = invited.review
    meeting = review.meeting
    consultation = meeting.consultation
    for reviewer, token in invited.tokens:
        with force_locale(document_language(consultation)):
            body = render_template("review/invitation_mail.txt", meeting=meeting, consultation=consultation,
                                   review=review, review_url=external_url("review.reviewer_page", token=token))
            subject = _("Please review the summary of the meeting of %(date)s",
                        date=meeting.date.strftime("%d.%m.%Y"))
        outbox.queue(MailKind.REVIEW, reviewer.email, subject, body, about_id=reviewer.id,
                     consultation_id=consultation.id)
    return len(invited.tokens)


@outbox.after_sent(MailKind.REVIEW)
def _invitation_sent(reviewer_id: int) -> None:
    db.session.execute(sa.update(Reviewer).where(Reviewer.id == reviewer_id).values(invited_at=utcnow()))
