"""State changes of summary documents: render jobs, publishing immutable versions.

A publication is made by a background job (:func:`start_job` → a runner → :func:`run_job`),
never inside a web request: rendering a consultation with thousands of entries takes many
seconds. Small drafts may be rendered in the request (HTML up to ``RENDER_INLINE_MAX_KB``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import cachetools
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from consult.auth.models import User
from consult.consultations.models import Consultation
from consult.core.enums import ConsultationStatus, JobKind, JobStatus, PublicationKind
from consult.core.models import parse_id, record_revision, utcnow
from consult.extensions import db
from consult.meetings.models import Entry, Meeting, Part, Section
from consult.reports import rendering
from consult.reports.models import Publication, RenderJob

log = logging.getLogger(__name__)

# A running job reports progress at least every page; silence this long means its process
# died (a restarted server, a killed worker). It is then shown as interrupted.
STALE_AFTER = timedelta(minutes=2)
DRAFTS_KEPT = timedelta(days=1)


# Series: everything published about one subject ----------------------------------------


def meeting_series(meeting: Meeting | int) -> str:
    return f"summary:meeting:{getattr(meeting, 'id', meeting)}"


def compilation_series(consultation: Consultation | int) -> str:
    return f"compilation:consultation:{getattr(consultation, 'id', consultation)}"


REPORT_FORMATS = ("pdf", *rendering.REPORT_EXPORTS)  # pdf, docx, csv, excel-csv (semicolons)


def report_series(consultation: Consultation | int, fmt: str = "pdf") -> str:
    """The report is published in every format of :data:`REPORT_FORMATS`, each a series; one
    publishing gives them all the same version number."""
    base = f"report:consultation:{getattr(consultation, 'id', consultation)}"
    return base if fmt == "pdf" else f"{base}:{fmt}"


def versions(series: str) -> list[Publication]:
    """Every version of a series, newest first (without their bytes)."""
    return list(db.session.scalars(
        sa.select(Publication).where(Publication.series == series)
        .order_by(Publication.version.desc())))


def latest(series: str) -> Publication | None:
    return db.session.scalars(
        sa.select(Publication).where(Publication.series == series)
        .order_by(Publication.version.desc()).limit(1)).first()


@dataclass(frozen=True)
class PublishedFile:
    """A published version as its download needs it (a version never changes), and whether
    its consultation is public now (that may change)."""

    id: int
    file_name: str
    media_type: str
    sha256: str
    published_at: datetime
    public: bool

    def content(self) -> bytes:
        """The bytes: from this process's memory once it has served them, by their sha256
        (the same sha256 is the same bytes, whatever the database holds), up to
        PUBLICATION_CACHE_MB per process, the least recently used going first."""
        cache = _content_cache()
        with _contents_lock:
            content = cache.get(self.sha256)
        if content is None:
            content = db.session.scalar(sa.select(Publication.content).where(Publication.id == self.id))
            if len(content) <= cache.maxsize:
                with _contents_lock:
                    cache[self.sha256] = content
        return content


_contents: cachetools.LRUCache | None = None
_contents_lock = threading.Lock()

_DOWNLOAD = (sa.select(Publication.id, Publication.file_name, Publication.media_type,
                       Publication.sha256, Publication.published_at,
                       (Consultation.status != ConsultationStatus.DRAFT).label("public"))
             .join(Consultation, Consultation.id == Publication.consultation_id))


def _content_cache() -> cachetools.LRUCache:
    global _contents
    if _contents is None:
        size = int(current_app.config["PUBLICATION_CACHE_MB"]) * 1_000_000
        _contents = cachetools.LRUCache(maxsize=max(size, 1), getsizeof=len)
    return _contents


def _published(query) -> PublishedFile | None:
    row = db.session.execute(query).first()
    return PublishedFile(**row._mapping) if row is not None else None


def published_file(publication_id: int) -> PublishedFile | None:
    """A published version to download: one small query (no bytes; they are read only when
    sent, see :meth:`PublishedFile.content`)."""
    if parse_id(publication_id) is None:
        return None
    return _published(_DOWNLOAD.where(Publication.id == publication_id))


def latest_file(series: str) -> PublishedFile | None:
    """The newest version of a series, as :func:`published_file` gives it."""
    return _published(_DOWNLOAD.where(Publication.series == series)
                      .order_by(Publication.version.desc()).limit(1))


def consultation_publications(consultation_ids: list[int] | None = None) -> list[Publication]:
    """Publications of these consultations (all when None), without bytes, in one query."""
    query = sa.select(Publication).order_by(Publication.series, Publication.version.desc())
    if consultation_ids is not None:
        query = query.where(Publication.consultation_id.in_(consultation_ids))
    return list(db.session.scalars(query))


@dataclass
class Documents:
    """What the meeting or consultation page shows about its published versions."""

    versions: list[Publication]
    changed: bool  # the document as it would be rendered now differs from the latest version

    @property
    def latest(self) -> Publication | None:
        return self.versions[0] if self.versions else None


def meeting_documents(meeting: Meeting, tree=None) -> Documents:
    """``tree``: the meeting page's summary tree, not built twice."""
    found = versions(meeting_series(meeting))
    changed = bool(found) and found[0].source_sha256 != rendering.source_sha256(
        rendering.summary_html(meeting, for_pdf=True, tree=tree))
    return Documents(found, changed)


