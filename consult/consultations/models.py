from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship, validates

from consult.consultations import codes
from consult.core.enums import ConsultationMethod, ConsultationStatus, enum_column_type
from consult.core.errors import InvalidTransition  # noqa: F401 - also imported from here
from consult.core.models import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db

consultation_facilitator = sa.Table(
    "consultation_facilitator",
    db.metadata,
    sa.Column(
        "consultation_id",
        sa.ForeignKey("consultation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


SLUG_MAX = 120  # the public address's part: typed, or made from the title


def default_receipt_prefix(title: str) -> str:
    """Initials of the title's capitalised words, three at most: "Konsultacje założeń
    Wieloletniego Programu …" → "KWP"."""
    from slugify import slugify

    initials = [w[0] for w in title.split() if w[:1].isupper() and w[:1].isalpha()]
    return slugify("".join(initials[:3])).upper() or "KONS"


class Consultation(TimestampMixin, db.Model):
    __tablename__ = "consultation"

    # draft → open → closed → reported; a closed consultation may be reopened.
    TRANSITIONS: dict[ConsultationStatus, frozenset[ConsultationStatus]] = {
        ConsultationStatus.DRAFT: frozenset({ConsultationStatus.OPEN}),
        ConsultationStatus.OPEN: frozenset({ConsultationStatus.CLOSED}),
        ConsultationStatus.CLOSED: frozenset({ConsultationStatus.OPEN, ConsultationStatus.REPORTED}),
        ConsultationStatus.REPORTED: frozenset(),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    organizer: Mapped[str | None] = mapped_column(sa.String(300))
    partner_short: Mapped[str | None] = mapped_column(sa.String(50))
    program: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    # The announcement (ogłoszenie): what is consulted, on what basis, by whom, since when,
    # in which forms, and where paper forms are delivered.
    subject: Mapped[str | None] = mapped_column(sa.Text)
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    responsible_unit: Mapped[str | None] = mapped_column(sa.String(300))
    announced_on: Mapped[date | None] = mapped_column(sa.Date)
    # ConsultationMethod values, in the order the announcement lists them.
    methods: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    paper_delivery: Mapped[str | None] = mapped_column(sa.Text)
    submissions_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submissions_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[ConsultationStatus] = mapped_column(
        enum_column_type(ConsultationStatus, "consultation_status"),
        default=ConsultationStatus.DRAFT,
    )
    # Receipts of NGO submissions read "<prefix>/<year>/<sequence>", e.g. KWP/2026/0007; the
    # counter is only ever changed by an atomic increment (remarks.services).
    receipt_prefix: Mapped[str] = mapped_column(
        sa.String(12), default=lambda context: default_receipt_prefix(
            context.get_current_parameters().get("title") or ""), server_default="KONS")
    receipt_counter: Mapped[int] = mapped_column(default=0, server_default="0")
    # The language the consultation is held in: its summaries, report and the e-mails to
    # organisations are written in it, whatever language each person's interface uses.
    language: Mapped[str] = mapped_column(sa.String(8), default="pl", server_default="pl")

    planes: Mapped[list[Plane]] = relationship(
        back_populates="consultation", order_by="Plane.number", cascade="all, delete-orphan"
    )
    priorities: Mapped[list[Priority]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan"
    )
    meetings = relationship(
        "Meeting", back_populates="consultation", order_by="(Meeting.date, Meeting.id)"
    )
    documents: Mapped[list[ConsultationDocument]] = relationship(
        back_populates="consultation", order_by="ConsultationDocument.uploaded_at",
        primaryjoin="and_(Consultation.id == ConsultationDocument.consultation_id, "
                    "ConsultationDocument.deleted_at.is_(None))", viewonly=True)
    facilitators = relationship(
        "User",
        secondary=consultation_facilitator,
        back_populates="consultations",
        order_by="User.name",
    )

    @property
    def sorted_priorities(self) -> list[Priority]:
        return sorted(self.priorities, key=lambda p: p.sort_key)

    @property
    def priority_levels(self) -> dict[int, int]:
        """How far each priority is indented in a list of this consultation's priorities: by
        its ancestors that are in the list (I.5.1 without I.5 stands at the top, not as if it
        were under the I.3 above it)."""
        present = {p.code for p in self.priorities}
        levels = {}
        for priority in self.priorities:
            level, parent = 0, codes.parent_code(priority.code)
            while parent is not None:
                level += parent in present
                parent = codes.parent_code(parent)
            levels[priority.id] = level
        return levels

    @property
    def is_public(self) -> bool:
        """Seen by anyone (its page, published documents) once it is no longer a draft."""
        return self.status != ConsultationStatus.DRAFT

    def can_move_to(self, status: ConsultationStatus) -> bool:
        return status == self.status or status in self.TRANSITIONS[self.status]

    def move_to(self, status: ConsultationStatus) -> None:
        if not self.can_move_to(status):
            raise InvalidTransition(f"{self.status.value} → {status.value}")
        self.status = status

    @property
    def method_labels(self) -> list[str]:
        """The forms of consultation the announcement names, as words."""
        known = {m.value for m in ConsultationMethod}
        return [str(ConsultationMethod(m).label) for m in self.methods or () if m in known]

    def accepts_submissions(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        if self.status != ConsultationStatus.OPEN:
            return False
        if self.submissions_open_at and now < self.submissions_open_at:
            return False
        if self.submissions_close_at and now >= self.submissions_close_at:
            return False
        return True

    def __repr__(self) -> str:
        return f"<Consultation {self.slug}>"


class Plane(db.Model):
    """A cooperation plane of the consultation's model (1. Tworzenie polityk publicznych …)."""

    __tablename__ = "plane"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(300))

    consultation: Mapped[Consultation] = relationship(back_populates="planes")

    def __repr__(self) -> str:
        return f"<Plane {self.number}>"


class Priority(db.Model):
    """A priority of the strategy document the consultation concerns (I.1.1 …)."""

    __tablename__ = "priority"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(codes.MAX_LENGTH))
    title: Mapped[str] = mapped_column(sa.String(500))

    consultation: Mapped[Consultation] = relationship(back_populates="priorities")

    @validates("code")
    def _validate_code(self, _key: str, value: str) -> str:
        value = codes.normalise(value)
        codes.parse(value)  # raises InvalidCode
        return value

    @property
    def sort_key(self) -> tuple[int, ...]:
        return codes.sort_key(self.code)

    @property
    def parent_code(self) -> str | None:
        return codes.parent_code(self.code)

    @property
    def parent(self) -> Priority | None:
        """The priority one level up, when the consultation has it."""
        wanted = self.parent_code
        if wanted is None:
            return None
        return next((p for p in self.consultation.priorities if p.code == wanted), None)

    @property
    def depth(self) -> int:
        return codes.depth(self.code)

    def __repr__(self) -> str:
        return f"<Priority {self.code}>"


class ConsultationDocument(db.Model):
    """A document the consultation is about (the draft programme, an annex), uploaded by staff
    as PDF or DOCX and offered on the public page. Removing one hides it (deleted_at)."""

    __tablename__ = "consultation_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consultation: Mapped[Consultation] = relationship(back_populates="documents")

    @property
    def format(self) -> str:
        return self.file_name.rsplit(".", 1)[-1].upper()
