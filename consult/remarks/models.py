"""A submission (one form sent by one organisation) and its remarks (remarks).

The receipt number is unique per consultation (``KWP/2026/0007``): its sequence comes from
an atomic increment of the consultation's counter, and a unique constraint backs it up.
The tracking link carries a random token; only its sha256 is stored, so that the database
alone does not open anyone's tracking page.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship, validates

from consult.core.enums import LegalForm, RemarkStatus, RemarkTarget, Stance, SubmissionChannel, enum_column_type
from consult.core.errors import InvalidTransition
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db

# Lengths the form and the database share.
ORGANISATION_MAX = 300
ADDRESS_MAX = 500
PERSON_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 30
REGISTER_MAX = 200
DOCUMENT_REF_MAX = 200
TEXT_MAX = 10000


class Submission(db.Model):
    __tablename__ = "submission"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="RESTRICT"), index=True)
    sequence: Mapped[int] = mapped_column()
    receipt_number: Mapped[str] = mapped_column(sa.String(40))
    tracking_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The same form sent again (a retry after a lost answer, a double click) finds this
    # submission instead of making a second one: an HMAC of the form's key and its content.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    organisation: Mapped[str] = mapped_column(sa.String(ORGANISATION_MAX))
    legal_form: Mapped[LegalForm] = mapped_column(enum_column_type(LegalForm, "legal_form"))
    krs: Mapped[str | None] = mapped_column(sa.String(10))
    other_register: Mapped[str | None] = mapped_column(sa.String(REGISTER_MAX))
    address: Mapped[str] = mapped_column(sa.String(ADDRESS_MAX))
    contact_person: Mapped[str] = mapped_column(sa.String(PERSON_MAX))
    email: Mapped[str | None] = mapped_column(sa.String(EMAIL_MAX))
    phone: Mapped[str | None] = mapped_column(sa.String(PHONE_MAX))
    clause_acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The honeypot was filled in: kept (nothing is thrown away unseen), marked for moderators.
    spam: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    receipt_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How it came: the online form, or registered by staff (paper, e-mail, ePUAP, a meeting)
    # with the day it was received — the day that counts for the deadline — and who did.
    channel: Mapped[SubmissionChannel] = mapped_column(
        enum_column_type(SubmissionChannel, "submission_channel"), default=SubmissionChannel.ONLINE,
        server_default=SubmissionChannel.ONLINE.value)
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"))
    # Received after the last day of submissions: kept, marked and counted apart.
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    consultation = relationship("Consultation")
    registered_by = relationship("User")
    meeting = relationship("Meeting")
    remarks: Mapped[list[Remark]] = relationship(
        back_populates="submission", order_by="Remark.position", cascade="all, delete-orphan")
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", order_by="SubmissionFile.id", cascade="all, delete-orphan")

    @property
    def registered(self) -> bool:
        """Registered by staff (not sent through the online form)."""
        return self.channel != SubmissionChannel.ONLINE

    def __repr__(self) -> str:
        return f"<Submission {self.receipt_number}>"


class SubmissionFile(db.Model):
    """The scan of a paper form, the e-mail or the ePUAP document a registered submission came
    as (PDF or DOCX, checked as a consultation's documents are). Personal data: shown only to
    those who see the organisation's contact details."""

    __tablename__ = "submission_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    submission: Mapped[Submission] = relationship(back_populates="files")


class TrackingLink(db.Model):
    """A further private link to a submission, made when its organisation asks for its link
    again and sent to the e-mail address the submission gave (the first link is
    ``Submission.tracking_hash``). Only the token's sha256 is kept; every link stays valid."""

    __tablename__ = "tracking_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Remark(db.Model):
    """One remark of a submission: what it concerns, the remark, proposed wording, why."""

    __tablename__ = "postulate"
    __table_args__ = (sa.UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column()  # 1, 2, 3 … within the submission
    target: Mapped[RemarkTarget] = mapped_column(enum_column_type(RemarkTarget, "postulate_target"))
    plane_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plane.id", ondelete="SET NULL"))
    priority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("priority.id", ondelete="SET NULL"))
    document_ref: Mapped[str | None] = mapped_column(sa.String(DOCUMENT_REF_MAX))
    text: Mapped[str] = mapped_column("remark", sa.Text)  # the column keeps its first name
    proposed_wording: Mapped[str | None] = mapped_column(sa.Text)
    justification: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[RemarkStatus] = mapped_column(
        enum_column_type(RemarkStatus, "postulate_status"), default=RemarkStatus.SUBMITTED,
        index=True)

    # Moderation (facilitators): accepted for consideration (optionally as an entry of a
    # meeting), merged with another remark (both kept), or rejected with a reason the
    # submitter sees.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("postulate.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    # The official stance: a draft, edited freely, until the consultation's stances are
    # published all at once; publishing copies it into the published_* columns, which are
    # what submitters and the report show.
    stance: Mapped[Stance | None] = mapped_column(enum_column_type(Stance, "stance"))
    reasoning: Mapped[str | None] = mapped_column(sa.Text)
    resulting_change: Mapped[str | None] = mapped_column(sa.Text)
    stance_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stance_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    published_stance: Mapped[Stance | None] = mapped_column(enum_column_type(Stance, "published_stance"))
    published_reasoning: Mapped[str | None] = mapped_column(sa.Text)
    published_change: Mapped[str | None] = mapped_column(sa.Text)
    stance_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    submission: Mapped[Submission] = relationship(back_populates="remarks")
    plane = relationship("Plane")
    priority = relationship("Priority")
    duplicate_of: Mapped[Remark | None] = relationship(remote_side=[id])
    entry = relationship("Entry")

    # A remark's life cycle: a new one is accepted for consideration, merged with another
    # remark or rejected; that decision may be corrected (one of those to another) until the
    # remark's stance is published — from then on it has its answer, which only a changed
    # stance, published again, can change. Accepting an accepted remark again (to add it to
    # a meeting) and merging a merged one with another remark stay possible.
    TRANSITIONS: dict[RemarkStatus, frozenset[RemarkStatus]] = {
        RemarkStatus.SUBMITTED: frozenset({RemarkStatus.ACCEPTED, RemarkStatus.DUPLICATE,
                                              RemarkStatus.REJECTED}),
        RemarkStatus.ACCEPTED: frozenset({RemarkStatus.DUPLICATE, RemarkStatus.REJECTED}),
        RemarkStatus.DUPLICATE: frozenset({RemarkStatus.ACCEPTED, RemarkStatus.REJECTED}),
        RemarkStatus.REJECTED: frozenset({RemarkStatus.ACCEPTED, RemarkStatus.DUPLICATE}),
    }

    @property
    def answered(self) -> bool:
        """Its stance is published: the submitter has read the answer."""
        return self.published_stance is not None

    def can_move_to(self, status: RemarkStatus) -> bool:
        if self.answered:
            return status == self.status == RemarkStatus.ACCEPTED
        if status == self.status:
            return status != RemarkStatus.SUBMITTED
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: RemarkStatus) -> None:
        if not self.can_move_to(status):
            raise InvalidTransition(f"remark {self.id}: {self.status.value} → {status.value}")
        self._moving = True
        try:
            self.status = status
        finally:
            self._moving = False

    @validates("status")
    def _only_through_the_life_cycle(self, _key: str, status: RemarkStatus) -> RemarkStatus:
        """A stored remark changes its status only by :meth:`move_to`."""
        if inspect(self).has_identity and not getattr(self, "_moving", False):
            raise InvalidTransition(f"remark {self.id}: set its status with move_to()")
        return status

    @property
    def stance_changed(self) -> bool:
        """The draft differs from what was published (or nothing was published yet)."""
        return (self.stance, self.reasoning, self.resulting_change) != (
            self.published_stance, self.published_reasoning, self.published_change)

    @property
    def number(self) -> str:
        """"KWP/2026/0007-2": the receipt number and the remark's place in the submission."""
        return f"{self.submission.receipt_number}-{self.position}"

    def __repr__(self) -> str:
        return f"<Remark {self.submission_id}.{self.position}>"