def compilation_documents(consultation: Consultation) -> Documents:
    found = versions(compilation_series(consultation))
    return Documents(found, False)


def report_documents(consultation: Consultation) -> dict[str, list[Publication]]:
    """The report's published versions by format (:data:`REPORT_FORMATS`, in that order),
    newest first."""
    return {fmt: versions(report_series(consultation, fmt)) for fmt in REPORT_FORMATS}


# How much there is to render -------------------------------------------------------------


def entry_count(*, meeting: Meeting | None = None, consultation: Consultation | None = None) -> int:
    query = (sa.select(sa.func.count(Entry.id)).join(Section, Entry.section_id == Section.id)
             .join(Part, Section.part_id == Part.id).where(Entry.deleted_at.is_(None)))
    if meeting is not None:
        query = query.where(Part.meeting_id == meeting.id)
    else:
        query = query.join(Meeting, Part.meeting_id == Meeting.id).where(
            Meeting.consultation_id == consultation.id)
    return db.session.scalar(query) or 0


# Jobs ----------------------------------------------------------------------------------------


def is_stalled(job: RenderJob) -> bool:
    """A job whose process stopped reporting: it will not finish."""
    if job.finished:
        return False
    now = utcnow()
    if job.status == JobStatus.RUNNING:
        return (job.heartbeat_at or job.started_at or job.created_at) < now - STALE_AFTER
    # Queued in a process's own thread: that process runs it within moments, or has died.
    return job.runner == "inprocess" and job.created_at < now - STALE_AFTER


def start_job(kind: JobKind, user: User | None, *, meeting: Meeting | None = None,
              consultation: Consultation | None = None, file_format: str = "pdf") -> RenderJob:
    """Queue a render of a meeting summary or of a consultation's compilation.

    A job of the same kind for the same subject that has not started yet is reused (it
    will read the data when it starts): a double click makes one version, not two.
    """
    from consult.reports import jobs

    consultation = meeting.consultation if meeting is not None else consultation
    same_subject = (RenderJob.meeting_id == meeting.id) if meeting is not None \
        else RenderJob.meeting_id.is_(None)
    waiting = db.session.scalars(
        sa.select(RenderJob).where(
            RenderJob.kind == kind, RenderJob.consultation_id == consultation.id, same_subject,
            RenderJob.status == JobStatus.QUEUED, RenderJob.file_format == file_format,
        ).order_by(RenderJob.id.desc())).first()
    if waiting is not None and not is_stalled(waiting):
        return waiting
    job = queue_job(kind, user, meeting=meeting, consultation=consultation,
                    runner=jobs.runner_name(), file_format=file_format)
    job.runner = jobs.submit(job.id)
    db.session.commit()
    return job


def queue_job(kind: JobKind, user: User | None, *, runner: str, meeting: Meeting | None = None,
              consultation: Consultation | None = None, file_format: str = "pdf") -> RenderJob:
    """Record a job waiting to run (committed: the runner reads it from another session)."""
    consultation = meeting.consultation if meeting is not None else consultation
    _forget_old_drafts()
    job = RenderJob(kind=kind, consultation=consultation, meeting=meeting,
                    requested_by_id=getattr(user, "id", None), runner=runner, file_format=file_format,
                    status=JobStatus.QUEUED, step="queued", page=0, pages_estimate=1, progress=0)
    db.session.add(job)
    db.session.commit()
    return job


