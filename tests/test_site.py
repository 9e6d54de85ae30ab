"""The language switch (remembered; else the browser's Accept-Language), `<html lang>`, dates
and plurals by language, the accessibility statement and the personal data pages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, ngettext
from pypdf import PdfReader

from consult.core.enums import ConsultationStatus
from consult.core.models import utcnow
from consult.extensions import db
from tests import mailbox
from tests.pages import find, parse, text


def lang(page) -> str:
    """The page's <html lang> (a response or its HTML)."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    return find(html, "html")["lang"]


def switch_to(client, code: str, next_url: str = "/public/"):
    return client.submit("/language", {"lang": code, "next": next_url})


def test_polish_by_default_english_when_the_browser_asks(client):
    page = client.get("/public/")
    assert lang(page) == "pl" and text(find(page.get_data(as_text=True), "h1")) == "Konsultacje publiczne"
    asked = client.get("/public/", headers={"Accept-Language": "en-GB,en;q=0.9,pl;q=0.5"})
    assert lang(asked) == "en" and text(find(asked.get_data(as_text=True), "h1")) == "Public consultations"
    assert lang(client.get("/public/", headers={"Accept-Language": "de-DE"})) == "pl"


def test_the_switch_changes_the_language_and_remembers_it(client):
    page = client.get("/public/").get_data(as_text=True)
    switch = find(page, "form.language-switch")
    button = find(switch, "button[name=lang]")
    assert (button["value"], button["lang"], text(button)) == ("en", "en", "English")
    assert text(find(switch, "[aria-current]")) == "Polski"

    answer = switch_to(client, "en", "/public/?x=1")
    assert answer.status_code == 303 and answer.location == "/public/?x=1"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    english = client.get("/public/", headers={"Accept-Language": "pl"})  # the choice beats the browser
    assert lang(english) == "en" and "Staff login" in text(english.get_data(as_text=True))
    assert text(find(english.get_data(as_text=True), "form.language-switch button")) == "Polski"

    switch_to(client, "pl")
    assert lang(client.get("/public/")) == "pl"


def test_the_switch_refuses_other_languages_sites_and_forged_requests(client):
    before = client.get("/public/")
    odd = switch_to(client, "xx", "https://evil.example/")
    assert odd.status_code == 303 and odd.location == "/" and "Set-Cookie" not in odd.headers
    assert lang(client.get("/public/")) == lang(before) == "pl"
    assert client.post("/language", data={"lang": "en"}).status_code == 400  # no CSRF token


def test_dates_and_plurals_follow_the_language(client, app):
    app.config["ACCESSIBILITY_PUBLISHED"] = "2026-11-23"
    polish = text(client.get("/accessibility").get_data(as_text=True))
    assert "Data publikacji strony internetowej: 23 listopada 2026 r." in polish
    switch_to(client, "en")
    english = text(client.get("/accessibility").get_data(as_text=True))
    assert "Publication date of the website: 23 November 2026" in english
    with app.test_request_context(), force_locale("pl"):
        assert [ngettext("%(num)d meeting", "%(num)d meetings", n) for n in (1, 3, 5, 22)] == [
            "1 spotkanie", "3 spotkania", "5 spotkań", "22 spotkania"]
    with app.test_request_context(), force_locale("en"):
        assert [ngettext("%(num)d meeting", "%(num)d meetings", n) for n in (1, 5)] == ["1 meeting", "5 meetings"]


def test_summaries_stay_in_the_consultations_language_whatever_the_interface(client, admin_client, make):
    meeting = make.demo_meeting()
    admin_client.set_cookie("lang", "en")
    page = admin_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert lang(page) == "en"
    assert "Course of the meeting" in [text(h) for h in parse(page).select("main h2")]
    preview = admin_client.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    assert lang(preview) == "pl"
    summary = text(find(preview, "main"))
    assert summary.startswith("Podsumowanie spotkania konsultacyjnego") and "25 maja 2018 r." in summary
    assert "Opracowanie: Ewa Chromniak" in summary
    # The preview's own navigation speaks the reader's language, and says so.
    nav = find(preview, "nav.preview-bar")
    assert (nav["lang"], nav["aria-label"]) == ("en", "Document")
    assert text(nav) == "Back to the meeting · Download draft PDF"


