"""Remarks from every channel: staff register a paper form, an e-mail, an ePUAP document or
remarks made at a meeting, with the day received and the scan; same receipt series, late ones
kept and marked, bad input refused at its field with nothing lost."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from consult.core.enums import ConsultationStatus, Role, SubmissionChannel
from consult.core.formatting import long_date, site_today
from consult.core.models import utcnow
from consult.extensions import db
from consult.remarks.models import Submission, SubmissionFile
from tests import mailbox
from tests.pages import control_value, facts, field_error, find, parse, text
from tests.test_access import PDF
from tests.test_remarks import consultation, form_url, valid  # noqa: F401


def register_url(consultation) -> str:
    return f"/consultations/{consultation.id}/remarks/register"


def paper(client, consultation, **changes):
    """The registration form as staff fill it in from a paper form (with its form key)."""
    page = client.get(register_url(consultation)).get_data(as_text=True)
    data = {**valid(consultation), "form_key": control_value(page, "form_key"), "channel": "paper",
            "received_on": site_today().isoformat(), "meeting_id": "",
            "file": (io.BytesIO(PDF), "skan formularza.pdf")}
    data.pop("clause")
    data.pop("website")
    data.update(changes)
    return client.submit(register_url(consultation), data, content_type="multipart/form-data")


def count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Submission.id)))


def test_an_official_registers_a_paper_form_with_its_scan_in_the_same_receipt_series(
        app, client, consultation, make, login_as):
    online = client.submit(form_url(consultation), valid(consultation))
    assert online.status_code == 303
    official = login_as(make.user(Role.OFFICIAL, name="Urzędniczka Ewa"))
    page = official.get(register_url(consultation)).get_data(as_text=True)
    assert find(page, "input[name=received_on]")["value"] == site_today().isoformat()  # today, as a rule
    assert [i["value"] for i in parse(page).select("input[name=channel]")] == ["paper", "email", "epuap", "meeting"]

    response = paper(official, consultation, organisation="Stowarzyszenie Papierowe")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    number = text(find(html, ".success-panel strong"))
    assert number.endswith("/0002")  # after the online one: one series
    shown = dict(facts(html))
    assert shown["Jak wpłynęły uwagi"] == "formularz papierowy"
    assert "po terminie" not in shown["Data wpływu"]
    link = find(html, ".tracking-link a")["href"]

    submission = db.session.scalars(sa.select(Submission).where(Submission.receipt_number == number)).one()
    assert (submission.channel, submission.received_on, submission.late) == (
        SubmissionChannel.PAPER, site_today(), False)
    [scan] = submission.files
    assert scan.file_name == "skan-formularza.pdf" and scan.size == len(PDF)

    # The organisation's private link shows what was registered.
    tracked = client.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    assert number in text(tracked) and "Zespoły konsultacyjne powinny zbierać się co kwartał." in tracked
    assert dict(facts(tracked))["Data wpływu"] == f"{long_date(site_today())} (formularz papierowy)"

    # The queue marks it; the remark's page says how and when it came.
    queue = official.get(f"/consultations/{consultation.id}/remarks").get_data(as_text=True)
    row = [r for r in parse(queue).select("table.remarks-table tbody tr") if "Stowarzyszenie Papierowe" in text(r)]
    assert "formularz papierowy" in text(row[0])
    detail = official.get(f"/remarks/{submission.remarks[0].id}").get_data(as_text=True)
    facts_shown = dict(facts(detail))
    assert facts_shown["Jak wpłynęły uwagi"] == "formularz papierowy"
    assert facts_shown["Zarejestrowano"].endswith("Urzędniczka Ewa")
    # The scan holds personal data: the consultation's facilitators and admins open it, officials do not.
    file_url = f"/submissions/{submission.id}/files/{scan.id}"
    assert file_url not in detail and official.get(file_url).status_code == 403
    admin = login_as(make.user(Role.ADMIN))
    assert file_url in admin.get(f"/remarks/{submission.remarks[0].id}").get_data(as_text=True)
    download = admin.get(file_url)
    assert download.data == PDF and download.headers["Cache-Control"] == "private, no-store"


def test_remarks_received_after_the_last_day_are_kept_and_marked_late(app, client, make, login_as):
    closed = make.consultation(title="Konsultacje zakończone", status=ConsultationStatus.OPEN,
                               submissions_open_at=utcnow() - timedelta(days=30),
                               submissions_close_at=utcnow() - timedelta(days=2))
    make.plane(closed, 1, "Tworzenie polityk publicznych")
    assert client.submit(form_url(closed), valid(closed)).status_code == 403  # the online form is shut
    facilitator = make.user(Role.FACILITATOR)
    closed.facilitators.append(facilitator)
    db.session.commit()
    staff = login_as(facilitator)

    in_time = paper(staff, closed, received_on=(site_today() - timedelta(days=5)).isoformat())
    late = paper(staff, closed, organisation="Fundacja Spóźniona", received_on=site_today().isoformat())
    assert in_time.status_code == late.status_code == 200
    assert "po terminie" not in text(find(in_time.get_data(as_text=True), "main"))
    assert "po terminie: po ostatnim dniu przyjmowania uwag" in text(find(late.get_data(as_text=True), "main"))
    assert [s.late for s in db.session.scalars(sa.select(Submission).order_by(Submission.id))] == [False, True]
    queue = staff.get(f"/consultations/{closed.id}/remarks").get_data(as_text=True)
    [row] = [r for r in parse(queue).select("table.remarks-table tbody tr") if "Fundacja Spóźniona" in text(r)]
    assert "po terminie" in text(row)


def test_a_received_day_in_the_future_or_before_the_announcement_is_refused_at_its_field(
        app, consultation, make, login_as):
    consultation.announced_on = site_today() - timedelta(days=10)
    db.session.commit()
    staff = login_as(make.user(Role.ADMIN))
    future = paper(staff, consultation, received_on=(site_today() + timedelta(days=1)).isoformat())
    html = future.get_data(as_text=True)
    assert future.status_code == 422
    assert field_error(html, "received_on") == "Błąd: Data wpływu nie może być w przyszłości."
    kept = find(html, "#remarks-0-remark").text.strip()
    assert kept == "Zespoły konsultacyjne powinny zbierać się co kwartał."
    before = paper(staff, consultation, received_on=(site_today() - timedelta(days=11)).isoformat())
    assert before.status_code == 422
    assert "ogłoszono" in field_error(before.get_data(as_text=True), "received_on")
    missing = paper(staff, consultation, received_on="")
    assert field_error(missing.get_data(as_text=True), "received_on") == "Błąd: Podaj dzień wpływu uwag."
    assert count() == 0


def test_a_file_that_is_not_a_clean_pdf_or_docx_is_refused_and_nothing_is_kept(app, consultation, make, login_as):
    staff = login_as(make.user(Role.ADMIN))
    response = paper(staff, consultation, file=(io.BytesIO(b"<html>not a scan</html>"), "skan.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Można dodać tylko pliki PDF i DOCX" in field_error(html, "file")
    assert find(html, "#organisation")["value"] == "Fundacja Kultura Razem"
    assert count() == 0 and db.session.scalar(sa.select(sa.func.count(SubmissionFile.id))) == 0


def test_an_e_mail_registered_with_an_address_gets_its_receipt(app, consultation, make, login_as):
    staff = login_as(make.user(Role.ADMIN))
    response = paper(staff, consultation, channel="email", file=(io.BytesIO(b""), ""))
    assert response.status_code == 200
    assert "jest w drodze na adres anna@example.org" in text(find(response.get_data(as_text=True), "main"))
    [message] = mailbox.sent(app)
    submission = db.session.scalars(sa.select(Submission)).one()
    assert message["To"] == "anna@example.org" and submission.receipt_number in message["Subject"]
    assert f"Data wpływu: {long_date(site_today())} (poczta elektroniczna)" in message.get_content()
    assert submission.channel == SubmissionChannel.EMAIL and submission.files == []


def test_remarks_made_at_a_meeting_name_their_meeting(app, consultation, make, login_as):
    meeting = make.meeting(consultation, title="Spotkanie otwarte w Nowej Hucie", date=site_today() - timedelta(days=1))
    staff = login_as(make.user(Role.ADMIN))
    without = paper(staff, consultation, channel="meeting", file=(io.BytesIO(b""), ""))
    assert without.status_code == 422
    assert field_error(without.get_data(as_text=True), "meeting_id") == (
        "Błąd: Wybierz spotkanie, na którym zgłoszono uwagi.")
    response = paper(staff, consultation, channel="meeting", meeting_id=str(meeting.id), file=(io.BytesIO(b""), ""))
    assert response.status_code == 200
    shown = dict(facts(response.get_data(as_text=True)))
    assert shown["Jak wpłynęły uwagi"] == "na spotkaniu konsultacyjnym – Spotkanie otwarte w Nowej Hucie"
    assert db.session.scalars(sa.select(Submission)).one().meeting_id == meeting.id


def test_the_same_registration_sent_twice_makes_one_submission(app, consultation, make, login_as):
    staff = login_as(make.user(Role.ADMIN))
    page = staff.get(register_url(consultation)).get_data(as_text=True)
    key = control_value(page, "form_key")
    first = paper(staff, consultation, form_key=key, file=(io.BytesIO(b""), ""))
    again = paper(staff, consultation, form_key=key, file=(io.BytesIO(b""), ""))
    assert first.status_code == again.status_code == 200
    assert "zarejestrowano już wcześniej" in text(find(again.get_data(as_text=True), "h1"))
    assert count() == 1
