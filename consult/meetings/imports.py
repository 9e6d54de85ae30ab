"""Importing a meeting from the interface: a ``consult-meeting/1`` JSON file or a CSV of its
entries (:mod:`consult.meetings.csvfile`), read and checked as the command line does, shown as
a preview, and written only when the facilitator confirms it.

Between the preview and the confirmation the checked document travels in the page, signed
(itsdangerous, with the app's secret and a salt of its own) and compressed; the confirmation
checks it again against the consultation as it is then, and writes all of it in one
transaction or nothing. Nothing is stored on the server meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from consult.auth.models import User
from consult.consultations.models import Consultation
from consult.core.errors import ServiceError
from consult.core.labels import plane_heading, priority_label
from consult.meetings import csvfile, interchange
from consult.meetings.interchange import InvalidDocument
from consult.meetings.models import Meeting

MAX_BYTES = 4 * 1024 * 1024  # a meeting of thousands of entries is far smaller
# Entries and sub-points one import writes, in its request: 5,000 take about a second here
# (1,000: a third). The minutes of one meeting hold hundreds.
MAX_ENTRIES = 5000
CONFIRM_WITHIN = 60 * 60  # seconds between the preview and its confirmation
_SALT = "consult.meetings.import"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def is_csv(file_name: str, raw: bytes) -> bool:
    """By the file's name, else by its first character (JSON starts with "{")."""
    name = file_name.lower()
    if name.endswith(".csv"):
        return True
    if name.endswith(".json"):
        return False
    return not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read(raw: bytes, file_name: str, consultation: Consultation, title: str | None,
         day: date | None) -> dict[str, Any]:
    """The uploaded file as a checked document for ``consultation``. A CSV takes the
    meeting's title and date from the form (ServiceError at those fields when missing); a
    JSON file has its own, which the form's replace when given. Raises InvalidDocument."""
    if len(raw) > MAX_BYTES:
        raise ServiceError(_("The file is larger than %(size)d MB.", size=MAX_BYTES // (1024 * 1024)), "file")
    if is_csv(file_name, raw):
        if not title:
            raise ServiceError(_("A CSV file names no meeting: give its title."), "title")
        if day is None:
            raise ServiceError(_("A CSV file names no meeting: give its date."), "date")
        doc = csvfile.parse_csv(raw, consultation, {"title": title, "date": day.isoformat()})
    else:
        doc = interchange.parse(raw)
        if title:
            doc["meeting"]["title"] = title
        if day is not None:
            doc["meeting"]["date"] = day.isoformat()
        interchange.validate(doc, consultation)
    found = _count(entry for part in doc["parts"] for section in part["sections"] for entry in section["entries"])
    if found > MAX_ENTRIES:
        raise ServiceError(_("The file holds %(found)d entries and sub-points; one import takes at most "
                             "%(max)d (split the meeting into several files).", found=found, max=MAX_ENTRIES),
                           "file")
    return doc


def _count(items) -> int:
    """Entries with all their sub-points (without recursion: the document is checked)."""
    stack, total = list(items), 0
    while stack:
        item = stack.pop()
        total += 1
        stack.extend(item.get("children", []))
    return total


def sign(doc: dict[str, Any]) -> str:
    return _serializer().dumps(doc)


def unsign(token: str) -> dict[str, Any]:
    """The document a preview signed; ServiceError when it is forged or too old."""
    try:
        return _serializer().loads(token, max_age=CONFIRM_WITHIN)
    except BadData:
        raise ServiceError(_("The preview has expired or is not valid: choose the file again.")) from None


def confirm(doc: dict[str, Any], consultation: Consultation, user: User | None) -> Meeting:
    """Write the previewed meeting into ``consultation`` (the caller commits). Checked again:
    the consultation's planes and priorities may have changed since the preview."""
    interchange.validate(doc, consultation)
    return interchange.import_meeting(doc, user, consultation=consultation)


@dataclass
class Preview:
    title: str
    date: date
    parts: list[tuple[str, list[tuple[str, int]]]]  # heading, [(section, entries)]
    entries: int
    points: int


def preview(doc: dict[str, Any]) -> Preview:
    """What the import will make: its parts, sections and how many entries each holds."""
    planes = {p["number"]: SimpleNamespace(**p) for p in doc["consultation"]["planes"]}
    priorities = {p["code"]: SimpleNamespace(**p) for p in doc["consultation"]["priorities"]}

    def points(items: list[dict]) -> int:
        return sum(1 + points(item.get("children", [])) for item in items)

    parts, entries, total = [], 0, 0
    for part in doc["parts"]:
        sections = []
        for section in part["sections"]:
            if "plane" in section:
                name = plane_heading(planes[section["plane"]])
            elif "priority" in section:
                name = priority_label(priorities[section["priority"]])
            else:
                name = section["topic"]
            sections.append((name, len(section["entries"])))
            entries += len(section["entries"])
            total += points(section["entries"])
        parts.append((part["heading"], sections))
    return Preview(doc["meeting"]["title"], date.fromisoformat(doc["meeting"]["date"]), parts, entries, total - entries)


__all__ = ["InvalidDocument", "MAX_BYTES", "Preview", "confirm", "is_csv", "preview", "read", "sign", "unsign"]