def english_consultation(make):
    """The demo meeting in a consultation held in English (a partner city's, say)."""
    meeting = make.demo_meeting()
    meeting.consultation.language = "en"
    meeting.title = "Consultation meeting for cultural NGOs"
    db.session.commit()
    return meeting


def test_a_consultation_held_in_english_has_english_documents_under_a_polish_interface(
        admin_client, make):
    meeting = english_consultation(make)
    page = admin_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert lang(page) == "pl"  # the interface is the reader's
    preview = admin_client.get(f"/meetings/{meeting.id}/summary").get_data(as_text=True)
    assert lang(preview) == "en"
    assert find(preview, "title").get_text() == (
        "Summary of the consultation meeting for cultural NGOs – 25 May 2018 – Draft version")
    summary = text(find(preview, "main"))
    assert summary.startswith("Summary of the consultation meeting for cultural NGOs 25 May 2018")
    assert "Goal of the meeting:" in summary and "Number of participants: 10" in summary
    assert "1. Plane – Tworzenie polityk publicznych" in summary  # user text stays as typed
    assert "Prepared by: Ewa Chromniak" in summary and "Opracowanie" not in summary
    nav = find(preview, "nav.preview-bar")
    assert nav["lang"] == "pl" and text(nav) == "Wróć do spotkania · Pobierz roboczy PDF"

    pdf = admin_client.get(f"/meetings/{meeting.id}/summary.pdf")
    assert pdf.status_code == 200
    assert "summary-2018-05-25-for-cultural-ngos-draft.pdf" in pdf.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.data))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Summary of the consultation meeting for cultural NGOs" in " ".join(reader.pages[0].extract_text().split())


def test_the_report_and_the_mails_of_an_english_consultation_are_in_english(
        app, admin_client, official, make):
    from consult.remarks import intake, stances
    from consult.remarks import mail as remark_mail
    from consult.remarks import moderation as remark_moderation
    from consult.remarks.models import Remark
    from tests.test_remarks import received

    meeting = english_consultation(make)
    consultation = meeting.consultation
    consultation.status = ConsultationStatus.OPEN
    db.session.commit()
    submission, token = received(consultation, remarks=("More meetings in the districts.",))
    with app.test_request_context():
        assert remark_mail.receipt(intake.Received(submission, token, repeated=False))
    db.session.commit()  # the outbox sends what is committed
    [mail] = [m.get_content() for m in mailbox.sent(app)]
    assert "Thank you for your remarks to the consultation:" in mail
    remark = db.session.scalars(sa.select(Remark)).one()
    remark_moderation.accept(remark, official)
    stances.set_stance(remark, official, "partly", "Two more meetings a year.", None)
    submissions = stances.publish_stances(consultation, official)
    db.session.commit()
    with app.test_request_context():
        assert remark_mail.stances_published(submissions) == 1
    db.session.commit()
    mails = [m["Subject"] + "\n" + m.get_content() for m in mailbox.sent(app)]
    assert len(mails) == 2  # the receipt, then the answer (the names do not say which came first)
    assert any("the answer to your remarks" in mail for mail in mails)
    admin_client.set_cookie("lang", "pl")
    report = text(find(admin_client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True), "main"))
    assert report.startswith("Consultation report")
    assert "Remarks by how they were handled" in report
    assert "partly accepted Two more meetings a year." in report
    assert "uwzględniona" not in report
    csv_file = admin_client.get(f"/consultations/{consultation.id}/report.csv")
    assert csv_file.data.decode("utf-8-sig").startswith('"No.","Remark number","Submitting organisation"')
    assert "consultation-report-" in csv_file.headers["Content-Disposition"]


