"""The life of a render job: queued, claimed, rendered (PDF in a limited child process),
then kept as a draft or published as the next version; its progress for the page that waits.

A job is never run inside a web request: rendering a consultation with thousands of entries
takes many seconds. Small drafts are rendered in the request instead (HTML up to
``RENDER_INLINE_MAX_KB``, :func:`consult.reports.rendering.renders_inline`). The job hands
itself to a runner (:mod:`consult.core.runners`) and, when it publishes, to
:mod:`consult.reports.publishing`; neither of those depends on this module.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import sqlalchemy as sa

from consult.auth.models import User
from consult.core import runners
from consult.core.enums import JobStatus
from consult.core.models import utcnow
from consult.core.urls import background_context
from consult.extensions import db
from consult.reports import catalogue, rendering
from consult.reports.kinds import DocumentKind
from consult.reports.models import RenderJob
from consult.reports.publishing import publish

log = logging.getLogger(__name__)

# A running job reports progress at least every page; silence this long means its process
# died (a restarted server, a killed worker). It is then shown as interrupted.
STALE_AFTER = timedelta(minutes=2)
DRAFTS_KEPT = timedelta(days=1)


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


def start_job(kind: DocumentKind, subject, user: User | None, *, publishes: bool = False,
              file_format: str = "pdf") -> RenderJob:
    """Queue a draft (or, ``publishes``, the next published version) of a document.

    A job of the same kind for the same subject that has not started yet is reused (it
    will read the data when it starts): a double click makes one version, not two.
    """
    columns = kind.columns(subject)
    same_subject = RenderJob.meeting_id == columns["meeting_id"] if columns["meeting_id"] \
        else RenderJob.meeting_id.is_(None)
    waiting = db.session.scalars(
        sa.select(RenderJob).where(
            RenderJob.document == kind.key, RenderJob.publishes.is_(publishes),
            RenderJob.consultation_id == columns["consultation_id"], same_subject,
            RenderJob.status == JobStatus.QUEUED, RenderJob.file_format == file_format,
        ).order_by(RenderJob.id.desc())).first()
    if waiting is not None and not is_stalled(waiting):
        return waiting
    job = queue_job(kind, subject, user, publishes=publishes, runner=runners.runner_name(),
                    file_format=file_format)
    job.runner = runners.submit(run_job, job.id)
    db.session.commit()
    return job


def queue_job(kind: DocumentKind, subject, user: User | None, *, runner: str,
              publishes: bool = False, file_format: str = "pdf") -> RenderJob:
    """Record a job waiting to run (committed: the runner reads it from another session)."""
    if file_format not in kind.formats or (publishes and file_format != "pdf"):
        raise ValueError(f"{kind.key} is not made as {file_format}")
    _forget_old_drafts()
    job = RenderJob(document=kind.key, publishes=publishes, **kind.columns(subject),
                    requested_by_id=getattr(user, "id", None), runner=runner, file_format=file_format,
                    status=JobStatus.QUEUED, step="queued", page=0, pages_estimate=1, progress=0)
    db.session.add(job)
    db.session.commit()
    return job


def render_now(kind: DocumentKind, subject, user: User | None, *, runner: str,
               publishes: bool = False) -> RenderJob:
    """Run a job in this process and wait for it (command line, demo data)."""
    job = queue_job(kind, subject, user, publishes=publishes, runner=runner)
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
    kind = catalogue.get(job.document)
    if job.file_format != "pdf":
        return _run_export_job(kind, job)
    try:
        with background_context():
            subject = kind.subject_of(job)
            if job.publishes:  # every format goes out with the PDF, under its number
                publisher = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
                html, other_formats = kind.files(subject, publisher)
            else:
                html, other_formats = kind.html(subject, for_pdf=True), {}
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
        if job.publishes:
            files = {"pdf": (pdf.content, pdf.pages),
                     **{fmt: (content, None) for fmt, content in other_formats.items()}}
            job.publication = publish(kind, kind.subject_of(job), files,
                                      rendering.source_sha256(html), user)
        else:
            job.result = pdf.content
            job.result_name = kind.file_name(kind.subject_of(job))
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


def _run_export_job(kind: DocumentKind, job: RenderJob) -> None:
    """A draft in a format other than PDF (the report's table as DOCX or CSV), too large to
    be made in its request."""
    job_id = job.id
    try:
        with background_context():
            subject = kind.subject_of(job)
            content = kind.export(subject, job.file_format, kind.data(subject))
            name = kind.file_name(subject, fmt=job.file_format)
        job = db.session.get(RenderJob, job_id)
        job.result, job.result_name = content, name
        job.status, job.step, job.progress, job.page = JobStatus.DONE, "done", 100, 0
        job.finished_at = job.heartbeat_at = utcnow()
        db.session.commit()
    except Exception:
        log.exception("export job %s failed", job_id)
        _fail(job_id, "failed")
