from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.meetings.models import Meeting

ORGANISATION_MAX = 300
NAME_MAX = 200
EMAIL_MAX = 254
NEEDS_MAX = 2000
# The most places a meeting may offer: beyond it a meeting is a conference, not a workshop
# of the 2018 kind, and the sign-in sheet would be a book.
CAP_MAX = 1000


class Registration(TimestampMixin, db.Model):
    """One person who signed up for a meeting on its public page (or was signed up by staff).

    One row per meeting and e-mail address (its ``email_key``): registering again updates it
    and sends a new link; cancelling keeps the row (``cancelled_at``) and frees the place.
    The link to cancel carries a random token of which only the sha256 is stored.
    """

    __tablename__ = "registration"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "email_key", name="uq_registration_meeting_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(ORGANISATION_MAX))
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    email_key: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))
    needs: Mapped[str | None] = mapped_column(sa.Text)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmation_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship()

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


class Attendee(db.Model):
    """Someone who was at the meeting: an organisation, a name when given; from a
    registration (ticked at the door) or added live."""

    __tablename__ = "attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(ORGANISATION_MAX))
    name: Mapped[str | None] = mapped_column(sa.String(NAME_MAX))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration | None] = relationship()
