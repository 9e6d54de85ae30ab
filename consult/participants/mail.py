"""The e-mail confirming a registration: the meeting, its calendar file attached, and the
private link to see or cancel the registration.

Sent after the commit (a mail server that is down loses nothing: the page says whether it
went out, and registering again sends a new one). It carries no text the person typed: an
address given by someone else must not get their words.
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
from consult.meetings import calendar
from consult.participants.models import Registration
from consult.participants.services import Registered


def registration_url(token: str) -> str:
    return external_url("participants.registration", token=token)


def confirmation(registered: Registered) -> bool:
    registration = registered.registration
    meeting = registration.meeting
    consultation = meeting.consultation
    if not mail.may_send_to(registration.email):
        return False
    public_url = external_url("public.consultation", slug=consultation.slug)
    with force_locale(document_language(consultation)):
        body = render_template("participants/confirmation_mail.txt", meeting=meeting,
                               consultation=consultation, registration_url=registration_url(registered.token),
                               public_url=public_url)
        subject = _("Registration for the meeting of %(date)s", date=meeting.date.strftime("%d.%m.%Y"))
    ics = calendar.meeting_ics(meeting, public_url)
    sent = mail.send(registration.email, subject, body,
                     attachments=((calendar.file_name(meeting), ics, "text/calendar"),))
    if sent:
        db.session.execute(sa.update(Registration).where(Registration.id == registration.id)
                           .values(confirmation_mailed_at=utcnow()))
        db.session.commit()
    return sent
