"""State changes of registrations and of the attendance list.

Places are counted on the meeting's row in the transaction that takes or frees one — one
atomic ``UPDATE … WHERE registered_count < registration_cap``: two people taking the last
place at the same moment cannot both get it, on SQLite and on PostgreSQL, with any number of
workers. The attendance list is counted the same way (``attendee_count``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.auth.models import User
from consult.core.errors import ServiceError
from consult.core.formatting import site_today
from consult.core.forms import email_key
from consult.core.models import record_revision, utcnow
from consult.core.tokens import token_hash
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.participants.models import Attendee, Registration


def today() -> date:
    return site_today()


# Registration ----------------------------------------------------------------------------------


def closed_reason(meeting: Meeting, on: date | None = None, *, places: bool = True) -> str | None:
    """Why nobody can register for the meeting now (None: they can); ``places``: a full
    meeting is closed too. One home for the rule: the public page, the form and
    :func:`register` all ask it."""
    if not meeting.consultation.is_public:
        return _("This consultation is not public.")
    if not meeting.registration_open:
        return _("Registration for this meeting is not open.")
    if meeting.date < (on or today()):
        return _("This meeting has already taken place.")
    if places and meeting.places_left == 0:
        return _("All places have been taken.")
    return None


def offers_registration(meeting: Meeting, on: date | None = None) -> bool:
    """The public page shows the meeting's registration (open, or full: it says so)."""
    return (meeting.registration_open and meeting.consultation.is_public
            and meeting.date >= (on or today()))


@dataclass
class Registered:
    registration: Registration
    token: str  # for the cancel link in the e-mail; only its hash is stored
    again: bool = False  # the address was registered already: its details were updated


def _take_place(meeting: Meeting, *, while_open: bool = True) -> bool:
    """One more place taken, atomically, unless none is left (or, ``while_open``,
    registration has been closed meanwhile)."""
    conditions = [Meeting.id == meeting.id,
                  sa.or_(Meeting.registration_cap.is_(None), Meeting.registered_count < Meeting.registration_cap)]
    if while_open:
        conditions.append(Meeting.registration_open.is_(True))
    taken = db.session.execute(
        sa.update(Meeting).where(*conditions)
        .values(registered_count=Meeting.registered_count + 1)
        .returning(Meeting.registered_count)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if taken is not None:
        db.session.expire(meeting, ["registered_count"])
    return taken is not None


def _free_place(meeting: Meeting) -> None:
    db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id, Meeting.registered_count > 0)
        .values(registered_count=Meeting.registered_count - 1)
        .execution_options(synchronize_session=False))
    db.session.expire(meeting, ["registered_count"])


def register(meeting: Meeting, data: dict[str, Any]) -> Registered:
    """Register someone for the meeting (flushed, not committed).

    One registration per address: the same address registering again updates its details
    and gets a new link (the old one stops working) without taking a second place; a
    cancelled one taking a place again is active again. Raises ServiceError when the meeting
    takes no registrations now (``closed_reason``), which includes having no place left.
    """
    key = email_key(data["email"])
    existing = db.session.scalar(sa.select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.email_key == key))
    again = existing is not None and existing.active
    reason = closed_reason(meeting, places=not again)  # a place already held is kept
    if reason is not None:
        raise ServiceError(reason, status=409)
    if not again and not _take_place(meeting):
        raise ServiceError(_("All places have been taken."), status=409)
    token = secrets.token_urlsafe(24)
    fields = {"organisation": data["organisation"], "name": data["name"], "email": data["email"].strip(),
              "needs": data.get("needs"), "token_hash": token_hash(token)}
    if existing is None:
        existing = Registration(meeting_id=meeting.id, email_key=key, **fields)
        db.session.add(existing)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # the same address, registered at this very moment
            raise ServiceError(_("This address has just been registered: check your e-mail."),
                               "email", status=409) from None
    else:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.cancelled_at = None
        existing.confirmation_mailed_at = None
        db.session.flush()
    return Registered(existing, token, again=again)


def by_token(token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Registration).where(Registration.token_hash == token_hash(token)))


def cancel(registration: Registration, user: User | None = None) -> bool:
    """Cancel a registration and free its place (False: it was cancelled already). By its
    holder's link (``user`` None) or by the meeting's staff (recorded)."""
    if not registration.active:
        return False
    registration.cancelled_at = utcnow()
    _free_place(registration.meeting)
    if user is not None:
        record_revision(registration, "cancel", user, None, None)
    db.session.flush()
    return True


def restore(registration: Registration, user: User) -> bool:
    """Undo a cancellation by the meeting's staff (False: it is active); refused when its
    place has been taken meanwhile."""
    if registration.active:
        return False
    if not _take_place(registration.meeting, while_open=False):
        raise ServiceError(_("All places have been taken."), status=409)
    registration.cancelled_at = None
    record_revision(registration, "restore", user, None, None)
    db.session.flush()
    return True


def registrations(meeting: Meeting, *, active_only: bool = False) -> list[Registration]:
    """The meeting's registrations: active ones first, by organisation and name."""
    query = sa.select(Registration).where(Registration.meeting_id == meeting.id)
    if active_only:
        query = query.where(Registration.cancelled_at.is_(None))
    found = db.session.scalars(query).all()
    return sorted(found, key=lambda r: (not r.active, r.organisation.casefold(), r.name.casefold()))


# Attendance ------------------------------------------------------------------------------------


def _count_attendee(meeting: Meeting, step: int) -> None:
    query = sa.update(Meeting).where(Meeting.id == meeting.id)
    if step < 0:
        query = query.where(Meeting.attendee_count > 0)
    db.session.execute(query.values(attendee_count=Meeting.attendee_count + step)
                       .execution_options(synchronize_session=False))
    db.session.expire(meeting, ["attendee_count"])


def attendees(meeting: Meeting) -> list[Attendee]:
    found = db.session.scalars(sa.select(Attendee).where(Attendee.meeting_id == meeting.id)).all()
    return sorted(found, key=lambda a: (a.organisation.casefold(), (a.name or "").casefold(), a.id))


def add_attendee(meeting: Meeting, organisation: str, name: str | None, user: User | None,
                 registration: Registration | None = None) -> Attendee:
    """Someone who is at the meeting (flushed, not committed)."""
    if registration is not None and registration.meeting_id != meeting.id:
        raise ServiceError(_("This registration is for another meeting."), status=404)
    attendee = Attendee(meeting_id=meeting.id, organisation=organisation, name=name,
                        registration_id=registration.id if registration else None,
                        added_by_id=getattr(user, "id", None))
    db.session.add(attendee)
    db.session.flush()
    _count_attendee(meeting, +1)
    return attendee


def remove_attendee(attendee: Attendee) -> None:
    meeting = db.session.get(Meeting, attendee.meeting_id)
    db.session.delete(attendee)
    db.session.flush()
    _count_attendee(meeting, -1)


def set_present(meeting: Meeting, present_ids: set[int], user: User | None) -> tuple[int, int]:
    """The attendance of the registered: those in ``present_ids`` are on the list, the
    other registered are not (people added without a registration stay). Returns (added,
    removed)."""
    listed = {a.registration_id: a for a in attendees(meeting) if a.registration_id is not None}
    added = removed = 0
    for registration in registrations(meeting):
        here = registration.id in present_ids and registration.active
        if here and registration.id not in listed:
            add_attendee(meeting, registration.organisation, registration.name, user, registration)
            added += 1
        elif not here and registration.id in listed:
            remove_attendee(listed[registration.id])
            removed += 1
    return added, removed
