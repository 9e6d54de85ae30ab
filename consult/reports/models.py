"""Published documents (immutable, versioned) and the background jobs that render them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from consult.core.enums import JobStatus, enum_column_type
from consult.core.models import UTCDateTime, utcnow
from consult.extensions import db


class ImmutablePublication(Exception):
    """A published version is never changed or deleted; publish a new version instead."""


class Publication(db.Model):
    """One published version of a document: the PDF bytes exactly as they were served.

    A *series* is everything published about one subject in one format ("summary:meeting:12",
    "report:consultation:3:docx"; consult.reports.kinds); versions count 1, 2, 3 … within it.
    Rows are written once and never changed (enforced below); downloads serve ``content`` as
    stored.
    """

    __tablename__ = "publication"
    __table_args__ = (sa.UniqueConstraint("series", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(sa.String(80))  # indexed by the unique (series, version)
    version: Mapped[int] = mapped_column()
    # The document kind's key (consult.reports.kinds): "summary", "compilation", "report".
    kind: Mapped[str] = mapped_column(sa.String(30))
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="RESTRICT"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(sa.String(600))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100), default="application/pdf")
    # Never loaded with the row: lists of publications must not pull megabytes.
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    pages: Mapped[int | None] = mapped_column()
    # sha256 of the HTML the PDF was made from: tells whether the subject changed since.
    source_sha256: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The name as it was when publishing (accounts may be renamed later).
    published_by_name: Mapped[str | None] = mapped_column(sa.String(200))

    consultation = relationship("Consultation")
    meeting = relationship("Meeting")

    def __repr__(self) -> str:
        return f"<Publication {self.series} v{self.version}>"


@event.listens_for(Publication, "before_update")
def _refuse_update(_mapper, _connection, target: Publication) -> None:
    raise ImmutablePublication(f"{target!r} is published and cannot change")


@event.listens_for(Publication, "before_delete")
def _refuse_delete(_mapper, _connection, target: Publication) -> None:
    raise ImmutablePublication(f"{target!r} is published and cannot be deleted")


class RenderJob(db.Model):
    """A document rendered outside web requests, with its progress for the page that waits.

    The state lives in the database, so any web worker can show it, whichever runner
    (in-process thread or RQ worker) does the work.
    """

    __tablename__ = "render_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it renders: a document kind's key (consult.reports.kinds), and whether it
    # publishes the next version (else it makes a draft, kept for a while).
    document: Mapped[str] = mapped_column(sa.String(30))
    publishes: Mapped[bool] = mapped_column(default=False)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    runner: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[JobStatus] = mapped_column(
        enum_column_type(JobStatus, "job_status"), default=JobStatus.QUEUED)
    # What WeasyPrint is doing: a step code, and the page being laid out of an estimate.
    step: Mapped[str] = mapped_column(sa.String(20), default="queued")
    page: Mapped[int] = mapped_column(default=0)
    pages_estimate: Mapped[int] = mapped_column(default=1)
    progress: Mapped[int] = mapped_column(default=0)  # 0–100
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publication_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("publication.id", ondelete="SET NULL"))
    # Drafts keep their PDF here for a while (publications keep theirs in Publication).
    result: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    # The file a draft job makes: "pdf", or another of its kind's formats (the report's
    # table as "docx", "csv", "excel-csv").
    file_format: Mapped[str] = mapped_column(sa.String(10), default="pdf", server_default="pdf")

    consultation = relationship("Consultation")
    meeting = relationship("Meeting")
    publication = relationship("Publication")

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def __repr__(self) -> str:
        return f"<RenderJob {self.id} {self.document}{' publish' if self.publishes else ''} {self.status.value}>"
