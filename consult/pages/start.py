"""What each role's start page shows (issue 17, point 12): the work waiting for that person.

- **Facilitator**: the meetings of the consultations they facilitate — upcoming first (soonest
  at the top), then the recent ones (latest at the top) — each with its board.
- **Official**: the remarks waiting for a stance — accepted for consideration, no stance
  published yet — of every consultation (officials decide stances in all of them:
  ``consult.core.permissions.can_decide_stances``), by consultation.
- **Admin**: every consultation with its state and what waits in it (remarks to moderate,
  remarks without a published stance), the latest render jobs and publications.

An account has exactly one role (``User.role``): the view picks the page by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from consult.auth.models import User
from consult.consultations.models import Consultation, consultation_facilitator
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.remarks.models import Remark, Submission
from consult.remarks.queries import awaiting_moderation, awaiting_published_stance
from consult.reports.models import Publication, RenderJob

RECENT_MEETINGS = 10
RECENT_ROWS = 5


@dataclass
class FacilitatorStart:
    consultations: list[Consultation]
    upcoming: list[Meeting]
    recent: list[Meeting]


def facilitator_start(user: User, today: date) -> FacilitatorStart:
    mine = sa.select(consultation_facilitator.c.consultation_id).where(
        consultation_facilitator.c.user_id == user.id)
    consultations = list(db.session.scalars(
        sa.select(Consultation).where(Consultation.id.in_(mine)).order_by(Consultation.title)))
    meetings = sa.select(Meeting).where(Meeting.consultation_id.in_(mine)).options(
        joinedload(Meeting.consultation))
    upcoming = list(db.session.scalars(
        meetings.where(Meeting.date >= today).order_by(Meeting.date, Meeting.id)))
    recent = list(db.session.scalars(
        meetings.where(Meeting.date < today).order_by(Meeting.date.desc(), Meeting.id.desc())
        .limit(RECENT_MEETINGS)))
    return FacilitatorStart(consultations, upcoming, recent)


@dataclass
class Waiting:
    consultation: Consultation
    remarks: list[Remark] = field(default_factory=list)


def waiting_for_stance() -> list[Waiting]:
    """By consultation (by title), each remark in the order of the moderation queue."""
    found = db.session.scalars(
        sa.select(Remark).join(Submission).join(Consultation, Consultation.id == Submission.consultation_id)
        .where(*awaiting_published_stance())
        .options(contains_eager(Remark.submission).contains_eager(Submission.consultation),
                 selectinload(Remark.plane), selectinload(Remark.priority))
        .order_by(Consultation.title, Consultation.id, Submission.sequence, Remark.position))
    groups: dict[int, Waiting] = {}
    for remark in found:
        consultation = remark.submission.consultation
        groups.setdefault(consultation.id, Waiting(consultation)).remarks.append(remark)
    return list(groups.values())


@dataclass
class ConsultationState:
    consultation: Consultation
    meetings: int
    to_moderate: int
    to_answer: int


@dataclass
class AdminStart:
    consultations: list[ConsultationState]
    jobs: list[RenderJob]
    publications: list[Publication]
    accounts: int


def _counts(*conditions) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Remark.consultation_id, sa.func.count(Remark.id)).join(Submission)
        .where(*conditions).group_by(Remark.consultation_id)).all())


def admin_start() -> AdminStart:
    consultations = db.session.scalars(
        sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc()))
    meetings = dict(db.session.execute(
        sa.select(Meeting.consultation_id, sa.func.count(Meeting.id)).group_by(Meeting.consultation_id)).all())
    to_moderate = _counts(*awaiting_moderation())
    to_answer = _counts(*awaiting_published_stance())
    states = [ConsultationState(c, meetings.get(c.id, 0), to_moderate.get(c.id, 0), to_answer.get(c.id, 0))
              for c in consultations]
    jobs = list(db.session.scalars(
        sa.select(RenderJob).options(joinedload(RenderJob.consultation), joinedload(RenderJob.meeting))
        .order_by(RenderJob.created_at.desc(), RenderJob.id.desc()).limit(RECENT_ROWS)))
    publications = list(db.session.scalars(
        sa.select(Publication).order_by(Publication.published_at.desc(), Publication.id.desc())
        .limit(RECENT_ROWS)))
    accounts = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.active.is_(True))) or 0
    return AdminStart(states, jobs, publications, accounts)
