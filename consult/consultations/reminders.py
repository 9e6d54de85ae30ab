"""The daily reminder to officials: a consultation whose submissions have ended and whose
remarks still wait for a stance (or for being accepted for consideration), once a day per
official and consultation, with the counts and the report's due date.

Run daily by cron (``flask --app consult remind``); running it again the same day sends
nothing twice. The mails go through the outbox (consult.outbox), never inside a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.auth.models import User
from consult.consultations.deadlines import Deadlines, deadlines
from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus, MailKind, Role
from consult.core.formatting import site_zone
from consult.core.models import utcnow
from consult.core.urls import background_context, external_url
from consult.extensions import db
from consult.outbox import services as outbox
from consult.outbox.models import OutgoingMail


@dataclass
class Reminded:
    consultations: list[Consultation] = field(default_factory=list)
    mails: int = 0


def recipients() -> list[User]:
    """Who decides stances and is reminded: the department's active officials (stances are
    theirs on every consultation: consult.core.permissions.can_decide_stances)."""
    return list(db.session.scalars(sa.select(User).where(User.role == Role.OFFICIAL, User.active.is_(True))
                                   .order_by(User.id)))


def due(now: datetime) -> list[tuple[Consultation, Deadlines]]:
    """Consultations past their end with remarks still waiting (oldest end first), each with
    its deadlines as of ``now``."""
    candidates = db.session.scalars(
        sa.select(Consultation)
        .where(Consultation.status.in_((ConsultationStatus.OPEN, ConsultationStatus.CLOSED)),
               Consultation.submissions_close_at.is_not(None), Consultation.submissions_close_at <= now)
        .order_by(Consultation.submissions_close_at, Consultation.id))
    found = [(c, deadlines(c, now)) for c in candidates]
    return [(c, state) for c, state in found if state.stances_missing]


def _reminded_today(consultation: Consultation, now: datetime) -> set[str]:
    """The addresses that had today's reminder about ``consultation`` already (one query)."""
    local_midnight = datetime.combine(now.astimezone(site_zone()).date(), time.min, tzinfo=site_zone())
    return set(db.session.scalars(sa.select(OutgoingMail.recipient).where(
        OutgoingMail.kind == MailKind.REMINDER, OutgoingMail.about_id == consultation.id,
        OutgoingMail.created_at >= local_midnight)))


def remind(now: datetime | None = None) -> Reminded:
    """Queue today's reminders (committed); what was reminded of."""
    now = now or utcnow()
    result = Reminded()
    officials = recipients()
    with background_context():
        for consultation, state in due(now):
            result.consultations.append(consultation)
            queue_url = external_url("remarks.queue", consultation_id=consultation.id)
            reminded = _reminded_today(consultation, now)
            for official in officials:
                if official.email in reminded:
                    continue
                with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                    body = render_template("consultations/reminder_mail.txt", consultation=consultation,
                                           state=state, official=official, queue_url=queue_url)
                    subject = _("Stances missing: %(title)s", title=consultation.title)
                outbox.queue(MailKind.REMINDER, official.email, subject, body, about_id=consultation.id,
                             consultation_id=consultation.id)
                result.mails += 1
    db.session.commit()
    return result
