"""The e-mail confirming a registration: the meeting, its calendar file attached, and the
private link to see or cancel the registration.

Written to the outbox with the registration (consult.outbox: sent by the worker, retried
while the mail server is down; registering again sends a new one). It carries no text the person typed: an
address given by someone else must not get their words.
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
from consult.meetings import calendar
from consult.outbox import services as outbox
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
    outbox.queue(MailKind.REGISTRATION, registration.email, subject, body, about_id=registration.id,
                 consultation_id=consultation.id,
                 attachments=((calendar.file_name(meeting), ics, "text/calendar"),))
    return True


@outbox.after_sent(MailKind.REGISTRATION)
def _confirmation_sent(registration_id: int) -> None:
    db.session.execute(sa.update(Registration).where(Registration.id == registration_id)
                       .values(confirmation_mailed_at=utcnow()))
