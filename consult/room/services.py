"""State changes of the room's input: opening and closing it, a participant's idea arriving,
and a facilitator's decision on it.

No process state: everything is in the database, so any number of workers and facilitators
share it. Every change bumps the meeting's ``room_rev`` in its own transaction (one atomic
UPDATE), which the boards' queue poll compares with what they have ("nothing new" is one
primary-key read). An accepted idea becomes an entry through the board's own service, so
it reaches every open board and the projector like one typed there.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from consult.auth.models import User
from consult.capture import services as capture
from consult.core.enums import ContributionStatus, EntrySource
from consult.core.errors import ServiceError
from consult.core.models import parse_id, record_revision, utcnow
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from consult.room.models import TEXT_MAX, Contribution

# Short links are typed from the projector: no letters that look alike (0/o, 1/l/i).
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 6


def device_hash(device: str, meeting: Meeting) -> str:
    """The phone as limits know it: its cookie's random id, hashed with the meeting."""
    return hashlib.sha256(f"{meeting.id}:{device}".encode()).hexdigest()


def _bump(meeting: Meeting) -> int:
    """The meeting's next room revision (the row stays locked until the commit: changes of
    one meeting's queue are one after the other)."""
    revision = db.session.execute(
        sa.update(Meeting).where(Meeting.id == meeting.id).values(room_rev=Meeting.room_rev + 1)
        .returning(Meeting.room_rev).execution_options(synchronize_session=False)).scalar_one()
    db.session.expire(meeting, ["room_rev"])
    return revision


def room_revision(meeting_id: int) -> int | None:
    return db.session.scalar(sa.select(Meeting.room_rev).where(Meeting.id == meeting_id))


# Opening and closing ---------------------------------------------------------------------------


def set_open(meeting: Meeting, user: User, is_open: bool) -> bool:
    """Open (True) or close the room's input; the short code is made when first opened and
    kept (the link on a printed agenda keeps working). Returns whether anything changed."""
    if meeting.room_open == is_open and (meeting.room_code or not is_open):
        return False
    if is_open and not meeting.room_code:
        for _attempt in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            taken = db.session.scalar(sa.select(Meeting.id).where(Meeting.room_code == code))
            if taken is None:
                meeting.room_code = code
                break
        else:  # pragma: no cover - 31^6 codes
            raise ServiceError(_("No short link could be made; try again."))
    before = {"room_open": meeting.room_open}
    revision = capture.begin_write(meeting)  # every board and projector hears of it
    meeting.room_open = is_open
    record_revision(meeting, "room", user, before, {"room_open": is_open})
    db.session.flush()
    capture.finish(capture.Change(revision, meta=True), meeting)
    _bump(meeting)
    return True


def closed_reason(meeting: Meeting) -> str | None:
    """Why the room cannot send ideas now (None: it can): the facilitators closed the input
    (the meeting's date is not looked at: it may be typed wrong, and a demo is old). One home
    for the rule: the phone's page and :func:`contribute` ask it."""
    if not meeting.room_open:
        return _("the facilitators are not taking ideas from the room now. Tell them yours aloud, "
                 "or come back when they open it again.")
    return None


def meeting_by_code(code: str) -> Meeting | None:
    code = (code or "").strip().lower()
    if not 0 < len(code) <= 16:
        return None
    return db.session.scalar(sa.select(Meeting).where(Meeting.room_code == code))


def sections(meeting: Meeting) -> list[Section]:
    """The sections a participant may send to, in the board's order."""
    return list(db.session.scalars(
        sa.select(Section).join(Part).where(Part.meeting_id == meeting.id)
        .order_by(Part.position, Section.position, Section.id)))


# A participant's idea --------------------------------------------------------------------------


