"""How the audit trail names what it lists, in the reader's language: objects, actions, fields
and their values (dates in the reader's time zone, enums by their labels). The stored names
(table names, action codes, field names) never reach the page; a name not known here is
shown as stored, so that nothing is hidden."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core.enums import (
    ConsultationStatus,
    EntryKind,
    LegalForm,
    MailStatus,
    RemarkStatus,
    RemarkTarget,
    Role,
    Stance,
    SubmissionChannel,
)
from consult.core.formatting import local_datetime

OBJECTS = {
    "consultation": _l("consultation"), "user": _l("account"),
    "consultation_document": _l("document of the consultation"), "meeting": _l("meeting"),
    "plane": _l("plane"), "priority": _l("priority"), "submission": _l("submission"),
    "part": _l("part of the meeting"), "section": _l("section"), "entry": _l("entry"),
    "postulate": _l("remark"), "publication": _l("published version"),
    "registration": _l("registration for a meeting"), "review": _l("review of a summary with the participants"),
    "outgoing_mail": _l("e-mail message"),
}

ACTIONS = {
    "create": _l("created"), "update": _l("changed"), "facilitators": _l("facilitators changed"),
    "delete": _l("deleted"), "restore": _l("restored"), "import": _l("imported"),
    "edit": _l("edited"), "kind": _l("kind changed"), "move": _l("moved"),
    "indent": _l("made a sub-point"), "outdent": _l("moved one level up"),
    "submit": _l("sent"), "tracking_link": _l("link sent again"),
    "accept": _l("accepted for consideration"), "duplicate": _l("merged with another remark"),
    "reject": _l("rejected"), "stance": _l("draft stance saved"),
    "publish_stance": _l("stance published"), "publish": _l("published"),
    "cancel": _l("cancelled"), "open": _l("opened"), "close": _l("closed"),
    "review": _l("changed after a participant's comment"), "room": _l("input from the room opened or closed"),
    "reset_link": _l("password reset link sent"), "password_reset": _l("password changed through a reset link"),
    "retry": _l("queued to be sent again"), "register": _l("registered by staff"),
}

FIELDS = {
    "text": _l("Text"), "kind": _l("Kind"), "section_id": _l("Section"), "parent_id": _l("Entry above"),
    "position": _l("Position"), "deleted_at": _l("Deleted"), "status": _l("Status"),
    "duplicate_of_id": _l("Merged with remark"), "rejection_reason": _l("Reason for rejection"),
    "entry_id": _l("Entry"), "stance": _l("Stance"), "reasoning": _l("Reasoning of the stance"),
    "resulting_change": _l("Change in the document"), "published_stance": _l("Published stance"),
    "published_reasoning": _l("Published reasoning"), "published_change": _l("Published change"),
    "title": _l("Title"), "number": _l("Number"), "code": _l("Code"), "heading": _l("Heading"),
    "question": _l("Question"), "receipt_number": _l("Receipt number"),
    "organisation": _l("Organisation"), "legal_form": _l("Legal form"), "krs": _l("KRS number"),
    "other_register": _l("Other register or record"), "spam": _l("Spam"), "remarks": _l("Remarks"),
    "series": _l("Series"), "version": _l("Version"), "sha256": "SHA-256", "size": _l("Size"),
    "file_name": _l("File"), "format": _l("Format"), "facilitators": _l("Facilitators"),
    "email": _l("E-mail"), "password": _l("Password"), "name": _l("Name"), "role": _l("Role"), "active": _l("Active"),
    "date": _l("Date"), "location": _l("Place"), "goal": _l("Goal of the meeting"),
    "participants": _l("Number of participants"), "facilitator": _l("Facilitated by"),
    "prepared_by": _l("Prepared by"), "show_kinds": _l("Kinds shown in the summary"),
    "start_time": _l("Starts at"), "end_time": _l("Ends at"),
    "registration_open": _l("Registration open"),
    "room_open": _l("Input from the room open"), "closes_on": _l("Comments taken until"),
    "reviewers": _l("People asked"), "comments": _l("Comments"), "comment": _l("Comment"),
    "proposed_wording": _l("Proposed wording"), "registration_cap": _l("Places"),
    "agenda": _l("Agenda"), "slug": _l("Address"), "description": _l("Description"),
    "organizer": _l("Organizer"), "language": _l("Language of the consultation"),
    "submissions_open_at": _l("Remarks from"), "submissions_close_at": _l("Remarks until"),
    "channel": _l("How the remarks came"), "received_on": _l("Received on"), "late": _l("Late"),
}

# Fields whose stored value is an enum's: shown by its label.
_ENUMS = {"kind": EntryKind, "stance": Stance, "published_stance": Stance, "role": Role,
          "legal_form": LegalForm, "target": RemarkTarget, "channel": SubmissionChannel}
_STATUS = {"postulate": RemarkStatus, "consultation": ConsultationStatus, "outgoing_mail": MailStatus}


def object_label(object_type: str) -> str:
    return str(OBJECTS.get(object_type, object_type))


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def field_label(field: str) -> str:
    return str(FIELDS.get(field, field))


def value(object_type: str, field: str, stored: Any) -> str:
    """A stored value as a reader reads it."""
    if stored is None or stored == "":
        return "—"
    if isinstance(stored, bool):
        return _("yes") if stored else _("no")
    if field == "password":  # never the password: only that it was changed
        return _("a new one (never shown)")
    enum = _STATUS.get(object_type) if field == "status" else _ENUMS.get(field)
    if enum is not None:
        try:
            return str(enum(stored).label)
        except ValueError:
            return str(stored)
    if isinstance(stored, str) and len(stored) >= 19 and stored[4] == "-" and stored[10] == "T":
        try:
            return local_datetime(datetime.fromisoformat(stored), "d MMMM y, HH:mm:ss")
        except ValueError:
            return stored
    if isinstance(stored, list):
        return ", ".join(str(item) for item in stored) or "—"
    return str(stored)


def what(before: dict, after: dict) -> str | None:
    """What the object is, in its own words (an entry's text, a title, a receipt number):
    shown with every change, so that a deleted entry is still recognisable."""
    for key in ("text", "title", "receipt_number", "name", "heading", "code", "file_name"):
        found = after.get(key) or before.get(key)
        if found:
            return str(found)
    return None
