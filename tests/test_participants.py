"""A meeting's participants (issue 18, "Invitations" and "Attendance"): registering on the
public page (a cap kept atomically, the confirmation with the calendar file and a private
link to cancel), the staff's list of registrations, the attendance list that gives the number
of participants, and the sign-in sheet."""

from __future__ import annotations

import re
import subprocess
import threading
from datetime import date, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from consult.core.enums import ConsultationStatus
from consult.core.logging import redact
from consult.extensions import db
from consult.participants.models import Attendee, Registration
from tests.conftest import PUBLIC_URL as PUBLIC
from tests.pages import field_error, find, flashes, parse, text
from tests.test_remarks import outbox

SOON = date.today() + timedelta(days=20)
pytestmark = pytest.mark.usefixtures("public_url")


@pytest.fixture
def meeting(make, facilitator):
    consultation = make.consultation(title="Konsultacje programu", facilitators=[facilitator],
                                     status=ConsultationStatus.OPEN, organizer="Wydział Kultury")
    return make.meeting(consultation, title="Spotkanie konsultacyjne dla organizacji", date=SOON,
                        location="Pałac Krzysztofory", registration_open=True, registration_cap=2)


def person(n: int = 1, **changes) -> dict:
    return {"organisation": f"Fundacja Nr {n}", "name": f"Anna Kowalska {n}", "email": f"anna{n}@example.org",
            "needs": "Pętla indukcyjna", "clause": "y", **changes}


def register(client, meeting, data):
    url = f"/public/{meeting.consultation.slug}/meetings/{meeting.id}/register"
    return client.submit(url, data)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def link_in(mail) -> str:
    body = mail.get_body(("plain",)).get_content()
    [found] = re.findall(re.escape(PUBLIC) + r"/public/registration/\S+", body)
    return found[len(PUBLIC):]


def test_someone_registers_on_the_public_page_and_gets_the_calendar_file_and_a_cancel_link(app, client, meeting):
    page = parse(client.get(f"/public/{meeting.consultation.slug}").get_data(as_text=True))
    link = find(page, "a[href$='/register']")
    assert text(link.parent) == "Zapisz się: Spotkanie konsultacyjne dla organizacji zostały 2 miejsca"
    form_page = parse(client.get(link["href"]).get_data(as_text=True))
    assert text(find(form_page, "h1")) == "Zapisz się na spotkanie"
    assert form_page.find("label", string="Potrzeby związane z dostępnością") is not None

    response = register(client, meeting, person())
    assert response.status_code == 200
    assert "Twoje miejsce jest zarezerwowane" in text(find(parse(response.get_data(as_text=True)), "h1"))
    assert response.headers["Cache-Control"] == "private, no-store"
    db.session.refresh(meeting)
    assert meeting.registered_count == 1 and meeting.places_left == 1
    [stored] = db.session.scalars(sa.select(Registration)).all()
    assert (stored.organisation, stored.name, stored.email_key, stored.needs) == (
        "Fundacja Nr 1", "Anna Kowalska 1", "anna1@example.org", "Pętla indukcyjna")

    [mail] = outbox(app)
    assert mail["To"] == "anna1@example.org"
    assert mail["Subject"] == f"Zapis na spotkanie {SOON.strftime('%d.%m.%Y')}"
    body = mail.get_body(("plain",)).get_content()
    assert "Spotkanie konsultacyjne dla organizacji" in body and "Pałac Krzysztofory" in body
    assert "Anna Kowalska" not in body and "Fundacja Nr 1" not in body  # nothing typed goes out
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"spotkanie-{SOON.isoformat()}-{meeting.id}.ics"
    [event] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(event["summary"]) == "Spotkanie konsultacyjne dla organizacji"

    # The private page: what was given, and a button; opening it cancels nothing.
    private = link_in(mail)
    assert redact(private) == "/public/registration/[redacted]"
    shown = client.get(private)
    assert shown.status_code == 200 and shown.headers["Referrer-Policy"] == "no-referrer"
    assert "Pętla indukcyjna" in shown.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.registered_count == 1
    cancelled = client.submit(private, {})
    assert cancelled.status_code == 303
    assert "Twój zapis został anulowany" in " ".join(flashes(client.get(cancelled.location).get_data(as_text=True)))
    db.session.refresh(meeting)
    assert meeting.registered_count == 0 and meeting.places_left == 2
    again = client.submit(private, {})
    assert "Ten zapis był już anulowany." in flashes(client.get(again.location).get_data(as_text=True))
    db.session.refresh(meeting)
    assert meeting.registered_count == 0