def contribute(meeting: Meeting, section_id: Any, text: str, device: str, client_key: str | None) -> Contribution:
    """Store a participant's idea (flushed, not committed). The same form sent again
    (``client_key``) returns what it made; refused while the room's input is closed."""
    reason = closed_reason(meeting)
    if reason is not None:
        raise ServiceError(reason, status=409)
    number = parse_id(section_id)
    section = db.session.get(Section, number) if number else None
    if section is None or section.part.meeting_id != meeting.id:
        raise ServiceError(_("Choose the section from the list."), "section")
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ServiceError(_("Write your idea."), "text")
    if len(text) > TEXT_MAX:
        raise ServiceError(_("At most %(max)d characters.", max=TEXT_MAX), "text")
    client_key = (client_key or "").replace("\x00", "").strip()[:64] or None
    if client_key:
        existing = db.session.scalar(sa.select(Contribution).where(Contribution.client_key == client_key))
        if existing is not None and existing.meeting_id == meeting.id:
            return existing
    contribution = Contribution(meeting_id=meeting.id, section_id=section.id, text=text,
                                device_hash=device_hash(device, meeting), client_key=client_key)
    db.session.add(contribution)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same form, arriving twice at once: the other one won
        existing = db.session.scalar(sa.select(Contribution).where(Contribution.client_key == client_key))
        if existing is None:
            raise
        return existing
    contribution.rev = _bump(meeting)
    return contribution


# The facilitators' queue -----------------------------------------------------------------------


def changed_since(meeting: Meeting, since: int) -> list[Contribution]:
    """The contributions that arrived or were decided after room revision ``since``."""
    return list(db.session.scalars(
        sa.select(Contribution).where(Contribution.meeting_id == meeting.id, Contribution.rev > since)
        .order_by(Contribution.created_at, Contribution.id)))


def pending(meeting: Meeting) -> dict[int, list[Contribution]]:
    """The waiting ideas of a meeting by section, oldest first."""
    found: dict[int, list[Contribution]] = {}
    for contribution in db.session.scalars(
            sa.select(Contribution).where(Contribution.meeting_id == meeting.id,
                                          Contribution.status == ContributionStatus.PENDING)
            .order_by(Contribution.created_at, Contribution.id)):
        found.setdefault(contribution.section_id, []).append(contribution)
    return found


def contribution_of(meeting: Meeting, contribution_id: Any) -> Contribution:
    number = parse_id(contribution_id)
    found = db.session.get(Contribution, number) if number else None
    if found is None or found.meeting_id != meeting.id:
        raise ServiceError(_("This idea is not in this meeting's queue."), status=404)
    return found


def _decide(contribution: Contribution, status: ContributionStatus, user: User) -> None:
    """Move a contribution in its life cycle, one decision at a time: the meeting's room
    revision is bumped first (its row locked until the commit, on SQLite the database's
    write lock), so the status read after it is the latest one and a second facilitator's
    click on the same idea is refused instead of deciding it twice."""
    revision = _bump(contribution.meeting)
    db.session.refresh(contribution, ["status"])
    if not contribution.can_move_to(status):
        raise ServiceError(_("This idea has been dealt with already (by another facilitator?)."), status=409)
    contribution.move_to(status)
    contribution.decided_at = utcnow()
    contribution.decided_by_id = user.id
    contribution.rev = revision


def accept(meeting: Meeting, contribution: Contribution, user: User, text: str | None = None,
           kind: Any = None) -> capture.Change:
    """The idea becomes an entry of its section (its text as edited by the facilitator),
    marked as coming from the room."""
    _decide(contribution, ContributionStatus.ACCEPTED, user)
    change = capture.add_entry(meeting, user, contribution.section_id, text if text is not None else contribution.text,
                               kind=kind, source=EntrySource.ROOM)
    contribution.entry_id = change.entry.id
    db.session.flush()
    return change


def merge(meeting: Meeting, contribution: Contribution, user: User, entry_id: Any) -> Entry:
    """The idea says what an entry says already: it is kept, linked to that entry."""
    entry = capture.entry_of(meeting, entry_id)
    _decide(contribution, ContributionStatus.MERGED, user)
    contribution.entry_id = entry.id
    db.session.flush()
    return entry


def dismiss(contribution: Contribution, user: User) -> None:
    _decide(contribution, ContributionStatus.DISMISSED, user)
    db.session.flush()


def undismiss(contribution: Contribution, user: User) -> None:
    """Undo of a dismissal: back in the queue."""
    _decide(contribution, ContributionStatus.PENDING, user)
    contribution.decided_at = None
    contribution.decided_by_id = None
    db.session.flush()
