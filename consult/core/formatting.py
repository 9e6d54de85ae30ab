"""Locale-aware formatting used by templates and documents."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import format_datetime, format_decimal, format_timedelta, get_locale
from markupsafe import Markup


def site_zone() -> ZoneInfo:
    """The time zone dates are shown and typed in (CONSULT_TIMEZONE; stored in UTC)."""
    from flask import current_app

    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def site_today() -> date:
    """Today's date in the city (CONSULT_TIMEZONE): what "upcoming" and "the last day" mean."""
    return datetime.now(site_zone()).date()


def long_date(value: date | None, locale: str | None = None) -> str:
    """ "25 maja 2018 r." in Polish (genitive month and "r."), "25 May 2018" in English."""
    if value is None:
        return ""
    locale = locale or str(get_locale() or "pl")
    if locale.startswith("pl"):
        return format_date(value, "d MMMM y", locale="pl") + " r."
    return format_date(value, "d MMMM y", locale=locale)


def hours(meeting) -> str:
    """ "10:00–13:00" (or "10:00" with no end): when a meeting is held, "" without a start."""
    if getattr(meeting, "start_time", None) is None:
        return ""
    start = meeting.start_time.strftime("%H:%M")
    return f"{start}–{meeting.end_time.strftime('%H:%M')}" if meeting.end_time else start


def local_datetime(value: datetime | None, format: str = "d MMMM y, HH:mm") -> str:
    """In the app's time zone and the reader's locale; ``format`` as Babel's patterns — by
    default the one the pages use ("1 grudnia 2026, 08:00"; with seconds where they count)."""
    if value is None:
        return ""
    return format_datetime(value, format)


def file_size(size: int | None) -> str:
    """ "88,1 kB", "1,2 MB" (decimal units, as file managers show them), by locale."""
    if size is None:
        return ""
    for unit, factor in (("MB", 1_000_000), ("kB", 1000)):
        if size >= factor:
            return f"{format_decimal(size / factor, format='#,##0.0')} {unit}"
    return f"{size} B"


def wait_time(seconds: int) -> str:
    """When to try again, in words of the interface language: "za 4 minuty", "za 30 sekund"
    (rounded up to a whole minute above a minute, so that it is never too short)."""
    seconds = max(1, int(seconds))
    if seconds > 60:
        seconds = -(-seconds // 60) * 60
    return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=True)


def receipt_number(value: str | None):
    """A receipt or remark number that wraps only after a slash ("KWP/ 2026/ 0007-2"), never
    inside a part (a narrow window broke it as "0007-" "2"); the text copies unchanged."""
    parts = [part for part in re.split(r"(?<=/)", value or "") if part]
    return Markup('<span class="receipt-number">{}</span>').format(
        Markup("<wbr>").join(Markup('<span class="nobreak">{}</span>').format(part) for part in parts))


# Text in files other programs open ------------------------------------------------------------

# Characters XML 1.0 (and so DOCX and ODT) cannot carry; typed or imported text may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What a spreadsheet takes for the start of a formula (or of a command, with a tab or CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_safe(value) -> str:
    """``value`` as text an XML document can hold: the characters XML 1.0 forbids left out."""
    return _NOT_XML.sub("", str(value))


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading apostrophe before what
    would start a formula (an NGO's "=HYPERLINK(...)" stays words)."""
    return "'" + cell if cell[:1] in _FORMULA_START else cell


def from_spreadsheet(cell: str) -> str:
    """The text :func:`spreadsheet_safe` protected, read back (its apostrophe taken off)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA_START else cell