def test_the_last_place_goes_once_and_the_form_then_says_so(app, client, meeting):
    assert register(client, meeting, person(1)).status_code == 200
    assert register(client, meeting, person(2)).status_code == 200
    full = register(client, meeting, person(3))
    assert full.status_code == 409
    page = parse(full.get_data(as_text=True))
    assert "Wszystkie miejsca zostały zajęte." in text(find(page, ".error-summary"))
    assert find(page, "#name")["value"] == "Anna Kowalska 3"  # what was typed is kept
    assert count(Registration) == 2 and len(outbox(app)) == 2
    public = parse(client.get(f"/public/{meeting.consultation.slug}").get_data(as_text=True))
    assert "Zapisy: wszystkie miejsca zostały zajęte." in text(public)
    assert public.select("a[href$='/register']") == []
    url = f"/public/{meeting.consultation.slug}/meetings/{meeting.id}/register"
    closed = parse(client.get(url).get_data(as_text=True))
    assert "Wszystkie miejsca zostały zajęte." in text(find(closed, ".notice"))


def test_the_same_address_registering_again_takes_no_second_place_and_ends_the_old_link(app, client, meeting):
    register(client, meeting, person(1))
    first = link_in(outbox(app)[0])
    again = register(client, meeting, person(1, email=" ANNA1@example.org ", name="Anna K."))
    assert "Ten adres był już zapisany" in text(find(parse(again.get_data(as_text=True)), "h1"))
    db.session.refresh(meeting)
    assert meeting.registered_count == 1 and count(Registration) == 1
    assert db.session.scalar(sa.select(Registration.name)) == "Anna K."
    assert client.get(first).status_code == 404
    [second] = {link_in(m) for m in outbox(app)} - {first}
    assert client.get(second).status_code == 200


