"""The invitation to review a meeting's minutes: the personal link and the last day.

Sent after the commit, one per person (a mail server that is down loses nothing: the review
page says how many went out, and who has not had theirs). It carries no text anyone typed.
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
from consult.review.models import Reviewer
from consult.review.services import Invited


def invitations(invited: Invited) -> int:
    review = invited.review
    meeting = review.meeting
    consultation = meeting.consultation
    sent = 0
    for reviewer, token in invited.tokens:
        with force_locale(document_language(consultation)):
            body = render_template("review/invitation_mail.txt", meeting=meeting, consultation=consultation,
                                   review=review, review_url=external_url("review.reviewer_page", token=token))
            subject = _("Please review the summary of the meeting of %(date)s",
                        date=meeting.date.strftime("%d.%m.%Y"))
        if mail.send(reviewer.email, subject, body):
            sent += 1
            db.session.execute(sa.update(Reviewer).where(Reviewer.id == reviewer.id).values(invited_at=utcnow()))
    db.session.commit()
    return sent