def render_now(kind: JobKind, user: User | None, *, runner: str, meeting: Meeting | None = None,
               consultation: Consultation | None = None) -> RenderJob:
    """Run a job in this process and wait for it (command line, demo data)."""
    job = queue_job(kind, user, runner=runner, meeting=meeting, consultation=consultation)
    run_job(job.id)
    db.session.expire_all()
    return db.session.get(RenderJob, job.id)


def _forget_old_drafts() -> None:
    db.session.execute(
        sa.update(RenderJob)
        .where(RenderJob.result.is_not(None), RenderJob.finished_at < utcnow() - DRAFTS_KEPT)
        .values(result=None).execution_options(synchronize_session=False))


# Progress: percent of the whole job for each step of WeasyPrint.
_STEP_PERCENT = {"queued": 0, "loading": 2, "html": 5, "css": 7, "structure": 9,
                 "layout": 10, "pdf": 88, "metadata": 93, "storing": 96, "done": 100}


class _ProgressWriter:
    """Stores a job's progress in short transactions of their own (throttled)."""

    def __init__(self, job_id: int, pages_estimate: int):
        self.job_id = job_id
        self.estimate = pages_estimate
        self.last_step = None
        self.last_write = 0.0

    def __call__(self, step: str, page: int = 0) -> None:
        now = time.monotonic()
        if step == self.last_step and now - self.last_write < 0.25:
            return
        percent = _STEP_PERCENT.get(step, 10)
        if step == "layout" and page:
            percent = 10 + int(75 * min(page / self.estimate, 0.97))
        self.last_step, self.last_write = step, now
        with db.engine.begin() as conn:
            conn.execute(sa.update(RenderJob).where(RenderJob.id == self.job_id).values(
                step=step, page=page, progress=percent, heartbeat_at=utcnow()))


