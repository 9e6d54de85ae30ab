"""Locale-aware formatting used by templates and documents."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask_babel import format_datetime, get_locale


def long_date(value: date | None, locale: str | None = None) -> str:
    """ "25 maja 2018 r." in Polish (genitive month and "r."), "25 May 2018" in English."""
    if value is None:
        return ""
    locale = locale or str(get_locale() or "pl")
    if locale.startswith("pl"):
        return format_date(value, "d MMMM y", locale="pl") + " r."
    return format_date(value, "d MMMM y", locale=locale)


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "medium")
