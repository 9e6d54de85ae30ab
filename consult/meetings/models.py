from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from consult.consultations.models import Consultation
from consult.core.enums import EntryKind, EntrySource, enum_column_type
from consult.core.models import SoftDeleteMixin, TimestampMixin
from consult.extensions import db

# Sub-points have at most this many levels: a numbered entry is level 1, its sub-points
# level 2, and so on. The board, the interchange import (and its schema) and the summary
# documents all keep to it; entries made deeper before the limit are shown at this level.
MAX_ENTRY_DEPTH = 6


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    date: Mapped[date] = mapped_column(sa.Date)
    # Wall-clock times of the city (CONSULT_TIMEZONE), optional: a meeting without them is a
    # whole day in its calendar file.
    start_time: Mapped[time | None] = mapped_column(sa.Time)
    end_time: Mapped[time | None] = mapped_column(sa.Time)
    location: Mapped[str | None] = mapped_column(sa.String(300))
    goal: Mapped[str | None] = mapped_column(sa.Text)
    # The number of participants as the facilitator states it; None: the attendance list
    # counts them (participant_count).
    participants: Mapped[int | None] = mapped_column()
    facilitator: Mapped[str | None] = mapped_column(sa.String(300))
    prepared_by: Mapped[str | None] = mapped_column(sa.String(300))
    # The summary shows each entry's kind (a discreet marker); off gives the exact 2018 look.
    show_kinds: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Live capture: bumped (atomically, in the writing transaction) by every change of the
    # board, so that a "nothing changed" poll is one primary-key read.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    meta_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    # Registration on the public page: open or not, the places (None: no limit), and the
    # active registrations and the attendance list counted in the same transactions that
    # change them (one atomic UPDATE each: two people taking the last place at once cannot
    # both get it).
    registration_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    registration_cap: Mapped[int | None] = mapped_column()
    registered_count: Mapped[int] = mapped_column(default=0, server_default="0")
    attendee_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The room's input (consult.room): open or closed by the facilitators, the short code of
    # its link (made when first opened), and the revision of its queue.
    room_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    room_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    room_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    # The section last written in: highlighted on the projector.
    active_section_id: Mapped[int | None] = mapped_column()

    consultation = relationship("Consultation", back_populates="meetings")
    # The language its content is written in (its consultation's), read with the meeting's own
    # row: the board's fragments mark their content with it (consult.core.i18n) without a
    # statement of their own after a write has expired the consultation.
    content_language: Mapped[str] = column_property(
        sa.select(Consultation.language).where(Consultation.id == consultation_id)
        .correlate_except(Consultation).scalar_subquery())
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    parts: Mapped[list[Part]] = relationship(
        back_populates="meeting", order_by="Part.position", cascade="all, delete-orphan"
    )

    @property
    def agenda(self) -> list[str]:
        return [item.text for item in self.agenda_items]

    @property
    def participant_count(self) -> int | None:
        """"Liczba uczestników": the number stated, else the attendance list's (None when
        neither is known)."""
        if self.participants is not None:
            return self.participants
        return self.attendee_count or None

    @property
    def places_left(self) -> int | None:
        """Places still free for registration (None: no limit)."""
        if self.registration_cap is None:
            return None
        return max(self.registration_cap - self.registered_count, 0)

    @property
    def details_filled(self) -> bool:
        """The details a facilitator prepares before the meeting are in (the number of
        participants may come at its end): the board folds them away."""
        return bool(self.goal and self.facilitator and self.agenda_items)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.date}>"


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class Part(db.Model):
    """A block of the summary, e.g. "Opinie i postulaty …" or "Nowe pomysły …"."""

    __tablename__ = "part"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    heading: Mapped[str] = mapped_column(sa.String(500))
    question: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column()
    # Meeting revisions at which the part was created / last changed (heading, sections).
    created_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    changed_rev: Mapped[int] = mapped_column(default=0, server_default="0")

    meeting: Mapped[Meeting] = relationship(back_populates="parts")
    sections: Mapped[list[Section]] = relationship(
        back_populates="part", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(db.Model):
    """Entries about exactly one plane, one priority or one free topic."""

    __tablename__ = "section"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN plane_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN priority_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN topic IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(sa.ForeignKey("part.id", ondelete="CASCADE"), index=True)
    plane_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plane.id", ondelete="RESTRICT"), index=True
    )
    priority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("priority.id", ondelete="RESTRICT"), index=True
    )
    topic: Mapped[str | None] = mapped_column(sa.Text)
    label: Mapped[str | None] = mapped_column(sa.String(100))
    # The kind a new entry takes here (a plane split into strengths, weaknesses and
    # conclusions); None: the 2018 rule of default_kind.
    entry_kind: Mapped[EntryKind | None] = mapped_column(enum_column_type(EntryKind, "section_entry_kind"))
    position: Mapped[int] = mapped_column()
    # Meeting revisions at which the section was created / last changed (itself or entries),
    # and at which it last changed otherwise than by entries added at the end: a browser that
    # has seen a revision since then gets only the added entries, not the whole list again.
    created_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    changed_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    reset_rev: Mapped[int] = mapped_column(default=0, server_default="0")

    part: Mapped[Part] = relationship(back_populates="sections")
    plane = relationship("Plane")
    priority = relationship("Priority")
    entries: Mapped[list[Entry]] = relationship(
        back_populates="section", order_by="Entry.position", cascade="all, delete-orphan"
    )

    @property
    def subject_type(self) -> str:
        if self.plane_id is not None:
            return "plane"
        if self.priority_id is not None:
            return "priority"
        return "topic"

    @property
    def default_kind(self) -> EntryKind:
        """What a new entry is unless the facilitator says otherwise: the section's own kind
        when it has one, else a plane's sections collect conclusions and the others ideas
        (the 2018 layout)."""
        if self.entry_kind is not None:
            return self.entry_kind
        return EntryKind.CONCLUSION if self.plane_id is not None else EntryKind.IDEA


class Entry(TimestampMixin, SoftDeleteMixin, db.Model):
    """A strength, weakness, conclusion or idea; sub-points point at their parent entry.

    The number a reader sees is derived from ``position`` among live siblings, never stored.
    ``version`` guards concurrent edits (optimistic locking).
    """

    __tablename__ = "entry"
    __table_args__ = (sa.Index("ix_entry_section_parent_position", "section_id", "parent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EntryKind] = mapped_column(enum_column_type(EntryKind, "entry_kind"))
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[EntrySource] = mapped_column(
        enum_column_type(EntrySource, "entry_source"), default=EntrySource.LIVE
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The meeting revision that added the entry (0: imported, or older than this column).
    created_rev: Mapped[int] = mapped_column(default=0, server_default="0")
    # Chosen by the browser for a new entry: a retried save finds the entry it already made.
    client_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    section: Mapped[Section] = relationship(back_populates="entries")
    parent: Mapped[Entry | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Entry]] = relationship(back_populates="parent", order_by="Entry.position")
    author = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    @property
    def from_room(self) -> bool:
        """Sent by a participant from the room and accepted by a facilitator."""
        return self.source == EntrySource.ROOM

    @property
    def from_remark(self) -> bool:
        """Added by accepting an organisation's remark (not typed at the meeting)."""
        return self.source == EntrySource.REMARK
