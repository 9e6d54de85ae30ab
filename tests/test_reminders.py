"""The daily reminder of missing stances: after the end of submissions, while remarks wait,
each active official gets one e-mail a day per consultation (`flask --app consult remind`),
through the outbox."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consult.consultations import reminders
from consult.core.enums import ConsultationStatus, MailKind, RemarkStatus, Role
from consult.core.models import utcnow
from consult.extensions import db
from consult.outbox.models import OutgoingMail
from consult.remarks import moderation, stances
from consult.remarks.models import Remark
from tests import mailbox
from tests.test_remarks import received


def closed_with_waiting_remarks(make, official):
    """Ended two days ago: one remark answered, one accepted without a stance, one not yet
    accepted for consideration."""
    consultation = make.consultation(
        title="Konsultacje programu współpracy na 2027 r.", status=ConsultationStatus.OPEN,
        submissions_open_at=utcnow() - timedelta(days=30), submissions_close_at=utcnow() + timedelta(days=1))
    first, _token = received(consultation, remarks=("Więcej spotkań", "Mniej formularzy"))
    received(consultation, organisation="Stowarzyszenie Sąsiedzi", remarks=("Dyżury w dzielnicach",))
    answered, accepted = first.remarks
    moderation.accept(answered, official)
    stances.set_stance(answered, official, "accepted", None, None)
    stances.publish_stances(consultation, official)
    moderation.accept(accepted, official)
    consultation.submissions_close_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return consultation, accepted


def test_officials_are_reminded_once_a_day_while_stances_are_missing(app, make, runner):
    app.config["PUBLIC_URL"] = "https://konsultacje.example.org"
    official = make.user(Role.OFFICIAL, email="urzednik@example.org")
    make.user(Role.OFFICIAL, email="druga@example.org")
    make.user(Role.OFFICIAL, email="odeszla@example.org", active=False)
    make.user(Role.FACILITATOR, email="moderatorka@example.org")
    consultation, accepted = closed_with_waiting_remarks(make, official)
    make.consultation(title="Trwające konsultacje", status=ConsultationStatus.OPEN,
                      submissions_open_at=utcnow() - timedelta(days=1),
                      submissions_close_at=utcnow() + timedelta(days=10))

    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0, result.output
    assert f"stances missing: {consultation.id} {consultation.title}" in result.output
    assert "reminders queued: 2" in result.output
    sent = mailbox.sent(app)
    assert sorted(m["To"] for m in sent) == ["druga@example.org", "urzednik@example.org"]
    message = sent[0]
    assert message["Subject"] == f"Brak stanowisk: {consultation.title}"
    body = message.get_content()
    assert consultation.title in body
    assert "2 uwagi nie mają opublikowanego stanowiska (1 z nich czeka na przyjęcie do rozpatrzenia)." in body
    assert "Termin raportu z konsultacji:" in body
    assert f"https://konsultacje.example.org/consultations/{consultation.id}/remarks" in body

    again = runner.invoke(args=["remind"])  # the same day: nothing twice
    assert "reminders queued: 0" in again.output and len(mailbox.sent(app)) == 2

    tomorrow = reminders.remind(utcnow() + timedelta(days=1))
    assert tomorrow.mails == 2

    # Every remark answered: no more reminders.
    waiting = list(db.session.scalars(sa.select(Remark).where(Remark.consultation_id == consultation.id,
                                                             Remark.status == RemarkStatus.SUBMITTED)))
    for remark in waiting:
        moderation.accept(remark, official)
    for remark in [accepted, *waiting]:
        stances.set_stance(remark, official, "not_accepted", "Poza zakresem programu.", None)
    stances.publish_stances(consultation, official)
    db.session.commit()
    done = reminders.remind(utcnow() + timedelta(days=2))
    assert (done.consultations, done.mails) == ([], 0)
    assert db.session.scalar(sa.select(sa.func.count()).where(OutgoingMail.kind == MailKind.REMINDER)) == 4
