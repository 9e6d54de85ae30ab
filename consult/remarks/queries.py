"""Reading remarks: the moderation queue's list and its filters, counts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from consult.consultations.models import Consultation
from consult.core.enums import RemarkStatus, RemarkTarget
from consult.extensions import db
from consult.remarks.models import Remark, Submission


def awaiting_moderation() -> tuple:
    """Where a remark waits for a moderation decision: submitted, not spam (a query joined
    to Submission)."""
    return Remark.status == RemarkStatus.SUBMITTED, Submission.spam.is_(False)


def awaiting_published_stance() -> tuple:
    """Where a remark waits for its stance to be published: accepted for consideration,
    none published yet, not spam (a query joined to Submission)."""
    return (Remark.status == RemarkStatus.ACCEPTED, Remark.published_stance.is_(None),
            Submission.spam.is_(False))


def remark_count(consultation: Consultation) -> int:
    return db.session.scalar(sa.select(sa.func.count(Remark.id)).where(
        Remark.consultation_id == consultation.id)) or 0


def remarks(consultation: Consultation, *, status: str | None = None, spam: str | None = None,
            target: str | None = None, q: str | None = None) -> list[Remark]:
    """The consultation's remarks for the moderation queue, oldest first, filtered; with
    what every list of them shows (target, the remark a copy was merged with) loaded at once."""
    query = (sa.select(Remark).join(Submission)
             .where(Remark.consultation_id == consultation.id)
             .options(contains_eager(Remark.submission), selectinload(Remark.plane),
                      selectinload(Remark.priority),
                      selectinload(Remark.duplicate_of).joinedload(Remark.submission))
             .order_by(Submission.sequence, Remark.position))
    if status in {s.value for s in RemarkStatus}:
        query = query.where(Remark.status == RemarkStatus(status))
    if spam == "hide":
        query = query.where(Submission.spam.is_(False))
    elif spam == "only":
        query = query.where(Submission.spam.is_(True))
    if target in {t.value for t in RemarkTarget}:
        query = query.where(Remark.target == RemarkTarget(target))
    if q:
        pattern = f"%{q.replace(chr(0), '')[:200]}%"
        query = query.where(sa.or_(Remark.text.ilike(pattern), Submission.organisation.ilike(pattern),
                                   Submission.receipt_number.ilike(pattern)))
    return list(db.session.scalars(query))


def next_waiting(remark: Remark, *, for_stance: bool) -> Remark | None:
    """The next remark of the consultation that waits for this reader's work, after this one
    in the queue's order (and from the start again): one waiting for a moderation decision
    (not spam), or — ``for_stance`` — an accepted one without a draft stance."""
    query = (sa.select(Remark).join(Submission)
             .where(Remark.consultation_id == remark.consultation_id, Remark.id != remark.id)
             .order_by(Submission.sequence, Remark.position))
    if for_stance:
        query = query.where(Remark.status == RemarkStatus.ACCEPTED, Remark.stance.is_(None))
    else:
        query = query.where(*awaiting_moderation())
    place = (remark.submission.sequence, remark.position)
    found = list(db.session.scalars(query.options(contains_eager(Remark.submission))))
    later = [r for r in found if (r.submission.sequence, r.position) > place]
    return (later or found or [None])[0]
