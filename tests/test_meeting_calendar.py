"""A meeting's times and its calendar file (issue 18, "Invitations"): an .ics people add to
their calendars, for staff and, for a public consultation, for anyone; its link built on
PUBLIC_URL, never on the request."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from consult.core.enums import ConsultationStatus
from consult.extensions import db
from consult.meetings import interchange
from consult.meetings.models import Meeting
from tests.conftest import DEMO_FILE
from tests.pages import field_error, find, parse, text

PUBLIC = "https://konsultacje.krakow.example"
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(autouse=True)
def public_url(app):
    app.config["PUBLIC_URL"] = PUBLIC


def event_of(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_staff_get_a_meeting_with_its_hours_as_a_calendar_file(make, facilitator, login_as):
    consultation = make.consultation(facilitators=[facilitator])
    meeting = make.meeting(consultation, title="Spotkanie w Nowej Hucie", date=date(2027, 3, 18),
                           start_time=time(10, 0), end_time=time(13, 30), location="Dom Kultury",
                           goal="Zebranie pomysłów")
    client = login_as(facilitator)
    page = parse(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert text(find(page, "p.meeting-date")) == "18 marca 2027 r., 10:00–13:30, Dom Kultury"
    link = page.find("a", string="Dodaj do kalendarza (.ics)")
    response = client.get(link["href"])
    assert response.headers["Content-Disposition"] == f'attachment; filename="spotkanie-2027-03-18-{meeting.id}.ics"'
    calendar, event = event_of(response)
    assert str(event["summary"]) == "Spotkanie w Nowej Hucie"
    assert event.decoded("dtstart") == datetime(2027, 3, 18, 10, 0, tzinfo=WARSAW)
    assert event.decoded("dtend") == datetime(2027, 3, 18, 13, 30, tzinfo=WARSAW)
    assert event["dtstart"].params["TZID"] == "Europe/Warsaw"
    assert calendar.walk("VTIMEZONE")  # the zone's definition travels with it
    assert str(event["location"]) == "Dom Kultury"
    assert str(event["url"]) == f"{PUBLIC}/meetings/{meeting.id}"  # PUBLIC_URL, not the request's host
    assert str(event["uid"]) == f"meeting-{meeting.id}@konsultacje.krakow.example"
    assert "Zebranie pomysłów" in str(event["description"])


def test_a_meeting_without_hours_is_a_whole_day_and_a_start_alone_lasts_two_hours(make, admin_client):
    meeting = make.meeting(date=date(2027, 3, 18))
    _calendar, event = event_of(admin_client.get(f"/meetings/{meeting.id}/calendar.ics"))
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (date(2027, 3, 18), date(2027, 3, 19))
    meeting.start_time = time(17, 0)
    db.session.commit()
    _calendar, event = event_of(admin_client.get(f"/meetings/{meeting.id}/calendar.ics"))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)


def test_the_public_page_offers_upcoming_meetings_as_calendar_files(make, client):
    consultation = make.consultation("Konsultacje otwarte", status=ConsultationStatus.OPEN)
    upcoming = make.meeting(consultation, title="Spotkanie jutro", date=date.today() + timedelta(days=1),
                            start_time=time(18, 0))
    past = make.meeting(consultation, title="Spotkanie zeszłoroczne", date=date.today() - timedelta(days=365))
    page = parse(client.get(f"/public/{consultation.slug}").get_data(as_text=True))
    links = [a for a in page.select("a[href$='calendar.ics']")]
    assert [a["href"] for a in links] == [f"/public/{consultation.slug}/meetings/{upcoming.id}/calendar.ics"]
    assert text(links[0]) == "Dodaj do kalendarza (.ics): Spotkanie jutro"
    _calendar, event = event_of(client.get(links[0]["href"]))
    assert str(event["url"]) == f"{PUBLIC}/public/{consultation.slug}"
    assert client.get(f"/public/{consultation.slug}/meetings/{past.id}/calendar.ics").status_code == 200
    # a meeting of another consultation, or of a draft one, is not found here
    draft = make.consultation("Szkic")
    hidden = make.meeting(draft)
    assert client.get(f"/public/{consultation.slug}/meetings/{hidden.id}/calendar.ics").status_code == 404
    assert client.get(f"/public/{draft.slug}/meetings/{hidden.id}/calendar.ics").status_code == 404
    assert client.get(f"/meetings/{upcoming.id}/calendar.ics").status_code in (302, 401)  # staff's own: login


@pytest.mark.parametrize("start, end, message", [
    ("", "12:00", "Wpisz też godzinę rozpoczęcia."),
    ("12:00", "11:00", "Spotkanie kończy się po rozpoczęciu – wpisz późniejszą godzinę."),
    ("12:00", "12:00", "Spotkanie kończy się po rozpoczęciu – wpisz późniejszą godzinę."),
])
def test_an_end_before_the_start_is_said_at_its_field(make, admin_client, start, end, message):
    meeting = make.meeting()
    response = admin_client.submit(f"/meetings/{meeting.id}/edit", {
        "title": "Spotkanie", "date": "2027-03-18", "start_time": start, "end_time": end})
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), "end_time")
    db.session.refresh(meeting)
    assert (meeting.start_time, meeting.end_time) == (None, None)


def test_the_interchange_format_keeps_the_hours(make):
    doc = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    doc["meeting"].update(start_time="10:00", end_time="13:30")
    meeting = interchange.import_meeting(interchange.parse(json.dumps(doc)))
    db.session.commit()
    assert (meeting.start_time, meeting.end_time) == (time(10, 0), time(13, 30))
    exported = interchange.export_meeting(meeting)["meeting"]
    assert (exported["start_time"], exported["end_time"]) == ("10:00", "13:30")
    doc["meeting"].update(end_time="09:00")
    with pytest.raises(interchange.InvalidDocument) as info:
        interchange.parse(json.dumps(doc))
    assert "$.meeting.end_time" in str(info.value)
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 1