def test_concurrent_registrations_never_exceed_the_places(app, meeting):
    """Eight people at once for two places, through a real server: two get them."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import serving
    from tests.pages import control_value

    barrier = threading.Barrier(8, timeout=60)

    def one(n: int) -> int:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(url, timeout=60).read().decode()
        body = urllib.parse.urlencode({**person(n), "csrf_token": control_value(page, "csrf_token")}).encode()
        barrier.wait()  # all eight leave together
        try:
            return opener.open(url, data=body, timeout=120).status
        except urllib.error.HTTPError as exc:
            return exc.code

    with serving(app) as base, ThreadPoolExecutor(max_workers=8) as pool:
        url = f"{base}/public/{meeting.consultation.slug}/meetings/{meeting.id}/register"
        statuses = list(pool.map(one, range(8)))
    assert sorted(statuses) == [200, 200] + [409] * 6
    db.session.refresh(meeting)
    assert meeting.registered_count == 2 and count(Registration) == 2


@pytest.mark.parametrize("changes, field, message", [
    ({"email": ""}, "email", "Podaj swój adres e-mail: tam trafi potwierdzenie."),
    ({"email": "anna@"}, "email", "Podaj adres e-mail, np. nazwa@example.org."),
    ({"name": "  "}, "name", "To pole jest wymagane."),
    ({"organisation": "x" * 301}, "organisation", "Najwyżej 300 znaków."),
    ({"clause": ""}, "clause", "Potwierdź, że znasz informację o danych osobowych."),
])
def test_bad_input_is_shown_at_its_field_and_nothing_is_kept(app, client, meeting, changes, field, message):
    response = register(client, meeting, person(**changes))
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert message in field_error(page, field)
    assert find(page, "#needs").string.strip() == "Pętla indukcyjna"
    assert count(Registration) == 0 and outbox(app) == []


def test_a_bot_filling_the_honeypot_is_answered_like_a_person_and_nothing_is_kept(app, client, meeting):
    response = register(client, meeting, person(website="http://spam.example"))
    assert response.status_code == 200
    assert count(Registration) == 0 and outbox(app) == []


def test_registrations_from_one_address_are_limited(app, client, meeting):
    app.config["REGISTRATION_RATE_LIMIT"] = "2 per minute"
    meeting.registration_cap = None
    db.session.commit()
    assert [register(client, meeting, person(n)).status_code for n in (1, 2)] == [200, 200]
    over = register(client, meeting, person(3))
    assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0
    assert find(parse(over.get_data(as_text=True)), "#organisation")["value"] == "Fundacja Nr 3"
    assert count(Registration) == 2


@pytest.mark.parametrize("change, reason", [
    ({"registration_open": False}, "Zapisy na to spotkanie nie są otwarte."),
    ({"date": date.today() - timedelta(days=1)}, "To spotkanie już się odbyło."),
])
def test_registration_closed_or_the_meeting_past_refuses_and_says_why(app, client, meeting, change, reason):
    for name, value in change.items():
        setattr(meeting, name, value)
    db.session.commit()
    public = parse(client.get(f"/public/{meeting.consultation.slug}").get_data(as_text=True))
    assert public.select("a[href$='/register']") == []
    url = f"/public/{meeting.consultation.slug}/meetings/{meeting.id}/register"
    assert reason in text(find(parse(client.get(url).get_data(as_text=True)), ".notice"))
    refused = register(client, meeting, person())
    assert refused.status_code == 409 and count(Registration) == 0
    assert reason in text(find(parse(refused.get_data(as_text=True)), ".error-summary"))


def test_a_draft_consultations_meeting_takes_no_registrations(client, make):
    consultation = make.consultation(status=ConsultationStatus.DRAFT)
    meeting = make.meeting(consultation, date=SOON, registration_open=True)
    assert client.get(f"/public/{consultation.slug}/meetings/{meeting.id}/register").status_code == 404


def test_the_staff_see_registrations_mark_attendance_and_the_count_follows(app, client, meeting, facilitator,
                                                                          official, login_as):
    for n in (1, 2):
        register(client, meeting, person(n))
    staff = login_as(facilitator)
    meeting_page = parse(staff.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    link = meeting_page.find("a", string="Uczestnicy i obecność")
    page = parse(staff.get(link["href"]).get_data(as_text=True))
    rows = [[text(td) for td in tr.find_all("td")] for tr in page.select("#registrations ~ * tbody tr, "
                                                                          "section table tbody tr")]
    assert ["Fundacja Nr 1", "Anna Kowalska 1", "anna1@example.org", "Pętla indukcyjna"] == rows[0][:4]
    assert "2 z 2 miejsc" in text(page)
    assert login_as(official).get(link["href"]).status_code == 403  # personal data: the meeting's staff

    first, second = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    saved = staff.submit(f"/meetings/{meeting.id}/participants/present", {"present": [str(first.id)]})
    assert saved.status_code == 303
    added = staff.submit(f"/meetings/{meeting.id}/participants/attendees",
                         {"organisation": "Stowarzyszenie Teatr", "name": ""})
    shown = flashes(staff.get(added.location).get_data(as_text=True))
    assert "Dodano do listy obecności: Stowarzyszenie Teatr." in shown
    db.session.refresh(meeting)
    assert meeting.attendee_count == 2 and meeting.participant_count == 2
    facts = parse(staff.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert "Liczba uczestników 2" in text(find(facts, "dl.facts"))

    # Unticked: off the list; the stated number wins over the list.
    staff.submit(f"/meetings/{meeting.id}/participants/present", {"present": [str(second.id)]})
    db.session.expire_all()
    assert {a.registration_id for a in db.session.scalars(sa.select(Attendee))} == {second.id, None}
    meeting.participants = 25
    db.session.commit()
    page = parse(staff.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True))
    assert "25, podana w formularzu spotkania" in text(page)
    walk_in = db.session.scalar(sa.select(Attendee).where(Attendee.registration_id.is_(None)))
    staff.submit(f"/meetings/{meeting.id}/participants/attendees/{walk_in.id}/delete", {})
    db.session.refresh(meeting)
    assert meeting.attendee_count == 1

    # Staff cancel a registration: its place is free again, and the message offers to undo it.
    cancelled = staff.submit(f"/meetings/{meeting.id}/participants/registrations/{first.id}/cancel", {})
    db.session.refresh(meeting)
    assert meeting.registered_count == 1
    undo = find(parse(staff.get(cancelled.location).get_data(as_text=True)), ".flashes form")
    assert "Zapis osoby Anna Kowalska 1 anulowano; miejsce jest wolne." in text(undo)
    staff.submit(undo["action"], {})
    db.session.refresh(meeting)
    assert meeting.registered_count == 2 and first.active


def test_an_attendee_needs_an_organisation(client, meeting, facilitator, login_as):
    staff = login_as(facilitator)
    response = staff.submit(f"/meetings/{meeting.id}/participants/attendees", {"organisation": " ", "name": "Ewa"})
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert "To pole jest wymagane." in field_error(page, "organisation")
    assert find(page, "#name")["value"] == "Ewa"
    assert count(Attendee) == 0


def test_the_places_cannot_go_below_those_registered(client, meeting, facilitator, login_as):
    for n in (1, 2):
        register(client, meeting, person(n))
    staff = login_as(facilitator)
    form = {"title": meeting.title, "date": meeting.date.isoformat(), "registration_open": "y",
            "registration_cap": "1"}
    response = staff.submit(f"/meetings/{meeting.id}/edit", form)
    assert response.status_code == 422
    assert "Zapisały się już 2 osoby: zaproponuj co najmniej tyle miejsc." in field_error(
        parse(response.get_data(as_text=True)), "registration_cap")
    db.session.refresh(meeting)
    assert meeting.registration_cap == 2


def test_the_sign_in_sheet_lists_the_registered_then_empty_rows(client, meeting, facilitator, login_as):
    for n in (1, 2):
        register(client, meeting, person(n))
    staff = login_as(facilitator)
    response = staff.get(f"/meetings/{meeting.id}/participants/sign-in-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="lista-obecnosci-{SOON.isoformat()}-dla-organizacji.pdf"')
    words = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                           check=True).stdout.decode()
    assert "Lista obecności" in words and "Podpis" in words
    assert "Anna Kowalska 1" in words and "Fundacja Nr 2" in words
    assert "Pętla indukcyjna" not in words and "anna1@example.org" not in words  # only what the sheet needs
    assert re.search(r"\b14\.", words)  # two registered and twelve empty rows
