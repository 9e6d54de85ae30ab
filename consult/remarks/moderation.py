"""Moderation of remarks (facilitators): accept for consideration (optionally also as an entry
of a meeting), merge with another remark, reject with a reason — each through the remark's
life cycle (:attr:`Remark.TRANSITIONS`), with a revision."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, selectinload

from consult.capture import services as capture
from consult.consultations.models import Consultation
from consult.core.enums import EntrySource, RemarkStatus
from consult.core.errors import ServiceError
from consult.core.models import parse_id, record_revision, snapshot, utcnow
from consult.extensions import db
from consult.meetings.models import Meeting, Part, Section
from consult.remarks.models import Remark

REMARK_FIELDS = ("status", "duplicate_of_id", "rejection_reason", "entry_id", "stance",
                    "reasoning", "resulting_change")


def meeting_sections(consultation: Consultation) -> list:
    """Every section of the consultation's meetings, in board order, in one query (the
    "also add it as an entry" choice of accepting a remark)."""
    return list(db.session.scalars(
        sa.select(Section).join(Part).join(Meeting)
        .where(Meeting.consultation_id == consultation.id)
        .options(contains_eager(Section.part).contains_eager(Part.meeting),
                 selectinload(Section.plane), selectinload(Section.priority))
        .order_by(Meeting.date, Meeting.id, Part.position, Section.position)))


def check_moderation(remark: Remark, status: RemarkStatus) -> None:
    """Refuses, with the reason, a decision the remark's life cycle does not allow."""
    if remark.can_move_to(status):
        return
    if remark.answered:
        raise ServiceError(_("The stance on this remark is published: it has its answer. To change "
                             "it, change the stance and publish the stances again."))
    raise ServiceError(_("This remark cannot be moderated that way."))


def _moderated(remark: Remark, user, status: RemarkStatus, action: str, **values) -> None:
    """Every moderation decision: through the remark's life cycle, with a revision."""
    check_moderation(remark, status)
    before = snapshot(remark, REMARK_FIELDS)
    remark.move_to(status)
    remark.duplicate_of_id = values.get("duplicate_of_id")
    remark.rejection_reason = values.get("rejection_reason")
    if "entry_id" in values:
        remark.entry_id = values["entry_id"]
    remark.moderated_at, remark.moderated_by_id = utcnow(), getattr(user, "id", None)
    record_revision(remark, action, user, before, snapshot(remark, REMARK_FIELDS))


def accept(remark: Remark, user, *, section_id: Any = None, kind: Any = None) -> None:
    """Accept for consideration; with a section, the remark also becomes an entry there
    (marked as coming from a remark), on the meeting's live board like any other."""
    check_moderation(remark, RemarkStatus.ACCEPTED)  # before anything is added to a board
    entry_id = remark.entry_id
    if section_id not in (None, "") and entry_id is None:
        number = parse_id(section_id)
        section = db.session.get(Section, number) if number else None
        meeting = section.part.meeting if section is not None else None
        if meeting is None or meeting.consultation_id != remark.consultation_id:
            raise ServiceError(_("Choose a section of a meeting of this consultation."), "section_id")
        text = f"{remark.text} ({remark.submission.organisation})"
        entry_id = capture.add_entry(meeting, user, section.id, text, kind,
                                     source=EntrySource.REMARK).entry.id
    _moderated(remark, user, RemarkStatus.ACCEPTED, "accept", entry_id=entry_id)


def mark_duplicate(remark: Remark, user, other_id: Any) -> None:
    """Merge with another remark of the consultation: both are kept, linked."""
    check_moderation(remark, RemarkStatus.DUPLICATE)
    number = parse_id(other_id)
    other = db.session.get(Remark, number) if number else None
    if other is None or other.consultation_id != remark.consultation_id or other.id == remark.id:
        raise ServiceError(_("Choose another remark of this consultation."), "duplicate_of")
    seen = {remark.id}
    while other.duplicate_of is not None and other.id not in seen:
        seen.add(other.id)
        other = other.duplicate_of  # point at the remark that stands for all of them
    if other.id in seen:  # merging into one of its own copies would make a loop
        raise ServiceError(_("Choose another remark of this consultation."), "duplicate_of")
    _moderated(remark, user, RemarkStatus.DUPLICATE, "duplicate", duplicate_of_id=other.id)


def reject(remark: Remark, user, reason: str | None) -> None:
    check_moderation(remark, RemarkStatus.REJECTED)
    if not reason:
        raise ServiceError(_("Give the reason: the submitter will read it."), "reason")
    _moderated(remark, user, RemarkStatus.REJECTED, "reject", rejection_reason=reason)
