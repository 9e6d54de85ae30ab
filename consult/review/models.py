from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.enums import CommentStatus, enum_column_type
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db
from consult.meetings.models import Entry, Meeting

COMMENT_MAX = 3000
NAME_MAX = 200
EMAIL_MAX = 254
MAX_DAYS = 60


class Review(db.Model):
    """One round of the participants' review of a meeting's draft summary."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_on: Mapped[date] = mapped_column(sa.Date)  # the last day comments are taken
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    reviewers: Mapped[list[Reviewer]] = relationship(back_populates="review", order_by="Reviewer.id",
                                                     cascade="all, delete-orphan")
    comments: Mapped[list[ReviewComment]] = relationship(back_populates="review", order_by="ReviewComment.id",
                                                         cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Reviewer(db.Model):
    """Someone asked to review: a registered participant or an address the facilitator gave.
    Their personal link carries a random token of which only the sha256 is stored."""

    __tablename__ = "reviewer"
    __table_args__ = (sa.UniqueConstraint("review_id", "email_key", name="uq_reviewer_review_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    email_key: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    name: Mapped[str | None] = mapped_column(sa.String(NAME_MAX))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    review: Mapped[Review] = relationship(back_populates="reviewers")


class ReviewComment(db.Model):
    """A reviewer's comment on one entry (or on the summary as a whole: ``entry_id`` None)."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("reviewer.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)  # what was said differently
    proposed_wording: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[CommentStatus] = mapped_column(enum_column_type(CommentStatus, "comment_status"),
                                                  default=CommentStatus.OPEN)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="comments")
    reviewer: Mapped[Reviewer] = relationship()
    entry: Mapped[Entry | None] = relationship()
