"""One e-mail of the outbox, from the moment it is written until it is sent or given up."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from consult.core.enums import MailKind, MailStatus, enum_column_type
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class OutgoingMail(db.Model):
    """An e-mail waiting, being sent, sent or given up.

    ``message`` is the whole message as it goes out (headers, body, attachments); it holds
    private links (a receipt's tracking link, a password reset), so it is emptied once the
    message is sent and is never shown: the status page names kind, recipient and subject.
    ``about_id`` is the row the mail is about (a submission, a registration, a reviewer, an
    account, a consultation: which one follows from ``kind``).
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        sa.Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
        sa.Index("ix_outgoing_mail_about", "kind", "about_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(enum_column_type(MailKind, "mail_kind"))
    about_id: Mapped[int | None] = mapped_column()
    consultation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(400))
    message: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    status: Mapped[MailStatus] = mapped_column(enum_column_type(MailStatus, "mail_status"),
                                               default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.kind} {self.status}>"
