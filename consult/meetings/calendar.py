"""A meeting as an iCalendar file (RFC 5545, with icalendar): an invitation people add to
their calendars. Its times are the city's wall clock (CONSULT_TIMEZONE, with the zone's
definition in the file); a meeting without a start time is a whole day. The link in it is
built on PUBLIC_URL (consult.core.urls), never on the request."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
from flask import current_app

from consult.core.formatting import site_zone
from consult.core.models import utcnow
from consult.core.urls import external_url, public_host
from consult.core.views import file_response
from consult.meetings.models import Meeting

DEFAULT_LENGTH = timedelta(hours=2)  # a start without an end: the usual length of a meeting


def file_name(meeting: Meeting) -> str:
    return f"spotkanie-{meeting.date.isoformat()}-{meeting.id}.ics"


def meeting_ics(meeting: Meeting, url: str) -> bytes:
    """The calendar file of ``meeting``; ``url``: where it is described (the public page of
    its consultation, or the staff page)."""
    host = public_host(current_app.config.get("PUBLIC_URL")) or public_host(external_url("index")) or "consult"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//consult//meeting//PL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("summary", meeting.title)
    if meeting.start_time is not None:
        zone = site_zone()
        start = datetime.combine(meeting.date, meeting.start_time, tzinfo=zone)
        end = (datetime.combine(meeting.date, meeting.end_time, tzinfo=zone)
               if meeting.end_time is not None else start + DEFAULT_LENGTH)
        event.add("dtstart", start)
        event.add("dtend", end)
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    if meeting.location:
        event.add("location", meeting.location)
    description = "\n\n".join(part for part in (meeting.goal, url) if part)
    if description:
        event.add("description", description)
    event.add("url", url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_response(meeting: Meeting, url: str):
    """The calendar file as a download (no-cache: a meeting moved is fetched anew)."""
    return file_response(meeting_ics(meeting, url), file_name(meeting), "text/calendar; charset=utf-8",
                         **{"Cache-Control": "private, no-cache"})
