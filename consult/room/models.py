from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from consult.core.enums import ContributionStatus, enum_column_type
from consult.core.errors import InvalidTransition
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Section

TEXT_MAX = 1000  # an idea said in a sentence or three, typed on a phone


class Contribution(db.Model):
    """An idea a participant sent from the room to one section of a meeting's board."""

    __tablename__ = "room_contribution"
    __table_args__ = (sa.Index("ix_room_contribution_meeting_status", "meeting_id", "status"),)

    TRANSITIONS: dict[ContributionStatus, frozenset[ContributionStatus]] = {
        ContributionStatus.PENDING: frozenset({ContributionStatus.ACCEPTED, ContributionStatus.MERGED,
                                               ContributionStatus.DISMISSED}),
        ContributionStatus.ACCEPTED: frozenset(),
        ContributionStatus.MERGED: frozenset(),
        ContributionStatus.DISMISSED: frozenset({ContributionStatus.PENDING}),  # undo
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("section.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ContributionStatus] = mapped_column(
        enum_column_type(ContributionStatus, "contribution_status"), default=ContributionStatus.PENDING)
    # Who sent it, as far as limits need: the sha256 of the phone's cookie, never a person.
    device_hash: Mapped[str] = mapped_column(sa.String(64))
    # Chosen by the phone's form: the same form sent again finds what it made.
    client_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id", ondelete="SET NULL"))
    # The meeting's room revision at which it arrived or was last decided on.
    rev: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship()
    section: Mapped[Section] = relationship()
    entry: Mapped[Entry | None] = relationship()

    def can_move_to(self, status: ContributionStatus) -> bool:
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: ContributionStatus) -> None:
        if not self.can_move_to(status):
            raise InvalidTransition(f"contribution {self.id}: {self.status.value} → {status.value}")
        self._moving = True
        try:
            self.status = status
        finally:
            self._moving = False

    @validates("status")
    def _only_through_the_life_cycle(self, _key: str, status: ContributionStatus) -> ContributionStatus:
        if inspect(self).has_identity and not getattr(self, "_moving", False):
            raise InvalidTransition("a stored contribution's status changes only through move_to")
        return status
