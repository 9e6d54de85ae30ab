"""The printable sign-in sheet of a meeting ("lista obecności"): the registered people in
rows to sign, then empty rows for those who come without registering. A working paper with
personal data, for the meeting's staff only; never published (not a document kind).

It is at most a few pages (registrations are capped at CAP_MAX), so it is rendered in its
request like a small draft; one larger than a draft may be goes to the renderer's child
process, with its time and memory limits.
"""

from __future__ import annotations

from slugify import slugify

from consult.core.i18n import document_language
from consult.meetings.models import Meeting
from consult.participants import services
from consult.reports import rendering
from consult.reports.summaries import audience

# Empty rows after the registered: at least this many, more up to the places still free.
BLANK_MIN, BLANK_MAX = 12, 120
FILE_WORDS = {"pl": "lista-obecnosci", "en": "sign-in-sheet"}


def blank_rows(meeting: Meeting, registered: int) -> int:
    free = (meeting.registration_cap - registered) if meeting.registration_cap else 0
    return min(max(BLANK_MIN, free), BLANK_MAX)


def html(meeting: Meeting) -> str:
    registrations = services.registrations(meeting, active_only=True)
    return rendering.document(
        "participants/sign_in_sheet.html", meeting.consultation, for_pdf=True, nav=lambda: ("", "", ""),
        draft=False, meeting=meeting, registrations=registrations,
        blank=blank_rows(meeting, len(registrations)), title=title(meeting))


def title(meeting: Meeting) -> str:
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(document_language(meeting.consultation)):
        return _("Sign-in sheet") + f" – {meeting.title}"


def render(meeting: Meeting) -> bytes:
    source = html(meeting)
    if rendering.renders_inline(source):
        return rendering.render_pdf(source).content
    return rendering.render_job_pdf(source).content


def file_name(meeting: Meeting) -> str:
    word = FILE_WORDS[document_language(meeting.consultation)]
    name = slugify(audience(meeting), max_length=60, word_boundary=True)
    return f"{word}-{meeting.date.isoformat()}{'-' + name if name else ''}.pdf"