def run_job(job_id: int) -> None:
    """Render, and publish or keep the draft. Runs in a worker's application context.

    The job is claimed atomically (queued → running), so a job delivered twice runs once.
    Whatever goes wrong is stored on the job for the waiting page; nothing half-made is kept.
    """
    claimed = db.session.execute(
        sa.update(RenderJob)
        .where(RenderJob.id == job_id, RenderJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(),
                step="loading", progress=_STEP_PERCENT["loading"])
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        log.info("render job %s is not waiting any more; skipped", job_id)
        return
    job = db.session.get(RenderJob, job_id)
    if job.file_format != "pdf":
        return _run_export_job(job)
    try:
        with current_app.test_request_context():
            if job.kind == JobKind.PUBLISH_REPORT:  # the DOCX and CSV go out with the PDF
                html, other_formats = rendering.report_files(job.consultation)
            else:
                html, other_formats = _job_html(job), {}
        estimate = rendering.estimate_pages(html)
        db.session.execute(sa.update(RenderJob).where(RenderJob.id == job_id)
                           .values(pages_estimate=estimate)
                           .execution_options(synchronize_session=False))
        # End the reading transaction before the long render: SQLite could not turn a
        # reading transaction started before other writes into a writing one.
        db.session.commit()
        progress = _ProgressWriter(job_id, estimate)
        pdf = rendering.render_job_pdf(html, progress)
        progress("storing")
        job = db.session.get(RenderJob, job_id)
        user = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
        if job.kind.publishes:
            files = {"pdf": (pdf.content, pdf.pages),
                     **{fmt: (content, None) for fmt, content in other_formats.items()}}
            job.publication = publish(job, files, rendering.source_sha256(html), user)
        else:
            job.result = pdf.content
            job.result_name = _file_name(job)
        job.status, job.step, job.progress = JobStatus.DONE, "done", 100
        job.page = pdf.pages
        job.finished_at = job.heartbeat_at = utcnow()
        db.session.commit()
    except Exception as exc:
        # Whatever stopped it, the job says so (the page explains: too long, too much
        # memory, or a failure) and nothing half-made is kept.
        reason = exc.reason if isinstance(exc, rendering.RenderLimitError) else "failed"
        if reason == "failed":
            log.exception("render job %s failed", job_id)
        else:
            log.warning("render job %s stopped at its %s limit: %s", job_id, reason, exc)
        _fail(job_id, reason)


def _fail(job_id: int, reason: str) -> None:
    """The job ends as failed, with why ("time", "memory" or "failed": the page explains);
    whatever it had half made is rolled back."""
    db.session.rollback()
    db.session.execute(
        sa.update(RenderJob).where(RenderJob.id == job_id).values(
            status=JobStatus.FAILED, finished_at=utcnow(), error=reason)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _run_export_job(job: RenderJob) -> None:
    """A draft of the report's table as DOCX or CSV, too large to be made in its request."""
    job_id = job.id
    try:
        with current_app.test_request_context():
            content = rendering.report_export(job.consultation, job.file_format)
            name = rendering.report_file_name(job.consultation, fmt=job.file_format)
        job = db.session.get(RenderJob, job_id)
        job.result, job.result_name = content, name
        job.status, job.step, job.progress, job.page = JobStatus.DONE, "done", 100, 0
        job.finished_at = job.heartbeat_at = utcnow()
        db.session.commit()
    except Exception:
        log.exception("export job %s failed", job_id)
        _fail(job_id, "failed")


def _job_html(job: RenderJob) -> str:
    document = job.kind.document
    if document == PublicationKind.COMPILATION:
        return rendering.compilation_html(job.consultation, for_pdf=True)
    if document == PublicationKind.REPORT:
        return rendering.report_html(job.consultation, for_pdf=True)
    return rendering.summary_html(job.meeting, for_pdf=True)


def _file_name(job: RenderJob, version: int | None = None, fmt: str = "pdf") -> str:
    document = job.kind.document
    if document == PublicationKind.COMPILATION:
        return rendering.compilation_file_name(job.consultation, version)
    if document == PublicationKind.REPORT:
        return rendering.report_file_name(job.consultation, version, fmt)
    return rendering.summary_file_name(job.meeting, version)


def _series(job: RenderJob, fmt: str = "pdf") -> str:
    document = job.kind.document
    if document == PublicationKind.COMPILATION:
        return compilation_series(job.consultation_id)
    if document == PublicationKind.REPORT:
        return report_series(job.consultation_id, fmt)
    return meeting_series(job.meeting_id)


def _title(job: RenderJob) -> str:
    document = job.kind.document
    if document == PublicationKind.COMPILATION:
        return rendering.compilation_title(job.consultation)
    if document == PublicationKind.REPORT:
        return rendering.report_title(job.consultation)
    return rendering.summary_title(job.meeting)


# Publishing ------------------------------------------------------------------------------

MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "csv": "text/csv; charset=utf-8", "excel-csv": "text/csv; charset=utf-8"}


def publish(job: RenderJob, files: dict[str, tuple[bytes, int | None]], source_sha256: str,
            user: User | None) -> Publication:
    """Store the rendered files as the next version of their series (flushed, not committed);
    returns the PDF's publication. ``files`` maps a format to (bytes, pages).

    Two publications at the same moment cannot take the same number: the unique (series,
    version) constraint refuses the second, which retries with the next.
    """
    import hashlib

    kind, title = job.kind.document, _title(job)
    for attempt in range(5):
        version = (db.session.scalar(
            sa.select(sa.func.max(Publication.version)).where(Publication.series == _series(job)))
            or 0) + 1
        made = [Publication(
            series=_series(job, fmt), version=version, kind=kind, consultation_id=job.consultation_id,
            meeting_id=job.meeting_id, title=title, file_name=_file_name(job, version, fmt),
            media_type=MEDIA_TYPES[fmt], content=content, size=len(content),
            sha256=hashlib.sha256(content).hexdigest(), pages=pages, source_sha256=source_sha256,
            published_at=utcnow(), published_by_id=getattr(user, "id", None),
            published_by_name=getattr(user, "name", None)) for fmt, (content, pages) in files.items()]
        try:
            with db.session.begin_nested():
                db.session.add_all(made)
        except IntegrityError:
            if attempt == 4:
                raise
            continue
        for publication in made:
            record_revision(publication, "publish", user, None, {
                "series": publication.series, "version": version, "sha256": publication.sha256,
                "size": publication.size, "file_name": publication.file_name})
        return made[0]
    raise AssertionError("unreachable")