def test_the_accessibility_statement_has_the_sections_public_bodies_publish(client, app):
    app.config.update(ACCESSIBILITY_CONTACT="Jan Kowalski", ACCESSIBILITY_EMAIL="dostepnosc@example.org",
                      ACCESSIBILITY_PHONE="12 616 12 34", SITE_OWNER="Urząd Miasta Krakowa")
    home = client.get("/public/").get_data(as_text=True)
    link = find(find(home, "footer"), "a[href='/accessibility']")
    assert text(link) == "Deklaracja dostępności"
    page = client.get("/accessibility").get_data(as_text=True)
    headings = [text(h) for h in parse(page).select("main h1, main h2")]
    assert headings == ["Deklaracja dostępności", "Stan dostępności cyfrowej",
                        "Przygotowanie deklaracji dostępności", "Udogodnienia",
                        "Informacje zwrotne i dane kontaktowe",
                        "Obsługa wniosków i skarg związanych z dostępnością",
                        "Dostępność architektoniczna", "Aplikacje mobilne"]
    body = text(find(page, "main"))
    assert body.startswith("Deklaracja dostępności Urząd Miasta Krakowa zobowiązuje się zapewnić dostępność")
    assert "ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej" in body
    assert "Osobą kontaktową jest Jan Kowalski." in body and "12 616 12 34" in body
    assert find(page, "#a11y-email")["href"] == "mailto:dostepnosc@example.org"
    assert "nie później niż w ciągu 7 dni" in body and "Rzecznika Praw Obywatelskich" in body
    client.set_cookie("lang", "en")
    english = client.get("/accessibility").get_data(as_text=True)
    assert [text(h) for h in parse(english).select("main h1, main h2")] == [
        "Accessibility statement", "Compliance status", "Preparation of the statement",
        "Accessibility features", "Feedback and contact details", "Requests and complaints",
        "Architectural accessibility", "Mobile applications"]
    assert "The contact person is Jan Kowalski." in text(find(english, "main"))


@pytest.fixture
def open_consultation(make):
    return make.consultation(
        title="Konsultacje programu współpracy", organizer="Wydział Kultury UMK",
        status=ConsultationStatus.OPEN, submissions_open_at=utcnow() - timedelta(days=1),
        submissions_close_at=utcnow() + timedelta(days=1))


def test_every_public_form_links_to_its_personal_data_page(client, app, open_consultation):
    app.config["DATA_PROTECTION_OFFICER"] = "iod@example.org"
    form = client.get(f"/public/{open_consultation.slug}/remarks").get_data(as_text=True)
    link = find(find(form, "main form"), f"a[href='/public/{open_consultation.slug}/privacy']")
    assert text(link) == "Pełna informacja o przetwarzaniu danych osobowych"
    page = client.get(link["href"]).get_data(as_text=True)
    body = text(find(page, "main"))
    assert text(find(page, "h1")) == "Informacja o przetwarzaniu danych osobowych"
    assert "Administratorem Pani/Pana danych osobowych jest Wydział Kultury UMK" in body
    assert "iod@example.org" in body and "Prezesa Urzędu Ochrony Danych Osobowych" in body
    assert "organizator tych konsultacji" in body and "Urząd Miasta Krakowa" in body
    client.set_cookie("lang", "en")
    english = client.get(link["href"]).get_data(as_text=True)
    assert [text(h) for h in parse(english).select("main h1, main h2")] == [
        "Information on the processing of personal data", "Controller", "Data protection officer",
        "What data, for what purpose, on what legal basis", "Who receives the data", "How long",
        "Your rights", "Voluntary, and no automated decisions"]
    client.set_cookie("lang", "pl")
    site = text(find(client.get("/privacy").get_data(as_text=True), "main"))
    assert "Administratorem Pani/Pana danych osobowych jest Urząd Miasta Krakowa" in site
    assert "Ciasteczka: tylko niezbędne" in site
    draft = client.get("/public/no-such-consultation/privacy")
    assert draft.status_code == 404
