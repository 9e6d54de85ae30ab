"""The mail outbox: every e-mail is written in the transaction of what it reports, sent by the
worker (a thread here; RQ with Redis), retried after a failure, given up after MAX_ATTEMPTS
and sent again by an admin; its status is on the admins' page, never its text."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from consult.core import runners
from consult.core.enums import MailKind, MailStatus, Role
from consult.core.models import Revision, utcnow
from consult.devtools.smtp import SmtpSink
from consult.extensions import db
from consult.outbox import services as outbox
from consult.outbox.models import OutgoingMail
from consult.remarks.models import Submission
from tests import mailbox
from tests.pages import find, parse, text
from tests.test_remarks import consultation, form_url, valid  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def mails() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)))


def down(app) -> None:
    """A mail server nobody answers at (a closed port on loopback)."""
    from consult.devtools.servers import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False, MAIL_USE_SSL=False)


def test_the_receipt_is_written_with_the_submission_and_sent_after_the_answer(app, client, consultation):
    """The request only writes the mail: with the worker held back, the receipt page is
    answered, says the e-mail is on its way, and nothing has reached the mail server yet."""
    hold = threading.Event()
    runners._executor(app, runners.MAIL).submit(hold.wait, 60)  # the mail thread is busy
    with SmtpSink() as server:
        app.config.update(server.config)
        try:
            response = client.submit(form_url(consultation), valid(consultation))
            assert response.status_code == 303
            [row] = mails()
            submission = db.session.scalars(sa.select(Submission)).one()
            assert (row.kind, row.about_id, row.status, row.recipient) == (
                MailKind.RECEIPT, submission.id, MailStatus.QUEUED, "anna@example.org")
            page = client.get(response.location).get_data(as_text=True)
            assert "Kopia potwierdzenia jest w drodze na adres anna@example.org" in text(page)
            assert server.messages == [] and submission.receipt_mailed_at is None
        finally:
            hold.set()
        runners.drain(app)
        [message] = server.messages
    assert submission.receipt_number in message["Subject"]
    [row] = mails()
    assert row.status == MailStatus.SENT and row.sent_at is not None
    assert db.session.scalar(sa.select(OutgoingMail.message).where(OutgoingMail.id == row.id)) is None  # no link kept
    assert db.session.get(Submission, submission.id).receipt_mailed_at is not None
    assert "Kopię potwierdzenia wysłano na adres anna@example.org" in text(client.get(response.location).get_data(
        as_text=True))


def test_a_refused_change_writes_no_mail(app, client, consultation):
    response = client.submit(form_url(consultation), valid(consultation, email="not-an-address"))
    assert response.status_code == 422 and mails() == []

    outbox.queue(MailKind.RECEIPT, "anna@example.org", "Potwierdzenie", "Treść")
    db.session.rollback()  # what it reported was not kept: neither is the mail
    runners.drain(app)
    assert mails() == [] and mailbox.sent(app) == []


def test_a_failed_send_is_tried_again_later_and_then_goes_out(app, client, consultation):
    with SmtpSink(refuse=1) as server:  # the first attempt gets "451 try again later"
        app.config.update(server.config)
        response = client.submit(form_url(consultation), valid(consultation))
        runners.drain(app)
        [row] = mails()
        assert (row.status, row.attempts) == (MailStatus.QUEUED, 1) and "451" in row.last_error
        pause = (row.next_attempt_at - utcnow()).total_seconds()
        assert 30 < pause <= outbox.BACKOFF[0]
        assert server.refused == 1 and server.messages == []
        page = client.get(response.location).get_data(as_text=True)
        assert "jest w drodze" in text(page)  # not "could not be sent": it will be tried again

        assert outbox.deliver_due(utcnow()).sent == 0  # not due yet
        result = outbox.deliver_due(utcnow() + timedelta(seconds=outbox.BACKOFF[0] + 1))
        assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
        [message] = server.messages
    assert message["To"] == "anna@example.org"
    [row] = mails()
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 1, None)
    assert "Kopię potwierdzenia wysłano" in text(client.get(response.location).get_data(as_text=True))


def test_after_every_attempt_failed_an_admin_sees_it_and_sends_it_again(app, client, consultation, make, login_as):
    down(app)
    response = client.submit(form_url(consultation), valid(consultation))
    runners.drain(app)
    moment = utcnow()
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        moment += timedelta(hours=9)  # past every pause
        outbox.deliver_due(moment)
    [row] = mails()
    assert (row.status, row.attempts) == (MailStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert "Nie udało się wysłać e-maila z potwierdzeniem." in text(client.get(response.location).get_data(
        as_text=True))

    admin = make.user(Role.ADMIN, email="admin@example.org")
    page = login_as(admin).get("/admin/mail").get_data(as_text=True)
    [cells] = [[text(td) for td in tr.select("td")] for tr in parse(page).select("table.outbox tbody tr")]
    assert cells[1] == "potwierdzenie złożenia uwag" and cells[2] == "an…@example.org"
    assert "anna@example.org" not in page  # the address is masked, the message never shown
    assert cells[4] == "nie wysłano" and cells[5] == str(outbox.MAX_ATTEMPTS) and "ConnectionRefusedError" in cells[6]
    assert text(find(page, "dl.facts")).startswith("Czeka na wysłanie 0")
    assert login_as(make.user(Role.OFFICIAL)).get("/admin/mail").status_code == 403

    with SmtpSink() as server:  # the mail server is back
        app.config.update(server.config)
        answer = login_as(admin).submit(f"/admin/mail/{row.id}/retry")
        assert answer.status_code == 303
        runners.drain(app)
        [message] = server.messages
    assert message["To"] == "anna@example.org"
    [row] = mails()
    assert row.status == MailStatus.SENT
    [revision] = db.session.scalars(sa.select(Revision).where(Revision.object_type == "outgoing_mail"))
    assert (revision.action, revision.user_id, revision.after) == ("retry", admin.id, {"status": "queued"})
    flash = login_as(admin).get("/admin/mail").get_data(as_text=True)
    assert "Wysłano" in text(find(flash, "dl.facts"))


def test_a_long_message_reaches_the_mail_server_whole_and_a_final_refusal_is_not_retried(app):
    body = "\n".join(f"Uwaga {n}: " + "zażółć gęślą jaźń " * 20 for n in range(200))  # some 70 KB
    with SmtpSink() as server:
        app.config.update(server.config)
        with app.test_request_context():
            outbox.queue(MailKind.STANCES, "anna@example.org", "Odpowiedź na uwagi", body,
                         attachments=(("spotkanie.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),))
        db.session.commit()
        runners.drain(app)
        [message] = server.messages
    assert message.get_body(("plain",)).get_content().rstrip("\n") == body
    [row] = mails()
    assert row.status == MailStatus.SENT

    with SmtpSink() as server:
        app.config.update(server.config)
        server._controller.handler.handle_RCPT = _refuse_recipient
        with app.test_request_context():
            outbox.queue(MailKind.RECEIPT, "nikt@example.org", "Potwierdzenie", "Treść")
        db.session.commit()
        runners.drain(app)
    row = mails()[-1]
    assert (row.status, row.attempts) == (MailStatus.FAILED, 1) and "550" in row.last_error


async def _refuse_recipient(server, session, envelope, address, rcpt_options):
    return "550 5.1.1 No such mailbox"


def test_one_mail_is_never_sent_twice_and_a_lost_claim_is_taken_again(app):
    with app.test_request_context():
        row = outbox.queue(MailKind.RESET_LINK, "ewa@example.org", "Hasło", "Treść")
    row.status, row.claimed_at = MailStatus.SENDING, utcnow()  # another worker has it
    db.session.commit()
    runners.drain(app)
    assert outbox.deliver(row.id) is None and mailbox.sent(app) == []
    later = utcnow() + timedelta(minutes=outbox.CLAIM_MINUTES + 1)  # that worker died
    assert outbox.deliver(row.id, later) == MailStatus.SENT
    assert outbox.deliver(row.id, later) is None  # sent: never again
    assert len(mailbox.sent(app)) == 1


def test_the_command_line_sends_what_is_due_and_counts(app, runner):
    down(app)
    with app.test_request_context():
        outbox.queue(MailKind.RESET_LINK, "ewa@example.org", "Hasło", "Treść")
    db.session.commit()
    runners.drain(app)
    [row] = mails()
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    app.config["MAIL_SERVER"] = None  # the outbox folder again
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "sent 1" in result.output
    status = runner.invoke(args=["mail", "status"]).output
    assert "sent     1" in status and "queued   0" in status
    assert len(mailbox.sent(app)) == 1


def test_with_redis_the_worker_process_sends_the_mail(app, client, consultation, redis_url):
    app.config["REDIS_URL"] = redis_url
    response = client.submit(form_url(consultation), valid(consultation))
    assert response.status_code == 303
    assert runners.queue(app, runners.MAIL).count == 1
    [row] = mails()
    assert row.status == MailStatus.QUEUED
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
           "SECRET_KEY": "worker-test", "CONSULT_INSTANCE_PATH": app.instance_path}
    env.pop("MAIL_SERVER", None)
    worker = subprocess.run([sys.executable, "-m", "flask", "--app", "consult", "worker", "--burst"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert worker.returncode == 0, worker.stderr[-3000:]
    [row] = mails()
    assert row.status == MailStatus.SENT
    [message] = mailbox.sent(app)
    assert message["To"] == "anna@example.org"
    assert db.session.scalars(sa.select(Submission)).one().receipt_mailed_at is not None
